package storage

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// stmtCache keeps the statements of the write path prepared, on SQLite:
// compiling a statement there costs more than running it (a new appeal's
// insert names 47 columns), and intake runs the same few statements over
// and over. database/sql prepares a cached statement once on each
// connection that runs it and keeps it there.
//
// PostgreSQL does without: preparing needs a connection of the pool while
// a transaction holds one, and one that waits for a free connection while
// others wait on its locks would wait for ever. There lib/pq's
// binary_parameters sends a statement in one round trip instead.
type stmtCache struct {
	db *sqlx.DB
	mu sync.Mutex
	m  map[string]*sqlx.Stmt
}

// maxCachedStmts bounds the statements kept: multi-row statements differ
// by their number of rows, so their texts are many but few are common.
const maxCachedStmts = 256

// prepared returns query (bound already) prepared, or nil when the store
// does not keep statements, the cache is full or preparing failed (the
// caller runs the statement unprepared, which reports any error).
func (c *stmtCache) prepared(ctx context.Context, query string) *sqlx.Stmt {
	if c == nil || c.db == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
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

// close closes the kept statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		_ = st.Close()
	}
	c.m = nil
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
	if st := q.c.prepared(q.ctx, query); st != nil {
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
