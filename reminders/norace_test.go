//go:build !race

package reminders_test

// raceDetector is set in builds with the race detector.
const raceDetector = false
