package storage

import (
	"time"

	"github.com/jmoiron/sqlx"
)

// DB exposes the handle to the suite, for counting rows and for raw SQL.
func (s *Store) DB() *sqlx.DB { return s.db }

// TimeArg is t as the store passes a time to the database.
func TimeArg(t time.Time) any { return tm(t) }
