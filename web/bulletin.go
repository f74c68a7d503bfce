package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/render"
)

// The monthly bulletin (月度考核通报): totals, the three rates, the ranking
// with its top and bottom five, the units at the bottom named with the
// rate that failed them, and the month's appeals by category and by
// source; printable on A4 and downloadable as .xlsx with the same tables.

type bulletinBody struct {
	Month     string
	Title     string
	Intro     string
	Total     kpi.Figures
	Rows      []rankRow
	Red       []rankRow
	Black     []rankRow
	Ranked    int
	Category  []share
	Source    []share
	Weights   string
	XLSX      string
	Months    []string
	Generated time.Time
}

// share is one line of a breakdown.
type share struct {
	appeal.Breakdown
	Share string
}

func shares(bs []appeal.Breakdown) []share {
	total := 0
	for _, b := range bs {
		total += b.Received
	}
	out := make([]share, 0, len(bs))
	for _, b := range bs {
		x := float64(b.Received) / float64(max(total, 1))
		out = append(out, share{Breakdown: b, Share: pct(&x)})
	}
	return out
}

// bulletinData reads the bulletin of ?month= (the last whole month by
// default) for v.
func (s *Server) bulletinData(ctx context.Context, r *http.Request, v *viewer) (bulletinBody, error) {
	now := s.opt.Now()
	q := url.Values{"month": {r.URL.Query().Get("month")}}
	if q.Get("month") == "" {
		q.Set("month", lastMonth(now, s.opt.Location))
	}
	p, err := parsePeriod(q, now, s.opt.Location)
	if err != nil {
		return bulletinBody{}, err
	}
	names, _, err := s.names(ctx)
	if err != nil {
		return bulletinBody{}, err
	}
	rep, err := s.load(ctx, p.From, p.To, "")
	if err != nil {
		return bulletinBody{}, err
	}
	rk := rank(rep, names, v.lang)
	month := p.From.Format("2006-01")
	if v.lang == render.LangZH {
		month = p.From.Format("2006年1月")
	}
	b := bulletinBody{Month: p.Month, Rows: rk.only(v), Ranked: rk.Ranked, Weights: s.opt.Weights.String(), Generated: now,
		Title: text(v.lang, render.WebBulletinTitle, render.Args{"month": month})}
	b.Total = rep.Overall
	if !v.all {
		// A leader's totals are their departments'.
		b.Total = kpi.Figures{}
		for _, row := range b.Rows {
			b.Total = sum(b.Total, row.F)
		}
	}
	b.Intro = text(v.lang, render.WebBulletinIntro, render.Args{"received": b.Total.Received, "answered": b.Total.Answered,
		"closed": b.Total.Closed, "overdue": b.Total.Overdue})
	for _, row := range b.Rows {
		switch row.Mark {
		case "red":
			b.Red = append(b.Red, row)
		case "black":
			b.Black = append(b.Black, row)
		}
	}
	cats, srcs, err := s.store.AppealBreakdown(ctx, p.From.UTC(), p.To.UTC(), v.scope())
	if err != nil {
		return bulletinBody{}, err
	}
	b.Category, b.Source = shares(cats), shares(srcs)
	if v.public {
		b.XLSX = "/public.xlsx?month=" + p.Month
	} else {
		b.XLSX = "/bulletin.xlsx?month=" + p.Month
	}
	// The twelve months before this one, for the month picker.
	cur := time.Date(now.In(s.opt.Location).Year(), now.In(s.opt.Location).Month(), 1, 0, 0, 0, 0, s.opt.Location)
	for i := range 13 {
		b.Months = append(b.Months, cur.AddDate(0, -i, 0).Format("2006-01"))
	}
	return b, nil
}

// sum adds the counts of f to t (the rates of a sum are not needed).
func sum(t, f kpi.Figures) kpi.Figures {
	t.Received += f.Received
	t.Answered += f.Answered
	t.Closed += f.Closed
	t.Overdue += f.Overdue
	t.Open += f.Open
	return t
}

// bulletinFor is the bulletin of the request; otherwise it has answered.
func (s *Server) bulletinFor(w http.ResponseWriter, r *http.Request, v *viewer) (bulletinBody, bool) {
	b, err := s.bulletinData(r.Context(), r, v)
	switch {
	case errors.Is(err, errPeriod):
		s.fail(w, r, v, http.StatusBadRequest, render.WebBadPeriod)
		return b, false
	case err != nil:
		s.internal(w, r, err)
		return b, false
	}
	return b, true
}

func (s *Server) bulletin(w http.ResponseWriter, r *http.Request, v *viewer) {
	b, ok := s.bulletinFor(w, r, v)
	if !ok {
		return
	}
	s.show(w, r, v, http.StatusOK, "bulletin", b.Title, "bulletin", b)
}

// bulletinXLSX serves the bulletin's tables as a workbook: totals, the
// ranking, and the two breakdowns, one sheet each.
func (s *Server) bulletinXLSX(w http.ResponseWriter, r *http.Request, v *viewer) {
	b, ok := s.bulletinFor(w, r, v)
	if !ok {
		return
	}
	data, err := workbook(v.lang, b)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="bulletin-%s.xlsx"`, b.Month))
	_, _ = w.Write(data)
}

// rate is a rate as a number for a spreadsheet (a fraction), or "" when
// undefined.
func rate(x *float64) any {
	if x == nil {
		return ""
	}
	return round4(*x)
}

func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }

func workbook(lang string, b bulletinBody) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	t := func(k render.Key) string { return text(lang, k, nil) }
	percent, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	sheet := func(name string, first bool, header []string, rows [][]any, pctCols ...int) error {
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		all := append([][]any{toAny(header)}, rows...)
		for i, row := range all {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				return err
			}
		}
		end, _ := excelize.CoordinatesToCellName(len(header), 1)
		if err := f.SetCellStyle(name, "A1", end, bold); err != nil {
			return err
		}
		for _, c := range pctCols {
			from, _ := excelize.CoordinatesToCellName(c, 2)
			to, _ := excelize.CoordinatesToCellName(c, len(all))
			if err := f.SetCellStyle(name, from, to, percent); err != nil {
				return err
			}
		}
		col, _ := excelize.ColumnNumberToName(len(header))
		return f.SetColWidth(name, "A", col, 16)
	}
	tot := b.Total
	if err := sheet(t(render.WebTotals), true,
		[]string{t(render.WebReceived), t(render.WebAnswered), t(render.WebClosed), t(render.WebOverdue),
			t(render.WebResponse), t(render.WebResolution), t(render.WebSatisfaction), t(render.WebScore)},
		[][]any{{tot.Received, tot.Answered, tot.Closed, tot.Overdue, rate(tot.Response), rate(tot.Resolution),
			rate(tot.Satisfaction), score(tot.Score)}}, 5, 6, 7); err != nil {
		return nil, err
	}
	var rows [][]any
	for _, r := range b.Rows {
		mark := ""
		switch r.Mark {
		case "red":
			mark = t(render.WebRedList)
		case "black":
			mark = t(render.WebBlackList)
		}
		rk := any(r.Rank)
		if r.Rank == 0 {
			rk = ""
		}
		rows = append(rows, []any{rk, r.Name, score(r.F.Score), rate(r.F.Response), rate(r.F.Resolution),
			rate(r.F.Satisfaction), rate(r.F.OnTimeClaim), rate(r.F.OnTimeAnswer), r.F.Received, r.F.Answered,
			r.F.Closed, r.F.Overdue, mark, r.Failed})
	}
	if err := sheet(t(render.WebRank), false,
		[]string{t(render.WebRank), t(render.WebDept), t(render.WebScore), t(render.WebResponse), t(render.WebResolution),
			t(render.WebSatisfaction), t(render.WebOnTimeClaim), t(render.WebOnTimeAnswer), t(render.WebReceived),
			t(render.WebAnswered), t(render.WebClosed), t(render.WebOverdue), t(render.WebRedList) + "/" + t(render.WebBlackList),
			t(render.WebFailedOn)}, rows, 4, 5, 6, 7, 8); err != nil {
		return nil, err
	}
	for _, bd := range []struct {
		k  render.Key
		ss []share
	}{{render.WebByCategory, b.Category}, {render.WebBySource, b.Source}} {
		var rows [][]any
		for _, sh := range bd.ss {
			key := sh.Key
			if key == "" {
				key = t(render.WebNoValue)
			}
			rows = append(rows, []any{key, sh.Received, sh.Closed})
		}
		col := t(render.WebCategory)
		if bd.k == render.WebBySource {
			col = t(render.WebSource)
		}
		if err := sheet(t(bd.k), false, []string{col, t(render.WebReceived), t(render.WebClosed)}, rows); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// Formatting for the templates.

// pct is a rate as "87.5%", "—" when undefined.
func pct(x *float64) string {
	if x == nil {
		return "—"
	}
	s := fmt.Sprintf("%.1f", *x*100)
	return strings.TrimSuffix(s, ".0") + "%"
}

// score is a score to one decimal, "—" when undefined.
func score(x *float64) any {
	if x == nil {
		return "—"
	}
	return round1(*x)
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"t": func(lang, key string, kv ...any) string {
			a := render.Args{}
			for i := 0; i+1 < len(kv); i += 2 {
				a[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return text(lang, render.Key(key), a)
		},
		"pct":   pct,
		"score": score,
		"median": func(lang string, d kpi.Durations) string {
			if d.N == 0 {
				return "—"
			}
			return render.Duration(lang, d.Median)
		},
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(s.opt.Location).Format("2006-01-02 15:04")
		},
		"status": func(lang string, st appeal.Status) string { return render.StatusName(lang, st) },
		"deptURL": func(code, query string) string {
			u := "/dept/" + url.PathEscape(code)
			if query != "" {
				u += "?" + query
			}
			return u
		},
		"rankData": func(lang string, rows []rankRow, ranked int, query string, public bool) any {
			return struct {
				Lang   string
				Rows   []rankRow
				Ranked int
				Query  string
				Public bool
			}{lang, rows, ranked, query, public}
		},
		"itemsData": func(lang string, items []item, id string) any {
			return struct {
				Lang  string
				Items []item
				ID    string
			}{lang, items, id}
		},
		"breakdownData": func(lang, title, col string, rows []share, id string) any {
			return struct {
				Lang, Title, Col string
				Rows             []share
				ID               string
			}{lang, title, col, rows, id}
		},
	}
}
