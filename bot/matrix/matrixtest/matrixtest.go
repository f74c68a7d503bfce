// Package matrixtest runs a real Matrix homeserver, Dendrite, for tests.
//
// Dendrite is built from the separate module in bot/matrix/dendrite (which
// pins its version), without cgo, into a cache directory keyed by that
// version, once per machine: later runs reuse the binaries. The build runs under a file lock,
// since go test runs packages in parallel. Each Start gets a fresh server:
// its own temporary directory with SQLite databases, listening on
// 127.0.0.1 only, with federation and open registration off; users are
// created through the shared-secret admin endpoint.
//
// A homeserver that cannot be built fails the test with the reason; it is
// skipped only when APPEALBOT_SKIP_MATRIX=1 is set.
package matrixtest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"
	_ "modernc.org/sqlite" // to put Dendrite's databases in WAL mode
)

// Version is the Dendrite version built (as pinned in bot/matrix/dendrite).
const Version = "v0.15.2"

// ServerName is the homeserver's name: user ids are "@name:localhost".
const ServerName = "localhost"

// SkipEnv, set to 1, skips the tests that need a homeserver.
const SkipEnv = "APPEALBOT_SKIP_MATRIX"

var tools = []string{"dendrite", "generate-config", "generate-keys"}

// moduleDir is the directory of the tools module that pins Dendrite.
func moduleDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the source of matrixtest")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "dendrite")
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return "", fmt.Errorf("the Dendrite tools module is not at %s: %w", dir, err)
	}
	return dir, nil
}

// BinDir is where the built binaries are kept.
func BinDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "appealbot", "dendrite-"+Version+"-purego"), nil
}

func built(dir string) bool {
	for _, t := range tools {
		if _, err := os.Stat(filepath.Join(dir, t)); err != nil {
			return false
		}
	}
	return true
}

var (
	buildMu  sync.Mutex
	buildErr error // a failed build is not tried again by this process
)

// Build builds Dendrite unless a build is cached, and returns the
// directory of the binaries. Safe to call from several processes at once.
func Build(log io.Writer) (string, error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	if buildErr != nil {
		return "", buildErr
	}
	dir, err := build(log)
	buildErr = err
	return dir, err
}

func build(log io.Writer) (string, error) {
	dir, err := BinDir()
	if err != nil {
		return "", err
	}
	if built(dir) {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("lock %s: %w", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck
	if built(dir) {                                      // another process built it while we waited
		return dir, nil
	}
	mod, err := moduleDir()
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	args := []string{"build", "-o", tmp + string(filepath.Separator)}
	for _, t := range tools {
		args = append(args, "github.com/element-hq/dendrite/cmd/"+t)
	}
	fmt.Fprintf(log, "matrixtest: building Dendrite %s into %s (a few minutes, once)\n", Version, dir)
	start := time.Now()
	cmd := exec.Command("go", args...)
	cmd.Dir = mod
	// Without cgo Dendrite uses the pure-Go SQLite driver, which it sets to
	// wait for a locked database; with cgo's driver a busy database makes
	// it panic now and then. It also needs no C compiler.
	cmd.Env = append(os.Environ(), "GOWORK=off", "CGO_ENABLED=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build of Dendrite %s failed: %w\n%s", Version, err, tail(out.String(), 4000))
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	fmt.Fprintf(log, "matrixtest: Dendrite built in %s\n", time.Since(start).Round(time.Second))
	return dir, nil
}

// troubles returns the lines of a Dendrite log at level error or worse,
// the last 20 of them, each cut to 2000 bytes (an event's JSON can be
// long; the error comes before it).
func troubles(log string) string {
	var out []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "level=error") || strings.Contains(line, "level=panic") || strings.Contains(line, "level=fatal") {
			if len(line) > 2000 {
				line = line[:2000] + "…"
			}
			out = append(out, line)
		}
	}
	if len(out) > 20 {
		out = out[len(out)-20:]
	}
	return strings.Join(out, "\n")
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// Options tune a homeserver.
type Options struct {
	// RateLimit turns Dendrite's client rate limiting on: Threshold
	// requests at once per user, each freeing its slot after Cooloff.
	RateLimit bool
	Threshold int
	Cooloff   time.Duration
}

// Server is a running homeserver.
type Server struct {
	// URL is the client-server API's base URL.
	URL    string
	secret string
	dir    string
	cmd    *exec.Cmd
	done   chan struct{}
	logf   string
}

// User is a registered user.
type User struct {
	ID    string
	Token string
}

// Start builds (or reuses) Dendrite and starts a fresh server, stopped
// when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if os.Getenv(SkipEnv) == "1" {
		t.Skip(SkipEnv + "=1: no Matrix homeserver")
	}
	bin, err := Build(testWriter{t})
	if err != nil {
		t.Fatalf("no Matrix homeserver for this test (set %s=1 to skip the Matrix tests): %v", SkipEnv, err)
	}
	dir := t.TempDir()
	gen := exec.Command(filepath.Join(bin, "generate-config"), "-ci", "-dir", dir, "-server", ServerName)
	cfg, err := gen.Output()
	if err != nil {
		t.Fatalf("generate-config: %v", err)
	}
	if out, err := exec.Command(filepath.Join(bin, "generate-keys"), "-private-key", filepath.Join(dir, "matrix_key.pem")).CombinedOutput(); err != nil {
		t.Fatalf("generate-keys: %v\n%s", err, out)
	}
	secret := "appealbot-test-shared-secret"
	c := string(cfg)
	for _, r := range []struct{ old, new string }{
		{"private_key: matrix_key.pem", "private_key: " + filepath.Join(dir, "matrix_key.pem")},
		{"disable_federation: false", "disable_federation: true"},
		{"registration_disabled: false", "registration_disabled: true"},
		{"registration_shared_secret: complement", "registration_shared_secret: " + secret},
		{"  level: trace", "  level: info"},
	} {
		if !strings.Contains(c, r.old) {
			t.Fatalf("generated Dendrite config lacks %q", r.old)
		}
		c = strings.Replace(c, r.old, r.new, 1)
	}
	rl := "  rate_limiting:\n    enabled: false\n    threshold: 5\n    cooloff_ms: 500\n"
	if !strings.Contains(c, rl) {
		t.Fatalf("generated Dendrite config lacks its rate_limiting section")
	}
	if opts.RateLimit {
		c = strings.Replace(c, rl, fmt.Sprintf("  rate_limiting:\n    enabled: true\n    threshold: %d\n    cooloff_ms: %d\n",
			max(1, opts.Threshold), max(1, opts.Cooloff.Milliseconds())), 1)
	}
	cfgPath := filepath.Join(dir, "dendrite.yaml")
	if err := os.WriteFile(cfgPath, []byte(c), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := walDatabases(c); err != nil {
		t.Fatal(err)
	}

	s := &Server{secret: secret, dir: dir, done: make(chan struct{}), logf: filepath.Join(dir, "dendrite.log")}
	var lastErr error
	for range 5 { // a port taken between choosing and binding: try another
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		if lastErr = s.start(bin, cfgPath, port); lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		t.Fatalf("Dendrite did not start: %v\n%s", lastErr, tail(s.Log(), 4000))
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			log := s.Log()
			// The tail alone may start after the line that says what went
			// wrong (a panic's fields come before its stack).
			if e := troubles(log); e != "" {
				t.Logf("Dendrite errors:\n%s", e)
			}
			t.Logf("Dendrite log (tail):\n%s", tail(log, 3000))
		}
	})
	return s
}

// walDatabases creates each SQLite database the config names, empty, in
// WAL mode, which the file keeps. Dendrite opens them in the default
// rollback-journal mode otherwise (its connection strings take no
// pragmas), where a reader and the writer lock each other out: on a busy
// machine a read got SQLITE_BUSY, left its connection inside a
// transaction, and the next event written on it failed, which Dendrite
// answers with a panic ("write new event failure"). In WAL mode readers
// never wait for the writer, nor it for them.
func walDatabases(config string) error {
	for _, line := range strings.Split(config, "\n") {
		_, path, ok := strings.Cut(strings.TrimSpace(line), "connection_string: file:")
		if !ok || path == "" {
			continue
		}
		db, err := sql.Open("sqlite", path)
		if err != nil {
			return fmt.Errorf("matrixtest: %s: %w", path, err)
		}
		var mode string
		err = db.QueryRow("PRAGMA journal_mode=WAL").Scan(&mode)
		db.Close()
		if err != nil || mode != "wal" {
			return fmt.Errorf("matrixtest: %s: WAL mode: %q, %v", path, mode, err)
		}
	}
	return nil
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) start(bin, cfgPath string, port int) error {
	logf, err := os.OpenFile(s.logf, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(filepath.Join(bin, "dendrite"), "-config", cfgPath, "-http-bind-address", addr)
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(done) }()
	url := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return errors.New("dendrite exited")
		default:
		}
		resp, err := http.Get(url + "/_matrix/client/versions")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.URL, s.cmd, s.done = url, cmd, done
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-done
	return errors.New("dendrite did not answer within 60s")
}

// Stop ends the server.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Log is the server's output so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.logf)
	return string(b)
}

// Register creates a user through the shared-secret admin endpoint and
// returns its id and an access token.
func (s *Server) Register(t testing.TB, localpart string) User {
	t.Helper()
	var nonce struct {
		Nonce string `json:"nonce"`
	}
	if err := s.call(http.MethodGet, "/_synapse/admin/v1/register", nil, &nonce); err != nil {
		t.Fatalf("register %s: nonce: %v", localpart, err)
	}
	password := "pw-" + localpart + "-0123456789"
	mac := hmac.New(sha1.New, []byte(s.secret))
	mac.Write([]byte(nonce.Nonce + "\x00" + localpart + "\x00" + password + "\x00notadmin"))
	var out struct {
		UserID      string `json:"user_id"`
		AccessToken string `json:"access_token"`
	}
	body := map[string]any{"nonce": nonce.Nonce, "username": localpart, "password": password, "admin": false,
		"mac": hex.EncodeToString(mac.Sum(nil))}
	if err := s.call(http.MethodPost, "/_synapse/admin/v1/register", body, &out); err != nil {
		t.Fatalf("register %s: %v", localpart, err)
	}
	if out.AccessToken == "" {
		t.Fatalf("register %s: no access token", localpart)
	}
	return User{ID: out.UserID, Token: out.AccessToken}
}

// Client is a mautrix client acting as u, for a test to play a person.
func (s *Server) Client(t testing.TB, u User) *mautrix.Client {
	t.Helper()
	c, err := mautrix.NewClient(s.URL, id.UserID(u.ID), u.Token)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (s *Server) call(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}
