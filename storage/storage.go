package storage

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/appealbot/appealbot/appeal"
)

// Sentinel errors. They are the domain's values, so errors.Is works the same
// whether a caller checks for storage.ErrNotFound or appeal.ErrNotFound.
var (
	ErrNotFound = appeal.ErrNotFound
	ErrConflict = appeal.ErrConflict
	// ErrUnavailable: the database did not answer; trying later may work.
	ErrUnavailable = appeal.ErrUnavailable
)

// Driver names, as Driver reports them.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// FileName is the SQLite database file inside Config.DataDir.
const FileName = "appealbot.db"

// LockFileName is the file in Config.DataDir that the process using the
// SQLite database holds locked (it contains that process's pid).
const LockFileName = "appealbot.lock"

// ErrDataDirInUse: another process (or another Store in this one) has the
// SQLite data directory open. SQLite has no way for two processes to share
// the outbox and the leases safely, so the second one must not start.
var ErrDataDirInUse = errors.New("data directory in use")

func init() {
	// sqlx knows "sqlite3" but not the pure-Go driver's name; without this
	// Rebind would leave '?' alone and named queries would not bind.
	sqlx.BindDriver(SQLite, sqlx.QUESTION)
}

// Config says which database to use.
type Config struct {
	// DatabaseURL is a PostgreSQL URL; empty selects SQLite in DataDir.
	DatabaseURL string
	// DataDir holds the SQLite file; it is created when missing.
	DataDir string
	// OnOutbox, when set, is called after every commit that wrote outbox
	// rows, like a hook added with the OnOutbox method.
	OnOutbox func()
	// Figures says how the figures are kept (see FiguresConfig).
	Figures FiguresConfig
}

// Store is appealbot's database. It is safe for concurrent use.
type Store struct {
	db     *sqlx.DB
	driver string
	log    *slog.Logger
	// nowSQL is the database's clock as an SQL expression in the stored time
	// form, used only where the caller gave no time.
	nowSQL string
	// writeMu queues this process's SQLite writers in Go: waiting on the
	// file lock alone means busy_timeout's sleep-and-retry, which makes
	// latency under concurrent writes jump by tens of milliseconds.
	writeMu sync.Mutex

	hookMu   sync.Mutex
	onOutbox []func()

	// url is the PostgreSQL URL, for the connection ListenOutbox opens
	// outside the pool; "" on SQLite.
	url string

	// leases are the leases held through this store, which Close releases.
	leaseMu sync.Mutex
	leases  map[*Lease]struct{}
	closed  bool

	// dirLock keeps other processes off the SQLite data directory; nil
	// on PostgreSQL.
	dirLock *dirLock

	// fig is how figures are kept; figReady says the one-time build is
	// done, so writes keep the facts; figSem admits figures reads.
	fig      FiguresConfig
	figReady atomic.Bool
	figSem   chan struct{}
	figHooks buildHooks

	// intake queues concurrent CreateAppeal calls into shared
	// transactions (see intake.go).
	intake intakeQueue

	// stmts keeps the write path's statements prepared.
	stmts stmtCache
}

// OnOutbox registers fn to be called after every commit that wrote outbox
// rows, so that delivery workers in this process start at once instead of
// on their next poll. fn must not block.
func (s *Store) OnOutbox(fn func()) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.onOutbox = append(s.onOutbox, fn)
}

func (s *Store) outboxWritten() {
	s.hookMu.Lock()
	fns := s.onOutbox
	s.hookMu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

var _ appeal.Store = (*Store)(nil)

// sqliteParams make intake durable when the transaction commits (synchronous
// FULL), let readers run beside the writer (WAL), wait for the write lock
// instead of failing (busy_timeout), and take that lock when a transaction
// begins (_txlock=immediate), so a read-then-write transaction never has to
// upgrade its lock and no two writers interleave. Temporary files stay in
// memory (temp_store): a multi-row insert within a transaction keeps a
// statement journal, and on disk each of its pages was a write call.
const sqliteParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)&_txlock=immediate"

// Open connects to the database cfg names and checks that it answers. It does
// not change the schema; call Migrate for that. On SQLite it first takes the
// data directory for this store alone (LockFileName): while another store,
// in this process or another, has it, Open fails with ErrDataDirInUse and
// the holder's pid.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{log: log, fig: cfg.Figures}
	s.figSem = make(chan struct{}, cmp.Or(max(cfg.Figures.MaxReaders, 0), 4))
	if cfg.OnOutbox != nil {
		s.onOutbox = []func(){cfg.OnOutbox}
	}
	var err error
	if cfg.DatabaseURL != "" {
		s.driver = Postgres
		s.nowSQL = "now()"
		s.url = cfg.DatabaseURL
		s.db, err = sqlx.Open("postgres", withBinaryParameters(cfg.DatabaseURL))
		if err != nil {
			return nil, fmt.Errorf("storage: open postgres: %w", err)
		}
		// A connection closed when a burst ends is opened again at the
		// next (a server process and a login each time) and prepares the
		// kept statements again: keep as many as may be open, until
		// five minutes idle.
		s.db.SetMaxOpenConns(20)
		s.db.SetMaxIdleConns(20)
		s.db.SetConnMaxIdleTime(5 * time.Minute)
		s.db.SetConnMaxLifetime(time.Hour)
	} else {
		if cfg.DataDir == "" {
			return nil, errors.New("storage: open sqlite: no data directory")
		}
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("storage: open sqlite: %w", err)
		}
		path := filepath.Join(cfg.DataDir, FileName)
		if strings.ContainsRune(path, '?') {
			return nil, fmt.Errorf("storage: open sqlite: path %q contains '?'", path)
		}
		if s.dirLock, err = lockDataDir(cfg.DataDir); err != nil {
			return nil, err
		}
		s.driver = SQLite
		s.nowSQL = "(strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')"
		s.db, err = sqlx.Open(SQLite, path+"?"+sqliteParams)
		if err != nil {
			s.dirLock.release()
			return nil, fmt.Errorf("storage: open sqlite: %w", err)
		}
		// Writers queue on the file lock anyway; a few connections let
		// reads proceed beside the one writer.
		s.db.SetMaxOpenConns(8)
		s.db.SetMaxIdleConns(8)
		log = log.With("path", path)
	}
	s.stmts.db = s.db
	if err := s.Ping(ctx); err != nil {
		s.db.Close()
		s.dirLock.release()
		return nil, err
	}
	log.Info("storage opened", "driver", s.driver)
	return s, nil
}

// Close releases the leases still held through the store, closes the
// database and, on SQLite, gives the data directory up.
func (s *Store) Close() error {
	s.releaseLeases()
	s.stmts.close()
	// The directory is given up only once the database is closed, so the
	// next process finds SQLite's own files at rest.
	defer s.dirLock.release()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("storage: close: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("storage: ping %s: %w", s.driver, err)
	}
	return nil
}

// Driver reports the database in use: "postgres" or "sqlite".
func (s *Store) Driver() string { return s.driver }

// inTx runs fn in a transaction and commits when fn returns nil. On SQLite
// the transaction holds the write lock from its start (_txlock=immediate).
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if s.driver == SQLite {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	// The statements this transaction lacked are prepared once it has
	// ended and given its connection back (see stmtCache). Rare, and
	// short: on SQLite it runs before writeMu is released.
	defer s.stmts.fill(context.WithoutCancel(ctx))
	defer func() {
		// A panic in fn must not leave the transaction, and on SQLite the
		// write lock, held by a connection nobody will use again.
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// fail wraps err with the operation's name and, where the database's answer
// has a meaning callers act on, with ErrNotFound or ErrConflict.
func fail(op string, err error) error {
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrConflict):
		return fmt.Errorf("storage: %s: %w", op, err)
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("storage: %s: %w", op, ErrNotFound)
	case isUniqueViolation(err):
		return fmt.Errorf("storage: %s: %w: %w", op, ErrConflict, err)
	case isForeignKeyViolation(err):
		// A reference to a department, member or appeal that is not there.
		return fmt.Errorf("storage: %s: %w: %w", op, ErrNotFound, err)
	case isUnavailable(err):
		return fmt.Errorf("storage: %s: %w: %w", op, ErrUnavailable, err)
	}
	return fmt.Errorf("storage: %s: %w", op, err)
}

// isUnavailable reports an error that says the database server could not
// be reached or went away (restarting, failing over, its connection cut),
// not that the statement was wrong.
func isUnavailable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	if e := pq.As(err); e != nil {
		return e.Code.Class() == "08" || // connection exception
			e.Code == pqerror.AdminShutdown || e.Code == pqerror.CrashShutdown || e.Code == pqerror.CannotConnectNow
	}
	return false
}

func isUniqueViolation(err error) bool {
	if pq.As(err, pqerror.UniqueViolation) != nil {
		return true
	}
	var e *sqlite.Error
	return errors.As(err, &e) &&
		(e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

func isForeignKeyViolation(err error) bool {
	if pq.As(err, pqerror.ForeignKeyViolation) != nil {
		return true
	}
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// timeFormat is how times travel to the database: fixed width, so SQLite's
// text comparison is chronological, and readable by PostgreSQL as timestamptz.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// dbTime is a time as the database holds it: NULL for the zero time,
// otherwise UTC truncated to microseconds.
type dbTime struct{ time.Time }

func tm(t time.Time) dbTime { return dbTime{t} }

// Value implements driver.Valuer.
func (t dbTime) Value() (driver.Value, error) {
	if t.IsZero() {
		return nil, nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	if y := u.Year(); y < 1 || y > 9999 {
		return nil, fmt.Errorf("time %v out of range", t.Time)
	}
	return u.Format(timeFormat), nil
}

// Scan implements sql.Scanner for TIMESTAMPTZ (PostgreSQL) and TEXT (SQLite).
func (t *dbTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.Time = time.Time{}
	case time.Time:
		t.Time = v.UTC().Truncate(time.Microsecond)
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	default:
		return fmt.Errorf("cannot scan %T into a time", src)
	}
	return nil
}

func (t *dbTime) parse(s string) error {
	p, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("stored time %q: %w", s, err)
	}
	t.Time = p.UTC().Truncate(time.Microsecond)
	return nil
}

// nullID maps member 0 (or appeal 0) to NULL.
func nullID[T ~int64](id T) sql.NullInt64 {
	return sql.NullInt64{Int64: int64(id), Valid: id != 0}
}

// nullText maps "" to NULL.
func nullText(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// args are a message's extra values as stored: a JSON object, "{}" when none.
func encodeArgs(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func decodeArgs(s string) (map[string]string, error) {
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("stored args %q: %w", s, err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// limit applies a listing's default (50) and cap (500) to n.
func limit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}

// withBinaryParameters turns on lib/pq's binary_parameters in a PostgreSQL
// URL or key=value string that does not set it. With it, a statement with
// parameters costs one round trip to the server instead of two (lib/pq
// otherwise asks the server to describe each statement first), which is
// most of an intake's time spent waiting; []byte values go as binary,
// which suits the bytea columns they are written to.
func withBinaryParameters(dsn string) string {
	if strings.Contains(dsn, "binary_parameters") {
		return dsn
	}
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("binary_parameters", "yes")
		u.RawQuery = q.Encode()
		return u.String()
	}
	return strings.TrimSpace(dsn) + " binary_parameters=yes"
}
