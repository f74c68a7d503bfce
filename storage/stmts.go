package storage

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
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
	// sent, when set (by tests), sees each statement a txq sends.
	sent func(query string)
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
	// w, when set, gathers writes to send together (see batched).
	w *writeBatch
}

// q returns the statement runner of tx.
func (s *Store) q(ctx context.Context, tx *sqlx.Tx) txq {
	return txq{ctx: ctx, tx: tx, c: &s.stmts}
}

// writeBatch is the writes a batched txq holds back: each a statement on
// a table none of the others writes.
type writeBatch struct {
	queries []string
	tables  []string
	args    []any
}

// maxBatchParams keeps a batch within PostgreSQL's 65,535 parameters.
const maxBatchParams = 60000

// writeTarget matches the table a write names.
var writeTarget = regexp.MustCompile(`^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)`)

// batched runs fn with a runner that, on PostgreSQL, sends fn's writes
// (exec) in one statement where it can, and the rest when fn returns: each
// statement of a transaction is a round trip to the server and back, which
// costs more than writing a few rows. The writes become data-modifying
// WITH clauses of one statement, which PostgreSQL runs on one snapshot in
// no set order, so writes to the same table are never sent together, and
// any read (get, sel, queryx) first sends what is held: a read sees every
// write before it, as without batching. A statement run on the transaction
// itself rather than through the runner does not send them: within fn,
// read what fn wrote only through the runner. On SQLite, whose statements
// are calls within the process, the runner is q itself.
func (q txq) batched(fn func(q txq) error) error {
	if q.tx.DriverName() != Postgres || q.w != nil {
		return fn(q)
	}
	b := q
	b.w = &writeBatch{}
	if err := fn(b); err != nil {
		return err
	}
	return b.flush()
}

// flush sends the writes q holds back, if any.
func (q txq) flush() error {
	w := q.w
	if w == nil || len(w.queries) == 0 {
		return nil
	}
	var query string
	if len(w.queries) == 1 {
		query = w.queries[0]
	} else {
		var b strings.Builder
		for i, s := range w.queries[:len(w.queries)-1] {
			if i == 0 {
				b.WriteString("WITH ")
			} else {
				b.WriteString(", ")
			}
			b.WriteString("w" + strconv.Itoa(i) + " AS (" + s + ")")
		}
		b.WriteString(" " + w.queries[len(w.queries)-1])
		query = b.String()
	}
	args := w.args
	*w = writeBatch{}
	return txq{ctx: q.ctx, tx: q.tx, c: q.c}.exec(query, args...)
}

// hold adds a write to q's batch, sending the batch first when the write
// cannot join it; false when the write is to be run at once.
func (q txq) hold(query string, args []any) (bool, error) {
	m := writeTarget.FindStringSubmatch(query)
	if m == nil {
		return false, q.flush()
	}
	w := q.w
	if slices.Contains(w.tables, m[1]) || len(w.args)+len(args) > maxBatchParams {
		if err := q.flush(); err != nil {
			return false, err
		}
	}
	w.queries = append(w.queries, query)
	w.tables = append(w.tables, m[1])
	w.args = append(w.args, args...)
	return true, nil
}

func (q txq) stmt(query string) (*sqlx.Stmt, string) {
	query = q.tx.Rebind(query)
	if q.c != nil && q.c.sent != nil {
		q.c.sent(query)
	}
	if st, _ := q.c.lookup(query, true); st != nil {
		return q.tx.StmtxContext(q.ctx, st), query
	}
	return nil, query
}

func (q txq) exec(query string, args ...any) error {
	if q.w != nil {
		if held, err := q.hold(query, args); held || err != nil {
			return err
		}
	}
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
	if err := q.flush(); err != nil {
		return err
	}
	st, query := q.stmt(query)
	if st != nil {
		return st.GetContext(q.ctx, dest, args...)
	}
	return q.tx.GetContext(q.ctx, dest, query, args...)
}

func (q txq) sel(dest any, query string, args ...any) error {
	if err := q.flush(); err != nil {
		return err
	}
	st, query := q.stmt(query)
	if st != nil {
		return st.SelectContext(q.ctx, dest, args...)
	}
	return q.tx.SelectContext(q.ctx, dest, query, args...)
}

func (q txq) queryx(query string, args ...any) (*sqlx.Rows, error) {
	if err := q.flush(); err != nil {
		return nil, err
	}
	st, query := q.stmt(query)
	if st != nil {
		return st.QueryxContext(q.ctx, args...)
	}
	return q.tx.QueryxContext(q.ctx, query, args...)
}
