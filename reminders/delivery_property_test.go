package reminders_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"pgregory.net/rapid"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/console"
	"github.com/appealbot/appealbot/render"
)

// The delivery half of the ladder's property: whatever is or is not
// bound, after every step (an action, one scan, then the real delivery
// worker until it has nothing left to start), every message with a
// fallback chain that the history queued is
//
//   - sent, to exactly the chats of the first level of its chain that
//     someone can receive at (as the history bound and granted them),
//     each chat once, marked with the levels it passed when it passed
//     any; or
//   - when no level can take it (not even an admin), waiting, counted as
//     undeliverable, and sent once something is bound or granted;
//
// never failed, and every message the network took belongs to exactly
// one delivery of one message.

// sent is one message the console transport took: posted, or an edit.
type sent struct {
	chat, id, text string
	edit           bool
}

// recording is the console transport, which also remembers what it took,
// and in which the bot can be removed from a chat (or blocked by a person):
// such a chat refuses every message for good, as Telegram's does.
type recording struct {
	*console.Console
	mu     sync.Mutex
	log    []sent
	kicked map[string]bool
}

// refuses reports whether chat refuses messages.
func (r *recording) refuses(chat string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.kicked[chat] {
		return &bot.Error{Kind: bot.Permanent, Reason: "Forbidden: bot was kicked from the chat"}
	}
	return nil
}

// kick removes the bot from chat, or (out) lets it back in.
func (r *recording) kick(chat string, out bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kicked[chat] = out
}

func newRecording() *recording {
	return &recording{Console: console.New(strings.NewReader(""), io.Discard, func() time.Time { return t0 }), kicked: map[string]bool{}}
}

func (r *recording) Send(ctx context.Context, m bot.Outgoing) (string, error) {
	if err := r.refuses(m.Chat.ChatID); err != nil {
		return "", err
	}
	id, err := r.Console.Send(ctx, m)
	if err == nil {
		r.mu.Lock()
		r.log = append(r.log, sent{chat: m.Chat.ChatID, id: id, text: console.Text(m.HTML)})
		r.mu.Unlock()
	}
	return id, err
}

func (r *recording) Edit(ctx context.Context, chat bot.ChatRef, id string, m bot.Outgoing) error {
	if err := r.refuses(chat.ChatID); err != nil {
		return err
	}
	err := r.Console.Edit(ctx, chat, id, m)
	if err == nil {
		r.mu.Lock()
		r.log = append(r.log, sent{chat: chat.ChatID, id: id, text: console.Text(m.HTML), edit: true})
		r.mu.Unlock()
	}
	return err
}

// since returns what the transport took after the first n.
func (r *recording) since(n int) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log[n:])
}

func (r *recording) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.log)
}

// reach is who can receive messages, as the history bound and granted
// it: the model the deliveries are checked against.
type reach struct {
	// deptChat and leader are the departments with a bound chat and with
	// a leader; dispatch, supervision and admin whether those are there.
	deptChat, leader             map[string]bool
	dispatch, supervision, admin bool
	// kicked are the chats that refuse messages (the bot was removed, a
	// person blocked it), bound or not.
	kicked, everKicked            map[string]bool
	leaderID                      map[string]appeal.MemberID
	adminID                       appeal.MemberID
	dispatchChat, supervisionChat string
	adminChat                     string
}

func leaderChat(code string) string { return "leader-" + code }

// level is the chats bound or granted at one level of a chain for
// department dept.
func (m *reach) level(lv appeal.Level, dept string) []string {
	var on bool
	var chat string
	switch lv {
	case appeal.LevelDepartment:
		on, chat = m.deptChat[dept], dept
	case appeal.LevelLeaders:
		on, chat = m.leader[dept], leaderChat(dept)
	case appeal.LevelDispatch:
		on, chat = m.dispatch, m.dispatchChat
	case appeal.LevelSupervision:
		on, chat = m.supervision, m.supervisionChat
	case appeal.LevelAdmins:
		on, chat = m.admin, m.adminChat
	}
	if !on {
		return nil
	}
	return []string{chat}
}

// expect is where a message for to goes now: the chats of the first level
// of its chain someone can receive at (not refusing messages now, nor
// having refused this message before), and the levels passed on the way;
// no chats when no level can take it.
func (m *reach) expect(to appeal.Recipient, refused map[string]bool) (chats []string, gaps []appeal.Gap) {
	for _, lv := range appeal.Chain(to.Kind) {
		all := m.level(lv, to.Ref)
		chats := slices.DeleteFunc(slices.Clone(all), func(c string) bool { return m.kicked[c] || refused[c] })
		if len(chats) > 0 {
			return chats, gaps
		}
		g := appeal.Gap{Level: lv, Refused: len(all) > 0}
		if lv == appeal.LevelDepartment || lv == appeal.LevelLeaders {
			g.Department = to.Ref
		}
		gaps = append(gaps, g)
	}
	return nil, gaps
}

// setUp draws who can receive what at the start of a history: each
// department with or without a chat and a leader, dispatch, supervision
// and an admin there or not.
func (h *history) setUp(rt *rapid.T) {
	n := h.w.histories
	h.reach = &reach{deptChat: map[string]bool{}, leader: map[string]bool{}, leaderID: map[string]appeal.MemberID{}, kicked: map[string]bool{}, everKicked: map[string]bool{},
		dispatchChat: fmt.Sprintf("dispatch-h%d", n), supervisionChat: fmt.Sprintf("supervision-h%d", n),
		adminChat: fmt.Sprintf("admin-h%d", n)}
	m, err := h.w.store.SaveMember(h.ctx, appeal.Member{Network: console.Network, ExternalID: h.reach.adminChat})
	if err != nil {
		rt.Fatal(err)
	}
	h.reach.adminID = m.ID
	for _, code := range h.depts {
		m, err := h.w.store.SaveMember(h.ctx, appeal.Member{Network: console.Network, ExternalID: leaderChat(code)})
		if err != nil {
			rt.Fatal(err)
		}
		h.reach.leaderID[code] = m.ID
		// With or without a bound chat and a leader: who can be reached
		// decides where a message lands, not whether it is said.
		h.set(rt, "dept_chat", code, rapid.Bool().Draw(rt, "bound"))
		h.set(rt, "leader", code, rapid.Bool().Draw(rt, "leader"))
	}
	for _, what := range []string{"dispatch", "supervision", "admin"} {
		h.set(rt, what, "", rapid.Bool().Draw(rt, what))
	}
	h.rec = newRecordingOnce(h.w)
	h.recSeen = h.rec.count()
	h.newDeliverer()
}

// newRecordingOnce is the world's console transport: one for every
// history, so that message numbers are never used twice.
func newRecordingOnce(w *world) *recording {
	if w.console == nil {
		w.console = newRecording()
	}
	return w.console
}

// newDeliverer gives the history a delivery worker, as a new process has.
func (h *history) newDeliverer() {
	log := slog.New(slog.DiscardHandler)
	rnd := render.New(h.w.store, h.svc, render.Config{DefaultLang: render.LangZH, Location: h.w.shanghai}, log)
	h.deliverer = bot.NewDeliverer(h.w.store, rnd, []bot.Transport{h.rec}, h.clock.Now, log, bot.DeliveryOptions{})
}

// set binds or unbinds, grants or revokes what (dept_chat and leader of
// department code; dispatch, supervision, admin), as the commands do: a
// binding or a grant lets the messages that waited for someone be tried
// again at once.
func (h *history) set(rt *rapid.T, what, code string, on bool) {
	if err := h.turn(what, code, on); err != nil {
		rt.Fatalf("%s %s %v: %v", what, code, on, err)
	}
}

func (h *history) turn(what, code string, on bool) error {
	m := h.reach
	if m.is(what, code) == on {
		return nil
	}
	var err error
	switch what {
	case "dept_chat":
		m.deptChat[code] = on
		err = h.bind(on, appeal.ChatBinding{Purpose: appeal.ChatDepartment, Department: code, Network: console.Network, ChatID: code})
	case "dispatch":
		m.dispatch = on
		err = h.bind(on, appeal.ChatBinding{Purpose: appeal.ChatDispatch, Network: console.Network, ChatID: m.dispatchChat})
	case "supervision":
		m.supervision = on
		err = h.bind(on, appeal.ChatBinding{Purpose: appeal.ChatSupervision, Network: console.Network, ChatID: m.supervisionChat})
	case "leader":
		m.leader[code] = on
		err = h.grant(on, appeal.Grant{Member: m.leaderID[code], Role: appeal.RoleLeader, Department: code})
	case "admin":
		m.admin = on
		err = h.grant(on, appeal.Grant{Member: m.adminID, Role: appeal.RoleAdmin})
	}
	if err == nil && on {
		_, err = h.w.store.ReleaseUndeliverable(h.ctx, h.clock.Now())
	}
	return err
}

// is reports whether what (of department code) is on.
func (m *reach) is(what, code string) bool {
	switch what {
	case "dept_chat":
		return m.deptChat[code]
	case "leader":
		return m.leader[code]
	case "dispatch":
		return m.dispatch
	case "supervision":
		return m.supervision
	}
	return m.admin
}

// tearDown unbinds and revokes everything the history set up, so that
// the histories after it reach only their own.
func (h *history) tearDown() {
	if h.reach == nil {
		return
	}
	for _, code := range h.depts {
		_ = h.turn("dept_chat", code, false)
		_ = h.turn("leader", code, false)
	}
	for _, what := range []string{"dispatch", "supervision", "admin"} {
		_ = h.turn(what, "", false)
	}
	for chat := range h.reach.kicked {
		h.rec.kick(chat, false)
	}
}

func (h *history) bind(on bool, b appeal.ChatBinding) error {
	if on {
		return h.w.store.BindChat(h.ctx, b)
	}
	return h.w.store.UnbindChat(h.ctx, b)
}

func (h *history) grant(on bool, g appeal.Grant) error {
	if on {
		return h.w.store.Grant(h.ctx, g)
	}
	return h.w.store.Revoke(h.ctx, g)
}

// reconfigure is an action: one binding or grant turned on or off.
func (h *history) reconfigure(rt *rapid.T) {
	what := rapid.SampledFrom([]string{"dept_chat", "leader", "dispatch", "supervision", "admin", "kick"}).Draw(rt, "reconfigure")
	if what == "kick" {
		h.kick(rt)
		return
	}
	code := ""
	if what == "dept_chat" || what == "leader" {
		code = rapid.SampledFrom(h.depts).Draw(rt, "department")
	}
	h.set(rt, what, code, !h.reach.is(what, code))
	h.w.reconfigured++
	h.step(rt)
}

// kick removes the bot from one of the history's chats, or lets it back
// in: that chat refuses every message meanwhile, and a message it refused
// goes on down its chain and never comes back to it.
func (h *history) kick(rt *rapid.T) {
	m := h.reach
	places := []string{m.dispatchChat, m.supervisionChat, m.adminChat}
	for _, code := range h.depts {
		places = append(places, code, leaderChat(code))
	}
	chat := rapid.SampledFrom(places).Draw(rt, "kick")
	m.kicked[chat] = !m.kicked[chat]
	m.everKicked[chat] = true
	h.rec.kick(chat, m.kicked[chat])
	h.w.kicks++
	h.step(rt)
}

// deliver runs the delivery worker until it starts nothing more: what a
// running worker does within moments of a scan. Each round sends at most
// one message to each chat (a chat's messages go one after another), so a
// chat with many waiting (a binding releases them all at once) takes as
// many rounds; a worker that never stops sending is a failure.
func (h *history) deliver(rt *rapid.T) {
	const most = 2000
	for round := range most {
		n, err := h.deliverer.RunOnce(h.ctx)
		if err != nil {
			rt.Fatalf("delivery at %v: %v", h.clock.Now(), err)
		}
		if n == 0 {
			h.w.rounds = max(h.w.rounds, round)
			return
		}
	}
	took := h.rec.since(max(0, h.rec.count()-10))
	rt.Fatalf("delivery at %v still sends after %d rounds; the last sends: %+v", h.clock.Now(), most, took)
}

// checkDelivery is the delivery half of the property, after every step.
func (h *history) checkDelivery(rt *rapid.T) {
	took := h.rec.since(h.recSeen)
	h.recSeen += len(took)
	posts := map[string]sent{}
	for _, s := range took {
		if !s.edit {
			posts[s.id] = s
		}
	}
	accounted := map[string]bool{}
	owners := map[string]string{}
	waiting := int64(0)
	for _, m := range h.msgs {
		if !appeal.FallsBack(m.To.Kind) {
			// For one member, or a reply: never falls back; what it
			// sent is accounted for all the same.
			if m.State == appeal.OutboxSent && !h.delivered[m.ID] {
				h.delivered[m.ID] = true
				ds, err := h.w.store.Deliveries(h.ctx, m.ID)
				if err != nil {
					rt.Fatal(err)
				}
				for _, d := range ds {
					accounted[d.MessageID] = true
				}
			}
			continue
		}
		what := fmt.Sprintf("outbox %d (%s to %s %q, appeal #%d)", m.ID, m.Kind, m.To.Kind, m.To.Ref, m.AppealID)
		if h.delivered[m.ID] {
			continue
		}
		// The chats that refused it before: it does not go there again.
		var ds []appeal.Delivery
		refused := map[string]bool{}
		if m.Attempts > 0 {
			var err error
			if ds, err = h.w.store.Deliveries(h.ctx, m.ID); err != nil {
				rt.Fatal(err)
			}
			for _, d := range ds {
				if d.MessageID == "" {
					if !h.reach.everKicked[d.ChatID] {
						rt.Fatalf("%s: refused by %s, which never refused anything", what, d.ChatID)
					}
					refused[d.ChatID] = true
				}
			}
		}
		chats, gaps := h.reach.expect(m.To, refused)
		switch m.State {
		case appeal.OutboxFailed:
			rt.Fatalf("%s failed: %s", what, m.LastError)
		case appeal.OutboxPending:
			if len(chats) > 0 {
				rt.Fatalf("%s waits (%q, undeliverable since %v) while %v can take it", what, m.LastError, m.UndeliverableSince, chats)
			}
			if m.UndeliverableSince.IsZero() {
				rt.Fatalf("%s: no one can take it, yet it is not counted as undeliverable (%q)", what, m.LastError)
			}
			waiting++
			continue
		}
		h.delivered[m.ID] = true
		if len(chats) == 0 {
			rt.Fatalf("%s was sent while no one could take it", what)
		}
		mark := console.Text(render.Detour(render.LangZH, gaps))
		// fits says what is wrong with a version of its message: the mark
		// of a detour (exactly when it took one), the appeals it is about.
		fits := func(s sent) string {
			switch {
			case mark == "" && strings.HasPrefix(s.text, "↪️"):
				return "reached its own recipient marked as a detour"
			case mark != "" && !strings.HasPrefix(s.text, mark+"\n"):
				return fmt.Sprintf("reached a fallback without saying why (want %q)", mark)
			}
			for _, id := range appealsOf(rt, m) {
				if !names(s.text, id) {
					return fmt.Sprintf("does not name appeal #%d", id)
				}
			}
			return ""
		}
		var got []string
		for _, d := range ds {
			if d.MessageID == "" {
				continue // a refusal
			}
			got = append(got, d.ChatID)
			var versions []sent
			for _, s := range took {
				if s.id == d.MessageID && s.chat == d.ChatID {
					versions = append(versions, s)
				}
			}
			if len(versions) == 0 {
				rt.Fatalf("%s: its delivery to %s as message %s is no message this step's delivery sent", what, d.ChatID, d.MessageID)
			}
			// The pending versions of one card merge into one send of
			// its newest, and one chat holds one card of an appeal, which
			// every card for that chat edits (the dispatch chat's own
			// card of an appeal, and the department's that fell back
			// there, are one message); anything else is one message, sent
			// once.
			owner := fmt.Sprintf("row %d", m.ID)
			if m.Kind == appeal.MsgCard {
				owner = fmt.Sprintf("card of #%d", m.AppealID)
			} else if len(versions) != 1 || versions[0].edit {
				rt.Fatalf("%s: message %s in %s was sent as %+v, want one new message", what, d.MessageID, d.ChatID, versions)
			}
			if o, ok := owners[d.MessageID]; ok && o != owner {
				rt.Fatalf("%s: message %s is the delivery of %s too", what, d.MessageID, o)
			} else if ok && m.Kind != appeal.MsgCard {
				rt.Fatalf("%s: message %s delivers it twice", what, d.MessageID)
			}
			owners[d.MessageID] = owner
			accounted[d.MessageID] = true
			var wrong []string
			for _, v := range versions {
				if why := fits(v); why != "" {
					wrong = append(wrong, why+":\n"+v.text)
				}
			}
			if len(wrong) == len(versions) {
				rt.Fatalf("%s in %s: %s", what, d.ChatID, strings.Join(wrong, "\n"))
			}
			if len(gaps) > 0 {
				h.w.detours++
			}
			h.w.deliveredBy[m.Kind]++
		}
		slices.Sort(got)
		if !slices.Equal(got, chats) {
			rt.Fatalf("%s delivered to %v, want %v (who can receive: %+v)", what, got, chats, *h.reach)
		}
	}
	for id, s := range posts {
		if !accounted[id] {
			rt.Fatalf("the network took message %s in %s that no delivery records:\n%s", id, s.chat, s.text)
		}
	}
	n, err := h.w.store.UndeliverableCount(h.ctx)
	if err != nil {
		rt.Fatal(err)
	}
	if n != waiting {
		rt.Fatalf("%d messages count as undeliverable, %d wait for someone", n, waiting)
	}
	h.w.waitedMax = max(h.w.waitedMax, int(waiting))
	if waiting > 0 {
		h.w.waitSteps++
	}
}

// settleLeftovers gives up the history's messages that still wait, so that
// the histories after it deliver and count only their own.
func (h *history) settleLeftovers() {
	for _, m := range h.msgs {
		if m.State == appeal.OutboxPending {
			if !m.UndeliverableSince.IsZero() {
				h.w.leftWaiting++
			}
			_ = h.w.store.MarkFailed(h.ctx, m.ID, h.clock.Now(), "the history ended")
		}
	}
}

// appealsOf are the appeals message m is about: those it lists, or its
// own.
func appealsOf(rt *rapid.T, m appeal.OutboxMessage) []appeal.ID {
	switch m.Kind {
	case appeal.MsgReminder, appeal.MsgEscalation, appeal.MsgSupervision:
		items, err := appeal.DecodeItems(m.Args[appeal.ArgItems])
		if err != nil {
			rt.Fatal(err)
		}
		var out []appeal.ID
		for _, it := range items {
			out = append(out, it.Appeal)
		}
		return out
	}
	if m.AppealID != 0 {
		return []appeal.ID{m.AppealID}
	}
	return nil
}

// names reports whether text shows appeal number id ("#12", not "#123").
func names(text string, id appeal.ID) bool {
	n := fmt.Sprintf("#%d", id)
	for i := strings.Index(text, n); i >= 0; {
		if end := i + len(n); end == len(text) || text[end] < '0' || text[end] > '9' {
			return true
		}
		next := strings.Index(text[i+1:], n)
		if next < 0 {
			return false
		}
		i += 1 + next
	}
	return false
}
