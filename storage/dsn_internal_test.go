package storage

import "testing"

// TestWithBinaryParameters: the store asks lib/pq for one round trip per
// statement in either form of connection string, unless it says otherwise.
func TestWithBinaryParameters(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://u@db:5432/app?sslmode=disable", "postgres://u@db:5432/app?binary_parameters=yes&sslmode=disable"},
		{"postgresql://u@db/app", "postgresql://u@db/app?binary_parameters=yes"},
		{"postgres://u@db/app?binary_parameters=no", "postgres://u@db/app?binary_parameters=no"},
		{"host=db dbname=app sslmode=disable", "host=db dbname=app sslmode=disable binary_parameters=yes"},
		{"host=db binary_parameters=no", "host=db binary_parameters=no"},
	} {
		if got := withBinaryParameters(tc.in); got != tc.want {
			t.Errorf("withBinaryParameters(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
