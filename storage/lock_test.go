package storage_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/storage"
)

// TestSQLiteDataDirLock: a second store on a data directory that a store
// has open is refused, naming the holder's pid and the directory; Close
// gives the directory up. flock belongs to the open file, so this holds
// within one process as it does between two.
func TestSQLiteDataDirLock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := storage.Config{DataDir: dir}
	first, err := storage.Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := storage.Open(ctx, cfg, nil)
	if err == nil {
		second.Close()
		t.Fatal("a second store opened the data directory")
	}
	if !errors.Is(err, storage.ErrDataDirInUse) || !strings.Contains(err.Error(), dir) ||
		!strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) || !strings.HasPrefix(err.Error(), "storage: ") {
		t.Fatalf("second Open: %v", err)
	}
	// The refusal left the holder as it was.
	if err := first.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := storage.Open(ctx, cfg, nil)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	again.Close()
}

// holdEnv names the data directory the re-executed test binary holds.
const holdEnv = "APPEALBOT_TEST_HOLD_DATA_DIR"

// TestSQLiteDataDirLockAcrossProcesses starts this test binary again as a
// second process that opens a data directory and holds it until its
// standard input closes: this process is then refused with the other's
// pid, and gets the directory once the other has exited.
func TestSQLiteDataDirLockAcrossProcesses(t *testing.T) {
	if dir := os.Getenv(holdEnv); dir != "" {
		hold(t, dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSQLiteDataDirLockAcrossProcesses$", "-test.count=1")
	cmd.Env = append(os.Environ(), holdEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		_ = cmd.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	var seen []string
	holding := false
	for !holding && lines.Scan() {
		holding = lines.Text() == "holding"
		seen = append(seen, lines.Text())
	}
	if !holding {
		t.Fatalf("the other process did not take the directory: %v\n%s", lines.Err(), strings.Join(seen, "\n"))
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	ctx := context.Background()
	s, err := storage.Open(ctx, storage.Config{DataDir: dir}, nil)
	if err == nil {
		s.Close()
		t.Fatal("opened a data directory another process holds")
	}
	if !errors.Is(err, storage.ErrDataDirInUse) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(cmd.Process.Pid)) ||
		!strings.Contains(err.Error(), dir) {
		t.Fatalf("Open while another process holds the directory: %v", err)
	}

	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the other process: %v", err)
	}
	s, err = storage.Open(ctx, storage.Config{DataDir: dir}, nil)
	if err != nil {
		t.Fatalf("Open after the other process exited: %v", err)
	}
	s.Close()
}

// hold is the second process: it opens dir, says so, and keeps it until
// its standard input ends.
func hold(t *testing.T, dir string) {
	s, err := storage.Open(context.Background(), storage.Config{DataDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("holding\n")
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
