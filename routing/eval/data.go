package eval

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/appealbot/appealbot/routing"
)

// columns names the CSV columns to read; an empty name means the column is not used.
type columns struct {
	title, body, label, category, location, time string
}

// row is one labelled appeal of the CSV, with its time when a time column is read.
type row struct {
	ex   routing.Example
	at   time.Time
	line int
}

// readCSV reads RFC 4180 CSV with a header row, UTF-8 with or without a byte order
// mark. Rows with an empty label are skipped and counted.
func readCSV(r io.Reader, cols columns, loc *time.Location) (rows []row, skipped int, err error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, 0, fmt.Errorf("read csv: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return nil, 0, fmt.Errorf("read csv header: %w", err)
	}
	pos := map[string]int{}
	for i, h := range header {
		pos[strings.TrimSpace(h)] = i
	}
	var idx [6]int
	for j, name := range []string{cols.title, cols.body, cols.label, cols.category, cols.location, cols.time} {
		idx[j] = -1
		if name == "" {
			continue
		}
		i, ok := pos[name]
		if !ok {
			return nil, 0, fmt.Errorf("read csv: no column %q in header %q", name, strings.Join(header, ","))
		}
		idx[j] = i
	}
	if idx[0] < 0 && idx[1] < 0 {
		return nil, 0, errors.New("read csv: neither a title nor a body column")
	}
	if idx[2] < 0 {
		return nil, 0, errors.New("read csv: no label column")
	}
	get := func(rec []string, i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		rw := row{line: line, ex: routing.Example{
			Title: get(rec, idx[0]), Body: get(rec, idx[1]), Label: get(rec, idx[2]),
			Category: get(rec, idx[3]), Location: get(rec, idx[4]),
		}}
		if rw.ex.Label == "" {
			skipped++
			continue
		}
		if idx[5] >= 0 {
			if rw.at, err = parseTime(get(rec, idx[5]), loc); err != nil {
				return nil, 0, fmt.Errorf("read csv: line %d: %w", line, err)
			}
		}
		rows = append(rows, rw)
	}
	return rows, skipped, nil
}

// parseTime reads RFC 3339 or the message boards' "2020/1/6 12:09:38" (in loc).
func parseTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006/1/2 15:04:05", "2006/1/2 15:04", "2006-01-02 15:04:05", "2006/1/2", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q is neither RFC 3339 nor YYYY/M/D H:MM:SS", s)
}
