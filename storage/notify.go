package storage

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// outboxChannel is the PostgreSQL notification channel that every commit
// writing outbox rows notifies.
const outboxChannel = "appealbot_outbox"

// How soon ListenOutbox reconnects after losing its connection: at first,
// and at most after repeated failures.
const (
	listenReconnectMin = 100 * time.Millisecond
	listenReconnectMax = 10 * time.Second
)

// ListenOutbox calls fn whenever any instance on the database commits
// outbox rows, until ctx ends; then it returns nil. It is how writers wake
// the one instance that delivers. fn is also called once listening starts
// and after every reconnect, since rows may have been written while no one
// listened; it runs on ListenOutbox's goroutine and should return quickly.
// Commits in this process call fn too, besides the OnOutbox hooks.
//
// On PostgreSQL it listens on a connection of its own, outside the pool,
// and reconnects by itself. On SQLite it returns nil at once: one process
// owns the file, and OnOutbox covers its writers.
func (s *Store) ListenOutbox(ctx context.Context, fn func()) error {
	if s.driver != Postgres {
		return nil
	}
	l := pq.NewListener(s.url, listenReconnectMin, listenReconnectMax, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected, pq.ListenerEventConnectionAttemptFailed:
			if ctx.Err() == nil {
				s.log.Warn("outbox listener", "event", ev.String(), "err", err)
			}
		case pq.ListenerEventReconnected:
			s.log.Info("outbox listener", "event", ev.String())
		}
	})
	// Closing the listener also ends a Listen still waiting to connect.
	stop := context.AfterFunc(ctx, func() { _ = l.Close() })
	defer func() {
		if stop() {
			_ = l.Close()
		}
		// The listener's goroutine may still be sending; it closes Notify
		// when it ends, which takes up to listenReconnectMax.
		go func() {
			for range l.Notify {
			}
		}()
	}()
	if err := l.Listen(outboxChannel); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fail("listen outbox", err)
	}
	fn()
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-l.Notify:
			if !ok {
				return nil
			}
			// A nil notification follows a reconnect.
			fn()
		}
	}
}
