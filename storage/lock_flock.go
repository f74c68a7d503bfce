//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// dirLock is the exclusive lock on LockFileName in a data directory.
type dirLock struct{ f *os.File }

// lockDataDir takes the data directory for this process. The lock is an
// flock on a file that stays in place (removing it would let a second
// process lock a new file while the first still holds the old one); the
// kernel drops it when the process ends, however it ends, so a crash
// never leaves the directory locked. flock belongs to the open file, so a
// second Open in the same process is refused too.
func lockDataDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, LockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("storage: lock data directory: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		b, _ := os.ReadFile(path)
		f.Close()
		pid := strings.TrimSpace(string(b))
		if pid == "" {
			pid = "unknown"
		}
		return nil, fmt.Errorf("storage: open sqlite: data directory %s is in use by another appealbot process (pid %s, holding %s); SQLite serves one process at a time: stop that one, or give this one another data directory: %w",
			dir, pid, path, ErrDataDirInUse)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("storage: lock data directory %s: %w", dir, err)
	}
	// The pid is for the message above, read by the next process that
	// tries; the lock, not the file's content, is what counts.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dirLock{f: f}, nil
}

// release gives the directory up; the file stays for the next process.
func (l *dirLock) release() {
	if l == nil || l.f == nil {
		return
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
	l.f = nil
}
