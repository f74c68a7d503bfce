package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/buftest"
	"github.com/appealbot/appealbot/storage"
)

// brokenStore fails reading appeals and panics reading grants of member 0
// (never a real member), to stand for a database that misbehaves.
type brokenStore struct {
	Store
	panicOn appeal.MemberID
}

func (b brokenStore) Appeal(ctx context.Context, id appeal.ID) (appeal.Appeal, error) {
	return appeal.Appeal{}, errors.New("connection reset by peer")
}

func (b brokenStore) Grants(ctx context.Context, m appeal.MemberID) ([]appeal.Grant, error) {
	if m == b.panicOn {
		panic("grants exploded")
	}
	return b.Store.Grants(ctx, m)
}

// TestUnexpectedErrors: a failure that is nobody's mistake is a reply with
// a short reference, and the same reference is in the log with the error.
func TestUnexpectedErrors(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	var log buftest.Buffer
	h := New(e.svc, brokenStore{Store: e.store, panicOn: e.ids[rLeader]}, e.r, Config{},
		slog.New(slog.NewTextHandler(&log, nil)))
	ref := regexp.MustCompile(`\(ref ([0-9a-f]{8})\)`)
	for _, c := range []struct {
		user User
		cmd  string
		args string
		want string
	}{
		{e.users[rResp], "claim", "12", "connection reset by peer"},
		{e.users[rLeader], "help", "", "grants exploded"},
	} {
		rep := h.Handle(context.Background(), Request{Network: "telegram", Chat: roadsChat, From: c.user, Command: c.cmd, Args: c.args, Now: t0})
		m := ref.FindStringSubmatch(rep.HTML)
		if m == nil || !strings.HasPrefix(rep.HTML, "⚠️ Something went wrong") {
			t.Fatalf("/%s: %s", c.cmd, rep.HTML)
		}
		line := ""
		for _, l := range strings.Split(log.String(), "\n") {
			if strings.Contains(l, "ref="+m[1]) {
				line = l
			}
		}
		if !strings.Contains(line, c.want) || !strings.Contains(line, "command="+c.cmd) || !strings.Contains(line, "level=ERROR") {
			t.Errorf("/%s: log has no line with ref %s and %q:\n%s", c.cmd, m[1], c.want, log.String())
		}
	}
	// A button press gets the reference as an alert.
	rep := h.Handle(context.Background(), Request{Network: "telegram", Chat: roadsChat, From: e.users[rResp], Command: "claim", Args: "12", Button: true, Now: t0})
	if !rep.Silent || !rep.Alert || !ref.MatchString(rep.Notice) {
		t.Errorf("button: %+v", rep)
	}
}

// TestAppealContact: the citizen's phone and name are shown in full only
// privately, and only to the assignee, leaders and dispatchers.
func TestAppealContact(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	a := e.intake("roads")
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
	for _, c := range []struct {
		role string
		chat Chat
		full bool
	}{
		{rResp, privateChat("9001"), true},
		{rLeader, privateChat("9003"), true},
		{rDispatcher, privateChat("9005"), true},
		{rAdmin, privateChat("9006"), true},
		{rResp2, privateChat("9008"), false},
		{rResp, roadsChat, false},
		{rLeader, roadsChat, false},
		{rDispatcher, dispatchChat, false},
	} {
		rep := e.do(c.role, c.chat, fmt.Sprintf("appeal %d", a.ID))
		if isError(rep) {
			t.Fatalf("%s: %s", c.role, rep.HTML)
		}
		full := strings.Contains(rep.HTML, "<code>13812345678</code>") && strings.Contains(rep.HTML, "Citizen: 张三丰")
		masked := strings.Contains(rep.HTML, "Phone: 138****5678") && strings.Contains(rep.HTML, "Citizen: 张**")
		if full != c.full || masked == c.full {
			t.Errorf("%s in %s: full %v masked %v, want full %v:\n%s", c.role, c.chat.ID, full, masked, c.full, rep.HTML)
		}
	}
}

// TestLeaderForce: a leader may unclaim, return or transfer an appeal that
// someone else holds; a responder may not.
func TestLeaderForce(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	for _, text := range []string{"unclaim %d", "return %d wrong department", "transfer %d water theirs", "answer %d done by the leader"} {
		a := e.intake("roads")
		e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
		if rep := e.do(rResp2, roadsChat, fmt.Sprintf(text, a.ID)); !isError(rep) {
			t.Errorf("responder: /%s allowed: %s", fmt.Sprintf(text, a.ID), rep.HTML)
		}
		if rep := e.do(rLeader, roadsChat, fmt.Sprintf(text, a.ID)); isError(rep) {
			t.Errorf("leader: /%s refused: %s", fmt.Sprintf(text, a.ID), rep.HTML)
		}
	}
}
