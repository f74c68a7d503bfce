package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/render"
)

// rankRow is one department in a ranking.
type rankRow struct {
	Rank int
	Code string
	Name string
	// Mark is "red" for the top five (红榜), "black" for the bottom five
	// (黑榜), "" otherwise.
	Mark string
	F    kpi.Figures
	// Failed names the lowest of the three rates, with its value: what put
	// the department at the bottom.
	Failed string
}

// ranked are the departments of rep best first, with ranks and marks;
// Ranked counts those with a score.
type ranked struct {
	Rows   []rankRow
	Ranked int
}

// rank orders rep's departments by score (kpi.Report.Ranking) and marks
// the top and bottom five of those with a score (fewer when fewer than
// ten have one, so that no department is on both lists).
func rank(rep kpi.Report, names map[string]string, lang string) ranked {
	all := rep.Ranking()
	n := 0
	for _, f := range all {
		if f.Score != nil {
			n++
		}
	}
	k := min(5, n/2)
	out := ranked{Ranked: n}
	for i, f := range all {
		r := rankRow{Rank: i + 1, Code: f.Department, Name: names[f.Department], F: f}
		if r.Name == "" {
			r.Name = f.Department
		}
		switch {
		case f.Score == nil:
			r.Rank = 0
		case i < k:
			r.Mark = "red"
		case i >= n-k:
			r.Mark = "black"
			r.Failed = failed(lang, f)
		}
		out.Rows = append(out.Rows, r)
	}
	return out
}

// failed names f's lowest defined rate of the three, with its value.
func failed(lang string, f kpi.Figures) string {
	best, name := 2.0, ""
	for _, c := range []struct {
		v *float64
		k render.Key
	}{{f.Response, render.WebResponse}, {f.Resolution, render.WebResolution}, {f.Satisfaction, render.WebSatisfaction}} {
		if c.v != nil && *c.v < best {
			best, name = *c.v, text(lang, c.k, nil)+" "+pct(c.v)
		}
	}
	return name
}

// only keeps the rows of the departments v sees.
func (r ranked) only(v *viewer) []rankRow {
	if v.all {
		return r.Rows
	}
	var out []rankRow
	for _, row := range r.Rows {
		if v.sees(row.Code) {
			out = append(out, row)
		}
	}
	return out
}

// names maps department codes to their names.
func (s *Server) names(ctx context.Context) (map[string]string, []appeal.Department, error) {
	ds, err := s.store.Departments(ctx)
	if err != nil {
		return nil, nil, err
	}
	m := map[string]string{}
	for _, d := range ds {
		m[d.Code] = d.Name
	}
	return m, ds, nil
}

// load reads the figures of p through kpi.Load, as /stats does.
func (s *Server) load(ctx context.Context, from, to time.Time, dept string) (kpi.Report, error) {
	now := s.opt.Now()
	return kpi.Load(ctx, s.store, from.UTC(), to.UTC(), now.UTC(), s.opt.Weights, dept)
}

// chart is what static/charts.js draws: categories along the x axis and
// one or more series.
type chart struct {
	Kind       string   `json:"kind"`
	Title      string   `json:"title,omitempty"`
	Categories []string `json:"categories"`
	Series     []series `json:"series"`
}

type series struct {
	Name string    `json:"name"`
	Data []float64 `json:"data"`
}

type overviewBody struct {
	P       period
	Rows    []rankRow
	Ranked  int
	Totals  *kpi.Figures
	Weights string
	// Chart is the scores as JSON for a data attribute.
	Chart string
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, v *viewer) {
	p, err := parsePeriod(r.URL.Query(), s.opt.Now(), s.opt.Location)
	if err != nil {
		s.fail(w, r, v, http.StatusBadRequest, render.WebBadPeriod)
		return
	}
	names, _, err := s.names(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	rep, err := s.load(r.Context(), p.From, p.To, "")
	if err != nil {
		s.internal(w, r, err)
		return
	}
	rk := rank(rep, names, v.lang)
	b := overviewBody{P: p, Rows: rk.only(v), Ranked: rk.Ranked, Weights: s.opt.Weights.String()}
	if v.all {
		b.Totals = &rep.Overall
	}
	c := chart{Kind: "bar", Title: text(v.lang, render.WebScore, nil)}
	sc := series{Name: text(v.lang, render.WebScore, nil)}
	for _, row := range b.Rows {
		if row.F.Score != nil {
			c.Categories = append(c.Categories, row.Name)
			sc.Data = append(sc.Data, round1(*row.F.Score))
		}
	}
	c.Series = []series{sc}
	js, _ := json.Marshal(c)
	b.Chart = string(js)
	s.show(w, r, v, http.StatusOK, "overview", text(v.lang, render.WebNavOverview, nil), "overview", b)
}

// department returns the department of the path if v sees it; otherwise
// it has answered 404.
func (s *Server) deptOf(w http.ResponseWriter, r *http.Request, v *viewer) (appeal.Department, bool) {
	code := r.PathValue("code")
	if !v.sees(code) {
		s.fail(w, r, v, http.StatusNotFound, render.WebNotFound)
		return appeal.Department{}, false
	}
	d, err := s.store.Department(r.Context(), code)
	if errors.Is(err, appeal.ErrNotFound) {
		s.fail(w, r, v, http.StatusNotFound, render.WebNotFound)
		return d, false
	}
	if err != nil {
		s.internal(w, r, err)
		return d, false
	}
	return d, true
}

// item is an appeal in a list.
type item struct {
	A        appeal.Appeal
	Status   string
	Deadline time.Time
	// Late is how long past its deadline, Left how long before it.
	Late, Left string
	Assignee   string
}

// work is one responder's open appeals.
type work struct {
	Name    string
	Open    int
	Overdue int
	Oldest  time.Time
}

type deptBody struct {
	P        period
	D        appeal.Department
	F        kpi.Figures
	Rank     int
	Ranked   int
	Overdue  []item
	NOverdue int
	AtRisk   []item
	NAtRisk  int
	Work     []work
	// Unclaimed counts the open appeals nobody has claimed.
	Unclaimed int
	TrendURL  string
}

// listCap is the most appeals a list shows.
const listCap = 100

// deptPeriod reads the department and the period of a department's page
// or data; otherwise it has answered (as JSON for data).
func (s *Server) deptPeriod(w http.ResponseWriter, r *http.Request, v *viewer, data bool) (appeal.Department, period, bool) {
	d, ok := s.deptOf(w, r, v)
	if !ok {
		return d, period{}, false
	}
	p, err := parsePeriod(r.URL.Query(), s.opt.Now(), s.opt.Location)
	if err == nil {
		return d, p, true
	}
	if !data {
		s.fail(w, r, v, http.StatusBadRequest, render.WebBadPeriod)
		return d, p, false
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid", "message": text(v.lang, render.WebBadPeriod, nil), "field": "from"})
	return d, p, false
}

func (s *Server) department(w http.ResponseWriter, r *http.Request, v *viewer) {
	d, p, ok := s.deptPeriod(w, r, v, false)
	if !ok {
		return
	}
	ctx := r.Context()
	now := s.opt.Now()
	rep, err := s.load(ctx, p.From, p.To, "")
	if err != nil {
		s.internal(w, r, err)
		return
	}
	f, _ := rep.Department(d.Code)
	b := deptBody{P: p, D: d, F: f, TrendURL: "/dept/" + d.Code + "/trend.json?" + p.Query()}
	rk := rank(rep, nil, v.lang)
	b.Ranked = rk.Ranked
	for _, row := range rk.Rows {
		if row.Code == d.Code {
			b.Rank = row.Rank
		}
	}
	open, err := s.collect(ctx, appeal.Filter{Department: d.Code}, workStatuses)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	byDeadline(open)
	names := s.memberNames(ctx)
	byMember := map[appeal.MemberID]*work{}
	var order []appeal.MemberID
	for _, a := range open {
		dl := kpi.NextDeadline(a)
		switch {
		case kpi.Overdue(a, now):
			b.NOverdue++
			if len(b.Overdue) < listCap {
				b.Overdue = append(b.Overdue, s.item(v.lang, a, now, names))
			}
		case !dl.IsZero() && dl.Sub(now) <= 24*time.Hour:
			b.NAtRisk++
			if len(b.AtRisk) < listCap {
				b.AtRisk = append(b.AtRisk, s.item(v.lang, a, now, names))
			}
		}
		if a.Status == appeal.StatusAssigned {
			b.Unclaimed++
			continue
		}
		if a.Assignee == 0 || a.Status == appeal.StatusAnswered {
			continue
		}
		wk := byMember[a.Assignee]
		if wk == nil {
			wk = &work{Name: names(a.Assignee)}
			byMember[a.Assignee] = wk
			order = append(order, a.Assignee)
		}
		wk.Open++
		if kpi.Overdue(a, now) {
			wk.Overdue++
		}
		if wk.Oldest.IsZero() || a.ClaimedAt.Before(wk.Oldest) {
			wk.Oldest = a.ClaimedAt
		}
	}
	for _, id := range order {
		b.Work = append(b.Work, *byMember[id])
	}
	sort.SliceStable(b.Work, func(i, j int) bool { return b.Work[i].Open > b.Work[j].Open })
	s.show(w, r, v, http.StatusOK, "department", d.Name, "", b)
}

// trendDays is the most days a trend chart shows (the last ones of a
// longer period).
const trendDays = 92

// trend serves the department's per-day figures as chart JSON: received,
// answered, closed and overdue (deadlines missed that day) per day, and
// the open backlog at the end of each day.
func (s *Server) trend(w http.ResponseWriter, r *http.Request, v *viewer) {
	d, p, ok := s.deptPeriod(w, r, v, true)
	if !ok {
		return
	}
	ctx := r.Context()
	now := s.opt.Now()
	end := p.To
	if end.After(now) {
		end = now
	}
	var days []time.Time
	for t := p.From; t.Before(end); t = t.AddDate(0, 0, 1) {
		days = append(days, t)
	}
	if len(days) > trendDays {
		days = days[len(days)-trendDays:]
	}
	names := []render.Key{render.WebReceived, render.WebAnswered, render.WebClosed, render.WebOverdue}
	trendC := chart{Kind: "line", Title: text(v.lang, render.WebTrend, nil)}
	for _, k := range names {
		trendC.Series = append(trendC.Series, series{Name: text(v.lang, k, nil)})
	}
	// moved is what went into the backlog less what left it.
	moved := func(f kpi.Figures) int {
		return f.Received + f.Reopened - f.Closed - f.Returned - f.TransferredOut
	}
	// All days are read at once, and what moved since the last of them
	// as one more span: the backlog now is known, each day's end is
	// found walking back.
	var bounds []time.Time
	for _, day := range days {
		bounds = append(bounds, day)
	}
	tail := false
	if len(days) > 0 {
		last := days[len(days)-1].AddDate(0, 0, 1)
		if last.After(now) {
			last = now
		}
		bounds = append(bounds, last)
		if tail = last.Before(now); tail {
			bounds = append(bounds, now)
		}
	}
	reps, err := kpi.LoadSpans(ctx, s.store, utcAll(bounds), now.UTC(), s.opt.Weights, d.Code)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	var net []int
	// Open is as of now in every report.
	open := 0
	for i, day := range days {
		f := reps[i].Departments[0]
		open = f.Open
		trendC.Categories = append(trendC.Categories, day.Format("01-02"))
		missed := f.ClaimsDue - f.ClaimsOnTime + f.AnswersDue - f.AnswersOnTime
		for i, x := range []int{f.Received, f.Answered, f.Closed, missed} {
			trendC.Series[i].Data = append(trendC.Series[i].Data, float64(x))
		}
		net = append(net, moved(f))
	}
	after := 0
	if tail {
		after = moved(reps[len(reps)-1].Departments[0])
	}
	backlog := make([]float64, len(days))
	cur := open - after
	for i := len(days) - 1; i >= 0; i-- {
		backlog[i] = float64(max(cur, 0))
		cur -= net[i]
	}
	out := struct {
		Trend   chart `json:"trend"`
		Backlog chart `json:"backlog"`
	}{trendC, chart{Kind: "line", Title: text(v.lang, render.WebBacklog, nil), Categories: trendC.Categories,
		Series: []series{{Name: text(v.lang, render.WebOpen, nil), Data: backlog}}}}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func utcAll(ts []time.Time) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		out[i] = t.UTC()
	}
	return out
}

func (s *Server) item(lang string, a appeal.Appeal, now time.Time, names func(appeal.MemberID) string) item {
	it := item{A: a, Status: render.StatusName(lang, a.Status), Deadline: kpi.NextDeadline(a)}
	if a.Status == appeal.StatusUnassigned || a.Status == appeal.StatusReturned {
		it.Deadline = a.Deadlines.DispatchBy
	}
	if !it.Deadline.IsZero() {
		if now.After(it.Deadline) {
			it.Late = text(lang, render.WebLate, render.Args{"d": render.Duration(lang, now.Sub(it.Deadline))})
		} else {
			it.Left = text(lang, render.WebLeft, render.Args{"d": render.Duration(lang, it.Deadline.Sub(now))})
		}
	}
	if a.Assignee != 0 {
		it.Assignee = names(a.Assignee)
	}
	return it
}

// memberNames names members, reading each once per page.
func (s *Server) memberNames(ctx context.Context) func(appeal.MemberID) string {
	seen := map[appeal.MemberID]string{}
	return func(id appeal.MemberID) string {
		if id == 0 {
			return ""
		}
		if n, ok := seen[id]; ok {
			return n
		}
		n := "#" + strconv.FormatInt(int64(id), 10)
		if m, err := s.store.Member(ctx, id); err == nil {
			n = render.MemberName(m)
		}
		seen[id] = n
		return n
	}
}

// workStatuses are those of appeals a department works on.
var workStatuses = []appeal.Status{appeal.StatusAssigned, appeal.StatusClaimed, appeal.StatusPendingApproval, appeal.StatusAnswered}

// collect reads every appeal matching f in statuses, page by page.
func (s *Server) collect(ctx context.Context, f appeal.Filter, statuses []appeal.Status) ([]appeal.Appeal, error) {
	const size = 500
	var out []appeal.Appeal
	for _, st := range statuses {
		q := appeal.Filter{Department: f.Department, Status: st, Limit: size}
		for {
			as, err := s.store.Appeals(ctx, q)
			if err != nil {
				return nil, err
			}
			out = append(out, as...)
			if len(as) < size {
				break
			}
			q.Before = as[len(as)-1].ID
		}
	}
	return out, nil
}

// byDeadline sorts appeals by their next deadline, the most late first;
// those without one last.
func byDeadline(as []appeal.Appeal) {
	sort.SliceStable(as, func(i, j int) bool {
		ti, tj := kpi.NextDeadline(as[i]), kpi.NextDeadline(as[j])
		if ti.IsZero() != tj.IsZero() {
			return !ti.IsZero()
		}
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return as[i].ID < as[j].ID
	})
}

type eventRow struct {
	E     appeal.Event
	Name  string
	Actor string
	// Note is the event's note after the resolution or verdict it
	// carries, named.
	Note string
}

type verdictRow struct {
	F      appeal.Feedback
	Result string
}

type answerRow struct {
	A      appeal.Answer
	State  string
	Author string
}

type appealBody struct {
	A        appeal.Appeal
	Status   string
	Priority string
	Dept     string
	Events   []eventRow
	Answers  []answerRow
	Feedback []verdictRow
}

func (s *Server) appealPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, v, http.StatusNotFound, render.WebNotFound)
		return
	}
	a, err := s.store.Appeal(ctx, appeal.ID(id))
	if errors.Is(err, appeal.ErrNotFound) || err == nil && !v.sees(a.Department) {
		s.fail(w, r, v, http.StatusNotFound, render.WebNotFound)
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	evs, err := s.store.Events(ctx, a.ID)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	fb, err := s.store.Feedback(ctx, a.ID)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	names := s.memberNames(ctx)
	deptNames, _, err := s.names(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	b := appealBody{A: a, Status: render.StatusName(v.lang, a.Status), Priority: render.PriorityName(v.lang, a.Priority),
		Dept: deptNames[a.Department]}
	for _, f := range fb {
		b.Feedback = append(b.Feedback, verdictRow{F: f, Result: render.OutcomeName(v.lang, string(f.Result))})
	}
	if b.Dept == "" {
		b.Dept = a.Department
	}
	for _, e := range evs {
		actor := names(e.Actor)
		if actor == "" {
			actor = text(v.lang, render.WebSystem, nil)
		}
		note := e.Note
		if o := render.OutcomeName(v.lang, e.Outcome); o != "" && note != "" {
			note = o + map[bool]string{true: "：", false: ": "}[v.lang == render.LangZH] + note
		} else if o != "" {
			note = o
		}
		b.Events = append(b.Events, eventRow{E: e, Name: render.EventName(v.lang, e.Kind), Actor: actor, Note: note})
	}
	for _, an := range a.Answers {
		b.Answers = append(b.Answers, answerRow{A: an, State: render.AnswerStateName(v.lang, an.State), Author: names(an.Author)})
	}
	s.show(w, r, v, http.StatusOK, "appeal", text(v.lang, render.WebAppeal, render.Args{"id": a.ID}), "", b)
}

type dispatchBody struct {
	Items []item
	N     int
	// Waiting is how long each item has waited, in the same order.
	Waiting []string
	Names   map[string]string
}

// dispatch lists the appeals waiting for a department, the longest
// waiting first: dispatchers and admins only.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !v.all {
		s.fail(w, r, v, http.StatusNotFound, render.WebNotFound)
		return
	}
	ctx := r.Context()
	now := s.opt.Now()
	// The longest waiting first, since last handed to dispatch.
	as, total, err := s.store.WaitingDispatch(ctx, listCap)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	since := func(a appeal.Appeal) time.Time {
		if !a.DispatchedAt.IsZero() {
			return a.DispatchedAt
		}
		return a.ReceivedAt
	}
	deptNames, _, err := s.names(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	b := dispatchBody{N: total, Names: deptNames}
	names := s.memberNames(ctx)
	for _, a := range as {
		b.Items = append(b.Items, s.item(v.lang, a, now, names))
		b.Waiting = append(b.Waiting, render.Duration(v.lang, now.Sub(since(a))))
	}
	s.show(w, r, v, http.StatusOK, "dispatch", text(v.lang, render.WebNavDispatch, nil), "dispatch", b)
}

func round1(x float64) float64 { return float64(int(x*10+0.5)) / 10 }
