// Package digest makes the leaders' digests: when each department's daily
// and weekly digests are due (cron schedules in the department's
// timezone), what they say (the department's figures from package kpi,
// the overdue appeals and the chart's days: pure functions of stored
// appeals and a time), and the runner that queues each digest once per
// period however many instances run or restart. The chart itself is drawn
// by package render/chart.
package digest

import (
	"sort"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
)

// AtRisk is how close to its next deadline an open appeal counts as at
// risk: due within four hours, not yet overdue.
const AtRisk = 4 * time.Hour

// ChartDays is how many days the chart shows.
const ChartDays = 7

// Late is an appeal past its next deadline.
type Late struct {
	Appeal appeal.Appeal
	// Deadline is the deadline it missed; By is how long ago that was.
	Deadline time.Time
	By       time.Duration
}

// Day is one day of the chart.
type Day struct {
	// Start is the day's local midnight.
	Start time.Time
	// Received counts appeals that reached the department that day,
	// Answered those answered that day, Overdue those whose answer
	// deadline fell that day unanswered.
	Received, Answered, Overdue int
	// Open counts the appeals open (reached, not closed) at the day's
	// end, or now for the day under way: the backlog. It is read from the
	// appeals as they are now, so an appeal since sent back or transferred
	// counts for no day.
	Open int
}

// Labels are a chart's texts, in the reader's language.
type Labels struct {
	Title    string
	Received string
	Answered string
	Overdue  string
	Open     string
	// Days labels each day of the chart (such as "周一\n11/16").
	Days []string
}

// Text returns every label as one string, to check a font has its glyphs.
func (l Labels) Text() string {
	return l.Title + l.Received + l.Answered + l.Overdue + l.Open + strings.Join(l.Days, "")
}

// Stats is what a digest says about a department for [From, To), as of Now.
type Stats struct {
	From, To, Now time.Time
	// KPI are the department's figures for the period (package kpi):
	// counts, open and overdue now, times to claim and answer, on-time
	// and other rates. The digest has no definitions of its own.
	KPI kpi.Figures
	// AtRisk counts open appeals due within AtRisk, not yet overdue.
	AtRisk int
	// Late lists the overdue appeals, most late first.
	Late []Late
	// Days are the ChartDays days up to the one holding To, oldest first.
	Days []Day
}

// NextDeadline is the deadline appeal a must meet next; zero when none
// applies (closed, or waiting for dispatch).
func NextDeadline(a appeal.Appeal) time.Time { return kpi.NextDeadline(a) }

// ChartStart is the local midnight that starts the chart of a digest
// ending at to: ChartDays days up to and including the day holding the
// last moment before to.
func ChartStart(to time.Time, loc *time.Location) time.Time {
	last := to.Add(-time.Nanosecond).In(loc)
	return time.Date(last.Year(), last.Month(), last.Day()-(ChartDays-1), 0, 0, 0, 0, loc)
}

// Since is the earliest moment a digest for [from, to) looks at: what the
// store must return appeals from (see storage DigestAppeals).
func Since(from, to time.Time, loc *time.Location) time.Time {
	if c := ChartStart(to, loc); c.Before(from) {
		return c
	}
	return from
}

func in(t, from, to time.Time) bool { return !t.IsZero() && !t.Before(from) && t.Before(to) }

// Compute works out a department's digest for [from, to) as of now from
// its figures k and its appeals (those the store returns for Since(from,
// to, loc)); loc is the department's timezone, for the chart's days.
func Compute(as []appeal.Appeal, k kpi.Figures, from, to, now time.Time, loc *time.Location) Stats {
	s := Stats{From: from, To: to, Now: now, KPI: k}
	start := ChartStart(to, loc)
	for i := range ChartDays {
		s.Days = append(s.Days, Day{Start: time.Date(start.Year(), start.Month(), start.Day()+i, 0, 0, 0, 0, loc)})
	}
	day := func(t time.Time) int {
		for i := len(s.Days) - 1; i >= 0; i-- {
			if !t.Before(s.Days[i].Start) {
				if i == len(s.Days)-1 && !t.Before(s.Days[i].Start.AddDate(0, 0, 1)) {
					return -1
				}
				return i
			}
		}
		return -1
	}
	for _, a := range as {
		reached := a.AssignedAt
		if reached.IsZero() {
			reached = a.ReceivedAt
		}
		if kpi.IsOpen(a) {
			if d := NextDeadline(a); !d.IsZero() {
				switch {
				case kpi.Overdue(a, now):
					s.Late = append(s.Late, Late{Appeal: a, Deadline: d, By: now.Sub(d)})
				case d.Sub(now) < AtRisk:
					s.AtRisk++
				}
			}
		}
		if !a.AssignedAt.IsZero() || !a.ReceivedAt.IsZero() {
			if i := day(reached); i >= 0 && reached.Before(now) {
				s.Days[i].Received++
			}
		}
		if by := a.Deadlines.AnswerBy; !by.IsZero() && by.Before(now) && missed(a, by) {
			if i := day(by); i >= 0 {
				s.Days[i].Overdue++
			}
		}
		if t := a.AnsweredAt; !t.IsZero() && t.Before(now) {
			if i := day(t); i >= 0 {
				s.Days[i].Answered++
			}
		}
		if a.Status == appeal.StatusReturned || a.Department == "" {
			continue
		}
		for i := range s.Days {
			end := s.Days[i].Start.AddDate(0, 0, 1)
			if end.After(now) {
				end = now
			}
			if !reached.IsZero() && reached.Before(end) && (a.ClosedAt.IsZero() || !a.ClosedAt.Before(end)) {
				s.Days[i].Open++
			}
		}
	}
	sort.SliceStable(s.Late, func(i, j int) bool {
		if s.Late[i].By != s.Late[j].By {
			return s.Late[i].By > s.Late[j].By
		}
		return s.Late[i].Appeal.ID < s.Late[j].Appeal.ID
	})
	return s
}

// missed reports whether a was neither answered nor closed by its answer
// deadline by.
func missed(a appeal.Appeal, by time.Time) bool {
	if !a.AnsweredAt.IsZero() && !a.AnsweredAt.After(by) {
		return false
	}
	if !a.ClosedAt.IsZero() && !a.ClosedAt.After(by) {
		return false
	}
	return true
}
