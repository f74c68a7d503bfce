package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"
)

// Leadership is held on a dedicated connection, checked every leasePing
// with a query that must answer within leasePingTimeout: past that, the
// leader can no longer tell whether it still holds the lock and steps down.
const (
	leasePing        = 2 * time.Second
	leasePingTimeout = time.Second
	leaseUnlockLimit = 5 * time.Second
)

var errClosed = errors.New("store is closed")

// Lease is leadership of a named role (such as "delivery"), held until
// Release or until the connection that holds it is lost.
//
// On PostgreSQL it is a session advisory lock, so that of all the instances
// on one database exactly one leads, and another takes over when the
// leader's session ends. On SQLite one process owns the file and a lease is
// exclusive within the Store only: running two processes on one SQLite file
// is not supported.
type Lease struct {
	name    string
	lost    chan struct{}
	once    sync.Once
	release func()
	// pid is the PostgreSQL backend that holds the lock, for tests; 0 on
	// SQLite.
	pid int
}

// Lost is closed when leadership ends: on Release, when the store closes,
// or on PostgreSQL when the connection holding the lock dies or stops
// answering. The leader must stop its work then; it may Lead again.
func (l *Lease) Lost() <-chan struct{} { return l.lost }

// Release gives leadership up and returns once another instance can take
// it. It may be called more than once, also after Lost closed.
func (l *Lease) Release() { l.once.Do(l.release) }

// leaseKey is the advisory lock key of role name.
func leaseKey(name string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("appealbot:" + name))
	return int64(h.Sum64())
}

// TryLead tries once to become the leader of name; ok is false (with a nil
// error) when another holds it, on PostgreSQL another instance or another
// lease of this one. ctx bounds the attempt only: a lease is held until
// Release, Lost or Close.
func (s *Store) TryLead(ctx context.Context, name string) (lease *Lease, ok bool, err error) {
	op := fmt.Sprintf("lead %q", name)
	if s.driver == SQLite {
		l := &Lease{name: name, lost: make(chan struct{})}
		l.release = func() {
			s.dropLease(l)
			close(l.lost)
		}
		ok, err := s.addLease(l, true)
		if err != nil {
			return nil, false, fail(op, err)
		}
		if !ok {
			return nil, false, nil
		}
		return l, true, nil
	}
	// An advisory lock belongs to a session: the connection holding it
	// stays out of the pool until the lock is given up.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, fail(op, err)
	}
	key := leaseKey(name)
	l := &Lease{name: name, lost: make(chan struct{})}
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1), pg_backend_pid()`, key).Scan(&ok, &l.pid); err != nil {
		// Whether the lock was taken is unknown; ending the session frees it.
		discard(conn)
		return nil, false, fail(op, err)
	}
	if !ok {
		_ = conn.Close()
		return nil, false, nil
	}
	stop, done := make(chan struct{}), make(chan struct{})
	l.release = func() {
		close(stop)
		<-done
	}
	if _, err := s.addLease(l, false); err != nil {
		discard(conn)
		return nil, false, fail(op, err)
	}
	go s.holdLease(l, conn, key, stop, done)
	return l, true, nil
}

// holdLease watches the connection holding l's lock until stop closes,
// then unlocks it; or until the connection fails.
func (s *Store) holdLease(l *Lease, conn *sql.Conn, key int64, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	defer s.dropLease(l)
	defer close(l.lost)
	t := time.NewTicker(leasePing)
	defer t.Stop()
	for {
		select {
		case <-stop:
			ctx, cancel := context.WithTimeout(context.Background(), leaseUnlockLimit)
			defer cancel()
			var unlocked bool
			err := conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock($1)`, key).Scan(&unlocked)
			if err != nil || !unlocked {
				// The lock must not go back to the pool with the connection.
				discard(conn)
				return
			}
			_ = conn.Close()
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), leasePingTimeout)
			_, err := conn.ExecContext(ctx, `SELECT 1`)
			cancel()
			if err != nil {
				s.log.Warn("leadership lost", "role", l.name, "err", err)
				discard(conn)
				return
			}
		}
	}
}

// discard closes conn for good instead of returning it to the pool, which
// ends its session and so frees the session's advisory locks.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}

// Lead blocks until it becomes the leader of name, trying every retry, or
// until ctx ends, when it returns ctx.Err(). A failed attempt (the database
// is unreachable) is logged and retried.
func (s *Store) Lead(ctx context.Context, name string, retry time.Duration) (*Lease, error) {
	if retry <= 0 {
		return nil, fail(fmt.Sprintf("lead %q", name), fmt.Errorf("retry %v is not positive", retry))
	}
	t := time.NewTicker(retry)
	defer t.Stop()
	for {
		l, ok, err := s.TryLead(ctx, name)
		switch {
		case ok:
			return l, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, errClosed):
			return nil, err
		case err != nil:
			s.log.Warn("cannot try to lead", "role", name, "err", err, "retry_in", retry)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// addLease records l as held. With exclusive, it reports false instead when
// a lease of the same name is held already.
func (s *Store) addLease(l *Lease, exclusive bool) (bool, error) {
	s.leaseMu.Lock()
	defer s.leaseMu.Unlock()
	if s.closed {
		return false, errClosed
	}
	if exclusive {
		for h := range s.leases {
			if h.name == l.name {
				return false, nil
			}
		}
	}
	if s.leases == nil {
		s.leases = make(map[*Lease]struct{})
	}
	s.leases[l] = struct{}{}
	return true, nil
}

func (s *Store) dropLease(l *Lease) {
	s.leaseMu.Lock()
	defer s.leaseMu.Unlock()
	delete(s.leases, l)
}

// releaseLeases releases every lease still held and refuses new ones: a
// closed pool leaves the connections taken from it working, so a lease
// would otherwise outlive its store.
func (s *Store) releaseLeases() {
	s.leaseMu.Lock()
	s.closed = true
	held := make([]*Lease, 0, len(s.leases))
	for l := range s.leases {
		held = append(held, l)
	}
	s.leaseMu.Unlock()
	for _, l := range held {
		l.Release()
	}
}
