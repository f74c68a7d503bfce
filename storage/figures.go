package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
)

// FiguresConfig says how the figures are kept: the zone of the days and
// months they are summed by, and the working week of the calendars the
// working times are measured in (as appeal.Calendars; the holidays and
// make-up days are read from the store).
type FiguresConfig struct {
	// Zone is the deployment's time zone; nil is UTC. Periods of whole
	// days and months in this zone read only the sums; other periods read
	// the facts of their partial days as well.
	Zone     *time.Location
	Hours    []appeal.Interval
	Weekdays [7]bool
	// MaxReaders is how many figures requests read at once; 0 is 4. A
	// request waits up to a second for its turn, then fails with
	// kpi.ErrBusy.
	MaxReaders int
}

// The grains of kpi_sums.
const (
	grainDay   = 1
	grainMonth = 2
)

// sumColumns are kpi_sums' columns: the facts by kind.
var sumColumns = columnNames("k", int(kpi.NumFactKinds))

// histColumns are kpi_hist's columns: the durations by bucket.
var histColumns = columnNames("b", kpi.NumBuckets)

func columnNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%02d", prefix, i)
	}
	return out
}

// pending reports whether facts of kind k are kept in kpi_pending alone:
// the deadlines of stays still open, counted from there (bounded by the
// open appeals) rather than in the sums, so that an intake touches no sums
// but those of its own day and month. Every other fact is a row of
// kpi_facts.
func pending(k kpi.FactKind) bool { return k == kpi.FactClaimPending || k == kpi.FactAnswerPending }

// The histograms of kpi_hist.
const (
	histClaimWall = iota
	histClaimWork
	histAnswerWall
	histAnswerWork
)

// factKey is a row of kpi_facts or kpi_pending without its appeal and
// count.
type factKey struct {
	dept     string
	kind     kpi.FactKind
	at       time.Time
	wall, wk int
}

func factKeys(fs []kpi.Fact) map[factKey]int {
	out := make(map[factKey]int, len(fs))
	for _, f := range fs {
		k := factKey{dept: f.Dept, kind: f.Kind, at: f.At.UTC().Truncate(time.Microsecond)}
		if f.Kind.Timed() {
			k.wall, k.wk = kpi.Bucket(f.Wall), kpi.Bucket(f.Work)
		}
		out[k]++
	}
	return out
}

// dayNum is the number of t's day in loc since 1970-01-01; monthNum is
// year*12 + month - 1.
func dayNum(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func monthNum(t time.Time, loc *time.Location) int {
	y, m, _ := t.In(loc).Date()
	return y*12 + int(m) - 1
}

func dayStart(n int, loc *time.Location) time.Time {
	u := time.Unix(int64(n)*86400, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, loc)
}

func monthStart(n int, loc *time.Location) time.Time {
	return time.Date(n/12, time.Month(n%12+1), 1, 0, 0, 0, 0, loc)
}

// sumKey is a row of kpi_sums, and with hist one of kpi_hist.
type sumKey struct {
	grain, period int
	dept          string
	hist          int
}

// sumDelta is what to add to rows of kpi_sums and kpi_hist, by column
// index (in sumColumns and histColumns).
type sumDelta struct {
	sums, hists map[sumKey]map[int]int64
}

func newSumDelta() *sumDelta {
	return &sumDelta{sums: map[sumKey]map[int]int64{}, hists: map[sumKey]map[int]int64{}}
}

func addTo(m map[sumKey]map[int]int64, k sumKey, col int, n int64) {
	row := m[k]
	if row == nil {
		row = map[int]int64{}
		m[k] = row
	}
	row[col] += n
}

func (d *sumDelta) add(k factKey, n int, loc *time.Location) {
	if pending(k.kind) {
		return // counted from kpi_pending, see pendingRange
	}
	for _, key := range []sumKey{{grainDay, dayNum(k.at, loc), k.dept, 0}, {grainMonth, monthNum(k.at, loc), k.dept, 0}} {
		addTo(d.sums, key, int(k.kind), int64(n))
		wall, work := histClaimWall, histClaimWork
		switch k.kind {
		case kpi.FactToAnswer:
			wall, work = histAnswerWall, histAnswerWork
		case kpi.FactToClaim:
		default:
			continue
		}
		key.hist = wall
		addTo(d.hists, key, k.wall, int64(n))
		key.hist = work
		addTo(d.hists, key, k.wk, int64(n))
	}
}

func (d *sumDelta) apply(q txq) error {
	if err := upsertAdd(q, "kpi_sums", false, sumColumns, d.sums); err != nil {
		return err
	}
	return upsertAdd(q, "kpi_hist", true, histColumns, d.hists)
}

// upsertAdd adds rows to table (keyed by grain, period, department and,
// with hist, the histogram) in statements of up to 50 rows, rows in key
// order (so concurrent writers lock them in the same order) and only the
// columns some row changes.
func upsertAdd(q txq, table string, hist bool, names []string, d map[sumKey]map[int]int64) error {
	keys := make([]sumKey, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b sumKey) int {
		if a.grain != b.grain {
			return a.grain - b.grain
		}
		if a.period != b.period {
			return a.period - b.period
		}
		if c := strings.Compare(a.dept, b.dept); c != 0 {
			return c
		}
		return a.hist - b.hist
	})
	keyCols, nk := "grain, period, department_code", 3
	if hist {
		keyCols, nk = keyCols+", hist", 4
	}
	for len(keys) > 0 {
		n := min(len(keys), 50)
		chunk := keys[:n]
		keys = keys[n:]
		var cols []int
		for _, k := range chunk {
			for c, v := range d[k] {
				if v != 0 && !slices.Contains(cols, c) {
					cols = append(cols, c)
				}
			}
		}
		if len(cols) == 0 {
			continue
		}
		slices.Sort(cols)
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + keyCols)
		for _, c := range cols {
			b.WriteString(", " + names[c])
		}
		b.WriteString(") VALUES ")
		args := make([]any, 0, len(chunk)*(nk+len(cols)))
		row := "(?" + repeatParams(nk-1+len(cols)) + ")"
		for i, k := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			args = append(args, k.grain, k.period, k.dept)
			if hist {
				args = append(args, k.hist)
			}
			for _, c := range cols {
				args = append(args, d[k][c])
			}
		}
		b.WriteString(" ON CONFLICT (" + keyCols + ") DO UPDATE SET ")
		for i, c := range cols {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(names[c] + " = " + table + "." + names[c] + " + excluded." + names[c])
		}
		if err := q.exec(b.String(), args...); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	return nil
}

// txEnv is kpi.Env read through a transaction, each department and the
// calendar days once; the first error is kept in err.
type txEnv struct {
	ctx   context.Context
	tx    *sqlx.Tx
	cfg   FiguresConfig
	depts map[string]*appeal.Department
	days  *appeal.Calendars
	err   error
}

func (e *txEnv) Department(code string) (appeal.Department, bool) {
	if d, ok := e.depts[code]; ok {
		if d == nil {
			return appeal.Department{}, false
		}
		return *d, true
	}
	if e.depts == nil {
		e.depts = map[string]*appeal.Department{}
	}
	var r departmentRow
	err := e.tx.GetContext(e.ctx, &r, e.tx.Rebind(`SELECT `+departmentColumns+` FROM departments WHERE code = ?`), code)
	if err == sql.ErrNoRows {
		e.depts[code] = nil
		return appeal.Department{}, false
	}
	if err == nil {
		var d appeal.Department
		if d, err = r.department(); err == nil {
			e.depts[code] = &d
			return d, true
		}
	}
	if e.err == nil {
		e.err = err
	}
	return appeal.Department{}, false
}

func (e *txEnv) Calendar(code string) appeal.Calendar {
	if e.days == nil {
		hs, ws, err := calendarDays(e.ctx, e.tx)
		if err != nil && e.err == nil {
			e.err = err
		}
		e.days = &appeal.Calendars{Hours: e.cfg.Hours, Weekdays: e.cfg.Weekdays, Days: fixedCalendarDays{hs, ws}}
	}
	d, _ := e.Department(code)
	if d.Code == "" {
		d.Code = code
	}
	c, err := e.days.Calendar(e.ctx, d)
	if err != nil {
		// An unknown zone computes in UTC, as kpi.Compute does.
		d.Timezone = ""
		c, _ = e.days.Calendar(e.ctx, d)
	}
	return c
}

type fixedCalendarDays struct {
	hs []appeal.Holiday
	ws []appeal.Workday
}

func (f fixedCalendarDays) CalendarDays(context.Context) ([]appeal.Holiday, []appeal.Workday, error) {
	return f.hs, f.ws, nil
}

// kpiRelevant reports whether the figures of an appeal can differ between
// states a and b with the same log.
func kpiRelevant(a, b appeal.Appeal) bool {
	return a.Department != b.Department || a.Status != b.Status || !a.AssignedAt.Equal(b.AssignedAt) ||
		a.Priority != b.Priority || !a.Deadlines.ClaimBy.Equal(b.Deadlines.ClaimBy) ||
		!a.Deadlines.AnswerBy.Equal(b.Deadlines.AnswerBy)
}

// keepFacts brings the kept facts of appeal after up to date within the
// transaction that changed it: before is the appeal as it was, added the
// number of events the change appended to its log. It works out the
// appeal's facts before and after, and writes only the difference to
// kpi_facts, kpi_pending and the sums. Until the one-time build is done it
// writes nothing: the build reads every appeal as it is then. (A new
// appeal's facts are written by newAppealFacts.)
func (s *Store) keepFacts(ctx context.Context, tx *sqlx.Tx, before, after appeal.Appeal, added int) error {
	if !s.figReady.Load() {
		return nil
	}
	if added == 0 && !kpiRelevant(before, after) {
		return nil
	}
	var rows []eventRow
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(`SELECT `+eventColumns+`
		FROM appeal_events WHERE appeal_id = ? ORDER BY id`), int64(after.ID)); err != nil {
		return fmt.Errorf("kpi facts: %w", err)
	}
	events := make([]appeal.Event, len(rows))
	for i, r := range rows {
		events[i] = r.event()
	}
	env := &txEnv{ctx: ctx, tx: tx, cfg: s.fig}
	old := factKeys(kpi.Facts(before, events[:max(len(events)-added, 0)], env))
	cur := factKeys(kpi.Facts(after, events, env))
	if env.err != nil {
		return fmt.Errorf("kpi facts: %w", env.err)
	}
	return s.writeFactDelta(ctx, tx, int64(after.ID), old, cur)
}

// writeFactDelta writes the change from facts old to cur of appeal id.
func (s *Store) writeFactDelta(ctx context.Context, tx *sqlx.Tx, id int64, old, cur map[factKey]int) error {
	w := newFactWrites()
	if err := s.addFactDelta(ctx, tx, w, id, old, cur); err != nil {
		return err
	}
	return s.q(ctx, tx).batched(w.flush)
}

// factWrites gathers the new fact rows (of kpi_facts and of kpi_pending)
// and the change to the sums of one or more appeals, to write them in a
// few statements.
type factWrites struct {
	inserts, pending [][]any
	delta            *sumDelta
}

func newFactWrites() *factWrites { return &factWrites{delta: newSumDelta()} }

// addFactDelta adds the change from facts old to cur of appeal id to w:
// changed and removed rows are written at once, new ones and the sums
// when w is flushed. With old nil it writes nothing at once.
func (s *Store) addFactDelta(ctx context.Context, tx *sqlx.Tx, w *factWrites, id int64, old, cur map[factKey]int) error {
	for k, n := range cur {
		if o := old[k]; n != o {
			w.delta.add(k, n-o, s.figZone())
		}
	}
	for k, o := range old {
		if _, ok := cur[k]; !ok {
			w.delta.add(k, -o, s.figZone())
		}
	}
	exec := func(q string, args ...any) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("kpi facts: %w", err)
		}
		return nil
	}
	for k, n := range cur {
		if !pending(k.kind) {
			continue
		}
		switch o := old[k]; {
		case n == o:
		case o == 0:
			w.pending = append(w.pending, []any{tm(k.at), id, k.dept, int(k.kind), n})
		default:
			if err := exec(`UPDATE kpi_pending SET n = ? WHERE at = ? AND appeal_id = ? AND department_code = ? AND kind = ?`,
				n, tm(k.at), id, k.dept, int(k.kind)); err != nil {
				return err
			}
		}
	}
	for k := range old {
		if _, ok := cur[k]; ok || !pending(k.kind) {
			continue
		}
		if err := exec(`DELETE FROM kpi_pending WHERE at = ? AND appeal_id = ? AND department_code = ? AND kind = ?`,
			tm(k.at), id, k.dept, int(k.kind)); err != nil {
			return err
		}
	}
	po, pc := packFacts(old), packFacts(cur)
	for k, m := range pc {
		switch o := po[k]; {
		case m == o:
		case o == 0:
			w.inserts = append(w.inserts, []any{tm(k.at), id, k.dept, k.wall, k.wk, k.n, int64(m)})
		default:
			if err := exec(`UPDATE kpi_facts SET kinds = ? WHERE at = ? AND appeal_id = ? AND department_code = ?
				AND wall_bucket = ? AND work_bucket = ? AND n = ?`, int64(m), tm(k.at), id, k.dept, k.wall, k.wk, k.n); err != nil {
				return err
			}
		}
	}
	for k := range po {
		if _, ok := pc[k]; ok {
			continue
		}
		if err := exec(`DELETE FROM kpi_facts WHERE at = ? AND appeal_id = ? AND department_code = ?
			AND wall_bucket = ? AND work_bucket = ? AND n = ?`, tm(k.at), id, k.dept, k.wall, k.wk, k.n); err != nil {
			return err
		}
	}
	return nil
}

// packKey is a row of kpi_facts without its appeal: the appeal's facts of
// one department at one instant (with the same buckets) that it has n
// times each. Its kinds are a set, bit k for kind k.
type packKey struct {
	dept     string
	at       time.Time
	wall, wk int
	n        int
}

// packFacts returns the rows of kpi_facts that keep the facts of fs other
// than the pending ones: those of one department at one instant, with the
// same buckets and count, in one row. A new appeal's arrival, intake and
// stay kept unanswered are one row; a claim, its decision on time and its
// time to claim (in the first bucket) another.
func packFacts(fs map[factKey]int) map[packKey]uint64 {
	out := make(map[packKey]uint64, len(fs))
	for k, n := range fs {
		if pending(k.kind) {
			continue
		}
		out[packKey{dept: k.dept, at: k.at, wall: k.wall, wk: k.wk, n: n}] |= 1 << k.kind
	}
	return out
}

// flush writes w's new fact rows and its change to the sums.
func (w *factWrites) flush(q txq) error {
	if err := insertRows(q, `INSERT INTO kpi_facts
		(at, appeal_id, department_code, wall_bucket, work_bucket, n, kinds) VALUES `, w.inserts); err != nil {
		return fmt.Errorf("kpi facts: %w", err)
	}
	if err := insertRows(q, `INSERT INTO kpi_pending (at, appeal_id, department_code, kind, n) VALUES `, w.pending); err != nil {
		return fmt.Errorf("kpi facts: %w", err)
	}
	return w.delta.apply(q)
}

// newAppealFacts adds the facts of appeal a, new with its log, to w.
func (s *Store) newAppealFacts(env *txEnv, w *factWrites, a appeal.Appeal, log []appeal.Event) error {
	// As stored: times in UTC to the microsecond, so that the facts are
	// those a later read of the log gives.
	events := make([]appeal.Event, len(log))
	for i, e := range log {
		e.AppealID, e.At = a.ID, e.At.UTC().Truncate(time.Microsecond)
		events[i] = e
	}
	cur := factKeys(kpi.Facts(a, events, env))
	if env.err != nil {
		return fmt.Errorf("kpi facts: %w", env.err)
	}
	return s.addFactDelta(env.ctx, env.tx, w, int64(a.ID), nil, cur)
}

func (s *Store) figZone() *time.Location {
	if s.fig.Zone == nil {
		return time.UTC
	}
	return s.fig.Zone
}

// FactSums implements kpi.Source: the sums of whole months and days of
// the period in the deployment's zone, and the facts of its partial days.
// It reads at most a few rows per department and grain, whatever the
// period and the history; at most FiguresConfig.MaxReaders requests read
// at once.
func (s *Store) FactSums(ctx context.Context, from, to, now time.Time, dept string) ([]kpi.Sums, error) {
	if err := s.figAcquire(ctx); err != nil {
		return nil, err
	}
	defer func() { <-s.figSem }()
	// Facts are kept to the microsecond: compare with bounds rounded up
	// to one, so that a bound between two microseconds cuts where the
	// exact one does.
	from, to = ceilMicro(from), ceilMicro(to)
	acc := map[string]*kpi.Sums{}
	if err := s.periodSums(ctx, acc, from, to, now, dept); err != nil {
		return nil, fail("figures", err)
	}
	if err := s.pendingRange(ctx, acc, from, earliest(to, cutOf(now, from)), dept); err != nil {
		return nil, fail("figures", err)
	}
	return sortedSums(acc), nil
}

// cutOf is where decisions stop counting as of now: the first
// microsecond after it, and not before from.
func cutOf(now, from time.Time) time.Time {
	cut := now.UTC().Truncate(time.Microsecond).Add(time.Microsecond)
	if cut.Before(from) {
		return from
	}
	return cut
}

// periodSums adds the facts of [from, to) but the pending ones to acc,
// the decisions only up to now.
func (s *Store) periodSums(ctx context.Context, acc map[string]*kpi.Sums, from, to, now time.Time, dept string) error {
	if err := s.rangeSums(ctx, acc, from, to, dept, false, 1); err != nil {
		return err
	}
	// Decisions whose instant has not come yet (deadlines still ahead)
	// count for nothing: take them out again.
	if cut := cutOf(now, from); cut.Before(to) {
		return s.rangeSums(ctx, acc, cut, to, dept, true, -1)
	}
	return nil
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func sortedSums(acc map[string]*kpi.Sums) []kpi.Sums {
	out := make([]kpi.Sums, 0, len(acc))
	for _, v := range acc {
		out = append(out, *v)
	}
	slices.SortFunc(out, func(a, b kpi.Sums) int { return strings.Compare(a.Dept, b.Dept) })
	return out
}

// FactSumsSpans implements kpi.SpanSource: FactSums of each span
// [bounds[i], bounds[i+1]), read at once. The spans that are whole days of
// the deployment's zone, past by now, come from one read of the day rows;
// the others (a partial day, today) are read each as FactSums reads them;
// the pending facts of all spans come from one read of kpi_pending.
// It counts as one figures request.
func (s *Store) FactSumsSpans(ctx context.Context, bounds []time.Time, now time.Time, dept string) ([][]kpi.Sums, error) {
	if len(bounds) < 2 {
		return nil, nil
	}
	b := make([]time.Time, len(bounds))
	for i, t := range bounds {
		b[i] = ceilMicro(t)
		// Bounds a few nanoseconds apart round to the same microsecond:
		// the span between is empty, as FactSums finds it.
		if i > 0 && b[i].Before(b[i-1]) {
			return nil, fmt.Errorf("figures: span %d ends before it starts", i-1)
		}
	}
	if err := s.figAcquire(ctx); err != nil {
		return nil, err
	}
	defer func() { <-s.figSem }()
	loc := s.figZone()
	cut := cutOf(now, b[0])
	accs := make([]map[string]*kpi.Sums, len(b)-1)
	day := map[int]int{} // day number -> span
	d0, d1 := 0, 0
	for i := range accs {
		accs[i] = map[string]*kpi.Sums{}
		d := dayNum(b[i], loc)
		if dayStart(d, loc).Equal(b[i]) && dayStart(d+1, loc).Equal(b[i+1]) && !cut.Before(b[i+1]) {
			if len(day) == 0 || d < d0 {
				d0 = d
			}
			if len(day) == 0 || d+1 > d1 {
				d1 = d + 1
			}
			day[d] = i
			continue
		}
		if err := s.periodSums(ctx, accs[i], b[i], b[i+1], now, dept); err != nil {
			return nil, fail("figures", err)
		}
	}
	if len(day) > 0 {
		get := func(code string, period int) *kpi.Sums {
			if i, ok := day[period]; ok {
				return sumsOf(accs[i], code)
			}
			return nil
		}
		if err := s.sumPeriods(ctx, get, true, grainDay, d0, d1, dept, false, 1); err != nil {
			return nil, fail("figures", err)
		}
	}
	if err := s.pendingSpans(ctx, accs, b, earliest(b[len(b)-1], cut), dept); err != nil {
		return nil, fail("figures", err)
	}
	out := make([][]kpi.Sums, len(accs))
	for i, acc := range accs {
		out[i] = sortedSums(acc)
	}
	return out, nil
}

// pendingSpans adds the pending facts before end to the span of bounds
// they fall in, reading kpi_pending once: as many rows as open stays with
// a deadline in the spans.
func (s *Store) pendingSpans(ctx context.Context, accs []map[string]*kpi.Sums, b []time.Time, end time.Time, dept string) error {
	if !b[0].Before(end) {
		return nil
	}
	q := `SELECT department_code, kind, at, n FROM kpi_pending WHERE at >= ? AND at < ?`
	args := []any{tm(b[0]), tm(end)}
	if dept != "" {
		q += ` AND department_code = ?`
		args = append(args, dept)
	}
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(q), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var kind int
		var at dbTime
		var n int64
		if err := rows.Scan(&code, &kind, &at, &n); err != nil {
			return err
		}
		if !pending(kpi.FactKind(kind)) {
			return fmt.Errorf("kpi facts: kind %d is not pending", kind)
		}
		// The span is the last whose start is not after at.
		i := sort.Search(len(b), func(j int) bool { return b[j].After(at.Time) }) - 1
		if i >= 0 && i < len(accs) {
			sumsOf(accs[i], code).N[kind] += n
		}
	}
	return rows.Err()
}

func ceilMicro(t time.Time) time.Time {
	if u := t.Truncate(time.Microsecond); u.Before(t) {
		return u.Add(time.Microsecond)
	}
	return t
}

func (s *Store) figAcquire(ctx context.Context) error {
	select {
	case s.figSem <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case s.figSem <- struct{}{}:
		return nil
	case <-t.C:
		return kpi.ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// rangeSums adds sign × the facts of [a, b) (only decisions with
// decisions set) to acc.
func (s *Store) rangeSums(ctx context.Context, acc map[string]*kpi.Sums, a, b time.Time, dept string, decisions bool, sign int64) error {
	if !a.Before(b) {
		return nil
	}
	loc := s.figZone()
	d0 := dayNum(a, loc)
	if dayStart(d0, loc).Before(a) {
		d0++
	}
	d1 := dayNum(b, loc)
	if !dayStart(d0, loc).Before(dayStart(d1, loc)) {
		return s.factRange(ctx, acc, a, b, dept, decisions, sign)
	}
	if err := s.factRange(ctx, acc, a, dayStart(d0, loc), dept, decisions, sign); err != nil {
		return err
	}
	if err := s.factRange(ctx, acc, dayStart(d1, loc), b, dept, decisions, sign); err != nil {
		return err
	}
	start, end := dayStart(d0, loc), dayStart(d1, loc)
	m0 := monthNum(start, loc)
	if monthStart(m0, loc).Before(start) {
		m0++
	}
	m1 := monthNum(end, loc)
	if m0 >= m1 {
		return s.sumRange(ctx, acc, grainDay, d0, d1, dept, decisions, sign)
	}
	if err := s.sumRange(ctx, acc, grainDay, d0, dayNum(monthStart(m0, loc), loc), dept, decisions, sign); err != nil {
		return err
	}
	if err := s.sumRange(ctx, acc, grainMonth, m0, m1, dept, decisions, sign); err != nil {
		return err
	}
	return s.sumRange(ctx, acc, grainDay, dayNum(monthStart(m1, loc), loc), d1, dept, decisions, sign)
}

func sumsOf(acc map[string]*kpi.Sums, dept string) *kpi.Sums {
	if acc[dept] == nil {
		acc[dept] = &kpi.Sums{Dept: dept}
	}
	return acc[dept]
}

// sumRange adds the rows of kpi_sums (and, unless decisions, kpi_hist)
// of grain with p0 <= period < p1.
func (s *Store) sumRange(ctx context.Context, acc map[string]*kpi.Sums, grain, p0, p1 int, dept string, decisions bool, sign int64) error {
	return s.sumPeriods(ctx, func(code string, _ int) *kpi.Sums { return sumsOf(acc, code) }, false, grain, p0, p1, dept, decisions, sign)
}

// sumPeriods is sumRange handing the sums to get(department, period):
// per period with byPeriod, else summed over the periods (period 0). A
// nil from get skips the row.
func (s *Store) sumPeriods(ctx context.Context, get func(code string, period int) *kpi.Sums, byPeriod bool, grain, p0, p1 int, dept string, decisions bool, sign int64) error {
	if p0 >= p1 {
		return nil
	}
	var cols []int
	for k := range kpi.NumFactKinds {
		if !pending(k) && (!decisions || k.Decision()) {
			cols = append(cols, int(k))
		}
	}
	if err := s.sumRows(ctx, get, byPeriod, "kpi_sums", false, sumColumns, cols, grain, p0, p1, dept, func(x *kpi.Sums, _ int, vals []int64) {
		for i, c := range cols {
			x.N[c] += sign * vals[i]
		}
	}); err != nil || decisions {
		return err
	}
	all := make([]int, kpi.NumBuckets)
	for i := range all {
		all[i] = i
	}
	return s.sumRows(ctx, get, byPeriod, "kpi_hist", true, histColumns, all, grain, p0, p1, dept, func(x *kpi.Sums, hist int, vals []int64) {
		var h *kpi.Hist
		switch hist {
		case histClaimWall:
			h = &x.ClaimWall
		case histClaimWork:
			h = &x.ClaimWork
		case histAnswerWall:
			h = &x.AnswerWall
		case histAnswerWork:
			h = &x.AnswerWork
		default:
			return
		}
		for i := range vals {
			h[i] += sign * vals[i]
		}
	})
}

// sumRows sums columns cols of table's rows of grain with p0 <= period
// < p1, per department (and histogram, with hist; and period, with
// byPeriod), and hands each sum to fn with get's sums.
func (s *Store) sumRows(ctx context.Context, get func(code string, period int) *kpi.Sums, byPeriod bool, table string, hist bool, names []string, cols []int,
	grain, p0, p1 int, dept string, fn func(x *kpi.Sums, hist int, vals []int64)) error {
	group := "department_code"
	var b strings.Builder
	b.WriteString("SELECT department_code")
	if hist {
		group += ", hist"
		b.WriteString(", hist")
	} else {
		b.WriteString(", 0")
	}
	if byPeriod {
		group += ", period"
		b.WriteString(", period")
	} else {
		b.WriteString(", 0")
	}
	for _, c := range cols {
		b.WriteString(", SUM(" + names[c] + ")")
	}
	b.WriteString(" FROM " + table + " WHERE grain = ? AND period >= ? AND period < ?")
	args := []any{grain, p0, p1}
	if dept != "" {
		b.WriteString(" AND department_code = ?")
		args = append(args, dept)
	}
	b.WriteString(" GROUP BY " + group)
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(b.String()), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]sql.NullInt64, len(cols))
	out := make([]int64, len(cols))
	ptrs := make([]any, len(cols)+3)
	var code string
	var h, period int
	ptrs[0], ptrs[1], ptrs[2] = &code, &h, &period
	for i := range vals {
		ptrs[i+3] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		x := get(code, period)
		if x == nil {
			continue
		}
		for i := range vals {
			out[i] = vals[i].Int64
		}
		fn(x, h, out)
	}
	return rows.Err()
}

// pendingRange adds the pending facts of [a, b) (deadlines of stays still
// open that have come) from kpi_pending: as many rows as open stays with
// a deadline in the period.
func (s *Store) pendingRange(ctx context.Context, acc map[string]*kpi.Sums, a, b time.Time, dept string) error {
	if !a.Before(b) {
		return nil
	}
	q := `SELECT department_code, kind, SUM(n) FROM kpi_pending WHERE at >= ? AND at < ?`
	args := []any{tm(a), tm(b)}
	if dept != "" {
		q += ` AND department_code = ?`
		args = append(args, dept)
	}
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(q+` GROUP BY department_code, kind`), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var kind int
		var n int64
		if err := rows.Scan(&code, &kind, &n); err != nil {
			return err
		}
		if !pending(kpi.FactKind(kind)) {
			return fmt.Errorf("kpi facts: kind %d is not pending", kind)
		}
		sumsOf(acc, code).N[kind] += n
	}
	return rows.Err()
}

// factRange adds the facts of [a, b) from kpi_facts, counted per
// department, set of kinds and bucket in SQL.
func (s *Store) factRange(ctx context.Context, acc map[string]*kpi.Sums, a, b time.Time, dept string, decisions bool, sign int64) error {
	if !a.Before(b) {
		return nil
	}
	where := " FROM kpi_facts WHERE at >= ? AND at < ?"
	args := []any{tm(a), tm(b)}
	if dept != "" {
		where += " AND department_code = ?"
		args = append(args, dept)
	}
	// Rows of kpi_facts never hold pending kinds (kpi_pending does).
	want := uint64(1<<kpi.NumFactKinds-1) &^ kindSet(kpi.FactClaimPending, kpi.FactAnswerPending)
	if decisions {
		want = kindSet(kpi.FactClaimOnTime, kpi.FactClaimLate, kpi.FactAnswerOnTime, kpi.FactAnswerLate)
		where += fmt.Sprintf(" AND kinds & %d <> 0", want)
	}
	read := func(q string, fn func(x *kpi.Sums, kind kpi.FactKind, bucket int, n int64)) error {
		rows, err := s.db.QueryContext(ctx, s.db.Rebind(q), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var code string
			var kinds int64
			var bucket int
			var n int64
			if err := rows.Scan(&code, &kinds, &bucket, &n); err != nil {
				return err
			}
			if kinds <= 0 || kinds >= 1<<kpi.NumFactKinds || bucket < 0 || bucket >= kpi.NumBuckets {
				return fmt.Errorf("kpi facts: kinds %#x bucket %d out of range", kinds, bucket)
			}
			x := sumsOf(acc, code)
			for k := range kpi.NumFactKinds {
				if uint64(kinds)&want&(1<<k) != 0 {
					fn(x, k, bucket, sign*n)
				}
			}
		}
		return rows.Err()
	}
	if err := read(`SELECT department_code, kinds, wall_bucket, SUM(n)`+where+` GROUP BY department_code, kinds, wall_bucket`,
		func(x *kpi.Sums, kind kpi.FactKind, bucket int, n int64) {
			x.N[kind] += n
			switch kind {
			case kpi.FactToClaim:
				x.ClaimWall[bucket] += n
			case kpi.FactToAnswer:
				x.AnswerWall[bucket] += n
			}
		}); err != nil {
		return err
	}
	if decisions {
		return nil
	}
	want = kindSet(kpi.FactToClaim, kpi.FactToAnswer)
	where += fmt.Sprintf(" AND kinds & %d <> 0", want)
	return read(`SELECT department_code, kinds, work_bucket, SUM(n)`+where+` GROUP BY department_code, kinds, work_bucket`,
		func(x *kpi.Sums, kind kpi.FactKind, bucket int, n int64) {
			if kind == kpi.FactToClaim {
				x.ClaimWork[bucket] += n
			} else {
				x.AnswerWork[bucket] += n
			}
		})
}

// kindSet is the set of kinds ks, as kpi_facts keeps it.
func kindSet(ks ...kpi.FactKind) uint64 {
	var m uint64
	for _, k := range ks {
		m |= 1 << k
	}
	return m
}

// OpenNow implements kpi.Source: the appeals a department works on now
// and those past their next deadline, through the index on status.
func (s *Store) OpenNow(ctx context.Context, now time.Time, dept string) ([]kpi.OpenCount, error) {
	t := tm(now)
	q := `SELECT department_code, COUNT(*),
		SUM(CASE WHEN (status = 'assigned' AND claim_by < ?)
			OR (status IN ('claimed', 'pending_approval') AND answer_by < ?)
			OR (status = 'answered' AND resolve_by < ?) THEN 1 ELSE 0 END)
		FROM appeals WHERE status IN ('assigned', 'claimed', 'pending_approval', 'answered')
		AND department_code IS NOT NULL AND department_code <> ''`
	args := []any{t, t, t}
	if dept != "" {
		q += ` AND department_code = ?`
		args = append(args, dept)
	}
	q += ` GROUP BY department_code ORDER BY department_code`
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(q), args...)
	if err != nil {
		return nil, fail("open now", err)
	}
	defer rows.Close()
	var out []kpi.OpenCount
	for rows.Next() {
		var c kpi.OpenCount
		if err := rows.Scan(&c.Dept, &c.Open, &c.Overdue); err != nil {
			return nil, fail("open now", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("open now", err)
	}
	return out, nil
}

var _ kpi.Source = (*Store)(nil)

// buildBatch is how many appeals one step of the build reads.
const buildBatch = 2000

// buildHooks let tests make the build's steps small and stop it midway.
type buildHooks struct {
	batch int
	// stepped is called after each step commits, with how far it got.
	stepped func(progress int64)
}

// BuildFigures builds kpi_facts and kpi_sums from the existing log once
// (Migrate calls it after the SQL migrations), in steps of buildBatch
// appeals, each its own transaction recording how far it got, so that a
// build cut short goes on where it stopped. When the deployment's zone
// differs from the one the sums were kept in, it starts over. Progress is
// logged. Until it is done the store keeps no facts on writes (the build
// reads each appeal as it is when it gets there).
func (s *Store) BuildFigures(ctx context.Context) error {
	zone := s.figZone().String()
	var total int64
	if err := s.db.GetContext(ctx, &total, `SELECT COUNT(*) FROM appeals`); err != nil {
		return fail("build figures", err)
	}
	steps := 0
	for {
		var done bool
		var progress int64
		var n int
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			var st struct {
				Zone     string `db:"zone"`
				Progress int64  `db:"progress"`
				Done     int    `db:"done"`
			}
			q := `SELECT zone, progress, done FROM kpi_build WHERE id = 1`
			if s.driver == Postgres {
				q += ` FOR UPDATE`
			}
			if err := tx.GetContext(ctx, &st, q); err != nil {
				return err
			}
			if st.Zone != zone && (st.Progress > 0 || st.Done != 0) {
				s.log.Warn("figures: the time zone changed, building them again", "was", st.Zone, "zone", zone)
				for _, q := range []string{`DELETE FROM kpi_facts`, `DELETE FROM kpi_pending`, `DELETE FROM kpi_sums`, `DELETE FROM kpi_hist`} {
					if _, err := tx.ExecContext(ctx, q); err != nil {
						return err
					}
				}
				st.Progress, st.Done = 0, 0
			}
			progress = st.Progress
			if st.Done != 0 {
				done = true
				return nil
			}
			var err error
			n, progress, err = s.buildStep(ctx, tx, progress)
			if err != nil {
				return err
			}
			done = n == 0
			d := 0
			if done {
				d = 1
			}
			_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE kpi_build SET zone = ?, progress = ?, done = ? WHERE id = 1`), zone, progress, d)
			return err
		})
		if err != nil {
			return fail("build figures", err)
		}
		if s.figHooks.stepped != nil && !done {
			s.figHooks.stepped(progress)
		}
		if done {
			if steps > 0 {
				s.log.Info("figures built", "appeals", total)
			}
			s.figReady.Store(true)
			return nil
		}
		// The log's lines carry their times: every 25 steps (50,000
		// appeals) says how far the build got.
		if steps%25 == 0 {
			s.log.Info("building figures from the log", "up_to_appeal", progress, "appeals", total)
		}
		steps++
	}
}

// buildStep computes the facts of the next appeals after id after and
// writes them; it returns how many appeals it read and the last id.
func (s *Store) buildStep(ctx context.Context, tx *sqlx.Tx, after int64) (int, int64, error) {
	var as []appealRow
	if err := tx.SelectContext(ctx, &as, tx.Rebind(`SELECT `+appealColumns+` FROM appeals
		WHERE id > ? ORDER BY id LIMIT ?`), after, cmp.Or(s.figHooks.batch, buildBatch)); err != nil {
		return 0, after, err
	}
	if len(as) == 0 {
		return 0, after, nil
	}
	last := as[len(as)-1].ID
	var es []eventRow
	if err := tx.SelectContext(ctx, &es, tx.Rebind(`SELECT `+eventColumns+` FROM appeal_events
		WHERE appeal_id > ? AND appeal_id <= ? ORDER BY appeal_id, id`), after, last); err != nil {
		return 0, after, err
	}
	env := &txEnv{ctx: ctx, tx: tx, cfg: s.fig}
	w := newFactWrites()
	j := 0
	for _, r := range as {
		k := j
		for k < len(es) && es[k].AppealID == r.ID {
			k++
		}
		events := make([]appeal.Event, 0, k-j)
		for _, e := range es[j:k] {
			events = append(events, e.event())
		}
		j = k
		if err := s.addFactDelta(ctx, tx, w, r.ID, nil, factKeys(kpi.Facts(r.appeal(), events, env))); err != nil {
			return 0, after, err
		}
	}
	if env.err != nil {
		return 0, after, env.err
	}
	if err := s.bulkInsert(ctx, tx, "kpi_facts", []string{"at", "appeal_id", "department_code",
		"wall_bucket", "work_bucket", "n", "kinds"}, w.inserts); err != nil {
		return 0, after, err
	}
	if err := s.bulkInsert(ctx, tx, "kpi_pending", []string{"at", "appeal_id", "department_code", "kind", "n"}, w.pending); err != nil {
		return 0, after, err
	}
	return len(as), last, w.delta.apply(s.q(ctx, tx))
}

// FactTotals returns, per department, the facts of the given kinds kept
// since the first appeal (only N is filled in), from the month sums: its
// cost follows the number of departments and months, not the history.
func (s *Store) FactTotals(ctx context.Context, kinds []kpi.FactKind) ([]kpi.Sums, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	var b strings.Builder
	b.WriteString("SELECT department_code")
	for _, k := range kinds {
		b.WriteString(", SUM(" + sumColumns[k] + ")")
	}
	b.WriteString(" FROM kpi_sums WHERE grain = ? GROUP BY department_code ORDER BY department_code")
	rows, err := s.db.QueryContext(ctx, s.db.Rebind(b.String()), grainMonth)
	if err != nil {
		return nil, fail("fact totals", err)
	}
	defer rows.Close()
	var out []kpi.Sums
	vals := make([]sql.NullInt64, len(kinds))
	ptrs := make([]any, len(kinds)+1)
	for i := range vals {
		ptrs[i+1] = &vals[i]
	}
	for rows.Next() {
		var x kpi.Sums
		ptrs[0] = &x.Dept
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fail("fact totals", err)
		}
		for i, k := range kinds {
			x.N[k] = vals[i].Int64
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("fact totals", err)
	}
	return out, nil
}

// RebuildFigures drops the kept facts and sums and builds them again from
// the log (see BuildFigures): for a store whose appeals were loaded
// behind the store's back, or to repair what a check found wrong.
func (s *Store) RebuildFigures(ctx context.Context) error {
	s.figReady.Store(false)
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, q := range []string{`DELETE FROM kpi_facts`, `DELETE FROM kpi_pending`, `DELETE FROM kpi_sums`, `DELETE FROM kpi_hist`, `UPDATE kpi_build SET progress = 0, done = 0`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fail("rebuild figures", err)
	}
	return s.BuildFigures(ctx)
}
