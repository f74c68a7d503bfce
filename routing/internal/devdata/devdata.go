// Package devdata finds the labelled development set of appeals that lives beside the
// repository, for tests. The set is evaluation data that must never be copied into the
// repository or a binary, so tests read it from where it lies and skip without it.
package devdata

import (
	"os"
	"path/filepath"
	"strings"
)

// rel is where the set lies relative to the repository root.
const rel = "../shared/data/tipdm-dev.csv"

// Path returns the path of tipdm-dev.csv: ../shared/data from the repository root that
// contains dir, or from the parent of the main checkout when the repository is a git
// worktree. It returns "" when the file is in neither place.
func Path(dir string) string {
	root, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(root) == root {
			return ""
		}
		root = filepath.Dir(root)
	}
	candidates := []string{filepath.Join(root, rel)}
	// In a worktree .git is a file "gitdir: <main>/.git/worktrees/<name>" whose
	// commondir leads back to the main checkout's .git.
	if b, err := os.ReadFile(filepath.Join(root, ".git")); err == nil {
		gitdir := strings.TrimSpace(strings.TrimPrefix(string(b), "gitdir:"))
		if c, err := os.ReadFile(filepath.Join(gitdir, "commondir")); err == nil {
			common := strings.TrimSpace(string(c))
			if !filepath.IsAbs(common) {
				common = filepath.Join(gitdir, common)
			}
			main := filepath.Dir(filepath.Clean(common))
			candidates = append(candidates, filepath.Join(main, rel))
		}
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	return ""
}

// SkipMessage is what a test says when it skips for want of the set.
const SkipMessage = "development set tipdm-dev.csv not found in ../shared/data beside the repository (or beside the main checkout of this worktree); skipping"
