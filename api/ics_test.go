package api

import (
	"os"
	"testing"
)

// FuzzICS feeds arbitrary bytes to the .ics reader: it must not panic, and
// what it accepts must be consistent (days in order, no day twice, every
// day in one of the years it reports).
func FuzzICS(f *testing.F) {
	fixture, err := os.ReadFile("testdata/china-2026.ics")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixture)
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261001\r\nDURATION:P1W\r\nSUMMARY:补班\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:x\nEND:VTIMEZONE\nBEGIN:VEVENT\nDTSTART;VALUE=\"DATE\":20261231\nDTEND;VALUE=DATE:20270102\n X\nEND:VEVENT\nEND:VCALENDAR"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, err := parseICS(data)
		if err != nil {
			if ie, ok := err.(*icsError); !ok || ie.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		years := map[int]bool{}
		for _, y := range cal.Years {
			years[y] = true
		}
		seen := map[string]bool{}
		for _, h := range cal.Holidays {
			if h.To.Before(h.From) || h.Days() > maxICSEventDays {
				t.Fatalf("holiday %s", h)
			}
			for d := h.From; !d.After(h.To); d = d.AddDays(1) {
				if seen[d.String()] || !years[d.Year] {
					t.Fatalf("day %s twice or outside %v", d, cal.Years)
				}
				seen[d.String()] = true
			}
		}
		for _, w := range cal.Workdays {
			if seen[w.Date.String()] || !years[w.Date.Year] || !w.Date.Valid() {
				t.Fatalf("workday %s twice or outside %v", w.Date, cal.Years)
			}
			seen[w.Date.String()] = true
		}
	})
}
