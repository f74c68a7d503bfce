//go:build !race

package storage_test

const raceDetector = false
