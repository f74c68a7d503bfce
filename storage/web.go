package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

// The web view's login links and sessions. Their secrets are stored as
// SHA-256 hashes only.

func secretHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateWebLink stores a login link (its token hashed).
func (s *Store) CreateWebLink(ctx context.Context, l appeal.WebLink) error {
	if l.Token == "" {
		return fail("create web link", errors.New("empty token"))
	}
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO web_links (token_hash, member_id, created_at, expires_at)
		VALUES (?, ?, ?, ?)`), secretHash(l.Token), int64(l.Member), tm(l.CreatedAt), tm(l.ExpiresAt)); err != nil {
		return fail("create web link", err)
	}
	return nil
}

// RedeemWebLink uses the login link whose token is link at now and opens
// session sess for its member, in one transaction: a link opens one
// session, whichever instance is asked first. An unknown link is
// ErrNotFound, one used before appeal.ErrLinkUsed, one past its expiry
// appeal.ErrLinkExpired; none of them opens a session. The session is
// returned with its member.
func (s *Store) RedeemWebLink(ctx context.Context, link string, now time.Time, sess appeal.WebSession) (appeal.WebSession, error) {
	if sess.Token == "" {
		return appeal.WebSession{}, fail("redeem web link", errors.New("empty session token"))
	}
	h := secretHash(link)
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var r struct {
			Member  int64  `db:"member_id"`
			Expires dbTime `db:"expires_at"`
			Used    dbTime `db:"used_at"`
		}
		q := `SELECT member_id, expires_at, used_at FROM web_links WHERE token_hash = ?`
		if s.driver == Postgres {
			q += ` FOR UPDATE`
		}
		if err := tx.GetContext(ctx, &r, tx.Rebind(q), h); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		switch {
		case !r.Used.IsZero():
			return appeal.ErrLinkUsed
		case !now.Before(r.Expires.Time):
			return appeal.ErrLinkExpired
		}
		// The guard on used_at makes the use single even where the row
		// was not locked.
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE web_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`), tm(now), h)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return appeal.ErrLinkUsed
		}
		sess.Member = appeal.MemberID(r.Member)
		_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO web_sessions (token_hash, member_id, created_at, expires_at)
			VALUES (?, ?, ?, ?)`), secretHash(sess.Token), r.Member, tm(sess.CreatedAt), tm(sess.ExpiresAt))
		return err
	})
	if errors.Is(err, appeal.ErrLinkUsed) || errors.Is(err, appeal.ErrLinkExpired) {
		return appeal.WebSession{}, err
	}
	if err != nil {
		return appeal.WebSession{}, fail("redeem web link", err)
	}
	return sess, nil
}

// WebSession returns the session whose cookie value is token, if it holds
// at now; otherwise ErrNotFound.
func (s *Store) WebSession(ctx context.Context, token string, now time.Time) (appeal.WebSession, error) {
	var r struct {
		Member  int64  `db:"member_id"`
		Created dbTime `db:"created_at"`
		Expires dbTime `db:"expires_at"`
	}
	err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT member_id, created_at, expires_at FROM web_sessions
		WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?`), secretHash(token), tm(now))
	if err != nil {
		return appeal.WebSession{}, fail("web session", err)
	}
	return appeal.WebSession{Token: token, Member: appeal.MemberID(r.Member), CreatedAt: r.Created.Time, ExpiresAt: r.Expires.Time}, nil
}

// EndWebSession ends the session whose cookie value is token.
func (s *Store) EndWebSession(ctx context.Context, token string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE web_sessions SET revoked_at = ?
		WHERE token_hash = ? AND revoked_at IS NULL`), tm(at), secretHash(token)); err != nil {
		return fail("end web session", err)
	}
	return nil
}

// EndWebSessions ends every session of member, and voids the login links
// sent to them that were not used yet; it returns how many sessions held.
func (s *Store) EndWebSessions(ctx context.Context, member appeal.MemberID, at time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE web_sessions SET revoked_at = ?
			WHERE member_id = ? AND revoked_at IS NULL AND expires_at > ?`), tm(at), int64(member), tm(at))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE web_links SET used_at = ?
			WHERE member_id = ? AND used_at IS NULL`), tm(at), int64(member))
		return err
	})
	if err != nil {
		return 0, fail("end web sessions", err)
	}
	return n, nil
}

// PruneWeb deletes the links and sessions that ended before before.
func (s *Store) PruneWeb(ctx context.Context, before time.Time) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM web_links WHERE expires_at < ?`), tm(before)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM web_sessions WHERE expires_at < ?`), tm(before))
		return err
	})
	if err != nil {
		return fail("prune web", err)
	}
	return nil
}

// AppealBreakdown counts the appeals received in [from, to) by category
// and by source, most first; departments, when not nil, limits the count
// to the appeals those departments hold now. One pass over the period's
// appeals gives both: it costs what the month's appeals are (850,000 rows
// at ten million stored), so it is not read twice.
func (s *Store) AppealBreakdown(ctx context.Context, from, to time.Time, departments []string) (byCategory, bySource []appeal.Breakdown, err error) {
	if departments != nil && len(departments) == 0 {
		return nil, nil, nil
	}
	q := `SELECT category, source, COUNT(*) AS received,
		COALESCE(SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END), 0) AS closed
		FROM appeals WHERE received_at >= ? AND received_at < ?`
	args := []any{tm(from), tm(to)}
	if departments != nil {
		if q, args, err = sqlx.In(q+` AND department_code IN (?)`, append(args, departments)...); err != nil {
			return nil, nil, fail("appeal breakdown", err)
		}
	}
	var rows []struct {
		Category string `db:"category"`
		Source   string `db:"source"`
		Received int    `db:"received"`
		Closed   int    `db:"closed"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q+` GROUP BY category, source`), args...); err != nil {
		return nil, nil, fail("appeal breakdown", err)
	}
	cats, srcs := map[string]*appeal.Breakdown{}, map[string]*appeal.Breakdown{}
	add := func(m map[string]*appeal.Breakdown, k string, received, closed int) {
		b := m[k]
		if b == nil {
			b = &appeal.Breakdown{Key: k}
			m[k] = b
		}
		b.Received += received
		b.Closed += closed
	}
	for _, r := range rows {
		add(cats, r.Category, r.Received, r.Closed)
		add(srcs, r.Source, r.Received, r.Closed)
	}
	return breakdownList(cats), breakdownList(srcs), nil
}

// breakdownList is m most received first, then by key.
func breakdownList(m map[string]*appeal.Breakdown) []appeal.Breakdown {
	out := make([]appeal.Breakdown, 0, len(m))
	for _, b := range m {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b appeal.Breakdown) int {
		if a.Received != b.Received {
			return b.Received - a.Received
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}
