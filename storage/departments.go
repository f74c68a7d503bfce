package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

const departmentColumns = `code, name, timezone, sla, approve_answers, created_at, direct_transfer, dispatch_extensions`

type departmentRow struct {
	Code           string `db:"code"`
	Name           string `db:"name"`
	Timezone       string `db:"timezone"`
	SLA            string `db:"sla"`
	ApproveAnswers bool   `db:"approve_answers"`
	CreatedAt      dbTime `db:"created_at"`
	DirectTransfer bool   `db:"direct_transfer"`
	DispatchExt    bool   `db:"dispatch_extensions"`
}

// slaJSON is a policy as stored: spans as ParseSpan reads them ("2wh",
// "3wd", "30m"). Policies stored before migration 0004 hold whole seconds,
// read as calendar time.
type slaJSON struct {
	Normal tierJSON `json:"normal"`
	Urgent tierJSON `json:"urgent"`
}

type tierJSON struct {
	Claim   spanJSON `json:"claim"`
	Answer  spanJSON `json:"answer"`
	Resolve spanJSON `json:"resolve"`
}

// spanJSON is a span stored as its string, or, from before spans, as a
// number of seconds.
type spanJSON struct{ appeal.Span }

func (s spanJSON) MarshalJSON() ([]byte, error) { return json.Marshal(s.Span.String()) }

func (s *spanJSON) UnmarshalJSON(b []byte) error {
	var secs int64
	if err := json.Unmarshal(b, &secs); err == nil {
		s.Span = appeal.CalendarSpan(time.Duration(secs) * time.Second)
		return nil
	}
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return fmt.Errorf("span: want a string like \"2wh\" or seconds, got %s", b)
	}
	sp, err := appeal.ParseSpan(str)
	if err != nil {
		return err
	}
	s.Span = sp
	return nil
}

func toTierJSON(t appeal.Tier) tierJSON {
	return tierJSON{Claim: spanJSON{t.Claim}, Answer: spanJSON{t.Answer}, Resolve: spanJSON{t.Resolve}}
}

func (t tierJSON) tier() appeal.Tier {
	return appeal.Tier{Claim: t.Claim.Span, Answer: t.Answer.Span, Resolve: t.Resolve.Span}
}

func (r departmentRow) department() (appeal.Department, error) {
	var p slaJSON
	if err := json.Unmarshal([]byte(r.SLA), &p); err != nil {
		return appeal.Department{}, fmt.Errorf("department %q: stored sla: %w", r.Code, err)
	}
	return appeal.Department{
		Code: r.Code, Name: r.Name, Timezone: r.Timezone,
		SLA:            appeal.Policy{Normal: p.Normal.tier(), Urgent: p.Urgent.tier()},
		ApproveAnswers: r.ApproveAnswers, CreatedAt: r.CreatedAt.Time,
		DirectTransfer: r.DirectTransfer, DispatchExtensions: r.DispatchExt,
	}, nil
}

// Department returns the department with the given code.
func (s *Store) Department(ctx context.Context, code string) (appeal.Department, error) {
	var r departmentRow
	q := s.db.Rebind(`SELECT ` + departmentColumns + ` FROM departments WHERE code = ?`)
	var err error
	// Every intake asks: kept prepared where the store keeps statements.
	if st := s.stmts.prepared(ctx, q); st != nil {
		err = st.GetContext(ctx, &r, code)
	} else {
		err = s.db.GetContext(ctx, &r, q, code)
	}
	if err != nil {
		return appeal.Department{}, fail(fmt.Sprintf("department %q", code), err)
	}
	d, err := r.department()
	if err != nil {
		return appeal.Department{}, fail("department", err)
	}
	return d, nil
}

// Departments returns every department, ordered by code.
func (s *Store) Departments(ctx context.Context) ([]appeal.Department, error) {
	var rows []departmentRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+departmentColumns+` FROM departments ORDER BY code`); err != nil {
		return nil, fail("departments", err)
	}
	out := make([]appeal.Department, 0, len(rows))
	for _, r := range rows {
		d, err := r.department()
		if err != nil {
			return nil, fail("departments", err)
		}
		out = append(out, d)
	}
	return out, nil
}

// SaveDepartment creates department d or replaces the settings of the one
// with its code, which keeps its creation time. SLA spans are kept as
// strings. A zero CreatedAt takes the database's clock.
func (s *Store) SaveDepartment(ctx context.Context, d appeal.Department) (appeal.Department, error) {
	sla, err := json.Marshal(slaJSON{Normal: toTierJSON(d.SLA.Normal), Urgent: toTierJSON(d.SLA.Urgent)})
	if err != nil {
		return appeal.Department{}, fail("save department", err)
	}
	var r departmentRow
	err = s.db.GetContext(ctx, &r, s.db.Rebind(`INSERT INTO departments (code, name, timezone, sla, approve_answers, created_at,
			direct_transfer, dispatch_extensions)
		VALUES (?, ?, ?, ?, ?, COALESCE(?, `+s.nowSQL+`), ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, timezone = excluded.timezone,
			sla = excluded.sla, approve_answers = excluded.approve_answers,
			direct_transfer = excluded.direct_transfer, dispatch_extensions = excluded.dispatch_extensions
		RETURNING `+departmentColumns),
		d.Code, d.Name, d.Timezone, string(sla), d.ApproveAnswers, tm(d.CreatedAt), d.DirectTransfer, d.DispatchExtensions)
	if err != nil {
		return appeal.Department{}, fail(fmt.Sprintf("save department %q", d.Code), err)
	}
	saved, err := r.department()
	if err != nil {
		return appeal.Department{}, fail("save department", err)
	}
	return saved, nil
}
