// Package buftest is a bytes.Buffer that the goroutines of a program
// under test may write at once: where tests collect a log or a terminal's
// output. It is for tests only.
package buftest

import (
	"bytes"
	"strings"
	"sync"
)

// Buffer collects what is written to it; its zero value is ready.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Lines counts the lines written so far that hold every one of parts.
func (l *Buffer) Lines(parts ...string) int {
	n := 0
	for line := range strings.SplitSeq(l.String(), "\n") {
		all := line != ""
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}
