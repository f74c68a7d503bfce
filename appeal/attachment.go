package appeal

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// AttachmentKind says where an attachment came from.
type AttachmentKind string

// Attachment kinds.
const (
	// AttachAnswer is a photo sent with an answer; its bytes are stored.
	AttachAnswer AttachmentKind = "answer"
	// AttachIntake is a link handed in with the appeal; only the URL is
	// kept, nothing is fetched.
	AttachIntake AttachmentKind = "intake"
)

// Attachment is a file of an appeal: a photo an answer carries, or a link
// the intake named. N numbers an appeal's attachments from 1, in the order
// they were stored. Data is filled only when an answer is written and when
// the bytes are read on their own; Size is always the size of the bytes.
type Attachment struct {
	N        int
	Kind     AttachmentKind
	Name     string
	MIME     string
	Size     int64
	URL      string
	AnswerID int64
	// CreatedAt is when it was stored.
	CreatedAt time.Time
	Data      []byte
}

// Default limits of attachments (APPEALBOT_ATTACHMENT_MAX_BYTES and
// APPEALBOT_ATTACHMENT_MAX_COUNT).
const (
	DefaultAttachmentMaxBytes = 10 << 20
	DefaultAttachmentMaxCount = 10
)

// Limits of an attachment's texts.
const (
	MaxAttachmentURLLen  = 2048
	MaxAttachmentNameLen = 200
)

// AttachmentLimits bound what one answer or one intake may carry.
type AttachmentLimits struct {
	// MaxBytes is the largest file, MaxCount the most files (or links) of
	// one answer or one intake.
	MaxBytes int64
	MaxCount int
}

// orDefault fills zero limits with the defaults.
func (l AttachmentLimits) orDefault() AttachmentLimits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultAttachmentMaxBytes
	}
	if l.MaxCount <= 0 {
		l.MaxCount = DefaultAttachmentMaxCount
	}
	return l
}

// checkAttachmentURLs checks the links of an intake: http or https,
// absolute, at most MaxAttachmentURLLen characters each, at most max of
// them.
func checkAttachmentURLs(urls []string, max int) error {
	if len(urls) > max {
		return &FieldError{"attachments", "too_many", fmt.Sprintf("holds %d links; at most %d are taken", len(urls), max)}
	}
	for i, u := range urls {
		field := fmt.Sprintf("attachments[%d]", i)
		if err := checkText(field, u, true, MaxAttachmentURLLen); err != nil {
			return err
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return &FieldError{field, "invalid", "must be an absolute http or https URL"}
		}
		if p.User != nil {
			return &FieldError{field, "invalid", "must not carry a user name or password"}
		}
	}
	return nil
}

// intakeAttachments turns an intake's links into attachments; the name is
// the last element of the path, if any.
func intakeAttachments(urls []string) []Attachment {
	var out []Attachment
	for _, u := range urls {
		name := ""
		if p, err := url.Parse(u); err == nil {
			name = p.Path[strings.LastIndexByte(p.Path, '/')+1:]
		}
		out = append(out, Attachment{Kind: AttachIntake, URL: u, Name: cutName(name)})
	}
	return out
}

// cutName keeps a file name printable and short.
func cutName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > MaxAttachmentNameLen {
		s = string(r[:MaxAttachmentNameLen])
	}
	return s
}

// checkAnswerAttachments checks the photos of an answer against l and
// fills their kind, size and names.
func checkAnswerAttachments(in []Attachment, l AttachmentLimits) ([]Attachment, error) {
	l = l.orDefault()
	if len(in) > l.MaxCount {
		return nil, fmt.Errorf("%w: %d attachments, at most %d", ErrAttachmentRefused, len(in), l.MaxCount)
	}
	out := make([]Attachment, 0, len(in))
	for i, a := range in {
		if len(a.Data) == 0 {
			return nil, fmt.Errorf("%w: attachment %d is empty", ErrAttachmentRefused, i+1)
		}
		if int64(len(a.Data)) > l.MaxBytes {
			return nil, fmt.Errorf("%w: attachment %d has %d bytes, at most %d", ErrAttachmentRefused, i+1, len(a.Data), l.MaxBytes)
		}
		a.Kind, a.Size, a.URL, a.N = AttachAnswer, int64(len(a.Data)), "", 0
		a.Name = cutName(a.Name)
		if a.MIME == "" {
			a.MIME = "application/octet-stream"
		}
		out = append(out, a)
	}
	return out, nil
}

// CountAttachments counts a's attachments of kind k.
func (a Appeal) CountAttachments(k AttachmentKind) int {
	n := 0
	for _, x := range a.Attachments {
		if x.Kind == k {
			n++
		}
	}
	return n
}
