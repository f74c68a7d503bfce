package appeal

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Intake is an appeal as an upstream system hands it in.
type Intake struct {
	Source      string
	ExternalID  string
	Title       string
	Body        string
	Category    string
	Department  string
	Priority    Priority
	Citizen     Citizen
	Location    string
	ReceivedAt  time.Time
	CallbackURL string
	// CallbackEvents names the events to post to CallbackURL (see
	// ParseCallbackEvents); nil leaves the choice to the service.
	CallbackEvents []string
	// Attachments are links (http or https) to files of the appeal, kept
	// as they are and shown on its card; nothing is fetched.
	Attachments []string
	// MaxAttachments bounds len(Attachments); zero is
	// DefaultAttachmentMaxCount. The service sets its own limit.
	MaxAttachments int
}

// FieldError says which input field is wrong and why. Code is a stable
// machine-readable reason, Message a sentence for people.
type FieldError struct {
	Field   string
	Code    string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Limits on intake fields, in characters (runes). They keep one appeal well
// inside the API's 1 MiB body limit and Telegram's message size.
const (
	MaxSourceLen      = 64
	MaxExternalIDLen  = 128
	MaxTitleLen       = 200
	MaxBodyLen        = 20000
	MaxCategoryLen    = 64
	MaxCitizenNameLen = 100
	MaxPhoneLen       = 32
	// MaxEmailLen is the longest address SMTP can carry (RFC 5321).
	MaxEmailLen       = 254
	MaxLocationLen    = 500
	MaxCallbackURLLen = 2048
	// MaxClockSkew is how far in the future received_at may lie.
	MaxClockSkew = 5 * time.Minute
)

var (
	sourcePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	phonePattern  = regexp.MustCompile(`^\+?[0-9(][0-9 ()-]*$`)
	// emailPattern is the shape of a bare address: something, one @, a
	// host with a dot; no spaces, angle brackets or display name.
	emailPattern = regexp.MustCompile(`^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]+$`)
)

// Normalize trims surrounding space from every text field and fills the
// defaults: priority normal, received now.
func (in Intake) Normalize(now time.Time) Intake {
	for _, p := range []*string{&in.Source, &in.ExternalID, &in.Title, &in.Body, &in.Category,
		&in.Department, &in.Citizen.Name, &in.Citizen.Phone, &in.Citizen.Email, &in.Location, &in.CallbackURL} {
		*p = strings.TrimSpace(*p)
	}
	in.Priority = Priority(strings.ToLower(strings.TrimSpace(string(in.Priority))))
	if in.Priority == "" {
		in.Priority = PriorityNormal
	}
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = now
	}
	if in.CallbackEvents != nil {
		if evs, err := ParseCallbackEvents(in.CallbackEvents); err == nil {
			in.CallbackEvents = evs
		}
	}
	if in.Attachments != nil {
		urls := make([]string, len(in.Attachments))
		for i, u := range in.Attachments {
			urls[i] = strings.TrimSpace(u)
		}
		in.Attachments = urls
	}
	return in
}

// Validate checks a normalized intake and returns a *FieldError for the first
// field that is wrong, in the order the fields are documented.
func (in Intake) Validate(now time.Time) error {
	type check struct {
		field    string
		value    string
		required bool
		max      int
	}
	for _, c := range []check{
		{"source", in.Source, true, MaxSourceLen},
		{"external_id", in.ExternalID, true, MaxExternalIDLen},
		{"title", in.Title, true, MaxTitleLen},
		{"body", in.Body, true, MaxBodyLen},
		{"category", in.Category, false, MaxCategoryLen},
		{"citizen.name", in.Citizen.Name, false, MaxCitizenNameLen},
		{"citizen.phone", in.Citizen.Phone, false, MaxPhoneLen},
		{"citizen.email", in.Citizen.Email, false, MaxEmailLen},
		{"location", in.Location, false, MaxLocationLen},
		{"callback_url", in.CallbackURL, false, MaxCallbackURLLen},
	} {
		if err := checkText(c.field, c.value, c.required, c.max); err != nil {
			return err
		}
	}
	if !sourcePattern.MatchString(in.Source) {
		return &FieldError{"source", "invalid", "must start with a letter or digit and contain only letters, digits, '.', '_' and '-'"}
	}
	if !in.Priority.Valid() {
		return &FieldError{"priority", "invalid", fmt.Sprintf("must be %q or %q", PriorityNormal, PriorityUrgent)}
	}
	if in.Citizen.Phone != "" && !phonePattern.MatchString(in.Citizen.Phone) {
		return &FieldError{"citizen.phone", "invalid", "must contain only digits, spaces, '+', '-', '(' and ')'"}
	}
	if in.Citizen.Email != "" && !emailPattern.MatchString(in.Citizen.Email) {
		return &FieldError{"citizen.email", "invalid", "must be an e-mail address such as name@example.org"}
	}
	if in.ReceivedAt.After(now.Add(MaxClockSkew)) {
		return &FieldError{"received_at", "in_future", "lies in the future"}
	}
	if in.ReceivedAt.Year() < 2000 {
		return &FieldError{"received_at", "invalid", "must be after the year 2000"}
	}
	if in.CallbackURL != "" {
		u, err := url.Parse(in.CallbackURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &FieldError{"callback_url", "invalid", "must be an absolute http or https URL"}
		}
		if u.User != nil {
			// It would reach the receiver's logs and every proxy on
			// the way; receivers check the signature instead.
			return &FieldError{"callback_url", "invalid", "must not carry a user name or password"}
		}
	}
	if in.CallbackEvents != nil {
		if in.CallbackURL == "" {
			return &FieldError{"callback_events", "invalid", "needs a callback_url to post the events to"}
		}
		if _, err := ParseCallbackEvents(in.CallbackEvents); err != nil {
			return &FieldError{"callback_events", "invalid", err.Error()}
		}
	}
	max := in.MaxAttachments
	if max <= 0 {
		max = DefaultAttachmentMaxCount
	}
	return checkAttachmentURLs(in.Attachments, max)
}

func checkText(field, v string, required bool, max int) error {
	switch {
	case required && v == "":
		return &FieldError{field, "required", "is required"}
	case !utf8.ValidString(v):
		return &FieldError{field, "invalid", "is not valid UTF-8"}
	case strings.ContainsRune(v, 0):
		return &FieldError{field, "invalid", "contains a NUL character"}
	case utf8.RuneCountInString(v) > max:
		return &FieldError{field, "too_long", fmt.Sprintf("is longer than %d characters", max)}
	}
	return nil
}

// NewAppeal builds a validated intake into a new appeal. With a department
// it is assigned at once and its clock starts now; without one (dept nil) it
// waits for dispatch. requested is the department code the upstream asked
// for, kept in the log when it was unknown. cal is the department's
// working-time calendar (ignored without a department).
func NewAppeal(in Intake, dept *Department, requested string, cal Calendar, now time.Time) (Appeal, []Event, []Message) {
	a := Appeal{
		Source: in.Source, ExternalID: in.ExternalID, Title: in.Title, Body: in.Body,
		Category: in.Category, Priority: in.Priority, Citizen: in.Citizen, Location: in.Location,
		ReceivedAt: in.ReceivedAt, CallbackURL: in.CallbackURL, CallbackEvents: in.CallbackEvents,
		Status: StatusUnassigned, CreatedAt: now, UpdatedAt: now,
		Attachments: intakeAttachments(in.Attachments),
	}
	for i := range a.Attachments {
		a.Attachments[i].CreatedAt = now
	}
	note := ""
	if dept == nil && requested != "" {
		// The upstream's code is kept for dispatch to read, but never
		// reason to refuse the appeal: cut it short and drop NULs.
		r := []rune(strings.ReplaceAll(requested, "\x00", ""))
		if len(r) > 64 {
			r = append(r[:64], '…')
		}
		note = "unknown department: " + string(r)
	}
	events := []Event{{At: now, Kind: EventReceived, ToStatus: StatusUnassigned, Note: note}}
	if dept == nil {
		return a, events, []Message{{Kind: MsgCard, To: Recipient{Kind: ToDispatch}}}
	}
	assignTo(&a, dept.Code, dept.SLA.Deadlines(a.Priority, now, cal), now)
	// The default policy; the service recomputes with the configured one.
	a.NextActionAt = NextAction(a, Done{}, DefaultReminders, Clocks{Department: cal})
	events = append(events, Event{At: now, Kind: EventAssigned, FromStatus: StatusUnassigned,
		ToStatus: StatusAssigned, Department: dept.Code})
	return a, events, []Message{{Kind: MsgCard, To: Recipient{Kind: ToDepartment, Ref: dept.Code}}}
}
