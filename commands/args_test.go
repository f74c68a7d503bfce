package commands

import (
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// argWorld makes one appeal in each state the argument cases need and
// returns the replacements for their placeholders.
func argWorld(e *env) *strings.Replacer {
	assigned := e.intake("roads")
	claimed := e.intake("roads")
	e.act(claimed.ID, rResp, appeal.Command{Action: appeal.ActClaim})
	answered := e.intake("roads")
	e.act(answered.ID, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "done"})
	unassigned := e.intake("")
	ext := e.intake("roads")
	e.act(ext.ID, rResp, appeal.Command{Action: appeal.ActRequestExtension, Extension: appeal.CalendarSpan(3600e9), Text: "parts"})
	return strings.NewReplacer("{a}", fmt.Sprint(assigned.ID), "{c}", fmt.Sprint(claimed.ID),
		"{n}", fmt.Sprint(answered.ID), "{u}", fmt.Sprint(unassigned.ID), "{x}", fmt.Sprint(ext.ID))
}

// TestBadArguments: every mistake gets one line saying what was wrong and
// the command's correct usage.
func TestBadArguments(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	r := argWorld(e)
	adm := privateChat("9006")
	lead := privateChat("9003")
	cases := []struct {
		role string
		chat Chat
		text string
		want string
	}{
		{rResp, roadsChat, "claim", "Give the appeal number."},
		{rResp, roadsChat, "claim twelve", "“twelve” is not an appeal number."},
		{rResp, roadsChat, "claim #0", "“#0” is not an appeal number."},
		{rResp, roadsChat, "claim 99999", "There is no appeal #99999 that you may see."},
		{rResp, roadsChat, "claim 123456789012345678901", "“123456789012345678901” is not an appeal number."},
		{rResp, waterChat, "claim {a}", "This chat is not the chat of department Roads (roads)."},
		{rResp, privateChat("9001"), "answer {a}", "Give the answer text."},
		{rResp, otherChat, "claim #{a}", "This chat is not the chat of department Roads (roads)."},
		{rResp, roadsChat, "unclaim", "Give the appeal number."},
		{rResp, roadsChat, "unclaim x1", "“x1” is not an appeal number."},
		{rResp, roadsChat, "unclaim 99999", "There is no appeal #99999 that you may see."},
		{rResp, waterChat, "unclaim {c}", "This chat is not the chat of department Roads (roads)."},
		{rResp, roadsChat, "answer", "Give the appeal number."},
		{rResp, roadsChat, "answer {c}", "Give the answer text."},
		{rResp, roadsChat, "answer {c}   \n ", "Give the answer text."},
		{rResp, roadsChat, "answer abc text", "“abc” is not an appeal number."},
		{rResp, roadsChat, "answer 99999 text", "There is no appeal #99999 that you may see."},
		{rResp, waterChat, "answer {c} text", "This chat is not the chat of department Roads (roads)."},
		{rResp, roadsChat, "return", "Give the appeal number."},
		{rResp, roadsChat, "return {a}", "Give a reason."},
		{rResp, roadsChat, "return 99999 r", "There is no appeal #99999 that you may see."},
		{rResp, waterChat, "return {a} r", "This chat is not the chat of department Roads (roads)."},
		{rResp, roadsChat, "transfer", "Give the appeal number."},
		{rResp, roadsChat, "transfer {a}", "Give the department code."},
		{rResp, roadsChat, "transfer {a} sewers because", "There is no department sewers; /dept list shows them."},
		{rResp, roadsChat, "transfer {a} Bad!Code because", "There is no department Bad!Code; /dept list shows them."},
		{rResp, roadsChat, "transfer {a} water", "Give a reason."},
		{rResp, roadsChat, "transfer 99999 water r", "There is no appeal #99999 that you may see."},
		{rResp, waterChat, "transfer {a} water r", "This chat is not the chat of department Roads (roads)."},
		{rResp, roadsChat, "extend", "Give the appeal number."},
		{rResp, roadsChat, "extend {c}", "Say how much more time, e.g. 2wd (working days), 8wh (working hours) or 4h."},
		// A span that cannot be used: the reply says which rule it broke
		// and lists every unit.
		{rResp, roadsChat, "extend {c} soon please", "“soon” cannot be used as a span of time: it is malformed: write a number and a unit; only h, m and s combine (1h30m). Spans: 30m (minutes), 4h or 1h30m (hours), 2d (days, around the clock), 8wh or 1.5wh (working hours), 3wd (working days)."},
		{rResp, roadsChat, "extend {c} -2h please", "“-2h” cannot be used as a span of time: it must be more than zero, without a sign."},
		{rResp, roadsChat, "extend {c} 0d please", "“0d” cannot be used as a span of time: it must be more than zero"},
		{rResp, roadsChat, "extend {c} 999d please", "“999d” cannot be used as a span of time: it is too long: at most 365d."},
		{rResp, roadsChat, "extend {c} 999wd please", "“999wd” cannot be used as a span of time: it is too long: at most 365 working days."},
		{rResp, roadsChat, "extend {c} 9000wh please", "“9000wh” cannot be used as a span of time: it is too long: at most 8760 working hours."},
		{rResp, roadsChat, "extend {c} 2 please", "“2” cannot be used as a span of time: the unit is missing."},
		{rResp, roadsChat, "extend {c} 2x please", "“2x” cannot be used as a span of time: “x” is not a unit."},
		{rResp, roadsChat, "extend {c} 1d12h please", "“1d12h” cannot be used as a span of time: it is malformed: write a number and a unit; only h, m and s combine (1h30m)."},
		{rResp, roadsChat, "extend {c} 1.5wd please", "“1.5wd” cannot be used as a span of time: days and working days must be whole numbers"},
		{rResp, roadsChat, "extend {c} 30s please", "“30s” cannot be used as a span of time: it is too short: at least a minute."},
		{rResp, roadsChat, "extend {c} 2d", "Give a reason."},
		{rResp, roadsChat, "extend 99999 2d r", "There is no appeal #99999 that you may see."},
		{rResp, waterChat, "extend {c} 2d r", "This chat is not the chat of department Roads (roads)."},
		{rResp, roadsChat, "close", "Give the appeal number."},
		{rResp, roadsChat, "close {n}", "Give the result."},
		{rResp, roadsChat, "close {n} unresolved", "Give the result."},
		{rResp, roadsChat, "close 99999 ok", "There is no appeal #99999 that you may see."},
		{rResp, waterChat, "close {n} ok", "This chat is not the chat of department Roads (roads)."},
		{rDispatcher, roadsChat, "close {u} spam", "This is not the dispatch chat; use this there or in a private chat with me."},
		{rDispatcher, dispatchChat, "close {u}", "Give the result."},
		{rResp, roadsChat, "appeal", "Give the appeal number."},
		{rResp, roadsChat, "appeal 1.5", "“1.5” is not an appeal number."},
		{rResp, roadsChat, "appeal 99999", "There is no appeal #99999 that you may see."},
		{rResp, waterChat, "appeal {a}", "This chat is not the chat of department Roads (roads)."},
		{rDispatcher, roadsChat, "appeal {u}", "This is not the dispatch chat"},
		{rLeader, lead, "approve", "Give the appeal number."},
		{rLeader, lead, "reassign", "Give the appeal number."},
		{rLeader, lead, "reassign abc", "“abc” is not an appeal number."},
		{rLeader, lead, "approve abc", "“abc” is not an appeal number."},
		{rLeader, lead, "approve 99999", "There is no appeal #99999 that you may see."},
		{rLeader, lead, "approve {x} maybe", "“maybe” is neither answer nor extension."},
		{rLeader, lead, "approve {x} extension now", "Too many arguments."},
		{rLeader, waterChat, "approve {x}", "This chat is not the chat of department Roads (roads)."},
		{rLeader, lead, "reject", "Give the appeal number."},
		{rLeader, lead, "reject {x}", "Give a reason."},
		{rLeader, lead, "reject 99999 no", "There is no appeal #99999 that you may see."},
		{rLeader, waterChat, "reject {x} no", "This chat is not the chat of department Roads (roads)."},
		{rDispatcher, dispatchChat, "assign", "Give the appeal number."},
		{rDispatcher, dispatchChat, "assign zz roads", "“zz” is not an appeal number."},
		{rDispatcher, dispatchChat, "assign 99999 roads", "There is no appeal #99999 that you may see."},
		{rDispatcher, dispatchChat, "assign {u}", "There is no suggestion for #"},
		{rDispatcher, dispatchChat, "assign {u} sewers", "There is no department sewers; /dept list shows them."},
		{rDispatcher, roadsChat, "assign {u} water", "This is not the dispatch chat; use this there or in a private chat with me."},
		{rResp, roadsChat, "open now", "Too many arguments."},
		{rResp, privateChat("9001"), "open", "Use this in a department's chat or in the dispatch chat."},
		{rResp, otherChat, "open", "Use this in a department's chat or in the dispatch chat."},
		{rResp, roadsChat, "overdue all", "Too many arguments."},
		{rResp, otherChat, "overdue", "Use this in a department's chat or in the dispatch chat."},
		{rResp, roadsChat, "stats week", "“week” is not a period: use today, 7d, 30d"},
		{rResp, roadsChat, "stats 2026-13", "“2026-13” is not a period"},
		{rResp, roadsChat, "stats 7d 30d", "Too many arguments."},
		{rResp, otherChat, "stats", "Use this in a department's chat or in the dispatch chat."},
		{rLeader, otherChat, "web please", "“please”: /web takes nothing, or logout."},
		{rResp, roadsChat, "mine please", "Too many arguments."},
		{rResp, roadsChat, "lang", "Choose zh or en."},
		{rResp, roadsChat, "lang fr", "“fr” is not a language; choose zh or en."},
		{rResp, privateChat("9001"), "lang en now", "Too many arguments."},
		{rAdmin, adm, "dept add", "Give the new department's code"},
		{rAdmin, adm, "dept add Bad!Code Name", "“Bad!Code” is not a valid department code"},
		{rAdmin, adm, "dept add parks", "Give the department's name."},
		{rAdmin, adm, "dept add parks " + strings.Repeat("x", 101), "The name is longer than 100 characters."},
		{rAdmin, adm, "dept list all", "Too many arguments."},
		{rAdmin, adm, "dept bind roads", "Use this in the group chat to bind, not in a private chat."},
		{rAdmin, otherChat, "dept bind", "Give the department code."},
		{rAdmin, otherChat, "dept bind sewers", "There is no department sewers; /dept list shows them."},
		{rAdmin, otherChat, "dept bind roads now", "Too many arguments."},
		{rAdmin, adm, "dept unbind roads", "Use this in the group chat to bind, not in a private chat."},
		{rAdmin, otherChat, "dept unbind sewers", "There is no department sewers; /dept list shows them."},
		{rAdmin, adm, "dept sla", "Give the department code."},
		{rAdmin, adm, "dept sla sewers claim=1h", "There is no department sewers; /dept list shows them."},
		{rAdmin, adm, "dept sla roads", "Give at least one limit, e.g. claim=2h."},
		{rAdmin, adm, "dept sla roads claim=soon", "The claim limit “soon” cannot be used: it is malformed"},
		{rAdmin, adm, "dept sla roads claim=5", "The claim limit “5” cannot be used: the unit is missing. Spans: 30m (minutes)"},
		{rAdmin, adm, "dept sla roads urgent.answer=999wd", "The urgent.answer limit “999wd” cannot be used: it is too long: at most 365 working days. Spans:"},
		{rAdmin, adm, "dept sla roads claim=3w", "The claim limit “3w” cannot be used: “w” is not a unit."},
		{rAdmin, adm, "dept sla roads speed=1h", "“speed=1h” is not a limit"},
		{rAdmin, adm, "dept sla roads 2h", "“2h” is not a limit"},
		{rAdmin, adm, "dept sla roads claim=4d", "The normal limits 4d / 3d / 7d must grow: claim ≤ answer ≤ resolve."},
		{rAdmin, adm, "dept sla roads claim=2wd answer=8wh", "The normal limits 2wd / 8wh / 7d must grow: claim ≤ answer ≤ resolve."},
		{rAdmin, adm, "dept sla roads answer=1.5wd", "The answer limit “1.5wd” cannot be used: days and working days must be whole numbers"},
		{rAdmin, adm, "route add", "Say which department the rule sends appeals to"},
		{rAdmin, adm, "route add water 漏水", "“漏水” is not a condition"},
		{rAdmin, adm, "route remove", "Say which rule to remove"},
		{rAdmin, adm, "route list all", "Too many arguments."},
		{rAdmin, adm, "route test", "Give the appeal’s text to test"},
		{rAdmin, adm, "calendar holiday", "Say add or remove."},
		{rAdmin, adm, "calendar holiday move 2026-10-01", "“move” is neither add nor remove."},
		{rAdmin, adm, "calendar holiday add", "Say which day, e.g. 2026-10-01"},
		{rAdmin, adm, "calendar holiday add 2026-13-01 X", "“2026-13-01” is not a date; write YYYY-MM-DD"},
		{rAdmin, adm, "calendar holiday add 2026-10-01..10-07 X", "“10-07” is not a date"},
		{rAdmin, adm, "calendar holiday add 2026-10-07..2026-10-01 X", "2026-10-07..2026-10-01 ends before it starts."},
		{rAdmin, adm, "calendar holiday add 2026-10-01..2027-10-01 X", "2026-10-01..2027-10-01 is longer than 31 days"},
		{rAdmin, adm, "calendar holiday add 2026-10-01..2026-10-07", "Name the holiday, e.g. National Day."},
		{rAdmin, adm, "calendar holiday remove 2026-10-01 now", "Too many arguments."},
		{rAdmin, adm, "calendar workday add 10/10/2026", "“10/10/2026” is not a date"},
		{rAdmin, adm, "calendar workday remove", "Say which day"},
		{rAdmin, adm, "calendar workday remove 2026-10-10 extra", "Too many arguments."},
		{rAdmin, adm, "calendar list twenty", "“twenty” is not a year"},
		{rAdmin, adm, "calendar list 2026 2027", "Too many arguments."},
		{rAdmin, adm, "dept sla roads urgent.resolve=1h", "The urgent limits 30m / 2h / 1h must grow"},
		{rAdmin, adm, "dept set roads", "Give a setting, e.g. approve_answers=on."},
		{rAdmin, adm, "dept set roads approve_answers=maybe", "“approve_answers=maybe” is not a setting"},
		{rAdmin, adm, "dept set roads colour=red", "“colour=red” is not a setting"},
		{rAdmin, adm, "dept set sewers approve_answers=on", "There is no department sewers"},
		{rAdmin, adm, "role add", "Give the department code."},
		{rAdmin, adm, "role add roads", "Give the role: responder or leader."},
		{rAdmin, adm, "role add roads boss 9001", "“boss” is not a department role; use responder or leader."},
		{rAdmin, adm, "role add roads dispatcher 9001", "dispatcher is not a department role; use /dispatcher add USER."},
		{rAdmin, adm, "role add roads responder", "Name the person: a numeric id, an @username, or reply to one of their messages."},
		{rAdmin, adm, "role add roads responder @ghost", "I have not seen @ghost yet"},
		{rAdmin, adm, "role add roads responder bob", "“bob” is not a user; give a numeric id or an @username."},
		{rAdmin, adm, "role add roads responder 9001 9002", "Too many arguments."},
		{rAdmin, adm, "role add sewers responder 9001", "There is no department sewers"},
		{rAdmin, adm, "role remove roads", "Give the role: responder or leader."},
		{rAdmin, adm, "dispatcher add", "Name the person"},
		{rAdmin, adm, "dispatcher remove @ghost", "I have not seen @ghost yet"},
		{rAdmin, adm, "admin add x", "“x” is not a user"},
		{rAdmin, adm, "admin remove", "Name the person"},
		{rAdmin, adm, "dispatch bind", "Use this in the group chat to bind, not in a private chat."},
		{rAdmin, otherChat, "dispatch bind now", "Too many arguments."},
		{rAdmin, adm, "dispatch unbind", "Use this in the group chat to bind, not in a private chat."},
		{rAdmin, adm, "supervision bind", "Use this in the group chat to bind, not in a private chat."},
		{rAdmin, otherChat, "supervision bind now", "Too many arguments."},
	}
	cases = append(cases, processBadArguments()...)
	cases = append(cases, digestBadArguments()...)
	commands := map[string]bool{}
	for _, c := range cases {
		text := r.Replace(c.text)
		rep := e.do(c.role, c.chat, text)
		name, _, _ := strings.Cut(text, " ")
		commands[name] = true
		if !isError(rep) || !strings.Contains(html.UnescapeString(rep.HTML), c.want) {
			t.Errorf("/%s:\n got  %s\n want %s", text, rep.HTML, c.want)
			continue
		}
		if strings.Contains(rep.HTML, "\n") {
			t.Errorf("/%s: reply is not one line: %q", text, rep.HTML)
		}
		if !strings.Contains(rep.HTML, "Usage: <code>/"+name) {
			t.Errorf("/%s: reply does not give the usage: %s", text, rep.HTML)
		}
	}
	for _, rw := range table() {
		if rw.usage != "/help" && rw.usage != "/start" && !commands[rw.name] {
			t.Errorf("/%s has no bad-argument case", rw.name)
		}
	}
}

// TestRefusals: requests that are well-formed but impossible say exactly
// why, naming people and departments.
func TestRefusals(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	r := argWorld(e)
	adm := privateChat("9006")
	lead := privateChat("9003")
	cases := []struct {
		role string
		chat Chat
		text string
		want string
	}{
		{rResp2, roadsChat, "claim {c}", "Appeal #{c} is already claimed by Rita Roads."},
		{rResp, roadsChat, "claim {c}", "You have already claimed #{c}."},
		{rResp, roadsChat, "claim {n}", "Appeal #{n} is answered; it cannot be claimed."},
		{rResp, roadsChat, "claim {u}", "There is no appeal #{u} that you may see."}, // dispatch's, not the department's
		{rResp2, roadsChat, "unclaim {c}", "Only Rita Roads, who claimed #{c}, or a leader of Roads (roads) may do this."},
		{rResp2, roadsChat, "answer {c} mine", "Appeal #{c} is claimed by Rita Roads; only they or a leader may answer it."},
		{rResp, roadsChat, "transfer {a} roads r", "Appeal #{a} already belongs to Roads (roads)."},
		{rResp, roadsChat, "extend {x} 1h more", "Appeal #{x} already has an extension request waiting for a leader."},
		{rResp, roadsChat, "close {a} done", "Appeal #{a} is assigned; it cannot be closed."},
		{rLeader, lead, "approve {a}", "Appeal #{a} has nothing waiting for a leader's decision."},
		{rLeader, lead, "approve {x} answer", "Appeal #{x} has no answer waiting for approval."},
		{rLeader, lead, "reject {a} no", "Appeal #{a} has nothing waiting for a leader's decision."},
		{rDispatcher, dispatchChat, "assign {a} water", "Appeal #{a} is assigned; it cannot be assigned."},
		{rAdmin, adm, "dept add roads Roads again", "Department roads exists already"},
		{rAdmin, roadsChat, "dept bind water", "This chat is already bound to Roads (roads); /dept unbind roads first."},
		{rAdmin, otherChat, "dept unbind roads", "This chat is not bound to Roads (roads)."},
		{rAdmin, otherChat, "dispatch unbind", "This chat is not a dispatch chat."},
		{rAdmin, otherChat, "supervision unbind", "This chat is not the supervision chat."},
		{rAdmin, adm, "role remove roads leader 9001", "Rita Roads is not a leader of Roads (roads)."},
		{rAdmin, adm, "admin remove 9007", "Boot Admin is an admin by configuration (APPEALBOT_ADMINS); change it there."},
		{rResp, roadsChat, "frobnicate 12", "Unknown command /frobnicate. /help lists what you can do."},
	}
	for _, c := range cases {
		text := r.Replace(c.text)
		rep := e.do(c.role, c.chat, text)
		want := r.Replace(c.want)
		if !isError(rep) || !strings.Contains(html.UnescapeString(rep.HTML), want) {
			t.Errorf("/%s:\n got  %s\n want %s", text, rep.HTML, want)
		}
		if strings.Contains(rep.HTML, "\n") {
			t.Errorf("/%s: reply is not one line: %q", text, rep.HTML)
		}
	}

	// A returned appeal cannot go straight back to the department that
	// returned it.
	ret := e.intake("roads")
	e.act(ret.ID, rResp, appeal.Command{Action: appeal.ActReturn, Text: "not ours"})
	rep := e.do(rDispatcher, dispatchChat, fmt.Sprintf("assign %d roads", ret.ID))
	if want := fmt.Sprintf("Appeal #%d was returned by Roads (roads); assign it to another department.", ret.ID); !strings.Contains(rep.HTML, want) {
		t.Errorf("assign back: %s", rep.HTML)
	}
	// A transferred appeal is worked from its new department's chat, by
	// its new department: the old one may no longer see it.
	tr := e.intake("roads")
	e.act(tr.ID, rResp, appeal.Command{Action: appeal.ActTransfer, Department: "water", Text: "theirs"})
	rep = e.do(rRespOther, roadsChat, fmt.Sprintf("claim %d", tr.ID))
	if want := "This chat is not the chat of department Water (water)."; !strings.Contains(rep.HTML, want) {
		t.Errorf("claim after transfer, in the old department's chat: %s", rep.HTML)
	}
	rep = e.do(rResp, roadsChat, fmt.Sprintf("claim %d", tr.ID))
	if want := fmt.Sprintf("There is no appeal #%d that you may see.", tr.ID); !strings.Contains(rep.HTML, want) {
		t.Errorf("claim after transfer, by the old department: %s", rep.HTML)
	}
	// The bootstrap admin from the configuration may act as admin.
	if rep := e.do(rBoot, privateChat("9007"), "dept list"); isError(rep) {
		t.Errorf("bootstrap admin: %s", rep.HTML)
	}
}

// TestUserArgument: USER may be an id, an @username seen before, or the
// author of the message the command replies to.
func TestUserArgument(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	adm := privateChat("9006")
	// Someone the bot has seen by writing to it.
	e.h.Handle(t.Context(), Request{Network: "telegram", Chat: privateChat("8100"), From: User{ID: "8100", Username: "Carol", DisplayName: "Carol C"},
		Command: "help", Now: t0})
	if rep := e.do(rAdmin, adm, "role add roads responder @carol"); isError(rep) || !strings.Contains(rep.HTML, "Carol C is now a responder of Roads (roads).") {
		t.Errorf("by username: %s", rep.HTML)
	}
	rep := e.h.Handle(t.Context(), Request{Network: "telegram", Chat: roadsChat, From: e.users[rAdmin], Command: "role",
		Args: "add roads leader", ReplyToUser: &User{ID: "8200", Username: "dave", DisplayName: "Dave D"}, Now: t0})
	if isError(rep) || !strings.Contains(rep.HTML, "Dave D is now a leader of Roads (roads).") {
		t.Errorf("by reply: %s", rep.HTML)
	}
	if rep := e.do(rAdmin, adm, "dispatcher add 8300"); isError(rep) || !strings.Contains(rep.HTML, "8300 is now a dispatcher.") {
		t.Errorf("by id: %s", rep.HTML)
	}
	// The new dispatcher holds the role once they write.
	if rep := e.h.Handle(t.Context(), Request{Network: "telegram", Chat: dispatchChat, From: User{ID: "8300", DisplayName: "Erin"},
		Command: "open", Now: t0}); isError(rep) {
		t.Errorf("new dispatcher: %s", rep.HTML)
	}
	if rep := e.do(rAdmin, adm, "dispatcher remove 8300"); isError(rep) || !strings.Contains(rep.HTML, "Erin is no longer a dispatcher.") {
		t.Errorf("remove: %s", rep.HTML)
	}
	if rep := e.h.Handle(t.Context(), Request{Network: "telegram", Chat: dispatchChat, From: User{ID: "8300", DisplayName: "Erin"},
		Command: "open", Now: t0}); !strings.Contains(rep.HTML, "Only responders, leaders, dispatchers and admins may use /open.") {
		t.Errorf("removed dispatcher: %s", rep.HTML)
	}
}
