//go:build race

package reminders_test

// raceDetector is set in builds with the race detector, which makes the
// pure-Go SQLite some 25 times slower.
const raceDetector = true
