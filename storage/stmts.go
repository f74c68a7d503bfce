package storage

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// stmtCache keeps statements prepared: compiling a statement can cost
// more than running it (SQLite compiles a new appeal's 47-column insert in
// about as long as it runs it; PostgreSQL parses and plans each statement
// sent unprepared), and the write path runs the same few over and over.
// database/sql prepares a kept statement once on each connection that runs
// it and keeps it there.
//
// A statement is prepared on a connection of the pool, so never while the
// caller holds a transaction: waiting for a free connection while the
// others wait on that transaction's locks would wait for ever. Inside a
// transaction the cache only hands out statements prepared already (the
// transaction's own connection prepares its copy) and notes the ones it
// lacked; inTx prepares those after the transaction ends.
type stmtCache struct {
	db   *sqlx.DB
	mu   sync.Mutex
	m    map[string]*sqlx.Stmt
	want map[string]struct{}
}

// maxCachedStmts bounds the statements kept: multi-row statements differ
// by their number of rows, so their texts are many but few are common.
const maxCachedStmts = 256

// prepared returns query (bound already) prepared, preparing it now if
// need be: only outside a transaction. nil when the cache is full or
// preparing failed (the caller runs the statement unprepared, which
// reports any error).
func (c *stmtCache) prepared(ctx context.Context, query string) *sqlx.Stmt {
	if st, ok := c.lookup(query, false); ok || st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.prepareLocked(ctx, query)
}

// lookup returns query prepared if it is kept; when it is not and note is
// set, it notes it to prepare later (see fill).
func (c *stmtCache) lookup(query string, note bool) (*sqlx.Stmt, bool) {
	if c == nil || c.db == nil {
		return nil, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st, true
	}
	if len(c.m)+len(c.want) >= maxCachedStmts {
		return nil, true
	}
	if note {
		if c.want == nil {
			c.want = map[string]struct{}{}
		}
		c.want[query] = struct{}{}
	}
	return nil, false
}

func (c *stmtCache) prepareLocked(ctx context.Context, query string) *sqlx.Stmt {
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m) >= maxCachedStmts {
		return nil
	}
	st, err := c.db.PreparexContext(ctx, query)
	if err != nil {
		return nil
	}
	if c.m == nil {
		c.m = map[string]*sqlx.Stmt{}
	}
	c.m[query] = st
	return st
}

// fill prepares the statements transactions lacked. Call it holding no
// transaction.
func (c *stmtCache) fill(ctx context.Context) {
	if c == nil || c.db == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q := range c.want {
		c.prepareLocked(ctx, q)
		delete(c.want, q)
	}
}

// close closes the kept statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		_ = st.Close()
	}
	c.m, c.want = nil, nil
}

// txq runs the statements of one transaction, prepared where the store
// keeps them. Queries are written with '?' and bound for the driver here.
type txq struct {
	ctx context.Context
	tx  *sqlx.Tx
	c   *stmtCache
}

// q returns the statement runner of tx.
func (s *Store) q(ctx context.Context, tx *sqlx.Tx) txq { return txq{ctx, tx, &s.stmts} }

func (q txq) stmt(query string) (*sqlx.Stmt, string) {
	query = q.tx.Rebind(query)
	if st, _ := q.c.lookup(query, true); st != nil {
		return q.tx.StmtxContext(q.ctx, st), query
	}
	return nil, query
}

func (q txq) exec(query string, args ...any) error {
	st, query := q.stmt(query)
	var err error
	if st != nil {
		_, err = st.ExecContext(q.ctx, args...)
	} else {
		_, err = q.tx.ExecContext(q.ctx, query, args...)
	}
	return err
}

func (q txq) get(dest any, query string, args ...any) error {
	st, query := q.stmt(query)
	if st != nil {
		return st.GetContext(q.ctx, dest, args...)
	}
	return q.tx.GetContext(q.ctx, dest, query, args...)
}

func (q txq) sel(dest any, query string, args ...any) error {
	st, query := q.stmt(query)
	if st != nil {
		return st.SelectContext(q.ctx, dest, args...)
	}
	return q.tx.SelectContext(q.ctx, dest, query, args...)
}

func (q txq) queryx(query string, args ...any) (*sqlx.Rows, error) {
	st, query := q.stmt(query)
	if st != nil {
		return st.QueryxContext(q.ctx, args...)
	}
	return q.tx.QueryxContext(q.ctx, query, args...)
}
