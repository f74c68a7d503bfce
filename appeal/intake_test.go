package appeal

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func validIntake() Intake {
	return Intake{
		Source:      "hotline-12345",
		ExternalID:  "A-2026-0001",
		Title:       "Pothole on Elm Street",
		Body:        "A deep pothole in front of no. 12.",
		Category:    "roads",
		Department:  "roads",
		Citizen:     Citizen{Name: "Li Wei", Phone: "+86 (10) 1234-5678"},
		Location:    "Elm Street 12",
		ReceivedAt:  now.Add(-time.Hour),
		CallbackURL: "https://crm.example.org/appeals/callback",
	}
}

func TestIntakeNormalize(t *testing.T) {
	in := Intake{
		Source: " hotline ", ExternalID: "\tA-1\n", Title: "  Pothole ", Body: " body ",
		Category: " roads ", Department: " ROADS ", Priority: " URGENT ",
		Citizen:  Citizen{Name: " Li Wei ", Phone: " 12345 ", Email: " li@example.org\n"},
		Location: " Elm ", CallbackURL: " https://example.org/cb ",
	}
	got := in.Normalize(now)
	want := Intake{
		Source: "hotline", ExternalID: "A-1", Title: "Pothole", Body: "body",
		Category: "roads", Department: "ROADS", Priority: PriorityUrgent,
		Citizen:  Citizen{Name: "Li Wei", Phone: "12345", Email: "li@example.org"},
		Location: "Elm", ReceivedAt: now, CallbackURL: "https://example.org/cb",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Normalize:\n got %+v\nwant %+v", got, want)
	}
	if in.Title != "  Pothole " {
		t.Errorf("Normalize changed its receiver: title %q", in.Title)
	}

	got = Intake{ReceivedAt: now.Add(-time.Hour)}.Normalize(now)
	if got.Priority != PriorityNormal || !got.ReceivedAt.Equal(now.Add(-time.Hour)) {
		t.Errorf("defaults: priority %q, received %v; want normal and the given time", got.Priority, got.ReceivedAt)
	}
}

func TestIntakeValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Intake)
		field  string // "" when the intake is valid
		code   string
	}{
		{"valid", func(*Intake) {}, "", ""},
		{"only required fields", func(in *Intake) {
			*in = Intake{Source: "s", ExternalID: "1", Title: "t", Body: "b"}
		}, "", ""},

		// Required fields, in the order they are checked.
		{"source missing", func(in *Intake) { in.Source = "" }, "source", "required"},
		{"source blank", func(in *Intake) { in.Source = " \t " }, "source", "required"},
		{"external_id missing", func(in *Intake) { in.ExternalID = "" }, "external_id", "required"},
		{"title missing", func(in *Intake) { in.Title = "" }, "title", "required"},
		{"title blank", func(in *Intake) { in.Title = "\n\n" }, "title", "required"},
		{"body missing", func(in *Intake) { in.Body = "" }, "body", "required"},
		{"first wrong field wins", func(in *Intake) { in.Body = ""; in.Source = "" }, "source", "required"},

		// Lengths, in runes.
		{"source at limit", func(in *Intake) { in.Source = strings.Repeat("s", MaxSourceLen) }, "", ""},
		{"source too long", func(in *Intake) { in.Source = strings.Repeat("s", MaxSourceLen+1) }, "source", "too_long"},
		{"external_id at limit", func(in *Intake) { in.ExternalID = strings.Repeat("x", MaxExternalIDLen) }, "", ""},
		{"external_id too long", func(in *Intake) { in.ExternalID = strings.Repeat("x", MaxExternalIDLen+1) }, "external_id", "too_long"},
		{"title 200 Chinese runes", func(in *Intake) { in.Title = strings.Repeat("路", MaxTitleLen) }, "", ""},
		{"title 201 Chinese runes", func(in *Intake) { in.Title = strings.Repeat("路", MaxTitleLen+1) }, "title", "too_long"},
		{"body at limit", func(in *Intake) { in.Body = strings.Repeat("坑", MaxBodyLen) }, "", ""},
		{"body too long", func(in *Intake) { in.Body = strings.Repeat("b", MaxBodyLen+1) }, "body", "too_long"},
		{"category at limit", func(in *Intake) { in.Category = strings.Repeat("c", MaxCategoryLen) }, "", ""},
		{"category too long", func(in *Intake) { in.Category = strings.Repeat("c", MaxCategoryLen+1) }, "category", "too_long"},
		{"department at limit", func(in *Intake) { in.Department = strings.Repeat("d", 64) }, "", ""},
		{"citizen.name at limit", func(in *Intake) { in.Citizen.Name = strings.Repeat("李", MaxCitizenNameLen) }, "", ""},
		{"citizen.name too long", func(in *Intake) { in.Citizen.Name = strings.Repeat("李", MaxCitizenNameLen+1) }, "citizen.name", "too_long"},
		{"citizen.phone at limit", func(in *Intake) { in.Citizen.Phone = strings.Repeat("1", MaxPhoneLen) }, "", ""},
		{"citizen.phone too long", func(in *Intake) { in.Citizen.Phone = strings.Repeat("1", MaxPhoneLen+1) }, "citizen.phone", "too_long"},
		{"location at limit", func(in *Intake) { in.Location = strings.Repeat("l", MaxLocationLen) }, "", ""},
		{"location too long", func(in *Intake) { in.Location = strings.Repeat("l", MaxLocationLen+1) }, "location", "too_long"},
		{"callback_url at limit", func(in *Intake) { in.CallbackURL = urlOfLen(MaxCallbackURLLen) }, "", ""},
		{"callback_url too long", func(in *Intake) { in.CallbackURL = urlOfLen(MaxCallbackURLLen + 1) }, "callback_url", "too_long"},

		// Bytes that have no place in text.
		{"NUL in title", func(in *Intake) { in.Title = "Pot\x00hole" }, "title", "invalid"},
		{"NUL in optional location", func(in *Intake) { in.Location = "\x00" }, "location", "invalid"},
		{"invalid UTF-8 in body", func(in *Intake) { in.Body = "caf\xe9" }, "body", "invalid"},
		{"truncated UTF-8 in citizen.name", func(in *Intake) { in.Citizen.Name = "李\xe6\x9d" }, "citizen.name", "invalid"},
		{"invalid UTF-8 in external_id", func(in *Intake) { in.ExternalID = "\xff" }, "external_id", "invalid"},

		// Source pattern.
		{"source with dot, underscore, dash", func(in *Intake) { in.Source = "crm.v2_east-1" }, "", ""},
		{"source starting with dash", func(in *Intake) { in.Source = "-crm" }, "source", "invalid"},
		{"source with space", func(in *Intake) { in.Source = "city hotline" }, "source", "invalid"},
		{"source in Chinese", func(in *Intake) { in.Source = "热线" }, "source", "invalid"},

		// Priority.
		{"priority empty is normal", func(in *Intake) { in.Priority = "" }, "", ""},
		{"priority upper case", func(in *Intake) { in.Priority = " URGENT " }, "", ""},
		{"priority unknown", func(in *Intake) { in.Priority = "high" }, "priority", "invalid"},

		// Phone.
		{"phone digits only", func(in *Intake) { in.Citizen.Phone = "12345" }, "", ""},
		{"phone international", func(in *Intake) { in.Citizen.Phone = "+7 (495) 123-45-67" }, "", ""},
		{"phone with letters", func(in *Intake) { in.Citizen.Phone = "call me" }, "citizen.phone", "invalid"},
		{"phone with two pluses", func(in *Intake) { in.Citizen.Phone = "++7 495" }, "citizen.phone", "invalid"},
		{"phone with extension mark", func(in *Intake) { in.Citizen.Phone = "12345#6" }, "citizen.phone", "invalid"},
		{"phone with area code in parentheses", func(in *Intake) { in.Citizen.Phone = "(010) 1234 5678" }, "", ""},
		{"phone starting with a letter", func(in *Intake) { in.Citizen.Phone = "x010 1234 5678" }, "citizen.phone", "invalid"},

		// E-mail.
		{"email plain", func(in *Intake) { in.Citizen.Email = "li.wei+311@mail.example.org" }, "", ""},
		{"email with Chinese host", func(in *Intake) { in.Citizen.Email = "li@政府.中国" }, "", ""},
		{"email at limit", func(in *Intake) { in.Citizen.Email = strings.Repeat("a", MaxEmailLen-12) + "@example.org" }, "", ""},
		{"email too long", func(in *Intake) { in.Citizen.Email = strings.Repeat("a", MaxEmailLen-11) + "@example.org" }, "citizen.email", "too_long"},
		{"email without at", func(in *Intake) { in.Citizen.Email = "li.example.org" }, "citizen.email", "invalid"},
		{"email with two ats", func(in *Intake) { in.Citizen.Email = "li@wei@example.org" }, "citizen.email", "invalid"},
		{"email with display name", func(in *Intake) { in.Citizen.Email = "Li <li@example.org>" }, "citizen.email", "invalid"},
		{"email without dot in host", func(in *Intake) { in.Citizen.Email = "li@localhost" }, "citizen.email", "invalid"},
		{"email with space", func(in *Intake) { in.Citizen.Email = "li wei@example.org" }, "citizen.email", "invalid"},

		// Received at.
		{"received now", func(in *Intake) { in.ReceivedAt = now }, "", ""},
		{"received missing is now", func(in *Intake) { in.ReceivedAt = time.Time{} }, "", ""},
		{"received within clock skew", func(in *Intake) { in.ReceivedAt = now.Add(MaxClockSkew) }, "", ""},
		{"received beyond clock skew", func(in *Intake) { in.ReceivedAt = now.Add(MaxClockSkew + time.Second) }, "received_at", "in_future"},
		{"received tomorrow", func(in *Intake) { in.ReceivedAt = now.Add(24 * time.Hour) }, "received_at", "in_future"},
		{"received in 2000", func(in *Intake) { in.ReceivedAt = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }, "", ""},
		{"received before 2000", func(in *Intake) { in.ReceivedAt = time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC) }, "received_at", "invalid"},

		// Callback URL.
		{"callback https", func(in *Intake) { in.CallbackURL = "https://crm.example.org/cb?id=1" }, "", ""},
		{"callback http with port", func(in *Intake) { in.CallbackURL = "http://crm.example.org:8080/cb" }, "", ""},
		{"callback upper-case scheme", func(in *Intake) { in.CallbackURL = "HTTPS://crm.example.org/cb" }, "", ""},
		{"callback ftp", func(in *Intake) { in.CallbackURL = "ftp://crm.example.org/cb" }, "callback_url", "invalid"},
		{"callback relative", func(in *Intake) { in.CallbackURL = "/appeals/callback" }, "callback_url", "invalid"},
		{"callback without scheme", func(in *Intake) { in.CallbackURL = "crm.example.org/cb" }, "callback_url", "invalid"},
		{"callback without host", func(in *Intake) { in.CallbackURL = "https:///cb" }, "callback_url", "invalid"},
		{"callback javascript", func(in *Intake) { in.CallbackURL = "javascript:alert(1)" }, "callback_url", "invalid"},
		{"callback unparsable", func(in *Intake) { in.CallbackURL = "https://crm example.org/" }, "callback_url", "invalid"},
		{"callback with a password", func(in *Intake) { in.CallbackURL = "https://hotline:s3cret@crm.example.org/cb" }, "callback_url", "invalid"},
		{"callback with a user", func(in *Intake) { in.CallbackURL = "https://hotline@crm.example.org/cb" }, "callback_url", "invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := validIntake()
			tc.mutate(&in)
			err := in.Normalize(now).Validate(now)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v, want nil", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate: %#v, want a *FieldError", err)
			}
			if fe.Field != tc.field || fe.Code != tc.code {
				t.Errorf("FieldError{%q, %q}, want {%q, %q}", fe.Field, fe.Code, tc.field, tc.code)
			}
			if fe.Message == "" || !strings.HasPrefix(fe.Error(), tc.field+": ") {
				t.Errorf("Error() = %q, want %q and a message", fe.Error(), tc.field+": …")
			}
		})
	}
}

// urlOfLen returns an https URL exactly n bytes (and runes) long.
func urlOfLen(n int) string {
	const prefix = "https://crm.example.org/"
	return prefix + strings.Repeat("p", n-len(prefix))
}

func TestNewAppealWithDepartment(t *testing.T) {
	in := validIntake()
	in.Priority = PriorityUrgent
	policy := Policy{
		Normal: calTier(time.Hour, 48*time.Hour, 96*time.Hour),
		Urgent: calTier(15*time.Minute, time.Hour, 4*time.Hour),
	}
	dept := &Department{Code: "roads", Name: "Roads", SLA: policy}

	a, events, msgs := NewAppeal(in, dept, "roads", testCal, now)

	// The clock starts when the appeal reaches the department, not when
	// the citizen called.
	deadlines := Deadlines{
		ClaimBy:   now.Add(15 * time.Minute),
		AnswerBy:  now.Add(time.Hour),
		ResolveBy: now.Add(4 * time.Hour),
	}
	want := Appeal{
		Source: in.Source, ExternalID: in.ExternalID, Title: in.Title, Body: in.Body,
		Category: in.Category, Priority: PriorityUrgent, Citizen: in.Citizen, Location: in.Location,
		ReceivedAt: in.ReceivedAt, CallbackURL: in.CallbackURL,
		Department: "roads", Status: StatusAssigned, Deadlines: deadlines,
		AssignedAt: now, NextActionAt: now.Add(deadlines.ClaimBy.Sub(now) / 2) /* the nudge at half the claim time */, CreatedAt: now, UpdatedAt: now,
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("appeal:\n got %+v\nwant %+v", a, want)
	}
	wantEvents := []Event{
		{At: now, Kind: EventReceived, ToStatus: StatusUnassigned},
		{At: now, Kind: EventAssigned, FromStatus: StatusUnassigned, ToStatus: StatusAssigned, Department: "roads"},
	}
	if !reflect.DeepEqual(events, wantEvents) {
		t.Errorf("events:\n got %+v\nwant %+v", events, wantEvents)
	}
	wantMsgs := []Message{{Kind: MsgCard, To: toDept("roads")}}
	if !reflect.DeepEqual(msgs, wantMsgs) {
		t.Errorf("messages:\n got %+v\nwant %+v", msgs, wantMsgs)
	}
}

func TestNewAppealWithoutDepartment(t *testing.T) {
	tests := []struct {
		name      string
		requested string
		note      string
	}{
		{"none requested", "", ""},
		{"unknown requested", "parks", "unknown department: parks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := validIntake()
			in.Department = tc.requested
			in = in.Normalize(now)

			a, events, msgs := NewAppeal(in, nil, tc.requested, testCal, now)

			want := Appeal{
				Source: in.Source, ExternalID: in.ExternalID, Title: in.Title, Body: in.Body,
				Category: in.Category, Priority: PriorityNormal, Citizen: in.Citizen, Location: in.Location,
				ReceivedAt: in.ReceivedAt, CallbackURL: in.CallbackURL,
				Status: StatusUnassigned, CreatedAt: now, UpdatedAt: now,
			}
			if !reflect.DeepEqual(a, want) {
				t.Errorf("appeal:\n got %+v\nwant %+v", a, want)
			}
			wantEvents := []Event{{At: now, Kind: EventReceived, ToStatus: StatusUnassigned, Note: tc.note}}
			if !reflect.DeepEqual(events, wantEvents) {
				t.Errorf("events:\n got %+v\nwant %+v", events, wantEvents)
			}
			wantMsgs := []Message{{Kind: MsgCard, To: toDispatch}}
			if !reflect.DeepEqual(msgs, wantMsgs) {
				t.Errorf("messages:\n got %+v\nwant %+v", msgs, wantMsgs)
			}
		})
	}
}

func TestNewAppealKeepsAnUnknownDepartmentShortAndClean(t *testing.T) {
	in := Intake{Source: "s", ExternalID: "e", Title: "t", Body: "b", Priority: PriorityNormal, ReceivedAt: now}
	_, events, _ := NewAppeal(in, nil, "a\x00b"+strings.Repeat("长", 100), testCal, now)
	note := events[0].Note
	if strings.ContainsRune(note, 0) || !strings.HasPrefix(note, "unknown department: ab长") || !strings.HasSuffix(note, "…") ||
		len([]rune(note)) != len([]rune("unknown department: "))+65 {
		t.Fatalf("note %q", note)
	}
}
