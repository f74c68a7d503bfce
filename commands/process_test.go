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

// processBadArguments are the argument mistakes of the loop's commands.
func processBadArguments() []struct {
	role string
	chat Chat
	text string
	want string
} {
	lead := privateChat("9003")
	return []struct {
		role string
		chat Chat
		text string
		want string
	}{
		{rLeader, lead, "reopen", "Give the appeal number."},
		{rLeader, lead, "reopen {n}", "Give a reason."},
		{rLeader, lead, "assign {a} @ghost", "I have not seen @ghost yet"},
	}
}

// lastText is the reply's text without markup, for matching.
func lastText(r Reply) string { return render.Plain(r.HTML + " " + r.Notice) }

// A return or transfer is a request: the appeal stays with the department
// until dispatch decides; a rejection keeps its clock; an approval sends it
// on; at the bounce limit supervision rules; a second press of a decided
// prompt says who decided it.
func TestReviewedReturnsAndTransfers(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	a := e.intake("roads")
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
	before := e.appeal(a.ID)

	rep := e.do(rResp, roadsChat, fmt.Sprintf("return %d not a road", a.ID))
	if isError(rep) || !strings.Contains(lastText(rep), "stays with Roads (roads) until dispatch's review decides") {
		t.Fatalf("return: %+v", rep)
	}
	got := e.appeal(a.ID)
	if got.Status != appeal.StatusClaimed || got.Review == nil || got.Deadlines.AnswerBy != before.Deadlines.AnswerBy {
		t.Fatalf("after the request: %+v", got)
	}
	// Nothing else is asked or answered meanwhile.
	if rep := e.do(rResp, roadsChat, fmt.Sprintf("answer %d done", a.ID)); !strings.Contains(lastText(rep), "waiting for review") {
		t.Errorf("answer while a review waits: %+v", rep)
	}
	if rep := e.do(rResp, roadsChat, fmt.Sprintf("transfer %d water pipes", a.ID)); !strings.Contains(lastText(rep), "waiting for review") {
		t.Errorf("second request: %+v", rep)
	}
	// Only dispatch decides, and from its chats.
	if rep := e.press(rLeader, privateChat(e.users[rLeader].ID), render.ButtonData("approve", a.ID, render.PendingReview)); !strings.Contains(lastText(rep), "decided by dispatchers") {
		t.Errorf("leader approving a return: %+v", rep)
	}
	if rep := e.do(rDispatcher, roadsChat, fmt.Sprintf("approve %d review", a.ID)); !strings.Contains(lastText(rep), "decided by dispatchers") {
		t.Errorf("dispatcher in a department chat: %+v", rep)
	}
	// Rejected with a reason: back to the department, clock unchanged.
	e.now = e.now.Add(3 * 3600e9)
	rep = e.do(rDispatcher, dispatchChat, fmt.Sprintf("reject %d it is a road", a.ID))
	if isError(rep) || !strings.Contains(lastText(rep), "rejected; it stays with Roads") {
		t.Fatalf("reject: %+v", rep)
	}
	got = e.appeal(a.ID)
	if got.Review != nil || got.Status != appeal.StatusClaimed || got.Deadlines.AnswerBy != before.Deadlines.AnswerBy ||
		!got.AssignedAt.Equal(before.AssignedAt) || got.Bounces != 0 {
		t.Fatalf("after rejection: %+v", got)
	}
	// A second press of the closed prompt says who decided it.
	rep = e.press(rDispatcher, dispatchChat, render.ButtonData("approve", a.ID, render.PendingReview))
	if !strings.Contains(rep.Notice, "Already decided: ❌ Rejected by Dora Dispatch") {
		t.Errorf("second press: %+v", rep)
	}

	// A transfer, approved: the appeal goes to water with a fresh clock,
	// and its card there says who sent it, from where and why.
	rep = e.do(rResp, roadsChat, fmt.Sprintf("transfer %d water a burst main", a.ID))
	if isError(rep) || !strings.Contains(lastText(rep), "Transfer of #") {
		t.Fatalf("transfer: %+v", rep)
	}
	rep = e.press(rDispatcher, dispatchChat, render.ButtonData("approve", a.ID, render.PendingReview))
	if isError(rep) {
		t.Fatalf("approve: %+v", rep)
	}
	got = e.appeal(a.ID)
	if got.Department != "water" || got.Status != appeal.StatusAssigned || got.Bounces != 1 || got.Handoff == nil {
		t.Fatalf("after approval: %+v", got)
	}
	card, err := e.r.RenderMessage(context.Background(), appeal.Message{Kind: appeal.MsgCard, AppealID: a.ID,
		To: appeal.Recipient{Kind: appeal.ToDepartment, Ref: "water"}}, "en", e.now)
	if err != nil {
		t.Fatal(err)
	}
	if p := render.Plain(card.HTML); !strings.Contains(p, "From Roads (roads): transfer to Water (water) by Rita Roads: a burst main (approved by Dora Dispatch)") {
		t.Errorf("water's card does not say where it came from:\n%s", p)
	}
	details := e.do(rDispatcher, privateChat(e.users[rDispatcher].ID), fmt.Sprintf("appeal %d", a.ID))
	if p := lastText(details); !strings.Contains(p, "a burst main") || !strings.Contains(p, "review rejected") {
		t.Errorf("/appeal lacks the history:\n%s", p)
	}

	// Water returns it (bounce 2), then roads would send it on a third
	// time: supervision rules.
	e.do(rRespOther, waterChat, fmt.Sprintf("return %d not ours either", a.ID))
	e.do(rDispatcher, dispatchChat, fmt.Sprintf("approve %d", a.ID))
	if got = e.appeal(a.ID); got.Status != appeal.StatusReturned || got.Bounces != 2 {
		t.Fatalf("after the second bounce: %+v", got)
	}
	e.do(rDispatcher, dispatchChat, fmt.Sprintf("assign %d roads", a.ID))
	rep = e.do(rResp, roadsChat, fmt.Sprintf("return %d still not ours", a.ID))
	if !strings.Contains(lastText(rep), "until supervision's ruling decides") {
		t.Fatalf("third bounce: %+v", rep)
	}
	if got = e.appeal(a.ID); got.Review == nil || !got.Review.Supervision {
		t.Fatalf("third bounce not for supervision: %+v", got.Review)
	}
}

// A trusted department transfers at once.
func TestDirectTransfer(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	rep := e.do(rAdmin, privateChat("9006"), "dept set roads direct_transfer=on")
	if isError(rep) || !strings.Contains(lastText(rep), "Transfers without review: on") {
		t.Fatalf("dept set: %+v", rep)
	}
	a := e.intake("roads")
	rep = e.do(rResp, roadsChat, fmt.Sprintf("transfer %d water pipes", a.ID))
	if isError(rep) || e.appeal(a.ID).Department != "water" {
		t.Fatalf("trusted transfer: %+v %+v", rep, e.appeal(a.ID))
	}
	// Returns are still reviewed.
	b := e.intake("roads")
	e.do(rResp, roadsChat, fmt.Sprintf("return %d no", b.ID))
	if e.appeal(b.ID).Review == nil {
		t.Errorf("a trusted department's return went through without review")
	}
}

// Extensions: capped per appeal, a leader then (where set) dispatch.
func TestExtensionCapAndTwoSteps(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	e.do(rAdmin, privateChat("9006"), "dept set roads dispatch_extensions=on")
	a := e.intake("roads")
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
	// Ten working days in all: eleven are refused outright.
	rep := e.do(rResp, roadsChat, fmt.Sprintf("extend %d 11wd need a contractor", a.ID))
	if !strings.Contains(lastText(rep), "may be extended by") || e.appeal(a.ID).Extension != nil {
		t.Fatalf("past the cap: %+v", rep)
	}
	if rep := e.do(rResp, roadsChat, fmt.Sprintf("extend %d 6wd need a contractor", a.ID)); isError(rep) {
		t.Fatalf("within the cap: %+v", rep)
	}
	lead := privateChat(e.users[rLeader].ID)
	// Dispatch may not go first.
	if rep := e.do(rDispatcher, dispatchChat, fmt.Sprintf("approve %d extension", a.ID)); !strings.Contains(lastText(rep), "must approve the extension") {
		t.Errorf("dispatch first: %+v", rep)
	}
	rep = e.do(rLeader, lead, fmt.Sprintf("approve %d", a.ID))
	if !strings.Contains(lastText(rep), "now waits for dispatch") {
		t.Fatalf("leader: %+v", rep)
	}
	if rep := e.do(rLeader, lead, fmt.Sprintf("approve %d", a.ID)); !strings.Contains(lastText(rep), "decided by dispatchers") {
		t.Errorf("leader again: %+v", rep)
	}
	answerBy := e.appeal(a.ID).Deadlines.AnswerBy
	rep = e.do(rDispatcher, dispatchChat, fmt.Sprintf("approve %d", a.ID))
	if isError(rep) || !e.appeal(a.ID).Deadlines.AnswerBy.After(answerBy) || e.appeal(a.ID).Extension != nil {
		t.Fatalf("dispatch: %+v %+v", rep, e.appeal(a.ID))
	}
	// Six of ten days are used: five more are too many.
	rep = e.do(rResp, roadsChat, fmt.Sprintf("extend %d 5wd more", a.ID))
	if !strings.Contains(lastText(rep), "still possible") {
		t.Errorf("second extension past the cap: %+v", rep)
	}
}

// A leader assigns a person, by name or from a list with open counts.
func TestAssignPerson(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	a := e.intake("roads")
	lead := privateChat(e.users[rLeader].ID)
	rep := e.do(rLeader, lead, fmt.Sprintf("assign %d", a.ID))
	if isError(rep) || len(rep.Buttons) < 2 || !strings.Contains(rep.Buttons[0][0].Label, "(0)") {
		t.Fatalf("list: %+v", rep)
	}
	var ray string
	for _, row := range rep.Buttons {
		if strings.HasPrefix(row[0].Label, "Ray Roads") {
			ray = row[0].Data
		}
	}
	if ray == "" {
		t.Fatalf("Ray is not in the list: %+v", rep.Buttons)
	}
	rep = e.press(rLeader, lead, ray)
	if isError(rep) || e.appeal(a.ID).Assignee != e.ids[rResp2] || e.appeal(a.ID).Status != appeal.StatusClaimed {
		t.Fatalf("press: %+v %+v", rep, e.appeal(a.ID))
	}
	// By name; someone of another department is refused.
	if rep := e.do(rLeader, lead, fmt.Sprintf("assign %d @responder_other", a.ID)); !strings.Contains(lastText(rep), "is not a responder or leader of Roads") {
		t.Errorf("other department: %+v", rep)
	}
	if rep := e.do(rLeader, lead, fmt.Sprintf("assign %d @responder needs a local", a.ID)); isError(rep) || e.appeal(a.ID).Assignee != e.ids[rResp] {
		t.Errorf("by name: %+v", rep)
	}
	// The list counts what each holds.
	rep = e.do(rLeader, lead, fmt.Sprintf("assign %d", e.intake("roads").ID))
	found := false
	for _, row := range rep.Buttons {
		found = found || row[0].Label == "Rita Roads (1)"
	}
	if !found {
		t.Errorf("open counts: %+v", rep.Buttons)
	}
	// A responder may not.
	if rep := e.do(rResp, roadsChat, fmt.Sprintf("assign %d @responder2", a.ID)); !isError(rep) {
		t.Errorf("responder assigning: %+v", rep)
	}
}

// /reopen by a leader or dispatch: the appeal is worked again, counted.
func TestReopenCommand(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	a := e.intake("roads")
	e.act(a.ID, rResp, appeal.Command{Action: appeal.ActAnswer, Text: "fixed"})
	rep := e.do(rLeader, privateChat(e.users[rLeader].ID), fmt.Sprintf("reopen %d the hole is back", a.ID))
	if isError(rep) || !strings.Contains(lastText(rep), "reopen no. 1") {
		t.Fatalf("reopen: %+v", rep)
	}
	got := e.appeal(a.ID)
	if got.Status != appeal.StatusAssigned || got.Reopens != 1 {
		t.Fatalf("after reopen: %+v", got)
	}
	if rep := e.do(rDispatcher, dispatchChat, fmt.Sprintf("reopen %d again", a.ID)); !strings.Contains(lastText(rep), "cannot") {
		t.Errorf("reopen of an open appeal: %+v", rep)
	}
}

// The Assign button of an escalation lists the department's people to the
// leader who pressed it, privately; a press on a name gives them the
// appeal.
func TestAssignButton(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	a := e.intake("roads")
	rep := e.press(rLeader, roadsChat, render.ButtonData("assign", a.ID, ""))
	if isError(rep) || !rep.Private || len(rep.Buttons) == 0 || rep.Notice != "Sent to you in a private chat." {
		t.Fatalf("Assign button: %+v", rep)
	}
	rep = e.press(rLeader, privateChat(e.users[rLeader].ID), rep.Buttons[0][0].Data)
	if isError(rep) || !strings.Contains(rep.Notice, "is assigned to") || e.appeal(a.ID).Assignee == 0 {
		t.Fatalf("press on a name: %+v %+v", rep, e.appeal(a.ID))
	}
	// A responder's press is refused.
	if rep := e.press(rResp, roadsChat, render.ButtonData("assign", a.ID, "")); !isError(rep) {
		t.Errorf("responder's press: %+v", rep)
	}
}

// TestProcessRefusals: each refusal of the loop's transitions, as the
// person reads it.
func TestProcessRefusals(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	lead := privateChat(e.users[rLeader].ID)
	claimed := func() appeal.ID {
		a := e.intake("roads")
		e.act(a.ID, rResp, appeal.Command{Action: appeal.ActClaim})
		return a.ID
	}
	reviewed := func() appeal.ID {
		id := claimed()
		e.act(id, rResp, appeal.Command{Action: appeal.ActReturn, Text: "not ours", Review: true})
		return id
	}
	extended := func() appeal.ID {
		id := claimed()
		e.act(id, rResp, appeal.Command{Action: appeal.ActRequestExtension, Extension: appeal.CalendarSpan(3600e9), Text: "parts"})
		return id
	}
	cases := []struct {
		name  string
		setup func() appeal.ID
		role  string
		chat  Chat
		text  string
		want  string
	}{
		{"answer while a review waits", reviewed, rResp, roadsChat, "answer {id} done", "Appeal #{id} has a return or transfer waiting for review; wait for the decision."},
		{"extend while a review waits", reviewed, rResp, roadsChat, "extend {id} 1d parts", "Appeal #{id} has a return or transfer waiting for review; wait for the decision."},
		{"return while an extension waits", extended, rResp, roadsChat, "return {id} not ours", "Appeal #{id} already has an extension request waiting for a leader."},
		{"approve a review that is not there", claimed, rDispatcher, dispatchChat, "approve {id} review", "Appeal #{id} has no return or transfer waiting for review."},
		{"a leader decides a review", reviewed, rLeader, lead, "reject {id} no", "Returns and transfers are decided by dispatchers"},
		{"dispatch before the leader", extended, rDispatcher, dispatchChat, "approve {id}", "A leader of Roads (roads) must approve the extension of #{id} first."},
		{"assign who holds it", claimed, rLeader, lead, "assign {id} @responder", "#{id} is already held by Rita Roads."},
		{"assign one of another department", claimed, rLeader, lead, "assign {id} @responder_other", "is not a responder or leader of Roads (roads)."},
		{"assign a person an appeal at dispatch", func() appeal.ID { return e.intake("").ID }, rDispatcher, dispatchChat, "assign {id} @responder",
			"Appeal #{id} is unassigned; it cannot be assigned to a person."},
		{"reopen an open appeal", claimed, rLeader, lead, "reopen {id} again", "cannot be reopen"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := c.setup()
			r := strings.NewReplacer("{id}", fmt.Sprint(id))
			rep := e.do(c.role, c.chat, r.Replace(c.text))
			if !isError(rep) || !strings.Contains(lastText(rep), r.Replace(c.want)) {
				t.Errorf("got %q, want %q", lastText(rep), r.Replace(c.want))
			}
		})
	}
}
