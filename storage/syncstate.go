package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SyncState returns the value stored under key for network, such as the
// token a network's event stream was read up to; "" when none is stored.
func (s *Store) SyncState(ctx context.Context, network, key string) (string, error) {
	var v string
	err := s.db.GetContext(ctx, &v, s.db.Rebind(`SELECT value FROM sync_state WHERE network = ? AND key = ?`), network, key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fail(fmt.Sprintf("sync state %s/%s", network, key), err)
	}
	return v, nil
}

// SaveSyncState stores value under key for network, replacing what was
// there.
func (s *Store) SaveSyncState(ctx context.Context, network, key, value string) error {
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO sync_state (network, key, value, updated_at)
		VALUES (?, ?, ?, `+s.nowSQL+`)
		ON CONFLICT (network, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
		network, key, value); err != nil {
		return fail(fmt.Sprintf("save sync state %s/%s", network, key), err)
	}
	return nil
}
