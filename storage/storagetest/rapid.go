package storagetest

import (
	"flag"
	"os"
	"strconv"
	"testing"
)

// DefaultChecks makes rapid run n cases in t unless -rapid.checks or
// RAPID_CHECKS says otherwise: property tests against a real store cost a
// round trip per step, so each sets its own default per backend. (rapid's
// number of checks is one global flag: run such subtests one after the
// other, not in parallel.)
func DefaultChecks(t *testing.T, n int) {
	set := os.Getenv("RAPID_CHECKS") != ""
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	f := flag.Lookup("rapid.checks")
	if set || f == nil {
		return
	}
	old := f.Value.String()
	if err := f.Value.Set(strconv.Itoa(n)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Value.Set(old) })
}
