package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
)

// permCase is one command tried by every role. setup prepares what the
// command needs (fresh for each role) and returns the command text and the
// chat to send it in (nil: the case's chat; private: the user's own).
type permCase struct {
	name    string
	chat    Chat
	private bool
	setup   func(e *env) (text string, chat *Chat)
	allow   []string
	// deny maps the roles refused to the message they must get; {id} is
	// the appeal set up.
	deny map[string]string
}

const (
	onlyResponders  = "Only responders and leaders may use /%s."
	onlyStaff       = "Only responders, leaders, dispatchers and admins may use /%s."
	onlyDispatchers = "Only dispatchers and admins may use /%s."
	onlyAdmins      = "Only admins may use /%s."
	onlyLeaders     = "Only leaders may use /%s."
	onlyDeciders    = "Only leaders, dispatchers and admins may use /%s."
	notRoads        = "Only responders and leaders of Roads (roads) may work on appeal #{id}."
	// unseen is the reply about an appeal the requester may not see: the
	// same as about one that does not exist.
	unseen = "There is no appeal #{id} that you may see."
)

// each returns a deny map giving every role in roles message msg.
func each(msg string, roles ...string) map[string]string {
	m := map[string]string{}
	for _, r := range roles {
		m[r] = msg
	}
	return m
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// withAppeal returns a setup that makes an appeal with prepare and formats
// text with its number.
func withAppeal(dept, text string, prepare func(e *env, id appeal.ID)) func(e *env) (string, *Chat) {
	return func(e *env) (string, *Chat) {
		a := e.intake(dept)
		if prepare != nil {
			prepare(e, a.ID)
		}
		return strings.ReplaceAll(text, "{id}", fmt.Sprint(a.ID)), nil
	}
}

func fixed(text string) func(e *env) (string, *Chat) {
	return func(e *env) (string, *Chat) { return text, nil }
}

// freshChat returns a setup running text in a new, unbound group chat,
// after bind (if any) has bound it.
func freshChat(text string, bind *appeal.ChatBinding) func(e *env) (string, *Chat) {
	return func(e *env) (string, *Chat) {
		e.seq++
		c := Chat{ID: fmt.Sprint(-5000 - e.seq), Title: "fresh"}
		if bind != nil {
			b := *bind
			b.Network, b.ChatID = "telegram", c.ID
			if err := e.store.BindChat(context.Background(), b); err != nil {
				e.t.Fatal(err)
			}
		}
		return text, &c
	}
}

// newUser returns a setup running text with {user} a member never seen
// before, after grant (if any) gave them a role.
func newUser(text string, grant *appeal.Grant) func(e *env) (string, *Chat) {
	return func(e *env) (string, *Chat) {
		e.seq++
		ext := fmt.Sprint(7000 + e.seq)
		if grant != nil {
			m, err := e.store.SaveMember(context.Background(), appeal.Member{Network: "telegram", ExternalID: ext})
			if err != nil {
				e.t.Fatal(err)
			}
			g := *grant
			g.Member = m.ID
			if err := e.store.Grant(context.Background(), g); err != nil {
				e.t.Fatal(err)
			}
		}
		return strings.ReplaceAll(text, "{user}", ext), nil
	}
}

func claimedBy(role string) func(e *env, id appeal.ID) {
	return func(e *env, id appeal.ID) { e.act(id, role, appeal.Command{Action: appeal.ActClaim}) }
}

func permCases() []permCase {
	everyone := testRoles
	notResp := func(cmd string) map[string]string {
		return merge(each(fmt.Sprintf(onlyResponders, cmd), rNone, rDispatcher, rAdmin), each(unseen, rRespOther, rLeadOther))
	}
	respAllowed := []string{rResp, rLeader}
	staffAllowed := []string{rResp, rLeader, rDispatcher, rAdmin}
	dispAllowed := []string{rDispatcher, rAdmin}
	adminOnly := func(cmd string) map[string]string {
		return each(fmt.Sprintf(onlyAdmins, cmd), rNone, rResp, rRespOther, rLeader, rLeadOther, rDispatcher)
	}
	listDenied := "Only responders and leaders of Roads (roads), dispatchers and admins may list its appeals."
	// A leader decides an extension first; dispatch only after.
	approveDeny := func(cmd string) map[string]string {
		return merge(each(fmt.Sprintf(onlyDeciders, cmd), rNone, rResp, rRespOther),
			each("A leader of Roads (roads) must approve the extension of #{id} first.", rDispatcher, rAdmin),
			each(unseen, rLeadOther))
	}
	extension := func(e *env, id appeal.ID) {
		e.act(id, rResp, appeal.Command{Action: appeal.ActRequestExtension, Extension: appeal.CalendarSpan(48 * 3600e9), Text: "site visit"})
	}
	answered := func(e *env, id appeal.ID) {
		e.act(id, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "fixed"})
	}
	return []permCase{
		{name: "claim", chat: roadsChat, setup: withAppeal("roads", "claim {id}", nil), allow: respAllowed, deny: notResp("claim")},
		{name: "unclaim", chat: roadsChat, setup: withAppeal("roads", "unclaim {id}", claimedBy(rResp)), allow: respAllowed, deny: notResp("unclaim")},
		{name: "answer", chat: roadsChat, setup: withAppeal("roads", "answer {id} Fixed it.", nil), allow: respAllowed, deny: notResp("answer")},
		{name: "answer_claimed", chat: roadsChat, setup: withAppeal("roads", "answer {id} Fixed it.", claimedBy(rResp)), allow: respAllowed, deny: notResp("answer")},
		{name: "return", chat: roadsChat, setup: withAppeal("roads", "return {id} Not ours", nil), allow: respAllowed, deny: notResp("return")},
		{name: "transfer", chat: roadsChat, setup: withAppeal("roads", "transfer {id} water Belongs to water", nil), allow: respAllowed, deny: notResp("transfer")},
		{name: "extend", chat: roadsChat, setup: withAppeal("roads", "extend {id} 2d Needs a site visit", nil), allow: respAllowed, deny: notResp("extend")},
		// The same from the member's private chat: their roles decide,
		// and who may not see the appeal hears what a wrong group tells.
		{name: "claim_private", private: true, setup: withAppeal("roads", "claim {id}", nil), allow: respAllowed, deny: notResp("claim")},
		{name: "unclaim_private", private: true, setup: withAppeal("roads", "unclaim {id}", claimedBy(rResp)), allow: respAllowed, deny: notResp("unclaim")},
		{name: "answer_private", private: true, setup: withAppeal("roads", "answer {id} Fixed it.", nil), allow: respAllowed, deny: notResp("answer")},
		{name: "answer_claimed_private", private: true, setup: withAppeal("roads", "answer {id} Fixed it.", claimedBy(rResp)), allow: respAllowed, deny: notResp("answer")},
		{name: "return_private", private: true, setup: withAppeal("roads", "return {id} Not ours", nil), allow: respAllowed, deny: notResp("return")},
		{name: "transfer_private", private: true, setup: withAppeal("roads", "transfer {id} water Belongs to water", nil), allow: respAllowed, deny: notResp("transfer")},
		{name: "extend_private", private: true, setup: withAppeal("roads", "extend {id} 2d Needs a site visit", nil), allow: respAllowed, deny: notResp("extend")},
		{name: "claim_other_group", setup: withAppeal("roads", "claim {id}", nil), chat: waterChat, allow: nil,
			deny: merge(each(fmt.Sprintf(onlyResponders, "claim"), rNone, rDispatcher, rAdmin), each(unseen, rRespOther, rLeadOther),
				each("This chat is not the chat of department Roads (roads).", rResp, rLeader))},
		{name: "close_answered", chat: roadsChat, setup: withAppeal("roads", "close {id} Done", answered), allow: respAllowed,
			deny: merge(each(fmt.Sprintf(onlyStaff, "close"), rNone), each(notRoads, rDispatcher, rAdmin), each(unseen, rRespOther, rLeadOther))},
		{name: "close_unassigned", chat: dispatchChat, setup: withAppeal("", "close {id} Spam", nil), allow: dispAllowed,
			deny: merge(each(fmt.Sprintf(onlyStaff, "close"), rNone), each(unseen, rResp, rRespOther, rLeader, rLeadOther))},
		{name: "appeal", chat: roadsChat, setup: withAppeal("roads", "appeal {id}", nil), allow: staffAllowed,
			deny: merge(each(fmt.Sprintf(onlyStaff, "appeal"), rNone), each(unseen, rRespOther, rLeadOther))},
		{name: "appeal_private", private: true, setup: withAppeal("roads", "appeal #{id}", nil), allow: staffAllowed,
			deny: merge(each(fmt.Sprintf(onlyStaff, "appeal"), rNone), each(unseen, rRespOther, rLeadOther))},
		{name: "open_department", chat: roadsChat, setup: withAppeal("roads", "open", nil), allow: staffAllowed,
			deny: merge(each(fmt.Sprintf(onlyStaff, "open"), rNone), each(listDenied, rRespOther, rLeadOther))},
		{name: "open_dispatch", chat: dispatchChat, setup: withAppeal("", "open", nil), allow: dispAllowed,
			deny: merge(each(fmt.Sprintf(onlyStaff, "open"), rNone), each(fmt.Sprintf(onlyDispatchers, "open"), rResp, rRespOther, rLeader, rLeadOther))},
		{name: "overdue_department", chat: roadsChat, setup: fixed("overdue"), allow: staffAllowed,
			deny: merge(each(fmt.Sprintf(onlyStaff, "overdue"), rNone), each(listDenied, rRespOther, rLeadOther))},
		{name: "overdue_dispatch", chat: dispatchChat, setup: fixed("overdue"), allow: dispAllowed,
			deny: merge(each(fmt.Sprintf(onlyStaff, "overdue"), rNone), each(fmt.Sprintf(onlyDispatchers, "overdue"), rResp, rRespOther, rLeader, rLeadOther))},
		{name: "stats_department", chat: roadsChat, setup: fixed("stats"), allow: staffAllowed,
			deny: merge(each(fmt.Sprintf(onlyStaff, "stats"), rNone),
				each("Only responders and leaders of Roads (roads), dispatchers and admins may see its figures.", rRespOther, rLeadOther))},
		{name: "stats_dispatch", chat: dispatchChat, setup: fixed("stats 30d"), allow: dispAllowed,
			deny: merge(each(fmt.Sprintf(onlyStaff, "stats"), rNone),
				each("Only dispatchers and admins may see the ranking of departments.", rResp, rRespOther, rLeader, rLeadOther))},
		{name: "web", private: true, setup: fixed("web logout"), allow: []string{rLeader, rLeadOther, rDispatcher, rAdmin},
			deny: each("Only leaders, dispatchers and admins may use /web.", rNone, rResp, rRespOther)},
		{name: "mine", private: true, setup: fixed("mine"), allow: everyone},
		{name: "help", chat: roadsChat, setup: fixed("help"), allow: everyone},
		{name: "start", private: true, setup: fixed("start"), allow: everyone},
		{name: "lang_private", private: true, setup: fixed("lang zh"), allow: everyone},
		{name: "lang_group", chat: roadsChat, setup: fixed("lang en"), allow: []string{rLeader, rAdmin},
			deny: each("Only admins and leaders of this chat's department may change its language.", rNone, rResp, rRespOther, rLeadOther, rDispatcher)},
		{name: "approve", private: true, setup: withAppeal("roads", "approve {id}", extension), allow: []string{rLeader}, deny: approveDeny("approve")},
		{name: "approve_in_chat", chat: roadsChat, setup: withAppeal("roads", "approve {id} extension", extension), allow: []string{rLeader}, deny: approveDeny("approve")},
		{name: "reassign", private: true, setup: withAppeal("roads", "reassign {id}", claimedBy(rResp)), allow: []string{rLeader},
			deny: merge(each(fmt.Sprintf(onlyLeaders, "reassign"), rNone, rResp, rRespOther, rDispatcher, rAdmin),
				each(unseen, rLeadOther))},
		{name: "reject", private: true, setup: withAppeal("roads", "reject {id} Not needed", extension), allow: []string{rLeader}, deny: approveDeny("reject")},
		{name: "assign", chat: dispatchChat, setup: withAppeal("", "assign {id} roads", nil), allow: dispAllowed,
			deny: merge(each(fmt.Sprintf(onlyDeciders, "assign"), rNone, rResp, rRespOther),
				each(fmt.Sprintf(onlyDispatchers, "assign"), rLeader, rLeadOther))},
		{name: "assign_person", private: true, setup: withAppeal("roads", "assign {id} @responder2", nil), allow: []string{rLeader, rDispatcher, rAdmin},
			deny: merge(each(fmt.Sprintf(onlyDeciders, "assign"), rNone, rResp, rRespOther), each(unseen, rLeadOther))},
		{name: "reopen", private: true, setup: withAppeal("roads", "reopen {id} Still broken", answered), allow: []string{rLeader, rDispatcher, rAdmin},
			deny: merge(each(fmt.Sprintf(onlyDeciders, "reopen"), rNone, rResp, rRespOther), each(unseen, rLeadOther))},
		{name: "dept_list", private: true, setup: fixed("dept list"), allow: []string{rResp, rRespOther, rLeader, rLeadOther, rDispatcher, rAdmin},
			deny: each(fmt.Sprintf(onlyStaff, "dept list"), rNone)},
		{name: "dept_add", private: true, setup: func(e *env) (string, *Chat) {
			e.seq++
			return fmt.Sprintf("dept add d%d Department %d", e.seq, e.seq), nil
		}, allow: []string{rAdmin}, deny: adminOnly("dept add")},
		{name: "dept_bind", setup: freshChat("dept bind roads", nil), allow: []string{rAdmin}, deny: adminOnly("dept bind")},
		{name: "dept_unbind", setup: freshChat("dept unbind roads", &appeal.ChatBinding{Purpose: appeal.ChatDepartment, Department: "roads"}),
			allow: []string{rAdmin}, deny: adminOnly("dept unbind")},
		{name: "dept_sla", private: true, setup: fixed("dept sla roads claim=1h urgent.claim=20m"), allow: []string{rAdmin}, deny: adminOnly("dept sla")},
		{name: "route_add", private: true, setup: func(e *env) (string, *Chat) {
			e.seq++
			return fmt.Sprintf("route add water keywords=漏水%d", e.seq), nil
		}, allow: []string{rAdmin}, deny: adminOnly("route add")},
		{name: "route_remove", private: true, setup: func(e *env) (string, *Chat) {
			e.seq++
			if _, _, err := e.svc.AddRoute(context.Background(), appeal.Rule{Name: fmt.Sprint("p", e.seq), Keywords: []string{"x"}, Department: "water"}, 0); err != nil {
				e.t.Fatal(err)
			}
			return fmt.Sprint("route remove p", e.seq), nil
		}, allow: []string{rAdmin}, deny: adminOnly("route remove")},
		{name: "route_list", private: true, setup: fixed("route list"), allow: dispAllowed,
			deny: each(fmt.Sprintf(onlyDispatchers, "route list"), rNone, rResp, rRespOther, rLeader, rLeadOther)},
		{name: "route_test", private: true, setup: fixed("route test 漏水"), allow: dispAllowed,
			deny: each(fmt.Sprintf(onlyDispatchers, "route test"), rNone, rResp, rRespOther, rLeader, rLeadOther)},
		{name: "calendar_holiday", private: true, setup: func(e *env) (string, *Chat) {
			e.seq++
			return fmt.Sprintf("calendar holiday add %s Day %d", appeal.Date{Year: 2030, Month: 1, Day: 1}.AddDays(e.seq), e.seq), nil
		}, allow: []string{rAdmin}, deny: adminOnly("calendar holiday")},
		{name: "calendar_workday", private: true, setup: func(e *env) (string, *Chat) {
			e.seq++
			return fmt.Sprintf("calendar workday add %s", appeal.Date{Year: 2031, Month: 1, Day: 1}.AddDays(e.seq)), nil
		}, allow: []string{rAdmin}, deny: adminOnly("calendar workday")},
		{name: "calendar_list", private: true, setup: fixed("calendar list 2026"), allow: []string{rResp, rRespOther, rLeader, rLeadOther, rDispatcher, rAdmin},
			deny: each(fmt.Sprintf(onlyStaff, "calendar list"), rNone)},
		{name: "dept_set", private: true, setup: fixed("dept set roads approve_answers=off"), allow: []string{rAdmin}, deny: adminOnly("dept set")},
		{name: "role_add", private: true, setup: newUser("role add roads responder {user}", nil), allow: []string{rAdmin}, deny: adminOnly("role add")},
		{name: "role_remove", private: true, setup: newUser("role remove roads leader {user}", &appeal.Grant{Role: appeal.RoleLeader, Department: "roads"}),
			allow: []string{rAdmin}, deny: adminOnly("role remove")},
		{name: "dispatcher_add", private: true, setup: newUser("dispatcher add {user}", nil), allow: []string{rAdmin}, deny: adminOnly("dispatcher add")},
		{name: "dispatcher_remove", private: true, setup: newUser("dispatcher remove {user}", &appeal.Grant{Role: appeal.RoleDispatcher}),
			allow: []string{rAdmin}, deny: adminOnly("dispatcher remove")},
		{name: "admin_add", private: true, setup: newUser("admin add {user}", nil), allow: []string{rAdmin}, deny: adminOnly("admin add")},
		{name: "admin_remove", private: true, setup: newUser("admin remove {user}", &appeal.Grant{Role: appeal.RoleAdmin}),
			allow: []string{rAdmin}, deny: adminOnly("admin remove")},
		{name: "dispatch_bind", setup: freshChat("dispatch bind", nil), allow: []string{rAdmin}, deny: adminOnly("dispatch bind")},
		{name: "dispatch_unbind", setup: freshChat("dispatch unbind", &appeal.ChatBinding{Purpose: appeal.ChatDispatch}),
			allow: []string{rAdmin}, deny: adminOnly("dispatch unbind")},
		{name: "supervision_bind", setup: freshChat("supervision bind", nil), allow: []string{rAdmin}, deny: adminOnly("supervision bind")},
		{name: "supervision_unbind", setup: freshChat("supervision unbind", &appeal.ChatBinding{Purpose: appeal.ChatSupervision}),
			allow: []string{rAdmin}, deny: adminOnly("supervision unbind")},
	}
}

// TestPermissions tries every command as every role and checks that each
// is allowed or refused with the message that says why.
func TestPermissions(t *testing.T) {
	covered := map[string]bool{}
	for _, pc := range append(permCases(), digestPermCases()...) {
		covered[strings.SplitN(pc.name, "_", 2)[0]] = true
		t.Run(pc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, storage.SQLite)
			for _, role := range testRoles {
				text, chat := pc.setup(e)
				c := pc.chat
				if pc.private {
					c = privateChat(e.users[role].ID)
				}
				if chat != nil {
					c = *chat
				}
				rep := e.do(role, c, text)
				// An unexpected error is a reply of its own, starting with
				// ⚠️ (finish); a ⚠️ inside a reply marks a gap of the setup.
				if strings.HasPrefix(rep.HTML, "⚠️") {
					t.Fatalf("%s: /%s: unexpected error: %s", role, text, rep.HTML)
				}
				allowed := false
				for _, a := range pc.allow {
					allowed = allowed || a == role
				}
				if allowed {
					if isError(rep) {
						t.Errorf("%s: /%s refused, want allowed: %s", role, text, rep.HTML)
					}
					continue
				}
				want, ok := pc.deny[role]
				if !ok {
					t.Fatalf("%s: case lists no expectation", role)
				}
				id := ""
				if f := strings.Fields(text); len(f) > 1 {
					id = strings.TrimPrefix(f[1], "#")
				}
				want = strings.ReplaceAll(want, "{id}", id)
				if !isError(rep) || !strings.Contains(rep.HTML, want) {
					t.Errorf("%s: /%s:\n got  %s\n want %s", role, text, rep.HTML, want)
				}
			}
		})
	}
	for _, r := range table() {
		if !covered[r.name] {
			t.Errorf("command /%s has no permission case", r.name)
		}
	}
}

// TestButtonsCheckStoredRoles: a button runs the same checks as its
// command, from stored roles only, and answers with a notice.
func TestButtonsCheckStoredRoles(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	a := e.intake("roads")
	rep := e.press(rNone, roadsChat, render.ButtonData("claim", a.ID, ""))
	if !rep.Silent || !rep.Alert || rep.Notice != "❌ Only responders and leaders may use /claim." {
		t.Errorf("stranger pressing Claim: %+v", rep)
	}
	rep = e.press(rRespOther, roadsChat, render.ButtonData("claim", a.ID, ""))
	if !rep.Alert || !strings.Contains(rep.Notice, fmt.Sprintf("There is no appeal #%d that you may see.", a.ID)) {
		t.Errorf("other department's responder pressing Claim: %+v", rep)
	}
	rep = e.press(rResp, roadsChat, render.ButtonData("claim", a.ID, ""))
	if !rep.Silent || rep.Alert || rep.Notice != fmt.Sprintf("You claimed #%d.", a.ID) || rep.HTML != "" {
		t.Errorf("responder pressing Claim: %+v", rep)
	}
	if got := e.appeal(a.ID); got.Status != appeal.StatusClaimed || got.Assignee != e.ids[rResp] {
		t.Errorf("after Claim: %s by %d", got.Status, got.Assignee)
	}
	rep = e.press(rResp2, roadsChat, render.ButtonData("claim", a.ID, ""))
	if !rep.Alert || rep.Notice != fmt.Sprintf("❌ Appeal #%d is already claimed by Rita Roads.", a.ID) {
		t.Errorf("second Claim: %+v", rep)
	}
	rep = e.press(rResp, roadsChat, render.ButtonData("answer", a.ID, ""))
	if !rep.Silent || !rep.Alert || !strings.Contains(rep.Notice, fmt.Sprintf("/answer %d TEXT", a.ID)) {
		t.Errorf("Answer button: %+v", rep)
	}
	rep = e.press(rResp, roadsChat, render.ButtonData("return", a.ID, ""))
	if !rep.Silent || !strings.Contains(rep.Notice, fmt.Sprintf("/return %d REASON", a.ID)) {
		t.Errorf("Return button: %+v", rep)
	}
	rep = e.press(rLeader, roadsChat, render.ButtonData("appeal", a.ID, ""))
	if !rep.Private || rep.Silent || rep.Notice != "Sent to you in a private chat." || !strings.Contains(rep.HTML, "13812345678") {
		t.Errorf("Details button for a leader: %+v", rep)
	}
	rep = e.press(rResp2, roadsChat, render.ButtonData("appeal", a.ID, ""))
	if !rep.Private || strings.Contains(rep.HTML, "13812345678") || !strings.Contains(rep.HTML, "138****5678") {
		t.Errorf("Details button for a responder who does not hold it shows the phone: %+v", rep)
	}

	// Leaders' buttons act on what they name.
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActRequestExtension, Extension: appeal.CalendarSpan(4 * 3600e9), Text: "parts"})
	rep = e.press(rResp, privateChat(e.users[rResp].ID), render.ButtonData("approve", a.ID, render.PendingExtension))
	if !rep.Alert || rep.Notice != "❌ Only leaders, dispatchers and admins may use /approve." {
		t.Errorf("responder pressing Approve: %+v", rep)
	}
	rep = e.press(rLeader, privateChat(e.users[rLeader].ID), render.ButtonData("approve", a.ID, render.PendingAnswer))
	if !rep.Alert || !strings.Contains(rep.Notice, "has no answer waiting for approval") {
		t.Errorf("Approve of an answer that is not pending: %+v", rep)
	}
	rep = e.press(rLeader, privateChat(e.users[rLeader].ID), render.ButtonData("reject", a.ID, render.PendingExtension))
	if !rep.Alert || !strings.Contains(rep.Notice, fmt.Sprintf("/reject %d REASON", a.ID)) {
		t.Errorf("Reject button: %+v", rep)
	}
	rep = e.press(rLeader, privateChat(e.users[rLeader].ID), render.ButtonData("approve", a.ID, render.PendingExtension))
	if !rep.Silent || rep.Alert || !strings.Contains(rep.Notice, "approved") {
		t.Errorf("Approve button: %+v", rep)
	}
	if got := e.appeal(a.ID); got.Extension != nil {
		t.Errorf("extension still pending after Approve")
	}
}

// TestNoDetailWithoutThePower: someone who may not see an appeal (not of
// their department, and not a dispatcher or admin) learns nothing about
// it from any command or button that names it, in any chat: the reply is
// the same, word for word, as for a number that does not exist. Their
// permission is checked before anything of the appeal is said: not its
// status, not its department, not that it exists.
func TestNoDetailWithoutThePower(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	const missing = appeal.ID(99999)
	ext := appeal.Command{Action: appeal.ActRequestExtension, Extension: appeal.CalendarSpan(48 * 3600e9), Text: "site visit"}
	roads := map[string]appeal.ID{}
	roads["assigned"] = e.intake("roads").ID
	roads["claimed"] = e.intake("roads").ID
	e.act(roads["claimed"], rResp, appeal.Command{Action: appeal.ActClaim})
	roads["extension"] = e.intake("roads").ID
	e.act(roads["extension"], rResp, ext)
	roads["answered"] = e.intake("roads").ID
	e.act(roads["answered"], rResp, appeal.Command{Action: appeal.ActAnswer, Text: "fixed"})
	roads["closed"] = e.intake("roads").ID
	e.act(roads["closed"], rResp, appeal.Command{Action: appeal.ActAnswer, Text: "fixed"})
	e.act(roads["closed"], rResp, appeal.Command{Action: appeal.ActClose, Text: "done"})
	// A returned appeal waits for dispatch, and still names the
	// department that returned it, whose people may see it.
	roads["returned"] = e.intake("roads").ID
	e.act(roads["returned"], rResp, appeal.Command{Action: appeal.ActReturn, Text: "not ours"})
	dispatch := map[string]appeal.ID{"unassigned": e.intake("").ID}

	commands := []string{"claim {id}", "unclaim {id}", "answer {id} Fixed", "return {id} Not ours", "transfer {id} water Theirs",
		"extend {id} 2d More", "close {id} Done", "close {id} resolved Done", "appeal {id}", "approve {id}", "approve {id} extension",
		"reject {id} No", "reassign {id} Late", "assign {id} water"}
	buttons := []string{render.ButtonData("claim", 0, ""), render.ButtonData("answer", 0, ""), render.ButtonData("return", 0, ""),
		render.ButtonData("appeal", 0, ""), render.ButtonData("approve", 0, render.PendingExtension),
		render.ButtonData("reject", 0, render.PendingAnswer), render.ButtonData("reassign", 0, "")}
	blind := map[string]map[string]appeal.ID{
		rNone: roads, rRespOther: roads, rLeadOther: roads,
	}
	for _, role := range []string{rNone, rResp, rRespOther, rLeader, rLeadOther} {
		for what, id := range dispatch { // dispatch's appeals: only dispatchers and admins see them
			if blind[role] == nil {
				blind[role] = map[string]appeal.ID{}
			}
			blind[role][what] = id
		}
	}
	checked := 0
	for role, appeals := range blind {
		chats := []Chat{roadsChat, waterChat, dispatchChat, otherChat, privateChat(e.users[role].ID)}
		for what, id := range appeals {
			for _, chat := range chats {
				for _, cmd := range commands {
					real := e.do(role, chat, strings.ReplaceAll(cmd, "{id}", fmt.Sprint(id)))
					none := e.do(role, chat, strings.ReplaceAll(cmd, "{id}", fmt.Sprint(missing)))
					if want := strings.ReplaceAll(none.HTML, fmt.Sprint(missing), fmt.Sprint(id)); real.HTML != want {
						t.Errorf("%s in %s: /%s on a %s appeal:\n got  %s\n want %s (as for no appeal)",
							role, chat.ID, strings.ReplaceAll(cmd, "{id}", fmt.Sprint(id)), what, real.HTML, want)
					}
					checked++
				}
				for _, data := range buttons {
					real := e.press(role, chat, strings.Replace(data, ":0", ":"+fmt.Sprint(id), 1))
					none := e.press(role, chat, strings.Replace(data, ":0", ":"+fmt.Sprint(missing), 1))
					if want := strings.ReplaceAll(none.Notice, fmt.Sprint(missing), fmt.Sprint(id)); real.Notice != want || real.HTML != none.HTML {
						t.Errorf("%s in %s: button %s on a %s appeal:\n got  %s\n want %s (as for no appeal)",
							role, chat.ID, data, what, real.Notice, want)
					}
					checked++
				}
			}
		}
	}
	for what, id := range roads {
		if got := e.appeal(id); what == "closed" && got.Status != appeal.StatusClosed || what == "assigned" && got.Status != appeal.StatusAssigned {
			t.Errorf("a refused command changed the %s appeal: %s", what, got.Status)
		}
	}
	t.Logf("%d replies compared", checked)
}
