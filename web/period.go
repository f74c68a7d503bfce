package web

import (
	"errors"
	"net/url"
	"time"

	"github.com/appealbot/appealbot/kpi"
)

// period is the stretch of time a page shows, [From, To).
type period struct {
	// Kind is "month", "week" or "custom".
	Kind     string
	From, To time.Time
	// Month is YYYY-MM for a month.
	Month string
	// FromDay and ToDay are the first and last day, YYYY-MM-DD.
	FromDay, ToDay string
}

var errPeriod = errors.New("web: bad period")

// parsePeriod reads ?period=week|month|custom, ?month=YYYY-MM and
// ?from=YYYY-MM-DD&to=YYYY-MM-DD (both days included); the default is
// this month.
func parsePeriod(q url.Values, now time.Time, loc *time.Location) (period, error) {
	now = now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	var p period
	switch k := q.Get("period"); {
	case k == "week":
		// Weeks start on Monday.
		start := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
		p = period{Kind: "week", From: start, To: start.AddDate(0, 0, 7)}
	case k == "custom" || k == "" && (q.Get("from") != "" || q.Get("to") != ""):
		from, err1 := time.ParseInLocation(time.DateOnly, q.Get("from"), loc)
		to, err2 := time.ParseInLocation(time.DateOnly, q.Get("to"), loc)
		if err1 != nil || err2 != nil || to.Before(from) || to.Sub(from) >= kpi.MaxDays*24*time.Hour || from.After(now) {
			return period{}, errPeriod
		}
		p = period{Kind: "custom", From: from, To: to.AddDate(0, 0, 1)}
	case k == "" || k == "month":
		m := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
		if v := q.Get("month"); v != "" {
			t, err := time.ParseInLocation("2006-01", v, loc)
			if err != nil || t.After(now) || t.Year() < 2000 {
				return period{}, errPeriod
			}
			m = t
		}
		p = period{Kind: "month", From: m, To: m.AddDate(0, 1, 0), Month: m.Format("2006-01")}
	default:
		return period{}, errPeriod
	}
	p.FromDay, p.ToDay = p.From.Format(time.DateOnly), p.To.AddDate(0, 0, -1).Format(time.DateOnly)
	return p, nil
}

// Query is the period as a query string, for links to other pages.
func (p period) Query() string {
	v := url.Values{}
	switch p.Kind {
	case "week":
		v.Set("period", "week")
	case "custom":
		v.Set("period", "custom")
		v.Set("from", p.FromDay)
		v.Set("to", p.ToDay)
	default:
		v.Set("month", p.Month)
	}
	return v.Encode()
}

// lastMonth is the last whole month before now, the bulletin's default.
func lastMonth(now time.Time, loc *time.Location) string {
	now = now.In(loc)
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, -1, 0).Format("2006-01")
}
