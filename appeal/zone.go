package appeal

import (
	"sync"
	"time"
)

// zones holds every time zone loaded so far: loading one reads and parses
// a file of the zone database, and cards, reminders, figures and exports
// each need the zone of every department they touch.
var zones sync.Map // name → *time.Location

// Zone returns the time zone named name as time.LoadLocation does ("" and
// "UTC" are UTC), loading each zone once; it is safe for concurrent use.
// Only zones that exist are remembered, so that names from outside cannot
// grow the cache without bound.
func Zone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	actual, _ := zones.LoadOrStore(name, l)
	return actual.(*time.Location), nil
}
