package storage

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// TestUnavailableErrors: errors that say the database server is out of
// reach become ErrUnavailable (the API answers 503 for them); errors about
// the statement do not.
func TestUnavailableErrors(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"refused", refused, true},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"bad connection", driver.ErrBadConn, true},
		{"eof", io.ErrUnexpectedEOF, true},
		{"admin shutdown", &pq.Error{Code: pqerror.AdminShutdown}, true},
		{"starting up", &pq.Error{Code: pqerror.CannotConnectNow}, true},
		{"connection failure", &pq.Error{Code: "08006"}, true},
		{"syntax", &pq.Error{Code: pqerror.SyntaxError}, false},
		{"unique", &pq.Error{Code: pqerror.UniqueViolation}, false},
		{"other", errors.New("boom"), false},
	} {
		if got := errors.Is(fail("op", tc.err), ErrUnavailable); got != tc.want {
			t.Errorf("%s: unavailable = %v, want %v", tc.name, got, tc.want)
		}
	}
}
