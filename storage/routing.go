package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

type ruleRow struct {
	Position   int    `db:"position"`
	Name       string `db:"name"`
	Category   string `db:"category"`
	Keywords   string `db:"keywords"`
	Location   string `db:"location"`
	Department string `db:"department_code"`
}

// Routes returns the routing catalogue in order.
func (s *Store) Routes(ctx context.Context) ([]appeal.Rule, error) {
	rules, err := routes(ctx, s.db)
	if err != nil {
		return nil, fail("routes", err)
	}
	return rules, nil
}

func routes(ctx context.Context, q sqlx.QueryerContext) ([]appeal.Rule, error) {
	var rows []ruleRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT position, name, category, keywords, location, department_code
		FROM routing_rules ORDER BY position`); err != nil {
		return nil, err
	}
	out := make([]appeal.Rule, 0, len(rows))
	for _, r := range rows {
		rule := appeal.Rule{Name: r.Name, Category: r.Category, Location: r.Location, Department: r.Department}
		if err := json.Unmarshal([]byte(r.Keywords), &rule.Keywords); err != nil {
			return nil, err
		}
		out = append(out, rule)
	}
	return out, nil
}

// ReplaceRoutes replaces the whole catalogue with rules in one transaction.
func (s *Store) ReplaceRoutes(ctx context.Context, rules []appeal.Rule) error {
	return s.UpdateRoutes(ctx, func([]appeal.Rule) ([]appeal.Rule, error) { return rules, nil })
}

// UpdateRoutes reads the catalogue, calls fn with it and stores what fn
// returns in its place, all in one transaction that no other change of the
// catalogue interleaves with. An error from fn rolls back and is returned
// as it is. fn must not use the store.
func (s *Store) UpdateRoutes(ctx context.Context, fn func([]appeal.Rule) ([]appeal.Rule, error)) error {
	var fnErr error
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if s.driver == Postgres {
			// Two edits at once would each read the old catalogue and
			// the second would undo the first.
			if _, err := tx.ExecContext(ctx, `LOCK TABLE routing_rules IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return err
			}
		}
		cur, err := routes(ctx, tx)
		if err != nil {
			return err
		}
		next, err := fn(cur)
		if err != nil {
			fnErr = err
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM routing_rules`); err != nil {
			return err
		}
		for i, r := range next {
			kw := r.Keywords
			if kw == nil {
				kw = []string{}
			}
			b, err := json.Marshal(kw)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO routing_rules
				(position, name, category, keywords, location, department_code) VALUES (?, ?, ?, ?, ?, ?)`),
				i+1, r.Name, r.Category, string(b), r.Location, r.Department); err != nil {
				return err
			}
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fail("replace routes", err)
	}
	return nil
}

// RoutingMark is a figure of the router's training data that grows as it
// grows: the answers, returns and transfers recorded and the examples
// imported. The trainer retrains when it has grown enough.
func (s *Store) RoutingMark(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.GetContext(ctx, &n, `SELECT
		(SELECT COUNT(*) FROM appeal_events WHERE kind IN ('answered', 'returned', 'transferred')) +
		(SELECT COUNT(*) FROM routing_examples)`)
	if err != nil {
		return 0, fail("routing mark", err)
	}
	return n, nil
}

// RoutingHistory returns the texts of the newest limit appeals that were
// answered, each labelled with appeal.RoutingLabel of its event log;
// appeals without a label are left out.
func (s *Store) RoutingHistory(ctx context.Context, limit int) ([]appeal.RoutingExample, error) {
	type row struct {
		ID         int64  `db:"id"`
		Title      string `db:"title"`
		Body       string `db:"body"`
		Category   string `db:"category"`
		Location   string `db:"location"`
		Kind       string `db:"kind"`
		Department string `db:"department_code"`
	}
	var rows []row
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT a.id, a.title, a.body, a.category, a.location,
			e.kind, e.department_code
		FROM (SELECT DISTINCT appeal_id FROM appeal_events WHERE kind = 'answered'
			ORDER BY appeal_id DESC LIMIT ?) l
		JOIN appeals a ON a.id = l.appeal_id
		JOIN appeal_events e ON e.appeal_id = a.id
		ORDER BY a.id, e.id`), limit)
	if err != nil {
		return nil, fail("routing history", err)
	}
	var out []appeal.RoutingExample
	for i := 0; i < len(rows); {
		j := i
		var events []appeal.Event
		for ; j < len(rows) && rows[j].ID == rows[i].ID; j++ {
			events = append(events, appeal.Event{Kind: appeal.EventKind(rows[j].Kind), Department: rows[j].Department})
		}
		if label := appeal.RoutingLabel(events); label != "" {
			r := rows[i]
			out = append(out, appeal.RoutingExample{Title: r.Title, Body: r.Body, Category: r.Category,
				Location: r.Location, Department: label})
		}
		i = j
	}
	return out, nil
}

// AddRoutingExamples stores examples for the router in one transaction.
func (s *Store) AddRoutingExamples(ctx context.Context, ex []appeal.RoutingExample, at time.Time) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, e := range ex {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO routing_examples
				(title, body, category, location, department_code, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
				e.Title, e.Body, e.Category, e.Location, e.Department, tm(at)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fail("add routing examples", err)
	}
	return nil
}

// RoutingExamples returns the newest limit imported examples.
func (s *Store) RoutingExamples(ctx context.Context, limit int) ([]appeal.RoutingExample, error) {
	var rows []struct {
		Title      string `db:"title"`
		Body       string `db:"body"`
		Category   string `db:"category"`
		Location   string `db:"location"`
		Department string `db:"department_code"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT title, body, category, location, department_code
		FROM routing_examples ORDER BY id DESC LIMIT ?`), limit); err != nil {
		return nil, fail("routing examples", err)
	}
	out := make([]appeal.RoutingExample, len(rows))
	for i, r := range rows {
		out[i] = appeal.RoutingExample{Title: r.Title, Body: r.Body, Category: r.Category, Location: r.Location, Department: r.Department}
	}
	return out, nil
}

// keepModels is how many versions of the router are kept: the newest, and
// a few before it for an instance still loading one.
const keepModels = 3

// SaveRouterModel stores a trained router as the newest version, drops
// all but the newest few, and returns its version.
func (s *Store) SaveRouterModel(ctx context.Context, m appeal.RouterModel) (int64, error) {
	var version int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &version, tx.Rebind(`INSERT INTO routing_models (model, examples, mark, created_at)
			VALUES (?, ?, ?, ?) RETURNING version`), m.Data, m.Examples, fmt.Sprint(m.Mark), tm(m.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM routing_models WHERE version <= ?`), version-keepModels)
		return err
	})
	if err != nil {
		return 0, fail("save router model", err)
	}
	return version, nil
}

// LatestRouterModel returns the newest router if its version is above
// after; ok is false when there is none newer.
func (s *Store) LatestRouterModel(ctx context.Context, after int64) (m appeal.RouterModel, ok bool, err error) {
	var r struct {
		Version   int64  `db:"version"`
		Data      []byte `db:"model"`
		Examples  int    `db:"examples"`
		Mark      string `db:"mark"`
		CreatedAt dbTime `db:"created_at"`
	}
	err = s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT version, model, examples, mark, created_at
		FROM routing_models WHERE version > ? ORDER BY version DESC LIMIT 1`), after)
	if errors.Is(err, sql.ErrNoRows) {
		return appeal.RouterModel{}, false, nil
	}
	if err != nil {
		return appeal.RouterModel{}, false, fail("latest router model", err)
	}
	mark, _ := strconv.ParseInt(r.Mark, 10, 64)
	return appeal.RouterModel{Version: r.Version, Data: r.Data, Examples: r.Examples, Mark: mark, CreatedAt: r.CreatedAt.Time}, true, nil
}

// RecentOpen returns the texts (id, title, the first appeal.SimilarBody
// characters of the body, location, status, creation time) of the newest
// limit appeals created at or after since
// that are not closed, newest first; an index on created_at of the open
// appeals (migration 0020) keeps it a range read.
func (s *Store) RecentOpen(ctx context.Context, since time.Time, limit int) ([]appeal.Appeal, error) {
	var rows []struct {
		ID        int64  `db:"id"`
		Title     string `db:"title"`
		Body      string `db:"body"`
		Location  string `db:"location"`
		Status    string `db:"status"`
		CreatedAt dbTime `db:"created_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT id, title, SUBSTR(body, 1, ?) AS body, location, status, created_at
		FROM appeals WHERE created_at >= ? AND status <> 'closed' ORDER BY created_at DESC, id DESC LIMIT ?`),
		appeal.SimilarBody, tm(since), limit); err != nil {
		return nil, fail("recent open appeals", err)
	}
	out := make([]appeal.Appeal, len(rows))
	for i, r := range rows {
		out[i] = appeal.Appeal{ID: appeal.ID(r.ID), Title: r.Title, Body: r.Body, Location: r.Location,
			Status: appeal.Status(r.Status), CreatedAt: r.CreatedAt.Time}
	}
	return out, nil
}

// AutorouteCounts counts the assignments the learned router made in
// [from, to) and how many of them the department returned afterwards.
func (s *Store) AutorouteCounts(ctx context.Context, from, to time.Time) (routed, returned int, err error) {
	var r struct {
		Routed   int `db:"routed"`
		Returned int `db:"returned"`
	}
	err = s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT COUNT(*) AS routed,
			COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM appeal_events b WHERE b.appeal_id = e.appeal_id
				AND b.id > e.id AND b.kind = 'returned' AND b.department_code = e.department_code) THEN 1 ELSE 0 END), 0) AS returned
		FROM appeal_events e WHERE e.via = 'router' AND e.kind = 'assigned' AND e.at >= ? AND e.at < ?`), tm(from), tm(to))
	if err != nil {
		return 0, 0, fail("autoroute counts", err)
	}
	return r.Routed, r.Returned, nil
}
