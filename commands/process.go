package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// The 12345 loop's commands: decisions on returns, transfers, extensions
// and answers (/approve, /reject), assigning an appeal to a department or a
// person (/assign), and reopening (/reopen).

// reviewer names who decides review h: dispatch, or supervision past the
// bounce limit.
func (c *call) reviewer(h *appeal.Handoff) string {
	if h != nil && h.Supervision {
		return tr(c.lang, render.MsgReviewBySupervision, nil)
	}
	return tr(c.lang, render.MsgReviewByDispatch, nil)
}

// leader checks that a leader's decision on a came from a private chat or
// the department's chat, from a leader of the department.
func (c *call) leader(ctx context.Context, a appeal.Appeal) error {
	if a.Department == "" {
		return c.refuse(render.MsgNothingPending, kv{"id": a.ID})
	}
	if !c.roles.isLeader(a.Department) {
		return c.refuse(render.MsgNotLeader, kv{"dept": c.h.render.DeptName(ctx, a.Department), "id": a.ID})
	}
	if !c.r.Chat.Private {
		ok, err := c.inDeptChat(ctx, a.Department)
		if err != nil {
			return err
		}
		if !ok {
			return c.bad(render.MsgWrongChat, kv{"dept": c.h.render.DeptName(ctx, a.Department)})
		}
	}
	return nil
}

// reviewing checks that a decision of dispatch's (a return or transfer,
// an extension a leader approved) comes from a dispatcher, in the dispatch
// or the supervision chat or privately.
func (c *call) reviewing(ctx context.Context) error {
	if !c.roles.isDispatcher() {
		return c.refuse(render.MsgNotReviewer, nil)
	}
	if c.r.Chat.Private {
		return nil
	}
	for _, p := range []appeal.ChatPurpose{appeal.ChatDispatch, appeal.ChatSupervision} {
		bs, err := c.h.store.ChatBindings(ctx, p, "")
		if err != nil {
			return err
		}
		if slices.ContainsFunc(bs, c.bound) {
			return nil
		}
	}
	return c.refuse(render.MsgNotReviewer, nil)
}

// pendingKind decides what a decision is about: the kind asked for, or
// else what waits for the requester: a return or transfer for a
// dispatcher, then an answer, then an extension.
func (c *call) pendingKind(a appeal.Appeal, want string) (string, error) {
	answer := a.Status == appeal.StatusPendingApproval
	ext := a.Extension != nil
	review := a.Review != nil
	switch want {
	case render.PendingAnswer:
		if !answer {
			return "", c.refuse(render.MsgNoPendingAnswer, kv{"id": a.ID})
		}
	case render.PendingExtension:
		if !ext {
			return "", c.refuse(render.MsgNoPendingExtension, kv{"id": a.ID})
		}
	case render.PendingReview:
		if !review {
			return "", c.refuse(render.MsgNoPendingReview, kv{"id": a.ID})
		}
	case "":
		disp := c.roles.isDispatcher()
		switch {
		case review && disp:
			want = render.PendingReview
		case answer:
			want = render.PendingAnswer
		case ext:
			want = render.PendingExtension
		case review:
			want = render.PendingReview
		default:
			return "", c.refuse(render.MsgNothingPending, kv{"id": a.ID})
		}
	}
	return want, nil
}

// kindArg reads an optional "answer", "extension" or "review".
func (c *call) kindArg() (string, error) {
	w, ok := c.args.next()
	if !ok {
		return "", nil
	}
	switch strings.ToLower(w) {
	case render.PendingAnswer, "a", "答复":
		return render.PendingAnswer, nil
	case render.PendingExtension, "e", "ext", "延期":
		return render.PendingExtension, nil
	case render.PendingReview, "r", "return", "transfer", "审定", "退回", "转办":
		return render.PendingReview, nil
	}
	return "", c.bad(render.MsgBadKind, kv{"arg": w})
}

// decider checks that the requester may decide kind on a: a leader of its
// department for an answer and an extension's first step, a dispatcher
// for a review and an extension's second.
func (c *call) decider(ctx context.Context, a appeal.Appeal, kind string) (byDispatch bool, err error) {
	if kind == render.PendingReview || (kind == render.PendingExtension && a.Extension.AwaitsDispatch()) {
		return true, c.reviewing(ctx)
	}
	if kind == render.PendingExtension && !c.roles.isLeader(a.Department) && c.roles.isDispatcher() {
		// A dispatcher is not the first to decide.
		return false, c.refuse(render.MsgLeaderFirst, kv{"id": a.ID, "dept": c.h.render.DeptName(ctx, a.Department)})
	}
	return false, c.leader(ctx, a)
}

// mayDecide is the first gate of /approve and /reject: leaders of the
// appeal's department and dispatchers only, before anything of the appeal
// is told.
func (c *call) mayDecide(ctx context.Context, a appeal.Appeal) error {
	if c.roles.isDispatcher() || (a.Department != "" && c.roles.isLeader(a.Department)) {
		return nil
	}
	if a.Department == "" {
		return c.refuse(render.MsgNothingPending, kv{"id": a.ID})
	}
	return c.refuse(render.MsgNotLeader, kv{"dept": c.h.render.DeptName(ctx, a.Department), "id": a.ID})
}

// decidedKinds are, for each kind of prompt, the events that ask and those
// that decide.
var decidedKinds = map[string]struct{ ask, approve, reject []appeal.EventKind }{
	render.PendingAnswer:    {[]appeal.EventKind{appeal.EventAnswerSubmitted}, []appeal.EventKind{appeal.EventAnswered}, []appeal.EventKind{appeal.EventAnswerRejected}},
	render.PendingExtension: {[]appeal.EventKind{appeal.EventExtensionRequested}, []appeal.EventKind{appeal.EventExtensionApproved}, []appeal.EventKind{appeal.EventExtensionRejected}},
	render.PendingReview:    {[]appeal.EventKind{appeal.EventReviewRequested}, []appeal.EventKind{appeal.EventReturned, appeal.EventTransferred}, []appeal.EventKind{appeal.EventReviewRejected}},
}

// alreadyDecided is the refusal of a second press on a prompt of kind
// that was decided: who decided what and when. nil when nothing of kind
// was asked or it is still waiting (the caller says so as before).
func (c *call) alreadyDecided(ctx context.Context, a appeal.Appeal, kind string) error {
	k, ok := decidedKinds[kind]
	if !ok {
		return nil
	}
	_, events, err := c.h.svc.Appeal(ctx, a.ID)
	if err != nil {
		return err
	}
	asked := -1
	for i, e := range events {
		if slices.Contains(k.ask, e.Kind) {
			asked = i
		}
	}
	if asked < 0 {
		return nil
	}
	for _, e := range events[asked+1:] {
		approved := slices.Contains(k.approve, e.Kind)
		if approved || slices.Contains(k.reject, e.Kind) {
			return c.refuse(render.MsgAlreadyDecided, kv{"decision": render.HTML(c.h.render.Decision(c.nlang, approved)),
				"name": c.h.render.NameOf(ctx, e.Actor), "at": render.ShortTime(e.At, c.h.render.Location(ctx, e.Department))})
		}
	}
	return nil
}

// waiting is pendingKind, with who decided, when, what was asked for and
// is decided already (a second press on a closed prompt).
func (c *call) waiting(ctx context.Context, a appeal.Appeal, want string) (string, error) {
	kind, err := c.pendingKind(a, want)
	if err != nil {
		if derr := c.alreadyDecided(ctx, a, want); derr != nil {
			return "", derr
		}
	}
	return kind, err
}

func (c *call) approve(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if err := c.mayDecide(ctx, a); err != nil {
		return Reply{}, err
	}
	want, err := c.kindArg()
	if err != nil {
		return Reply{}, err
	}
	if !c.args.empty() {
		return Reply{}, c.bad(render.MsgTooManyArgs, nil)
	}
	kind, err := c.waiting(ctx, a, want)
	if err != nil {
		return Reply{}, err
	}
	byDispatch, err := c.decider(ctx, a, kind)
	if err != nil {
		return Reply{}, err
	}
	switch kind {
	case render.PendingAnswer:
		if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActApproveAnswer}); err != nil {
			return Reply{}, err
		}
		return reply("✅ " + tr(c.lang, render.MsgAnswerApproved, kv{"id": a.ID})), nil
	case render.PendingReview:
		if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActApproveReview}); err != nil {
			return Reply{}, err
		}
		return reply("✅ " + tr(c.lang, render.MsgReviewApproved, kv{"id": a.ID,
			"what": c.h.render.HandoffName(ctx, c.lang, a.Review.Kind, a.Review.To)})), nil
	}
	n, err := c.act(ctx, a, appeal.Command{Action: appeal.ActApproveExtension, ByDispatch: byDispatch})
	if err != nil {
		return Reply{}, err
	}
	if n.Extension.AwaitsDispatch() {
		return reply("☑️ " + tr(c.lang, render.MsgExtensionEndorsed, kv{"id": a.ID})), nil
	}
	loc := c.h.render.Location(ctx, n.Department)
	return reply("✅ " + tr(c.lang, render.MsgExtensionApproved, kv{"id": a.ID, "dur": render.Span(c.lang, a.Extension.Span),
		"due": render.Time(n.Deadlines.AnswerBy, loc)})), nil
}

func (c *call) reject(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if err := c.mayDecide(ctx, a); err != nil {
		return Reply{}, err
	}
	if c.r.Button {
		want, err := c.kindArg()
		if err != nil {
			return Reply{}, err
		}
		kind, err := c.waiting(ctx, a, want)
		if err != nil {
			return Reply{}, err
		}
		if _, err := c.decider(ctx, a, kind); err != nil {
			return Reply{}, err
		}
		return Reply{Notice: render.Plain(tr(c.nlang, render.MsgHowToReject, kv{"id": a.ID})), Alert: true, Silent: true}, nil
	}
	reason := c.args.rest()
	if reason == "" {
		return Reply{}, c.bad(render.MsgNeedReason, nil)
	}
	kind, err := c.pendingKind(a, "")
	if err != nil {
		return Reply{}, err
	}
	byDispatch, err := c.decider(ctx, a, kind)
	if err != nil {
		return Reply{}, err
	}
	switch kind {
	case render.PendingAnswer:
		if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActRejectAnswer, Text: reason}); err != nil {
			return Reply{}, err
		}
		return reply("↩️ " + tr(c.lang, render.MsgAnswerRejected, kv{"id": a.ID})), nil
	case render.PendingReview:
		if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActRejectReview, Text: reason}); err != nil {
			return Reply{}, err
		}
		return reply("↩️ " + tr(c.lang, render.MsgReviewRejected, kv{"id": a.ID,
			"what": c.h.render.HandoffName(ctx, c.lang, a.Review.Kind, a.Review.To), "dept": c.h.render.DeptName(ctx, a.Department)})), nil
	}
	if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActRejectExtension, Text: reason, ByDispatch: byDispatch}); err != nil {
		return Reply{}, err
	}
	return reply("↩️ " + tr(c.lang, render.MsgExtensionRejected, kv{"id": a.ID})), nil
}

// assign gives an appeal to a department (dispatch: /assign ID DEPT, or
// /assign ID alone for the router's suggestion to confirm) or to a person
// of its department (a leader or dispatcher: /assign ID @user, or /assign
// ID alone for a list of its responders to pick from).
func (c *call) assign(ctx context.Context) (Reply, error) {
	// Who is named after the appeal decides which it is; a department is
	// dispatch's business alone, checked before anything of the appeal.
	ahead := *c.args
	ahead.next()
	w := ahead.peek()
	person := strings.HasPrefix(w, "@") || strings.HasPrefix(w, render.MemberArg) || (w == "" && c.r.ReplyToUser != nil) || c.isUserID(ctx, w)
	if w != "" && !person {
		if err := c.dispatch(ctx); err != nil {
			return Reply{}, err
		}
	}
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if person || (w == "" && a.Department != "" && !a.Status.AtDispatch()) {
		return c.assignMember(ctx, a)
	}
	if err := c.dispatch(ctx); err != nil {
		return Reply{}, err
	}
	if w == "" && !c.r.Button {
		// An appeal at dispatch and no department: the router's top
		// suggestion, to confirm.
		return c.assignSuggested(ctx, a)
	}
	d, err := c.department(ctx)
	if err != nil {
		return Reply{}, err
	}
	if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActAssign, Department: d.Code, Text: c.args.rest()}); err != nil {
		return Reply{}, err
	}
	return reply("📨 " + tr(c.lang, render.MsgAssigned, kv{"id": a.ID, "dept": d.Name + " (" + d.Code + ")"})), nil
}

// isUserID reports whether w names a person rather than a department: a
// number that is no department's code.
func (c *call) isUserID(ctx context.Context, w string) bool {
	if _, err := strconv.ParseUint(w, 10, 64); err != nil {
		return false
	}
	_, err := c.h.store.Department(ctx, w)
	return errors.Is(err, appeal.ErrNotFound)
}

// assignMember gives a to a named responder of its department, or lists
// them to pick from.
func (c *call) assignMember(ctx context.Context, a appeal.Appeal) (Reply, error) {
	if a.Department == "" || a.Status.AtDispatch() {
		return Reply{}, c.illegal(a.ID, a.Status, appeal.ActAssignMember)
	}
	if !c.roles.isDispatcher() && !c.roles.isLeader(a.Department) {
		return Reply{}, c.refuse(render.MsgCannotAssignMember, kv{"id": a.ID, "dept": c.h.render.DeptName(ctx, a.Department)})
	}
	if !c.r.Chat.Private {
		here, err := c.inDeptChat(ctx, a.Department)
		if err == nil && !here && c.roles.isDispatcher() {
			here, err = c.inDispatchChat(ctx)
		}
		if err != nil {
			return Reply{}, err
		}
		if !here {
			return Reply{}, c.bad(render.MsgWrongChat, kv{"dept": c.h.render.DeptName(ctx, a.Department)})
		}
	}
	if c.args.empty() && c.r.ReplyToUser == nil {
		return c.assignList(ctx, a)
	}
	var m appeal.Member
	if w := c.args.peek(); strings.HasPrefix(w, render.MemberArg) {
		c.args.next()
		id, err := strconv.ParseInt(strings.TrimPrefix(w, render.MemberArg), 10, 64)
		if err == nil {
			m, err = c.h.store.Member(ctx, appeal.MemberID(id))
		}
		if err != nil {
			return Reply{}, c.bad(render.MsgNoUser, kv{"arg": w})
		}
	} else {
		var err error
		if m, err = c.user(ctx); err != nil {
			return Reply{}, err
		}
	}
	gs, err := c.h.store.Grants(ctx, m.ID)
	if err != nil {
		return Reply{}, err
	}
	if !slices.ContainsFunc(gs, func(g appeal.Grant) bool {
		return g.Department == a.Department && (g.Role == appeal.RoleResponder || g.Role == appeal.RoleLeader)
	}) {
		return Reply{}, c.refuse(render.MsgNotInDept, kv{"name": render.MemberName(m), "dept": c.h.render.DeptName(ctx, a.Department)})
	}
	if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActAssignMember, Member: m.ID, Text: c.args.rest()}); err != nil {
		return Reply{}, err
	}
	text := tr(c.lang, render.MsgMemberAssigned, kv{"id": a.ID, "name": render.MemberName(m)})
	if c.r.Button {
		return Reply{Notice: render.Plain(tr(c.nlang, render.MsgMemberAssigned, kv{"id": a.ID, "name": render.MemberName(m)})), Silent: true}, nil
	}
	return reply("📌 " + text), nil
}

// assignList offers the responders (and leaders) of a's department as
// buttons, each with how many appeals they hold; from a button it goes to
// the presser privately.
func (c *call) assignList(ctx context.Context, a appeal.Appeal) (Reply, error) {
	var people []appeal.Member
	seen := map[appeal.MemberID]bool{}
	for _, role := range []appeal.Role{appeal.RoleResponder, appeal.RoleLeader} {
		ms, err := c.h.store.DepartmentMembers(ctx, a.Department, role)
		if err != nil {
			return Reply{}, err
		}
		for _, m := range ms {
			if !seen[m.ID] {
				seen[m.ID] = true
				people = append(people, m)
			}
		}
	}
	dept := c.h.render.DeptName(ctx, a.Department)
	if len(people) == 0 {
		return Reply{}, c.refuse(render.MsgNoResponders, kv{"dept": dept})
	}
	open, err := c.h.store.OpenByAssignee(ctx, a.Department)
	if err != nil {
		return Reply{}, err
	}
	lang := c.lang
	if c.r.Button {
		lang = c.plang
	}
	var rows [][]render.Button
	for _, m := range people {
		if m.ID == a.Assignee {
			continue
		}
		rows = append(rows, []render.Button{{Label: fmt.Sprintf("%s (%d)", render.MemberName(m), open[m.ID]),
			Data: render.AssignButtonData(a.ID, m.ID)}})
	}
	if len(rows) == 0 {
		return Reply{}, c.refuse(render.MsgNoResponders, kv{"dept": dept})
	}
	rep := Reply{Rendered: Rendered{HTML: "📌 " + tr(lang, render.MsgAssignWho, kv{"id": a.ID, "dept": dept}), Buttons: rows}, Private: c.r.Button}
	if c.r.Button && !c.r.Chat.Private {
		rep.Notice = render.Plain(tr(c.nlang, render.MsgSentPrivately, nil))
	}
	return rep, nil
}

// reopen is 重办: a dispatcher or a leader of its department sends an
// answered or closed appeal back to work, with a reason.
func (c *call) reopen(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	switch {
	case c.roles.isDispatcher():
		if err := c.dispatch(ctx); err != nil {
			return Reply{}, err
		}
	case a.Department != "" && c.roles.isLeader(a.Department):
		if err := c.leader(ctx, a); err != nil {
			return Reply{}, err
		}
	default:
		return Reply{}, c.refuse(render.MsgOnlyRoles, kv{"roles": render.RolesText(c.lang, deciders), "cmd": c.row.display()})
	}
	reason := c.args.rest()
	if reason == "" {
		return Reply{}, c.bad(render.MsgNeedReason, nil)
	}
	n, err := c.act(ctx, a, appeal.Command{Action: appeal.ActReopen, Text: reason})
	if err != nil {
		return Reply{}, err
	}
	return reply("🔁 " + tr(c.lang, render.MsgReopenedDone, kv{"id": a.ID, "n": n.Reopens})), nil
}
