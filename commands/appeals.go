package commands

import (
	"context"
	"errors"
	"strings"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// target reads the appeal number from the arguments and loads the appeal.
// An appeal the requester may not see is, to them, no appeal at all: the
// reply is the same as for a number that does not exist, so that it tells
// nothing of it (that it exists, its department, its status). Every check
// after this one is made for people who may see the appeal.
func (c *call) target(ctx context.Context) (appeal.Appeal, error) {
	w, ok := c.args.next()
	if !ok {
		return appeal.Appeal{}, c.bad(render.MsgNeedID, nil)
	}
	id, ok := parseID(w)
	if !ok {
		return appeal.Appeal{}, c.bad(render.MsgBadID, kv{"arg": w})
	}
	a, err := c.h.store.Appeal(ctx, id)
	if errors.Is(err, appeal.ErrNotFound) || (err == nil && !c.sees(a)) {
		return appeal.Appeal{}, c.bad(render.MsgNoAppeal, kv{"id": id})
	}
	return a, err
}

// sees reports whether the requester may know of a at all: dispatchers
// and admins see every appeal, responders and leaders their department's.
func (c *call) sees(a appeal.Appeal) bool {
	return c.roles.isDispatcher() || c.roles.canRespond(a.Department)
}

// department reads a department code from the arguments and loads it.
func (c *call) department(ctx context.Context) (appeal.Department, error) {
	w, ok := c.args.next()
	if !ok {
		return appeal.Department{}, c.bad(render.MsgNeedDept, nil)
	}
	code, ok := appeal.NormalizeCode(w)
	if !ok {
		return appeal.Department{}, c.bad(render.MsgNoDept, kv{"code": w})
	}
	d, err := c.h.store.Department(ctx, code)
	if errors.Is(err, appeal.ErrNotFound) {
		return appeal.Department{}, c.bad(render.MsgNoDept, kv{"code": w})
	}
	return d, err
}

// illegal says that a cannot undergo act in its status.
func (c *call) illegal(id appeal.ID, st appeal.Status, act appeal.Action) error {
	return c.refuse(render.MsgIllegal, kv{"id": id, "status": render.StatusName(c.lang, st), "verb": render.ActionName(c.lang, act)})
}

// responder checks that the request may do a responder action on a: by
// one of its department's responders or leaders, from its chat or from
// their private chat with the bot. Who may and where come first, what the
// appeal is after.
func (c *call) responder(ctx context.Context, a appeal.Appeal, act appeal.Action) error {
	if a.Department == "" {
		return c.illegal(a.ID, a.Status, act)
	}
	if !c.roles.canRespond(a.Department) {
		return c.refuse(render.MsgNotResponder, kv{"dept": c.h.render.DeptName(ctx, a.Department), "id": a.ID})
	}
	if c.r.Chat.Private {
		// A private chat is the member's own: their roles are the whole
		// check, as they are for a leader's decisions.
		return nil
	}
	ok, err := c.inDeptChat(ctx, a.Department)
	if err != nil {
		return err
	}
	if !ok {
		return c.bad(render.MsgWrongChat, kv{"dept": c.h.render.DeptName(ctx, a.Department)})
	}
	return nil
}

// force lets a leader act on an appeal someone else holds.
func (c *call) force(a appeal.Appeal) bool {
	return a.Assignee != 0 && a.Assignee != c.me.ID && c.roles.isLeader(a.Department)
}

// act runs cmd on a through the service and turns a refusal of the domain
// into a reply.
func (c *call) act(ctx context.Context, a appeal.Appeal, cmd appeal.Command) (appeal.Appeal, error) {
	cmd.Actor = c.me.ID
	n, err := c.h.svc.Act(ctx, a.ID, cmd)
	if err == nil {
		return n, nil
	}
	var ce *appeal.ClaimedError
	var te *appeal.TransitionError
	switch {
	case errors.As(err, &ce):
		if cmd.Action == appeal.ActClaim {
			return n, c.refuse(render.MsgAlreadyClaimed, kv{"id": a.ID, "name": c.h.render.NameOf(ctx, ce.By)})
		}
		return n, c.refuse(render.MsgClaimedBy, kv{"id": a.ID, "name": c.h.render.NameOf(ctx, ce.By)})
	case errors.As(err, &te):
		if te.Action == appeal.ActClaim && te.From == appeal.StatusClaimed {
			return n, c.refuse(render.MsgYouClaimed, kv{"id": a.ID})
		}
		return n, c.illegal(a.ID, te.From, te.Action)
	case errors.Is(err, appeal.ErrIllegalTransition):
		return n, c.illegal(a.ID, a.Status, cmd.Action)
	case errors.Is(err, appeal.ErrNotAssignee):
		cur, rerr := c.h.store.Appeal(ctx, a.ID)
		if rerr != nil {
			cur = a
		}
		return n, c.refuse(render.MsgNotAssignee, kv{"id": a.ID, "name": c.h.render.NameOf(ctx, cur.Assignee),
			"dept": c.h.render.DeptName(ctx, cur.Department)})
	case errors.Is(err, appeal.ErrSameDepartment):
		if cmd.Action == appeal.ActAssign {
			return n, c.refuse(render.MsgReturnedBy, kv{"id": a.ID, "dept": c.h.render.DeptName(ctx, cmd.Department)})
		}
		return n, c.refuse(render.MsgSameDept, kv{"id": a.ID, "dept": c.h.render.DeptName(ctx, cmd.Department)})
	case errors.Is(err, appeal.ErrTextRequired):
		return n, c.bad(textKey(cmd.Action), nil)
	case errors.Is(err, appeal.ErrDepartmentRequired):
		return n, c.bad(render.MsgNeedDept, nil)
	case errors.Is(err, appeal.ErrReviewPending):
		return n, c.refuse(render.MsgReviewPending, kv{"id": a.ID})
	case errors.Is(err, appeal.ErrNoReviewPending):
		return n, c.refuse(render.MsgNoPendingReview, kv{"id": a.ID})
	case errors.Is(err, appeal.ErrExtensionCap):
		var ce *appeal.CapError
		errors.As(err, &ce)
		capText := render.WorkTime(c.lang, ce.Cap, ce.WorkDay)
		if ce.CapSpan != (appeal.Span{}) {
			capText = render.Span(c.lang, ce.CapSpan)
		}
		return n, c.refuse(render.MsgExtensionCap, kv{"id": a.ID, "cap": capText, "left": render.WorkTime(c.lang, ce.Left, ce.WorkDay)})
	case errors.Is(err, appeal.ErrLeaderFirst):
		return n, c.refuse(render.MsgLeaderFirst, kv{"id": a.ID, "dept": c.h.render.DeptName(ctx, a.Department)})
	case errors.Is(err, appeal.ErrAwaitsDispatch):
		return n, c.refuse(render.MsgAwaitsDispatch, kv{"id": a.ID})
	case errors.Is(err, appeal.ErrAlreadyAssignee):
		return n, c.refuse(render.MsgAlreadyAssignee, kv{"id": a.ID, "name": c.h.render.NameOf(ctx, cmd.Member)})
	case errors.Is(err, appeal.ErrExtensionPending):
		return n, c.refuse(render.MsgExtensionPending, kv{"id": a.ID})
	case errors.Is(err, appeal.ErrNoExtensionPending):
		return n, c.refuse(render.MsgNoPendingExtension, kv{"id": a.ID})
	case errors.Is(err, appeal.ErrBadExtension):
		return n, c.bad(render.MsgBadDuration, kv{"arg": cmd.Extension.String(),
			"why": render.HTML(render.SpanProblem(c.lang, cmd.Extension.Validate())), "units": render.HTML(render.SpanUnits(c.lang))})
	case errors.Is(err, appeal.ErrNotFound):
		if _, derr := c.h.store.Appeal(ctx, a.ID); errors.Is(derr, appeal.ErrNotFound) {
			return n, c.bad(render.MsgNoAppeal, kv{"id": a.ID})
		}
		return n, c.bad(render.MsgNoDept, kv{"code": cmd.Department})
	}
	return n, err
}

// textKey is the message for text missing from an action.
func textKey(act appeal.Action) render.Key {
	switch act {
	case appeal.ActAnswer:
		return render.MsgNeedAnswer
	case appeal.ActClose:
		return render.MsgNeedResult
	}
	return render.MsgNeedReason
}

func (c *call) claim(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if err := c.responder(ctx, a, appeal.ActClaim); err != nil {
		return Reply{}, err
	}
	if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActClaim}); err != nil {
		return Reply{}, err
	}
	return Reply{
		Rendered: Rendered{HTML: "✅ " + tr(c.lang, render.MsgClaimed, kv{"id": a.ID, "name": render.MemberName(c.me)})},
		Notice:   render.Plain(tr(c.nlang, render.MsgClaimedNotice, kv{"id": a.ID})),
	}, nil
}

func (c *call) unclaim(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if err := c.responder(ctx, a, appeal.ActUnclaim); err != nil {
		return Reply{}, err
	}
	if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActUnclaim, Force: c.force(a), Text: c.args.rest()}); err != nil {
		return Reply{}, err
	}
	return reply(tr(c.lang, render.MsgUnclaimed, kv{"id": a.ID})), nil
}

func (c *call) answer(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if err := c.responder(ctx, a, appeal.ActAnswer); err != nil {
		return Reply{}, err
	}
	if c.r.Button && c.r.Chat.Private {
		// In the member's own chat the press asks for the text: the
		// client opens a reply to the prompt, and the reply is the answer.
		if a.Status != appeal.StatusAssigned && a.Status != appeal.StatusClaimed {
			return Reply{}, c.illegal(a.ID, a.Status, appeal.ActAnswer)
		}
		if a.Status == appeal.StatusClaimed && a.Assignee != c.me.ID && !c.force(a) {
			return Reply{}, c.refuse(render.MsgClaimedBy, kv{"id": a.ID, "name": c.h.render.NameOf(ctx, a.Assignee)})
		}
		// No notice: the prompt is the answer to the press, and a network
		// that shows notices as messages (Matrix) would show a second
		// prompt that a reply to could not answer.
		return Reply{Rendered: Rendered{HTML: tr(c.lang, render.MsgAnswerPrompt, kv{"id": a.ID}), ForceReply: true},
			Private: true, AnswerFor: a.ID}, nil
	}
	if c.r.Button {
		return Reply{Notice: render.Plain(tr(c.nlang, render.MsgHowToAnswer, kv{"id": a.ID})), Alert: true, Silent: true}, nil
	}
	text := c.args.rest()
	if text == "" {
		return Reply{}, c.bad(render.MsgNeedAnswer, nil)
	}
	n, err := c.act(ctx, a, appeal.Command{Action: appeal.ActAnswer, Text: text, Force: c.force(a), Attachments: c.r.Attachments})
	if err != nil {
		return Reply{}, err
	}
	if n.Status == appeal.StatusPendingApproval {
		return reply("⏳ " + tr(c.lang, render.MsgAnswerPending, kv{"id": a.ID})), nil
	}
	return reply("✅ " + tr(c.lang, render.MsgAnswered, kv{"id": a.ID})), nil
}

func (c *call) ret(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if err := c.responder(ctx, a, appeal.ActReturn); err != nil {
		return Reply{}, err
	}
	if c.r.Button {
		return Reply{Notice: render.Plain(tr(c.nlang, render.MsgHowToReturn, kv{"id": a.ID})), Alert: true, Silent: true}, nil
	}
	reason := c.args.rest()
	if reason == "" {
		return Reply{}, c.bad(render.MsgNeedReason, nil)
	}
	n, err := c.act(ctx, a, appeal.Command{Action: appeal.ActReturn, Text: reason, Force: c.force(a), Review: true})
	if err != nil {
		return Reply{}, err
	}
	if n.Review != nil {
		return reply("⏸ " + tr(c.lang, render.MsgReturnAsked, kv{"id": a.ID, "dept": c.h.render.DeptName(ctx, a.Department),
			"by": c.reviewer(n.Review)})), nil
	}
	return reply("↩️ " + tr(c.lang, render.MsgReturnedDone, kv{"id": a.ID})), nil
}

func (c *call) transfer(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if err := c.responder(ctx, a, appeal.ActTransfer); err != nil {
		return Reply{}, err
	}
	d, err := c.department(ctx)
	if err != nil {
		return Reply{}, err
	}
	reason := c.args.rest()
	if reason == "" {
		return Reply{}, c.bad(render.MsgNeedReason, nil)
	}
	// A trusted department transfers without review (the bounce limit
	// aside); every other transfer waits for dispatch.
	review := true
	if own, err := c.h.store.Department(ctx, a.Department); err == nil && own.DirectTransfer {
		review = false
	}
	n, err := c.act(ctx, a, appeal.Command{Action: appeal.ActTransfer, Department: d.Code, Text: reason, Force: c.force(a), Review: review})
	if err != nil {
		return Reply{}, err
	}
	if n.Review != nil {
		return reply("⏸ " + tr(c.lang, render.MsgTransferAsked, kv{"id": a.ID, "to": d.Name + " (" + d.Code + ")",
			"dept": c.h.render.DeptName(ctx, a.Department), "by": c.reviewer(n.Review)})), nil
	}
	return reply("➡️ " + tr(c.lang, render.MsgTransferred, kv{"id": a.ID, "dept": d.Name + " (" + d.Code + ")"})), nil
}

func (c *call) extend(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if err := c.responder(ctx, a, appeal.ActRequestExtension); err != nil {
		return Reply{}, err
	}
	w, ok := c.args.next()
	if !ok {
		return Reply{}, c.bad(render.MsgNeedDuration, nil)
	}
	d, err := readSpan(w)
	if err != nil {
		return Reply{}, c.bad(render.MsgBadDuration, kv{"arg": w,
			"why": render.HTML(render.SpanProblem(c.lang, err)), "units": render.HTML(render.SpanUnits(c.lang))})
	}
	reason := c.args.rest()
	if reason == "" {
		return Reply{}, c.bad(render.MsgNeedReason, nil)
	}
	if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActRequestExtension, Extension: d, Text: reason}); err != nil {
		return Reply{}, err
	}
	return reply("⏳ " + tr(c.lang, render.MsgExtensionAsked, kv{"id": a.ID, "dur": render.Span(c.lang, d),
		"dept": c.h.render.DeptName(ctx, a.Department)})), nil
}

// dispatch checks that a dispatcher's command came from the dispatch chat
// or a private chat.
func (c *call) dispatch(ctx context.Context) error {
	if !c.roles.isDispatcher() {
		return c.refuse(render.MsgOnlyRoles, kv{"roles": render.RolesText(c.lang, dispatchers), "cmd": c.row.display()})
	}
	if c.r.Chat.Private {
		return nil
	}
	ok, err := c.inDispatchChat(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return c.bad(render.MsgNotDispatchChat, nil)
	}
	return nil
}

func (c *call) close(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	switch a.Status {
	case appeal.StatusAnswered:
		err = c.responder(ctx, a, appeal.ActClose)
	case appeal.StatusUnassigned, appeal.StatusReturned:
		err = c.dispatch(ctx)
	default:
		err = c.illegal(a.ID, a.Status, appeal.ActClose)
	}
	if err != nil {
		return Reply{}, err
	}
	// A department says whether the matter was resolved (the default) by
	// the result's first word; dispatch closes carry no resolution.
	var res appeal.Resolution
	if a.Status == appeal.StatusAnswered {
		switch strings.ToLower(c.args.peek()) {
		case "resolved", "已解决":
			res = appeal.Resolved
			c.args.next()
		case "unresolved", "未解决":
			res = appeal.Unresolved
			c.args.next()
		}
	}
	result := c.args.rest()
	if result == "" {
		return Reply{}, c.bad(render.MsgNeedResult, nil)
	}
	if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActClose, Text: result, Resolution: res}); err != nil {
		return Reply{}, err
	}
	return reply("✅ " + tr(c.lang, render.MsgClosed, kv{"id": a.ID})), nil
}

// assignSuggested is /assign ID without a department: it proposes the
// router's top department with a button that assigns it, so that nothing
// is assigned on a guess without a person confirming it.
func (c *call) assignSuggested(ctx context.Context, a appeal.Appeal) (Reply, error) {
	sg, err := c.h.svc.Suggestions(ctx, a)
	if err != nil {
		return Reply{}, err
	}
	if len(sg) == 0 {
		return Reply{}, c.bad(render.MsgAssignNoSuggestion, kv{"id": a.ID})
	}
	top := sg[0]
	name := c.h.render.DeptName(ctx, top.Department)
	rep := reply("💡 " + tr(c.lang, render.MsgAssignConfirm, kv{"id": a.ID, "dept": name, "pct": render.Percent(top.Confidence)}))
	rep.Buttons = [][]Button{{{Label: tr(c.lang, render.MsgBtnAssignTo, kv{"dept": name}), Data: render.AssignButton(a.ID, top.Department)}}}
	return rep, nil
}

// details shows everything about one appeal. From a button it goes to the
// presser privately, so that a group is not flooded.
func (c *call) details(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if !c.r.Chat.Private {
		here, err := c.inDeptChat(ctx, a.Department)
		if err != nil {
			return Reply{}, err
		}
		if !here {
			if here, err = c.inDispatchChat(ctx); err != nil {
				return Reply{}, err
			}
		}
		if !here {
			if a.Department == "" {
				return Reply{}, c.bad(render.MsgNotDispatchChat, nil)
			}
			return Reply{}, c.bad(render.MsgWrongChat, kv{"dept": c.h.render.DeptName(ctx, a.Department)})
		}
	}
	private := c.r.Chat.Private || c.r.Button
	lang := c.lang
	if private {
		lang = c.plang
	}
	full := private && (a.Assignee == c.me.ID || c.roles.isLeader(a.Department) || c.roles.isDispatcher())
	if full {
		// Reading the full contact details is worth a line in the log.
		c.h.log.Info("appeal contact shown", "appeal_id", int64(a.ID), "member_id", int64(c.me.ID))
	}
	_, events, err := c.h.svc.Appeal(ctx, a.ID)
	if err != nil {
		return Reply{}, err
	}
	r, err := c.h.render.Details(ctx, a, events, lang, c.now, full)
	if err != nil {
		return Reply{}, err
	}
	// A press always gets the details as a message of their own, in
	// private: in a group so as not to flood it, and in a private chat
	// because a press only ever gets a notice otherwise.
	rep := Reply{Rendered: r, Private: c.r.Button}
	if c.r.Button && !c.r.Chat.Private {
		rep.Notice = render.Plain(tr(c.nlang, render.MsgSentPrivately, nil))
	}
	return rep, nil
}

// reply is a plain reply with HTML h.
func reply(h string) Reply { return Reply{Rendered: Rendered{HTML: h}} }
