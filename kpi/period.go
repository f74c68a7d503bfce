package kpi

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Period is a stretch of time figures are computed for, [From, To).
type Period struct {
	From, To time.Time
	// Name is how it was asked for: "today", "7d", "2026-10".
	Name string
}

// DefaultPeriod is the period of /stats without an argument.
const DefaultPeriod = "7d"

// MaxDays is the longest period of the "Nd" form.
const MaxDays = 366

// ErrPeriod is the error of a period ParsePeriod cannot read.
var ErrPeriod = errors.New("kpi: a period is today, 7d, 30d (1 to 366 days up to now) or a month as YYYY-MM, not in the future")

// ParsePeriod reads a period as people ask for it, at now in loc: "today"
// (local midnight to the next), "Nd" (the N×24 hours up to now), or
// "YYYY-MM" (that calendar month in loc, which must have begun). ""
// is DefaultPeriod.
func ParsePeriod(s string, now time.Time, loc *time.Location) (Period, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		s = DefaultPeriod
	}
	now = now.In(loc)
	switch {
	case s == "today":
		start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		return Period{From: start, To: start.AddDate(0, 0, 1), Name: s}, nil
	case strings.HasSuffix(s, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || n < 1 || n > MaxDays || strings.HasPrefix(s, "+") {
			return Period{}, ErrPeriod
		}
		return Period{From: now.Add(-time.Duration(n) * 24 * time.Hour), To: now, Name: s}, nil
	}
	m, err := time.ParseInLocation("2006-01", s, loc)
	if err != nil || m.After(now) || m.Year() < 2000 {
		return Period{}, ErrPeriod
	}
	return Period{From: m, To: m.AddDate(0, 1, 0), Name: s}, nil
}
