package appeal

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAnswerAttachments(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	a := Appeal{ID: 1, Status: StatusClaimed, Department: "roads", Assignee: 7}
	lim := AttachmentLimits{MaxBytes: 4, MaxCount: 2}
	ok := Attachment{Name: "a\x00.jpg", MIME: "image/jpeg", Data: []byte("1234")}
	c, err := Transition(a, nil, Command{Action: ActAnswer, Actor: 7, Text: "done", Attachments: []Attachment{ok}, AttachmentLimits: lim}, now)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Answer.Attachments
	if len(got) != 1 || got[0].Kind != AttachAnswer || got[0].Size != 4 || got[0].Name != "a.jpg" || !got[0].CreatedAt.Equal(now) {
		t.Errorf("attachments: %+v", got)
	}
	for name, files := range map[string][]Attachment{
		"too large": {{Data: []byte("12345")}},
		"too many":  {ok, ok, ok},
		"empty":     {{Name: "x"}},
	} {
		if _, err := Transition(a, nil, Command{Action: ActAnswer, Actor: 7, Text: "done", Attachments: files, AttachmentLimits: lim}, now); !errors.Is(err, ErrAttachmentRefused) {
			t.Errorf("%s: err = %v, want ErrAttachmentRefused", name, err)
		}
	}
}

func TestIntakeAttachments(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	base := Intake{Source: "12345", ExternalID: "1", Title: "t", Body: "b"}
	for _, tc := range []struct {
		name  string
		urls  []string
		field string
		code  string
	}{
		{"none", nil, "", ""},
		{"two", []string{"https://x.example/a.jpg", " http://x.example/b "}, "", ""},
		{"too many", []string{"https://x.example/1", "https://x.example/2", "https://x.example/3"}, "attachments", "too_many"},
		{"bad scheme", []string{"https://x.example/1", "ftp://x.example/2"}, "attachments[1]", "invalid"},
		{"relative", []string{"/a.jpg"}, "attachments[0]", "invalid"},
		{"user", []string{"https://u:p@x.example/a"}, "attachments[0]", "invalid"},
		{"empty", []string{""}, "attachments[0]", "required"},
		{"too long", []string{"https://x.example/" + strings.Repeat("a", MaxAttachmentURLLen)}, "attachments[0]", "too_long"},
	} {
		in := base
		in.Attachments, in.MaxAttachments = tc.urls, 2
		err := in.Normalize(now).Validate(now)
		var fe *FieldError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && (!errors.As(err, &fe) || fe.Field != tc.field || fe.Code != tc.code):
			t.Errorf("%s: err = %v, want %s %s", tc.name, err, tc.field, tc.code)
		}
	}
	a, _, _ := NewAppeal(Intake{Attachments: []string{"https://x.example/dir/photo.jpg?x=1"}}, nil, "", Calendar{}, now)
	if len(a.Attachments) != 1 || a.Attachments[0].Name != "photo.jpg" || a.Attachments[0].Kind != AttachIntake {
		t.Errorf("intake attachments: %+v", a.Attachments)
	}
}
