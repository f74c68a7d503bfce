package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/appealbot/appealbot/appeal"
)

// CalendarStore keeps the public holidays and make-up working days that
// every department's working-time calendar shares.
type CalendarStore interface {
	CalendarDays(ctx context.Context) ([]appeal.Holiday, []appeal.Workday, error)
	// ReplaceCalendarYears replaces every holiday and make-up day of the
	// given years, in one transaction.
	ReplaceCalendarYears(ctx context.Context, years []int, hs []appeal.Holiday, ws []appeal.Workday) error
}

type holidayJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
	Name string `json:"name"`
	Days int    `json:"days"`
}

type workdayJSON struct {
	Date string `json:"date"`
	Name string `json:"name"`
}

type calendarJSON struct {
	Year     *int          `json:"year"`
	Holidays []holidayJSON `json:"holidays"`
	Workdays []workdayJSON `json:"workdays"`
}

type calendarImportJSON struct {
	Years []int `json:"years"`
	// Holidays counts holiday events (runs of days off), HolidayDays the
	// days in them.
	Holidays    int `json:"holidays"`
	HolidayDays int `json:"holiday_days"`
	Workdays    int `json:"workdays"`
}

// icsErrorBody is the error of a malformed .ics file: the usual error
// object with the line at fault.
type icsErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Line    int    `json:"line"`
	} `json:"error"`
}

// getCalendar answers GET /api/v1/calendar[?year=YYYY]: the holidays and
// make-up working days of one year, or of every year.
func (s *server) getCalendar(w http.ResponseWriter, r *http.Request) {
	out := calendarJSON{Holidays: []holidayJSON{}, Workdays: []workdayJSON{}}
	if v := r.URL.Query().Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1 || y > 9999 {
			writeError(w, http.StatusBadRequest, "invalid", "year must be a year such as 2026", "year")
			return
		}
		out.Year = &y
	}
	hs, ws, err := s.calendar.CalendarDays(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	for _, h := range hs {
		if out.Year != nil && (h.To.Year < *out.Year || h.From.Year > *out.Year) {
			continue
		}
		out.Holidays = append(out.Holidays, holidayJSON{From: h.From.String(), To: h.To.String(), Name: h.Name, Days: h.Days()})
	}
	for _, wd := range ws {
		if out.Year != nil && wd.Date.Year != *out.Year {
			continue
		}
		out.Workdays = append(out.Workdays, workdayJSON{Date: wd.Date.String(), Name: wd.Name})
	}
	writeJSON(w, http.StatusOK, out)
}

// putCalendar answers PUT /api/v1/calendar with an iCalendar body: the
// holidays and make-up working days of every year the file covers are
// replaced by the file's.
func (s *server) putCalendar(w http.ResponseWriter, r *http.Request) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "text/calendar" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type must be text/calendar (an .ics file)", "")
		return
	}
	body, err := io.ReadAll(io.LimitReader(http.MaxBytesReader(w, r.Body, MaxBodyBytes), MaxBodyBytes+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			tooLarge().write(w)
			return
		}
		writeError(w, http.StatusBadRequest, "unreadable_body", "the request body could not be read", "")
		return
	}
	if len(body) > MaxBodyBytes {
		tooLarge().write(w)
		return
	}
	cal, err := parseICS(body)
	if err != nil {
		var ie *icsError
		if !errors.As(err, &ie) {
			s.internal(w, r, err)
			return
		}
		var e icsErrorBody
		e.Error.Code, e.Error.Message, e.Error.Line = "malformed_ics", ie.Error(), ie.Line
		writeJSON(w, http.StatusBadRequest, e)
		return
	}
	if err := s.calendar.ReplaceCalendarYears(r.Context(), cal.Years, cal.Holidays, cal.Workdays); err != nil {
		s.internal(w, r, fmt.Errorf("calendar import: %w", err))
		return
	}
	out := calendarImportJSON{Years: cal.Years, Holidays: len(cal.Holidays), Workdays: len(cal.Workdays)}
	for _, h := range cal.Holidays {
		out.HolidayDays += h.Days()
	}
	s.log.Info("api: calendar imported", "years", cal.Years, "holidays", out.Holidays, "workdays", out.Workdays)
	writeJSON(w, http.StatusOK, out)
}
