package render

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/reminders/digest"
)

// Config is what rendering needs from the bot's configuration.
type Config struct {
	// DefaultLang is "zh" or "en": the language of chats and members that
	// chose none (APPEALBOT_LANGUAGE); anything else is "zh".
	DefaultLang string
	// Weights weigh the figures' composite score in /stats and the
	// digests; zero is kpi.DefaultWeights.
	Weights kpi.Weights
	// Charter draws the digests' charts; nil draws none, and a chart's
	// message is its caption alone.
	Charter Charter
	// Location is dispatch's time zone (APPEALBOT_TIMEZONE), in which the
	// times of an appeal without a department are shown; nil is UTC.
	Location *time.Location
	// Hints, when set, adds dispatch assistance to cards: the matching
	// rule and the router's suggestions (as buttons that assign) on the
	// dispatch card, similar open appeals, and "auto-routed" on a card
	// the router assigned (appeal.Service.Hints). A card whose hints
	// cannot be read is sent without them.
	Hints func(ctx context.Context, a appeal.Appeal) (appeal.Hints, error)
}

// Store is what rendering reads from storage: every message is rendered
// from the appeal as it is when it is sent, not as it was when queued.
type Store interface {
	Appeal(ctx context.Context, id appeal.ID) (appeal.Appeal, error)
	Member(ctx context.Context, id appeal.MemberID) (appeal.Member, error)
	Department(ctx context.Context, code string) (appeal.Department, error)
	// ChatLanguage returns a chat's language, "" when none was set.
	ChatLanguage(ctx context.Context, network, chatID string) (string, error)
	Feedback(ctx context.Context, id appeal.ID) ([]appeal.Feedback, error)
	DigestAppeals(ctx context.Context, dept string, since time.Time) ([]appeal.Appeal, error)
	// The figures of /stats and the digests.
	kpi.Source
}

// Charter draws the chart of a leaders' digest as a PNG. Package
// render/chart draws it with gonum/plot; it sits behind this interface so
// that rendering, and all that imports it, does not link a plotting
// library.
type Charter interface {
	// CJK reports whether the chart can be labelled with s in Chinese: a
	// font with every letter of s was found.
	CJK(s string) bool
	// Chart draws days labelled with l: in that Chinese font when cjk is
	// set, else in a Latin font, which needs English labels.
	Chart(days []digest.Day, l digest.Labels, cjk bool) ([]byte, error)
}

// Renderer renders messages and replies. It holds no per-message state and
// is safe for concurrent use.
type Renderer struct {
	store Store
	cals  appeal.CalendarSource
	cfg   Config
	log   *slog.Logger
}

// New returns a renderer reading from store; cals gives the departments'
// working-time calendars (the appeal service does).
func New(store Store, cals appeal.CalendarSource, cfg Config, log *slog.Logger) *Renderer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if l, ok := NormLang(cfg.DefaultLang); ok {
		cfg.DefaultLang = l
	} else {
		cfg.DefaultLang = LangZH
	}
	return &Renderer{store: store, cals: cals, cfg: cfg, log: log}
}

// ChatLang returns the language of a chat: its own setting, else the
// default.
func (r *Renderer) ChatLang(ctx context.Context, network, chatID string) string {
	l, err := r.store.ChatLanguage(ctx, network, chatID)
	if err != nil && !errors.Is(err, appeal.ErrNotFound) {
		r.log.Warn("chat language", "network", network, "chat_id", chatID, "err", err)
	}
	if l, ok := NormLang(l); ok {
		return l
	}
	return r.cfg.DefaultLang
}

// MemberLang returns the language of a member's private chat: their own
// setting, else the default.
func (r *Renderer) MemberLang(ctx context.Context, m appeal.Member) string {
	if l, ok := NormLang(m.Language); ok {
		return l
	}
	return r.cfg.DefaultLang
}

// Lang is lang if it is one we speak, else the default language.
func (r *Renderer) Lang(lang string) string {
	if l, ok := NormLang(lang); ok {
		return l
	}
	return r.cfg.DefaultLang
}

// Location returns the time zone of department code, in which its times
// are shown: dispatch's for none, UTC when it has none.
func (r *Renderer) Location(ctx context.Context, code string) *time.Location {
	if code == "" {
		if r.cfg.Location != nil {
			return r.cfg.Location
		}
		return time.UTC
	}
	d, err := r.store.Department(ctx, code)
	if err != nil {
		return time.UTC
	}
	l, err := appeal.Zone(d.Timezone)
	if err != nil {
		return time.UTC
	}
	return l
}

// MemberName is how a member is named in chat.
func MemberName(m appeal.Member) string {
	switch {
	case strings.TrimSpace(m.DisplayName) != "":
		return strings.TrimSpace(m.DisplayName)
	case m.Username != "":
		return "@" + m.Username
	}
	return m.ExternalID
}

// NameOf names member id, falling back to its number when it is unknown.
func (r *Renderer) NameOf(ctx context.Context, id appeal.MemberID) string {
	if id == 0 {
		return "?"
	}
	m, err := r.store.Member(ctx, id)
	if err != nil {
		if !errors.Is(err, appeal.ErrNotFound) {
			r.log.Warn("member name", "member_id", int64(id), "err", err)
		}
		return fmt.Sprintf("#%d", id)
	}
	return MemberName(m)
}

// DeptName names a department: "Roads (roads)", or the code alone when it
// cannot be read.
func (r *Renderer) DeptName(ctx context.Context, code string) string {
	if code == "" {
		return ""
	}
	d, err := r.store.Department(ctx, code)
	if err != nil {
		return code
	}
	return d.Name + " (" + d.Code + ")"
}

// Button is an inline button: a label in the reader's language and the data
// the network hands back when it is pressed (at most 64 bytes).
type Button struct {
	Label string
	Data  string
}

// Rendered is a message ready for any transport: HTML in the subset that
// Telegram and Matrix both render, at most 4096 characters, with buttons.
type Rendered struct {
	HTML    string
	Buttons [][]Button
	// Photo, when set, is a PNG sent as a photo with HTML as its caption,
	// which is then at most MaxCaption characters.
	Photo []byte
	// ForceReply asks the reader's client to open a reply to the message
	// (where the network can); it is for prompts that want a text back,
	// and excludes Buttons.
	ForceReply bool
}

// MaxCaption is the longest caption of a photo, in characters.
const MaxCaption = 1024
