package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/appealbot/appealbot/appeal"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// requestError is a client error to be written as a JSON error object.
type requestError struct {
	status int
	errorDetail
}

func (e *requestError) Error() string { return e.Message }

func badRequest(field, code, msg string) *requestError {
	return &requestError{http.StatusBadRequest, errorDetail{Code: code, Message: msg, Field: field}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	writeJSON(w, status, errorBody{errorDetail{Code: code, Message: msg, Field: field}})
}

// citizenJSON is the citizen as upstream systems send and read it.
type citizenJSON struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// intakeJSON is the body of POST /api/v1/appeals.
type intakeJSON struct {
	Source      string       `json:"source"`
	ExternalID  string       `json:"external_id"`
	Title       string       `json:"title"`
	Body        string       `json:"body"`
	Category    string       `json:"category"`
	Department  string       `json:"department"`
	Priority    string       `json:"priority"`
	Citizen     *citizenJSON `json:"citizen"`
	Location    string       `json:"location"`
	ReceivedAt  string       `json:"received_at"`
	CallbackURL string       `json:"callback_url"`
	// CallbackEvents names the events posted to CallbackURL; left out or
	// null, APPEALBOT_CALLBACK_EVENTS decides.
	CallbackEvents []string `json:"callback_events"`
	// Attachments are links (http or https) to files of the appeal.
	Attachments []string `json:"attachments"`
}

// checkContentType refuses bodies that are not declared as JSON.
func checkContentType(r *http.Request) *requestError {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &requestError{http.StatusUnsupportedMediaType, errorDetail{
			Code: "unsupported_media_type", Message: "Content-Type must be application/json"}}
	}
	return nil
}

// decodeJSON reads exactly one JSON object from r into v, refusing unknown
// fields, trailing data and bodies over MaxBodyBytes.
func decodeJSON(r io.Reader, v any) *requestError {
	body, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge()
		}
		return badRequest("", "unreadable_body", "the request body could not be read")
	}
	if len(body) > MaxBodyBytes {
		return tooLarge()
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("", "empty_body", "the request body is empty; a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("", "malformed_json", "the body must hold exactly one JSON object")
	}
	return strictJSON(body)
}

// strictJSON refuses what encoding/json takes silently: a key given twice
// in one object (it keeps the last; keys match fields ignoring case, so
// "title" and "Title" are the same key) and strings that are not valid
// UTF-8 or hold a lone UTF-16 surrogate escape (it stores U+FFFD instead,
// so the text kept would not be the text sent). body has been decoded
// once already, so it is well-formed JSON.
func strictJSON(body []byte) *requestError {
	type frame struct {
		object  bool
		path    string
		keys    map[string]bool
		key     string // the key whose value comes next
		wantKey bool
		index   int
	}
	var stack []*frame
	// at returns the path of the value that comes next and moves its
	// container past it.
	at := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.object {
			f.wantKey = true
			return joinPath(f.path, f.key)
		}
		f.index++
		return fmt.Sprintf("%s[%d]", f.path, f.index-1)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	prev := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // io.EOF; anything else was reported by Decode
		}
		raw := body[prev:dec.InputOffset()]
		prev = dec.InputOffset()
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				stack = append(stack, &frame{object: t == '{', path: at(), wantKey: true})
			} else {
				stack = stack[:len(stack)-1]
			}
		case string:
			if f := stack[len(stack)-1]; f.object && f.wantKey {
				name := joinPath(f.path, t)
				if !cleanString(raw) {
					return badRequest(name, "invalid", "the field name "+strconv.Quote(t)+" is not valid UTF-8")
				}
				k := foldKey(t)
				if f.keys[k] {
					return badRequest(name, "duplicate_field", name+" is given more than once")
				}
				if f.keys == nil {
					f.keys = map[string]bool{}
				}
				f.keys[k], f.key, f.wantKey = true, t, false
				continue
			}
			if path := at(); !cleanString(raw) {
				return badRequest(path, "invalid", path+" is not valid UTF-8")
			}
		default:
			at()
		}
	}
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// cleanString reports whether the JSON string literal at the end of raw
// (after any whitespace and ':' or ',') is valid UTF-8 and each of its
// \u escapes of a surrogate is half of a pair.
func cleanString(raw []byte) bool {
	lit := raw[bytes.IndexByte(raw, '"')+1 : len(raw)-1]
	if !utf8.Valid(lit) {
		return false
	}
	for i := 0; i < len(lit); i++ {
		if lit[i] != '\\' {
			continue
		}
		i++
		if lit[i] != 'u' {
			continue
		}
		r := hex4(lit[i+1 : i+5])
		i += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return false // a low half with no high half before it
		case r >= 0xD800 && r <= 0xDBFF:
			if i+6 >= len(lit) || lit[i+1] != '\\' || lit[i+2] != 'u' {
				return false
			}
			if lo := hex4(lit[i+3 : i+7]); lo < 0xDC00 || lo > 0xDFFF {
				return false
			}
			i += 6
		}
	}
	return true
}

// hex4 reads four hexadecimal digits (the decoder checked them already).
func hex4(b []byte) rune {
	n, _ := strconv.ParseUint(string(b), 16, 32)
	return rune(n)
}

// foldKey is the key as encoding/json matches it to a field: with every
// letter replaced by the smallest of its case-folding orbit.
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		for {
			f := unicode.SimpleFold(r)
			if f <= r {
				r = f
				break
			}
			r = f
		}
		b.WriteRune(r)
	}
	return b.String()
}

func tooLarge() *requestError {
	return &requestError{http.StatusRequestEntityTooLarge, errorDetail{
		Code: "body_too_large", Message: fmt.Sprintf("the request body is larger than %d bytes", MaxBodyBytes)}}
}

// jsonError turns a decoding error into an error that names the field.
func jsonError(err error) *requestError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return badRequest("", "malformed_json", fmt.Sprintf("malformed JSON at byte %d", syn.Offset))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return badRequest("", "malformed_json", "the body must be a JSON object")
		}
		return badRequest(field, "wrong_type", fmt.Sprintf("must be a JSON %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "malformed_json", "the JSON body ends too early")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return badRequest(name, "unknown_field", "unknown field "+name)
	}
	return badRequest("", "malformed_json", "malformed JSON")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "struct", "map", "ptr":
		return "object"
	case "slice", "array":
		return "array"
	case "bool":
		return "boolean"
	}
	return "number"
}

// decodeIntake reads and checks an intake body. It is the boundary that the
// fuzz test drives with arbitrary bytes.
//
// maxAttachments bounds the links of "attachments" (0: the default).
func decodeIntake(r io.Reader, now time.Time, maxAttachments int) (appeal.Intake, *requestError) {
	var in intakeJSON
	if rerr := decodeJSON(r, &in); rerr != nil {
		return appeal.Intake{}, rerr
	}
	out := appeal.Intake{
		Source: in.Source, ExternalID: in.ExternalID, Title: in.Title, Body: in.Body,
		Category: in.Category, Department: in.Department, Priority: appeal.Priority(in.Priority),
		Location: in.Location, CallbackURL: in.CallbackURL, CallbackEvents: in.CallbackEvents,
		Attachments: in.Attachments, MaxAttachments: maxAttachments,
	}
	if in.Citizen != nil {
		out.Citizen = appeal.Citizen{Name: in.Citizen.Name, Phone: in.Citizen.Phone, Email: in.Citizen.Email}
	}
	if s := strings.TrimSpace(in.ReceivedAt); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return appeal.Intake{}, badRequest("received_at", "invalid", "must be an RFC 3339 time such as 2026-11-02T09:30:00+08:00")
		}
		out.ReceivedAt = t
	}
	out = out.Normalize(now)
	if err := out.Validate(now); err != nil {
		if rerr := fieldError(err); rerr != nil {
			return appeal.Intake{}, rerr
		}
		return appeal.Intake{}, badRequest("", "invalid", err.Error())
	}
	return out, nil
}

// fieldError converts a domain validation error; other errors become nil.
func fieldError(err error) *requestError {
	var fe *appeal.FieldError
	if errors.As(err, &fe) {
		return badRequest(fe.Field, fe.Code, fe.Field+" "+fe.Message)
	}
	return nil
}

// deadlinesJSON shows deadlines; nil times are null. dispatch_by is
// dispatch's deadline for an appeal waiting for a department, decide_by a
// leader's for what waits for a decision.
type deadlinesJSON struct {
	ClaimBy    *time.Time `json:"claim_by"`
	AnswerBy   *time.Time `json:"answer_by"`
	ResolveBy  *time.Time `json:"resolve_by"`
	DispatchBy *time.Time `json:"dispatch_by"`
	DecideBy   *time.Time `json:"decide_by"`
}

type extensionJSON struct {
	RequestedBy int64     `json:"requested_by"`
	Duration    string    `json:"duration"`
	Reason      string    `json:"reason"`
	RequestedAt time.Time `json:"requested_at"`
}

type answerJSON struct {
	ID        int64      `json:"id"`
	Author    int64      `json:"author"`
	Text      string     `json:"text"`
	State     string     `json:"state"`
	At        time.Time  `json:"at"`
	DecidedBy *int64     `json:"decided_by,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	// Attachments are the numbers of the answer's photos.
	Attachments []int `json:"attachments,omitempty"`
}

type eventJSON struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Kind       string    `json:"kind"`
	Actor      *int64    `json:"actor"`
	FromStatus string    `json:"from_status,omitempty"`
	ToStatus   string    `json:"to_status,omitempty"`
	Department *string   `json:"department"`
	Note       string    `json:"note,omitempty"`
	// Outcome: resolved or unresolved on a close, the citizen's verdict
	// on feedback.
	Outcome string `json:"outcome,omitempty"`
	// Via names who acted when no member did: "rule:NAME" for a rule of
	// the routing catalogue, "router" for the learned router.
	Via string `json:"via,omitempty"`
}

// appealJSON is an appeal as the API shows it. Answers and events appear
// only when a single appeal is read.
type appealJSON struct {
	ID          int64       `json:"id"`
	Source      string      `json:"source"`
	ExternalID  string      `json:"external_id"`
	Title       string      `json:"title"`
	Body        string      `json:"body"`
	Category    string      `json:"category"`
	Priority    string      `json:"priority"`
	Citizen     citizenJSON `json:"citizen"`
	Location    string      `json:"location"`
	ReceivedAt  time.Time   `json:"received_at"`
	CallbackURL string      `json:"callback_url"`
	// CallbackEvents are the events posted to CallbackURL; absent
	// without a callback URL.
	CallbackEvents []string       `json:"callback_events,omitempty"`
	Department     *string        `json:"department"`
	Status         string         `json:"status"`
	Assignee       *int64         `json:"assignee"`
	Deadlines      *deadlinesJSON `json:"deadlines"`
	Extension      *extensionJSON `json:"extension"`
	AssignedAt     *time.Time     `json:"assigned_at"`
	ClaimedAt      *time.Time     `json:"claimed_at"`
	AnsweredAt     *time.Time     `json:"answered_at"`
	ClosedAt       *time.Time     `json:"closed_at"`
	NextActionAt   *time.Time     `json:"next_action_at"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	// Urges counts the citizen's urges (催办).
	Urges   int           `json:"urges"`
	Answers *[]answerJSON `json:"answers,omitempty"`
	// Attachments are the intake's links and the answers' photos, by
	// number (GET /api/v1/appeals/{id}/attachments/{n}).
	Attachments []attachmentJSON `json:"attachments"`
	Events      *[]eventJSON     `json:"events,omitempty"`
	Callbacks   *[]callbackJSON  `json:"callbacks,omitempty"`
}

// callbackJSON is the delivery state of one event told upstream:
// pending (still being tried; next_attempt_at says when), sent or failed.
type callbackJSON struct {
	ID int64 `json:"id"`
	// Event is what the callback tells ("appeal.answered", ...).
	Event         string     `json:"event"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	LastError     string     `json:"last_error,omitempty"`
	QueuedAt      time.Time  `json:"queued_at"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func idPtr[T ~int64](v T) *int64 {
	if v == 0 {
		return nil
	}
	i := int64(v)
	return &i
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toAppealJSON(a appeal.Appeal) appealJSON {
	j := appealJSON{
		ID: int64(a.ID), Source: a.Source, ExternalID: a.ExternalID, Title: a.Title, Body: a.Body,
		Category: a.Category, Priority: string(a.Priority),
		Citizen:  citizenJSON{Name: a.Citizen.Name, Phone: a.Citizen.Phone, Email: a.Citizen.Email},
		Location: a.Location, ReceivedAt: a.ReceivedAt, CallbackURL: a.CallbackURL,
		Department: strPtr(a.Department), Status: string(a.Status), Assignee: idPtr(a.Assignee),
		AssignedAt: timePtr(a.AssignedAt), ClaimedAt: timePtr(a.ClaimedAt),
		AnsweredAt: timePtr(a.AnsweredAt), ClosedAt: timePtr(a.ClosedAt),
		NextActionAt: timePtr(a.NextActionAt), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
		Urges: a.Urges, Attachments: toAttachmentsJSON(a),
	}
	if a.CallbackURL != "" {
		j.CallbackEvents = a.CallbackEvents
		if len(j.CallbackEvents) == 0 {
			j.CallbackEvents = []string{appeal.CallbackAnswered}
		}
	}
	if d := a.Deadlines; d != (appeal.Deadlines{}) {
		j.Deadlines = &deadlinesJSON{ClaimBy: timePtr(d.ClaimBy), AnswerBy: timePtr(d.AnswerBy), ResolveBy: timePtr(d.ResolveBy),
			DispatchBy: timePtr(d.DispatchBy), DecideBy: timePtr(d.DecideBy)}
	}
	if x := a.Extension; x != nil {
		j.Extension = &extensionJSON{RequestedBy: int64(x.By), Duration: x.Span.String(), Reason: x.Reason, RequestedAt: x.At}
	}
	return j
}

// withDetails adds the answers and the event log, shown when one appeal is read.
func (j *appealJSON) withDetails(a appeal.Appeal, events []appeal.Event) {
	answers := make([]answerJSON, 0, len(a.Answers))
	for _, an := range a.Answers {
		answers = append(answers, answerJSON{
			ID: an.ID, Author: int64(an.Author), Text: an.Text, State: string(an.State), At: an.At,
			DecidedBy: idPtr(an.DecidedBy), DecidedAt: timePtr(an.DecidedAt),
			Attachments: attachmentNumbers(an.Attachments),
		})
	}
	evs := make([]eventJSON, 0, len(events))
	for _, e := range events {
		evs = append(evs, toEventJSON(e))
	}
	j.Answers, j.Events = &answers, &evs
}

func toEventJSON(e appeal.Event) eventJSON {
	return eventJSON{
		ID: e.ID, At: e.At, Kind: string(e.Kind), Actor: idPtr(e.Actor),
		FromStatus: string(e.FromStatus), ToStatus: string(e.ToStatus),
		Department: strPtr(e.Department), Note: e.Note, Outcome: e.Outcome, Via: e.Via,
	}
}

type tierJSON struct {
	Claim   string `json:"claim"`
	Answer  string `json:"answer"`
	Resolve string `json:"resolve"`
}

type policyJSON struct {
	Normal tierJSON `json:"normal"`
	Urgent tierJSON `json:"urgent"`
}

type departmentJSON struct {
	Code           string     `json:"code"`
	Name           string     `json:"name"`
	Timezone       string     `json:"timezone"`
	SLA            policyJSON `json:"sla"`
	ApproveAnswers bool       `json:"approve_answers"`
	// DirectTransfer: the department's transfers need no review;
	// DispatchExtensions: its extensions need dispatch's approval after a
	// leader's.
	DirectTransfer     bool      `json:"direct_transfer"`
	DispatchExtensions bool      `json:"dispatch_extensions"`
	CreatedAt          time.Time `json:"created_at"`
}

// departmentsJSON is the answer of GET /api/v1/departments: the
// departments, and what the setup lacks beyond them (gaps, and where
// dispatch's and supervision's messages go: reach).
type departmentsJSON struct {
	Departments []listedDepartmentJSON `json:"departments"`
	Gaps        []string               `json:"gaps,omitzero"`
	Reach       map[string]string      `json:"reach,omitzero"`
}

// listedDepartmentJSON is a department as listed: with its bound chats and
// leaders, what it lacks, and where its messages go (reach: "appeals" for
// its own, "leaders" for its leaders').
type listedDepartmentJSON struct {
	departmentJSON
	Chats   *int              `json:"chats,omitzero"`
	Leaders *int              `json:"leaders,omitzero"`
	Gaps    []string          `json:"gaps,omitzero"`
	Reach   map[string]string `json:"reach,omitzero"`
}

// gapCode names a gap in the API.
func gapCode(g appeal.Gap) string {
	return map[appeal.Level]string{
		appeal.LevelDepartment:  "no_chat",
		appeal.LevelLeaders:     "no_leader",
		appeal.LevelDispatch:    "no_dispatch_chat",
		appeal.LevelSupervision: "no_supervision_chat",
		appeal.LevelAdmins:      "no_admin",
	}[g.Level]
}

// levelCode names a level of the fallback chains in the API.
func levelCode(lv appeal.Level) string {
	if lv == appeal.LevelNone {
		return "none"
	}
	return string(lv)
}

// departmentInJSON is the body of PUT /api/v1/departments/{code}. A field
// left out (or null) keeps the department's value, down to each limit of
// each SLA tier.
type departmentInJSON struct {
	Name               *string       `json:"name"`
	Timezone           *string       `json:"timezone"`
	SLA                *policyInJSON `json:"sla"`
	ApproveAnswers     *bool         `json:"approve_answers"`
	DirectTransfer     *bool         `json:"direct_transfer"`
	DispatchExtensions *bool         `json:"dispatch_extensions"`
}

type policyInJSON struct {
	Normal *tierInJSON `json:"normal"`
	Urgent *tierInJSON `json:"urgent"`
}

type tierInJSON struct {
	Claim   *string `json:"claim"`
	Answer  *string `json:"answer"`
	Resolve *string `json:"resolve"`
}

func toTierJSON(t appeal.Tier) tierJSON {
	return tierJSON{Claim: t.Claim.String(), Answer: t.Answer.String(), Resolve: t.Resolve.String()}
}

func toDepartmentJSON(d appeal.Department) departmentJSON {
	return departmentJSON{
		Code: d.Code, Name: d.Name, Timezone: d.Timezone, ApproveAnswers: d.ApproveAnswers, CreatedAt: d.CreatedAt,
		DirectTransfer: d.DirectTransfer, DispatchExtensions: d.DispatchExtensions,
		SLA: policyJSON{Normal: toTierJSON(d.SLA.Normal), Urgent: toTierJSON(d.SLA.Urgent)},
	}
}

// mergeDepartment applies a PUT body to the department as it is (cur,
// the zero Department for a new one, which takes the defaults): what the
// body gives replaces, what it leaves out stays.
func mergeDepartment(cur appeal.Department, in departmentInJSON) (appeal.Department, *requestError) {
	d := cur
	if in.Name != nil {
		d.Name = *in.Name
	}
	if in.Timezone != nil {
		d.Timezone = *in.Timezone
	}
	if in.ApproveAnswers != nil {
		d.ApproveAnswers = *in.ApproveAnswers
	}
	if in.DirectTransfer != nil {
		d.DirectTransfer = *in.DirectTransfer
	}
	if in.DispatchExtensions != nil {
		d.DispatchExtensions = *in.DispatchExtensions
	}
	if d.SLA == (appeal.Policy{}) {
		d.SLA = appeal.DefaultPolicy
	}
	if in.SLA == nil {
		return d, nil
	}
	var rerr *requestError
	if d.SLA.Normal, rerr = mergeTier("sla.normal", d.SLA.Normal, in.SLA.Normal); rerr != nil {
		return d, rerr
	}
	if d.SLA.Urgent, rerr = mergeTier("sla.urgent", d.SLA.Urgent, in.SLA.Urgent); rerr != nil {
		return d, rerr
	}
	return d, nil
}

// mergeTier applies the limits in gives to tier cur and checks the result.
func mergeTier(field string, cur appeal.Tier, in *tierInJSON) (appeal.Tier, *requestError) {
	if in == nil {
		return cur, nil
	}
	out := cur
	for _, f := range []struct {
		name string
		in   *string
		out  *appeal.Span
	}{{"claim", in.Claim, &out.Claim}, {"answer", in.Answer, &out.Answer}, {"resolve", in.Resolve, &out.Resolve}} {
		if f.in == nil {
			continue
		}
		sp, err := appeal.ParseSpan(*f.in)
		if err != nil {
			return cur, badRequest(field+"."+f.name, "invalid", spanMessage(field+"."+f.name, err))
		}
		*f.out = sp
	}
	if err := out.Validate(); err != nil {
		return cur, badRequest(field, "invalid", fmt.Sprintf(
			"%s must not shrink from claim to answer to resolve, but it would be claim %s, answer %s, resolve %s",
			field, out.Claim, out.Answer, out.Resolve))
	}
	return out, nil
}

// spanMessage says, once and in plain words, which rule the span given
// for field broke.
func spanMessage(field string, err error) string {
	const examples = "such as 30m, 2h, 3d, 8wh (working hours) or 5wd (working days)"
	var se *appeal.SpanError
	if !errors.As(err, &se) {
		return field + " must be a span " + examples
	}
	switch se.Code {
	case "empty":
		return field + " is empty: give a span " + examples
	case "too_long":
		return field + " is " + se.Message
	case "unknown_unit":
		return fmt.Sprintf("%s has an unknown unit %q: use m, h, d, wh or wd", field, se.Unit)
	case "missing_unit":
		return fmt.Sprintf("%s %q has no unit: write a span %s", field, se.Input, examples)
	case "not_positive":
		return field + " must be more than zero"
	case "not_whole":
		return fmt.Sprintf("%s %q is not whole: %s", field, se.Input, se.Message)
	}
	return fmt.Sprintf("%s %q is not a span (%s): write one %s", field, se.Input, se.Message, examples)
}

func (e *requestError) write(w http.ResponseWriter) {
	writeError(w, e.status, e.Code, e.Message, e.Field)
}
