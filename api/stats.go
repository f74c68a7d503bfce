package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
)

// Stats serves GET /api/v1/stats: the figures (KPIs) of a period.
type Stats struct {
	Source    kpi.Source
	Calendars appeal.CalendarSource
	Weights   kpi.Weights
	// Location reads dates without a time (YYYY-MM-DD) as local midnight;
	// nil is UTC.
	Location *time.Location
}

// defaultStatsDays is the period when the query names no from.
const defaultStatsDays = 7

func (s *server) getStats(w http.ResponseWriter, r *http.Request) {
	st := s.stats
	loc := st.Location
	if loc == nil {
		loc = time.UTC
	}
	q := r.URL.Query()
	now := s.now()
	to := now
	if v := q.Get("to"); v != "" {
		t, _, rerr := parseBound(v, "to", loc, true)
		if rerr != nil {
			rerr.write(w)
			return
		}
		to = t
	}
	from := to.Add(-defaultStatsDays * 24 * time.Hour)
	if v := q.Get("from"); v != "" {
		t, _, rerr := parseBound(v, "from", loc, false)
		if rerr != nil {
			rerr.write(w)
			return
		}
		from = t
	}
	if !from.Before(to) {
		writeError(w, http.StatusBadRequest, "invalid", "from must be before to", "from")
		return
	}
	if to.Sub(from) > kpi.MaxDays*24*time.Hour {
		writeError(w, http.StatusBadRequest, "invalid", "the period must not be longer than "+strconv.Itoa(kpi.MaxDays)+" days", "from")
		return
	}
	dept := strings.TrimSpace(q.Get("department"))
	code, ok := appeal.NormalizeCode(dept)
	if dept != "" && !ok {
		writeError(w, http.StatusBadRequest, "invalid", "department must be a department code: 1–32 letters, digits, '_' or '-'", "department")
		return
	}
	rep, err := kpi.Load(r.Context(), st.Source, st.Calendars, from.UTC(), to.UTC(), now.UTC(), st.Weights, code)
	if dept != "" && errors.Is(err, appeal.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", "no department with code "+strconv.Quote(code), "department")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := statsJSON{From: rep.From, To: rep.To, Now: rep.Now, Weights: weightsJSON(st.Weights)}
	if dept != "" {
		out.Departments = []figuresJSON{toFiguresJSON(rep.Departments[0])}
	} else {
		o := toFiguresJSON(rep.Overall)
		out.Overall = &o
		out.Departments = make([]figuresJSON, 0, len(rep.Departments))
		for _, f := range rep.Departments {
			out.Departments = append(out.Departments, toFiguresJSON(f))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

type statsJSON struct {
	From    time.Time          `json:"from"`
	To      time.Time          `json:"to"`
	Now     time.Time          `json:"now"`
	Weights map[string]float64 `json:"weights"`
	// Overall is absent when one department was asked for.
	Overall     *figuresJSON  `json:"overall,omitempty"`
	Departments []figuresJSON `json:"departments"`
}

func weightsJSON(w kpi.Weights) map[string]float64 {
	return map[string]float64{"response": w.Response, "resolution": w.Resolution, "satisfaction": w.Satisfaction}
}

// durationsJSON are durations in seconds, null without a sample.
type durationsJSON struct {
	Samples           int      `json:"samples"`
	MedianSeconds     *float64 `json:"median_s"`
	P90Seconds        *float64 `json:"p90_s"`
	WorkMedianSeconds *float64 `json:"working_median_s"`
	WorkP90Seconds    *float64 `json:"working_p90_s"`
}

type figuresJSON struct {
	Department    *string       `json:"department"`
	Received      int           `json:"received"`
	Claimed       int           `json:"claimed"`
	Answered      int           `json:"answered"`
	Closed        int           `json:"closed"`
	Resolved      int           `json:"resolved"`
	Unresolved    int           `json:"unresolved"`
	Returned      int           `json:"returned"`
	Transferred   int           `json:"transferred"`
	Extended      int           `json:"extended"`
	Reopened      int           `json:"reopened"`
	Urges         int           `json:"urges"`
	Open          int           `json:"open"`
	Overdue       int           `json:"overdue"`
	Satisfied     int           `json:"satisfied"`
	Unsatisfied   int           `json:"unsatisfied"`
	NoAnswer      int           `json:"no_answer"`
	TimeToClaim   durationsJSON `json:"time_to_claim"`
	TimeToAnswer  durationsJSON `json:"time_to_answer"`
	ClaimsDue     int           `json:"claims_due"`
	ClaimsOnTime  int           `json:"claims_on_time"`
	AnswersDue    int           `json:"answers_due"`
	AnswersOnTime int           `json:"answers_on_time"`
	OnTimeClaim   *float64      `json:"on_time_claim_rate"`
	OnTimeAnswer  *float64      `json:"on_time_answer_rate"`
	Response      *float64      `json:"response_rate"`
	Resolution    *float64      `json:"resolution_rate"`
	Satisfaction  *float64      `json:"satisfaction_rate"`
	Score         *float64      `json:"score"`
	ReceivedKept  int           `json:"received_kept"`
	KeptAnswered  int           `json:"received_kept_answered"`
}

func seconds(d time.Duration, n int) *float64 {
	if n == 0 {
		return nil
	}
	v := d.Seconds()
	return &v
}

func toDurationsJSON(d kpi.Durations) durationsJSON {
	return durationsJSON{Samples: d.N, MedianSeconds: seconds(d.Median, d.N), P90Seconds: seconds(d.P90, d.N),
		WorkMedianSeconds: seconds(d.WorkMedian, d.N), WorkP90Seconds: seconds(d.WorkP90, d.N)}
}

func toFiguresJSON(f kpi.Figures) figuresJSON {
	return figuresJSON{
		Department: strPtr(f.Department),
		Received:   f.Received, Claimed: f.Claimed, Answered: f.Answered, Closed: f.Closed,
		Resolved: f.Resolved, Unresolved: f.Unresolved, Returned: f.Returned, Transferred: f.TransferredOut,
		Extended: f.Extended, Reopened: f.Reopened, Urges: f.Urged, Open: f.Open, Overdue: f.Overdue,
		Satisfied: f.Satisfied, Unsatisfied: f.Unsatisfied, NoAnswer: f.NoAnswer,
		TimeToClaim: toDurationsJSON(f.ToClaim), TimeToAnswer: toDurationsJSON(f.ToAnswer),
		ClaimsDue: f.ClaimsDue, ClaimsOnTime: f.ClaimsOnTime, AnswersDue: f.AnswersDue, AnswersOnTime: f.AnswersOnTime,
		OnTimeClaim: f.OnTimeClaim, OnTimeAnswer: f.OnTimeAnswer, Response: f.Response,
		Resolution: f.Resolution, Satisfaction: f.Satisfaction, Score: f.Score,
		ReceivedKept: f.Kept, KeptAnswered: f.Responded,
	}
}

// feedbackJSON is the body of POST /api/v1/appeals/{id}/feedback.
type feedbackJSON struct {
	Result     string `json:"result"`
	Comment    string `json:"comment"`
	FeedbackID string `json:"feedback_id"`
}

type feedbackOutJSON struct {
	ID         int64     `json:"id"`
	FeedbackID string    `json:"feedback_id,omitempty"`
	Result     string    `json:"result"`
	Comment    string    `json:"comment"`
	Department *string   `json:"department"`
	Reopened   bool      `json:"reopened"`
	At         time.Time `json:"at"`
	// Duplicate: this repeats a verdict recorded before; nothing changed.
	Duplicate bool       `json:"duplicate"`
	Appeal    appealJSON `json:"appeal"`
}

func (s *server) postFeedback(w http.ResponseWriter, r *http.Request) {
	var in feedbackJSON
	id, ok := decodeAppealPost(w, r, &in)
	if !ok {
		return
	}
	res, err := s.feedback.Feedback(r.Context(), appeal.ID(id), appeal.Feedback{
		Result: appeal.FeedbackResult(strings.TrimSpace(in.Result)), Comment: in.Comment, ExternalID: in.FeedbackID})
	var te *appeal.TransitionError
	switch {
	case err == nil:
	case fieldError(err) != nil:
		fieldError(err).write(w)
		return
	case errors.Is(err, appeal.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no appeal with id "+strconv.FormatInt(id, 10), "id")
		return
	case errors.As(err, &te):
		writeError(w, http.StatusConflict, "not_answered",
			"the appeal is "+string(te.From)+": only an answered or closed appeal takes feedback", "")
		return
	case errors.Is(err, appeal.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", "feedback "+strconv.Quote(in.FeedbackID)+
			" was recorded before with another result or comment", "feedback_id")
		return
	default:
		s.internal(w, r, err)
		return
	}
	f := res.Feedback
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	} else {
		s.log.Info("api: feedback recorded", "appeal", id, "result", f.Result, "reopened", f.Reopened)
	}
	writeJSON(w, status, feedbackOutJSON{ID: f.ID, FeedbackID: f.ExternalID, Result: string(f.Result), Comment: f.Comment,
		Department: strPtr(f.Department), Reopened: f.Reopened, At: f.At, Duplicate: res.Duplicate, Appeal: toAppealJSON(res.Appeal)})
}
