package storage

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
)

// Kinds of calendar_days rows.
const (
	dayHoliday = "holiday"
	dayWorkday = "workday"
)

type calendarDayRow struct {
	Day  string `db:"day"`
	Kind string `db:"kind"`
	Name string `db:"name"`
}

// CalendarDays returns every public holiday, as runs of consecutive days
// with one name, and every make-up working day, each in date order. It
// implements appeal.CalendarDays.
func (s *Store) CalendarDays(ctx context.Context) ([]appeal.Holiday, []appeal.Workday, error) {
	hs, ws, err := calendarDays(ctx, s.db)
	if err != nil {
		return nil, nil, fail("calendar days", err)
	}
	return hs, ws, nil
}

// calendarDays is CalendarDays read through q.
func calendarDays(ctx context.Context, q sqlx.QueryerContext) ([]appeal.Holiday, []appeal.Workday, error) {
	var rows []calendarDayRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT day, kind, name FROM calendar_days ORDER BY day`); err != nil {
		return nil, nil, err
	}
	var hs []appeal.Holiday
	var ws []appeal.Workday
	for _, r := range rows {
		d, err := appeal.ParseDate(r.Day)
		if err != nil {
			return nil, nil, fmt.Errorf("stored day %q: %w", r.Day, err)
		}
		if r.Kind == dayWorkday {
			ws = append(ws, appeal.Workday{Date: d, Name: r.Name})
			continue
		}
		if n := len(hs); n > 0 && hs[n-1].Name == r.Name && hs[n-1].To.AddDays(1) == d {
			hs[n-1].To = d
			continue
		}
		hs = append(hs, appeal.Holiday{From: d, To: d, Name: r.Name})
	}
	return hs, ws, nil
}

// AddHoliday adds the days of h as a holiday. When any of them is already a
// holiday or a make-up day it adds nothing and returns a *appeal.DayTakenError
// (ErrConflict) naming the first.
func (s *Store) AddHoliday(ctx context.Context, h appeal.Holiday) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := dayFree(ctx, tx, h.From, h.To); err != nil {
			return err
		}
		for d := h.From; !d.After(h.To); d = d.AddDays(1) {
			if err := insertDay(ctx, tx, d, dayHoliday, h.Name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fail(fmt.Sprintf("add holiday %s..%s", h.From, h.To), err)
	}
	return nil
}

// RemoveHolidays removes the holidays on the days from..to and returns how
// many days it removed; ErrNotFound when there were none.
func (s *Store) RemoveHolidays(ctx context.Context, from, to appeal.Date) (int, error) {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM calendar_days WHERE kind = ? AND day >= ? AND day <= ?`),
		dayHoliday, from.String(), to.String())
	if err != nil {
		return 0, fail("remove holidays", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fail("remove holidays", err)
	}
	if n == 0 {
		return 0, fail(fmt.Sprintf("remove holidays %s..%s", from, to), ErrNotFound)
	}
	return int(n), nil
}

// AddWorkday adds a make-up working day; a *appeal.DayTakenError (ErrConflict)
// when the day is already a holiday or a make-up day.
func (s *Store) AddWorkday(ctx context.Context, w appeal.Workday) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := dayFree(ctx, tx, w.Date, w.Date); err != nil {
			return err
		}
		return insertDay(ctx, tx, w.Date, dayWorkday, w.Name)
	})
	if err != nil {
		return fail(fmt.Sprintf("add workday %s", w.Date), err)
	}
	return nil
}

// RemoveWorkday removes a make-up working day; ErrNotFound when d is none.
func (s *Store) RemoveWorkday(ctx context.Context, d appeal.Date) error {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM calendar_days WHERE kind = ? AND day = ?`), dayWorkday, d.String())
	if err != nil {
		return fail("remove workday", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fail("remove workday", err)
	} else if n == 0 {
		return fail(fmt.Sprintf("remove workday %s", d), ErrNotFound)
	}
	return nil
}

// ReplaceCalendarYears replaces, in one transaction, every holiday and
// make-up day of the given years with hs and ws (which should lie in those
// years; days outside them are added too). A day given twice is a
// *appeal.DayTakenError and changes nothing.
func (s *Store) ReplaceCalendarYears(ctx context.Context, years []int, hs []appeal.Holiday, ws []appeal.Workday) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, y := range years {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM calendar_days WHERE day >= ? AND day <= ?`),
				appeal.Date{Year: y, Month: 1, Day: 1}.String(), appeal.Date{Year: y, Month: 12, Day: 31}.String()); err != nil {
				return err
			}
		}
		for _, h := range hs {
			if err := dayFree(ctx, tx, h.From, h.To); err != nil {
				return err
			}
			for d := h.From; !d.After(h.To); d = d.AddDays(1) {
				if err := insertDay(ctx, tx, d, dayHoliday, h.Name); err != nil {
					return err
				}
			}
		}
		for _, w := range ws {
			if err := dayFree(ctx, tx, w.Date, w.Date); err != nil {
				return err
			}
			if err := insertDay(ctx, tx, w.Date, dayWorkday, w.Name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fail("replace calendar", err)
	}
	return nil
}

// dayFree returns a *appeal.DayTakenError for the first day in from..to that is
// already in the calendar.
func dayFree(ctx context.Context, tx *sqlx.Tx, from, to appeal.Date) error {
	var rows []calendarDayRow
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(`SELECT day, kind, name FROM calendar_days
		WHERE day >= ? AND day <= ? ORDER BY day LIMIT 1`), from.String(), to.String()); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	d, _ := appeal.ParseDate(rows[0].Day)
	return &appeal.DayTakenError{Date: d, Holiday: rows[0].Kind == dayHoliday, Name: rows[0].Name}
}

func insertDay(ctx context.Context, tx *sqlx.Tx, d appeal.Date, kind, name string) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO calendar_days (day, kind, name) VALUES (?, ?, ?)`), d.String(), kind, name)
	return err
}
