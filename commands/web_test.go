package commands

import (
	"context"
	"errors"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
)

var linkPattern = regexp.MustCompile(`https://web\.example/login/([A-Za-z0-9_-]{43})`)

func webEnv(t *testing.T) *env {
	e := newEnv(t, storage.SQLite)
	e.h.cfg.Web.Link = func(token string) string { return "https://web.example/login/" + token }
	return e
}

// TestWebLink: leaders, dispatchers and admins get a single-use link in
// their private chat, valid ten minutes; nobody else gets one.
func TestWebLink(t *testing.T) {
	e := webEnv(t)
	ctx := context.Background()
	for _, role := range testRoles {
		rep := e.do(role, privateChat(e.users[role].ID), "/web")
		m := linkPattern.FindStringSubmatch(html.UnescapeString(rep.HTML))
		mayUse := role == rLeader || role == rLeadOther || role == rDispatcher || role == rAdmin
		if !mayUse {
			if !isError(rep) || m != nil || !strings.Contains(rep.HTML, "/web") {
				t.Errorf("%s: /web answered %q, want a refusal naming the command", role, rep.HTML)
			}
			continue
		}
		if isError(rep) || m == nil {
			t.Fatalf("%s: /web answered %q, want a link", role, rep.HTML)
		}
		if err := render.Check(rep.Rendered); err != nil {
			t.Error(err)
		}
		sess, err := e.store.RedeemWebLink(ctx, m[1], t0.Add(appeal.WebLinkTTL-1), appeal.WebSession{Token: "s-" + role, CreatedAt: t0, ExpiresAt: t0.Add(appeal.WebSessionTTL)})
		if err != nil || sess.Member != e.ids[role] {
			t.Fatalf("%s: the link opened %+v, %v", role, sess, err)
		}
	}
	// Expiry is ten minutes from the request.
	rep := e.do(rLeader, privateChat(e.users[rLeader].ID), "/web")
	m := linkPattern.FindStringSubmatch(html.UnescapeString(rep.HTML))
	if m == nil {
		t.Fatal(rep.HTML)
	}
	if _, err := e.store.RedeemWebLink(ctx, m[1], t0.Add(appeal.WebLinkTTL), appeal.WebSession{Token: "late", CreatedAt: t0, ExpiresAt: t0.Add(appeal.WebSessionTTL)}); !errors.Is(err, appeal.ErrLinkExpired) {
		t.Fatalf("at ten minutes: %v, want ErrLinkExpired", err)
	}
}

// TestWebRefusals: not in a group, not without the web view, not with
// arguments it does not know.
func TestWebRefusals(t *testing.T) {
	e := webEnv(t)
	for _, c := range []struct {
		chat Chat
		text string
		want string
	}{
		{roadsChat, "/web", "private chat"},
		{privateChat(e.users[rLeader].ID), "/web please", "“please”: /web takes nothing, or logout."},
		{privateChat(e.users[rLeader].ID), "/web logout now", "/web takes nothing, or logout."},
	} {
		rep := e.do(rLeader, c.chat, c.text)
		if !isError(rep) || !strings.Contains(html.UnescapeString(rep.HTML), c.want) || linkPattern.MatchString(rep.HTML) {
			t.Errorf("%s in %s: %q, want a refusal with %q", c.text, c.chat.ID, rep.HTML, c.want)
		}
	}
	e.h.cfg.Web.Link = nil
	rep := e.do(rLeader, privateChat(e.users[rLeader].ID), "/web")
	if !isError(rep) || !strings.Contains(rep.HTML, "APPEALBOT_WEB_URL") {
		t.Errorf("web view off: %q", rep.HTML)
	}
}

// TestWebLogout: /web logout ends every web session of the requester and
// voids the links they were sent.
func TestWebLogout(t *testing.T) {
	e := webEnv(t)
	ctx := context.Background()
	link := func() string {
		m := linkPattern.FindStringSubmatch(html.UnescapeString(e.do(rLeader, privateChat(e.users[rLeader].ID), "/web").HTML))
		if m == nil {
			t.Fatal("no link")
		}
		return m[1]
	}
	open := func(tok string) {
		if _, err := e.store.RedeemWebLink(ctx, link(), t0, appeal.WebSession{Token: tok, CreatedAt: t0, ExpiresAt: t0.Add(appeal.WebSessionTTL)}); err != nil {
			t.Fatal(err)
		}
	}
	open("phone")
	open("desk")
	unused := link()
	rep := e.do(rLeader, privateChat(e.users[rLeader].ID), "/web logout")
	if isError(rep) || !strings.Contains(rep.HTML, "Ended 2 web sessions") {
		t.Fatalf("/web logout: %q", rep.HTML)
	}
	for _, tok := range []string{"phone", "desk"} {
		if _, err := e.store.WebSession(ctx, tok, t0); !errors.Is(err, appeal.ErrNotFound) {
			t.Errorf("session %s holds after /web logout: %v", tok, err)
		}
	}
	if _, err := e.store.RedeemWebLink(ctx, unused, t0, appeal.WebSession{Token: "x", CreatedAt: t0, ExpiresAt: t0.Add(appeal.WebSessionTTL)}); !errors.Is(err, appeal.ErrLinkUsed) {
		t.Errorf("a link sent before /web logout still works: %v", err)
	}
}
