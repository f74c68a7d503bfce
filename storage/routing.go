package storage

import (
	"context"
	"encoding/json"

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
