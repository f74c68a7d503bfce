package api

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// Exporter streams the appeals received in [from, to), oldest first.
type Exporter interface {
	ExportAppeals(ctx context.Context, from, to time.Time, fn func(appeal.Appeal) error) error
}

// exportFlushRows is how many rows go out between two flushes of the
// response, so that a long export reaches the client as it is read.
const exportFlushRows = 500

// exportWriteTimeout is how long one flush of the export may take to reach
// the client; each flush moves the connection's write deadline, so a long
// export is not cut off by the server's write timeout while a client that
// stopped reading is.
const exportWriteTimeout = time.Minute

// netNow is the clock of network deadlines, which are real time whatever
// clock the handler is given for request timing.
var netNow = time.Now

// bom makes spreadsheet programs read the file as UTF-8 (Chinese text
// otherwise shows as mojibake in Excel).
const bom = "\ufeff"

var exportHeader = map[string][]string{
	"en": {"id", "source", "external_id", "title", "category", "priority", "location",
		"department", "department_name", "status",
		"received_at", "assigned_at", "claimed_at", "answered_at", "closed_at",
		"claim_by", "answer_by", "resolve_by",
		"time_to_claim_s", "working_time_to_claim_s", "time_to_answer_s", "working_time_to_answer_s",
		"time_to_close_s", "claimed_on_time", "answered_on_time"},
	"zh": {"编号", "来源", "外部编号", "标题", "类别", "优先级", "地点",
		"部门代码", "部门名称", "状态",
		"接收时间", "分派时间", "认领时间", "答复时间", "办结时间",
		"认领期限", "答复期限", "办结期限",
		"认领用时（秒）", "认领工作用时（秒）", "答复用时（秒）", "答复工作用时（秒）",
		"办结用时（秒）", "按时认领", "按时答复"},
}

// exportValues writes the enumerated values of an export's rows: in
// English the values as the API names them ("assigned", "normal", "yes"),
// in Chinese the names people read in chat (待认领, 普通, 是).
type exportValues struct {
	status   func(appeal.Status) string
	priority func(appeal.Priority) string
	yesNo    [2]string
}

func exportValuesFor(lang string) exportValues {
	if lang == render.LangZH {
		return exportValues{
			status:   func(s appeal.Status) string { return render.Plain(render.StatusName(lang, s)) },
			priority: func(p appeal.Priority) string { return render.Plain(render.PriorityName(lang, p)) },
			yesNo:    [2]string{"是", "否"},
		}
	}
	return exportValues{
		status:   func(s appeal.Status) string { return string(s) },
		priority: func(p appeal.Priority) string { return string(p) },
		yesNo:    [2]string{"yes", "no"},
	}
}

// exportTimeLayout is a time as spreadsheet programs read it without help.
const exportTimeLayout = "2006-01-02 15:04:05"

// exportDept is what a row needs of its department.
type exportDept struct {
	name string
	cal  appeal.Calendar
}

func (s *server) exportAppeals(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, fromName, rerr := parseBound(q.Get("from"), "from", s.loc, false)
	if rerr != nil {
		rerr.write(w)
		return
	}
	to, toName, rerr := parseBound(q.Get("to"), "to", s.loc, true)
	if rerr != nil {
		rerr.write(w)
		return
	}
	if !to.After(from) {
		writeError(w, http.StatusBadRequest, "invalid", "to must be after from", "to")
		return
	}
	lang := q.Get("lang")
	if lang == "" {
		lang = "en"
	}
	if _, ok := exportHeader[lang]; !ok {
		writeError(w, http.StatusBadRequest, "invalid", `lang must be "en" or "zh"`, "lang")
		return
	}
	depts, err := s.exportDepts(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}

	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="appeals-`+fromName+`-`+toName+`.csv"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	flush := func() error {
		_ = rc.SetWriteDeadline(netNow().Add(exportWriteTimeout)) // not every writer has deadlines
		if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		return nil
	}
	cw := csv.NewWriter(w)
	_, err = w.Write([]byte(bom))
	if err == nil {
		err = cw.Write(exportHeader[lang])
	}
	n := 0
	rec := make([]string, len(exportHeader[lang]))
	vals := exportValuesFor(lang)
	if err == nil {
		err = s.export.ExportAppeals(r.Context(), from, to, func(a appeal.Appeal) error {
			exportRecord(rec, a, depts, s.loc, vals)
			if err := cw.Write(rec); err != nil {
				return err
			}
			if n++; n%exportFlushRows == 0 {
				cw.Flush()
				if err := cw.Error(); err != nil {
					return err
				}
				return flush()
			}
			return nil
		})
	}
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	if err == nil {
		err = flush()
	}
	switch {
	case err == nil:
		s.log.Info("api: appeals exported", "rows", n, "from", from, "to", to)
	case r.Context().Err() != nil:
		s.log.Info("api: export ended by the client", "rows", n, "err", err)
	default:
		// The status is sent already: cut the connection so that the
		// client sees a broken download instead of a short file.
		s.log.Error("api: export failed", "ref", newRef(), "rows", n, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// exportDepts reads every department's name and calendar once per export.
func (s *server) exportDepts(ctx context.Context) (map[string]exportDept, error) {
	list, err := s.svc.Departments(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]exportDept, len(list))
	for _, d := range list {
		var cal appeal.Calendar
		if s.calendars != nil {
			if cal, err = s.calendars.Calendar(ctx, d); err != nil {
				return nil, err
			}
		} else {
			loc, err := appeal.Zone(d.Timezone)
			if err != nil {
				loc = time.UTC
			}
			cal = appeal.DefaultCalendar(loc)
		}
		out[d.Code] = exportDept{name: d.Name, cal: cal}
	}
	return out, nil
}

// exportRecord fills rec with a's row.
func exportRecord(rec []string, a appeal.Appeal, depts map[string]exportDept, loc *time.Location, vals exportValues) {
	d, known := depts[a.Department]
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(exportTimeLayout)
	}
	wall := func(from, to time.Time) string {
		if from.IsZero() || to.IsZero() || to.Before(from) {
			return ""
		}
		return strconv.FormatInt(int64(to.Sub(from)/time.Second), 10)
	}
	working := func(from, to time.Time) string {
		if !known || from.IsZero() || to.IsZero() || to.Before(from) {
			return ""
		}
		return strconv.FormatInt(int64(d.cal.WorkingDuration(from, to)/time.Second), 10)
	}
	onTime := func(done, by time.Time) string {
		switch {
		case done.IsZero() || by.IsZero():
			return ""
		case done.After(by):
			return vals.yesNo[1]
		}
		return vals.yesNo[0]
	}
	copy(rec, []string{
		strconv.FormatInt(int64(a.ID), 10), cell(a.Source), cell(a.ExternalID), cell(a.Title), cell(a.Category),
		vals.priority(a.Priority), cell(a.Location), cell(a.Department), cell(d.name), vals.status(a.Status),
		at(a.ReceivedAt), at(a.AssignedAt), at(a.ClaimedAt), at(a.AnsweredAt), at(a.ClosedAt),
		at(a.Deadlines.ClaimBy), at(a.Deadlines.AnswerBy), at(a.Deadlines.ResolveBy),
		wall(a.AssignedAt, a.ClaimedAt), working(a.AssignedAt, a.ClaimedAt),
		wall(a.AssignedAt, a.AnsweredAt), working(a.AssignedAt, a.AnsweredAt),
		wall(a.ReceivedAt, a.ClosedAt),
		onTime(a.ClaimedAt, a.Deadlines.ClaimBy), onTime(a.AnsweredAt, a.Deadlines.AnswerBy),
	})
}

// cell guards free text against formula injection: a spreadsheet program
// runs a cell that starts with = + - @ (or a tab or carriage return before
// one) as a formula, so such a cell gets a leading apostrophe, which
// spreadsheets show as text and do not display.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// parseBound reads from or to, of the export and of the figures: an RFC
// 3339 time, or a date YYYY-MM-DD in loc. A date as from is the start of
// that day; as to (end set) it is the end of that day, so that
// from=2026-01-01&to=2026-12-31 is the whole year. It also returns the
// bound as it goes into the export's file name.
func parseBound(v, field string, loc *time.Location, end bool) (time.Time, string, *requestError) {
	if v == "" {
		return time.Time{}, "", badRequest(field, "required", field+" is required: a date (YYYY-MM-DD) or an RFC 3339 time")
	}
	if d, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
		name := d.Format(time.DateOnly)
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, name, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, "", badRequest(field, "invalid", field+" must be a date (YYYY-MM-DD) or an RFC 3339 time such as 2026-11-02T09:30:00+08:00")
	}
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, "", badRequest(field, "invalid", field+" is out of range")
	}
	return t, t.In(loc).Format("2006-01-02T150405"), nil
}
