//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package storage

// dirLock does nothing where flock is missing: there, keeping to one
// process per data directory is the operator's task.
type dirLock struct{}

func lockDataDir(string) (*dirLock, error) { return &dirLock{}, nil }

func (*dirLock) release() {}
