package render

import (
	"context"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"zhang.san@example.org": "z***@example.org", " 李@政府.中国 ": "李***@政府.中国",
		"@example.org": "***@example.org", "": "", "no-at": "n**",
	} {
		if got := maskEmail(in); got != want {
			t.Errorf("maskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEmailShownMaskedInCards: the card and the details everyone sees mask
// the citizen's e-mail; the responder's contact message and the full
// details show it whole.
func TestEmailShownMaskedInCards(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	a := e.intake("roads", func(in *appeal.Intake) { in.Citizen.Email = "zhang.san@example.org" })
	card := e.r.card(ctx, a, view{dept: "roads"}, LangEN, e.clock())
	if !strings.Contains(card.HTML, "👤 张** · 138****5678 · z***@example.org") || strings.Contains(card.HTML, "zhang.san") {
		t.Errorf("card:\n%s", card.HTML)
	}
	for _, full := range []bool{false, true} {
		r, err := e.r.Details(ctx, a, nil, LangZH, e.clock(), full)
		if err != nil {
			t.Fatal(err)
		}
		want := "邮箱：z***@example.org"
		if full {
			want = "邮箱：zhang.san@example.org"
		}
		if !strings.Contains(r.HTML, want) {
			t.Errorf("details (full %v) lack %q:\n%s", full, want, r.HTML)
		}
	}
	if c := e.r.contact(ctx, a, LangEN); !strings.Contains(c.HTML, "E-mail: zhang.san@example.org") {
		t.Errorf("contact:\n%s", c.HTML)
	}
}
