package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Texts of the reminder scan: merged reminders and escalations, the
// supervision chat's binding, the card's overdue mark and the events.
const (
	msgRemindTitle         msgKey = "remind_title"
	msgEscalateTitle       msgKey = "escalate_title"
	msgSuperviseTitle      msgKey = "supervise_title"
	msgRemindMore          msgKey = "remind_more"
	msgStageClaimNudge     msgKey = "stage_claim_nudge"
	msgStageClaimOverdue   msgKey = "stage_claim_overdue"
	msgStageAnswer50       msgKey = "stage_answer_50"
	msgStageAnswer80       msgKey = "stage_answer_80"
	msgStageAnswerOverdue  msgKey = "stage_answer_overdue"
	msgStageSupervision    msgKey = "stage_supervision"
	msgBtnReassign         msgKey = "btn_reassign"
	msgCardOverdue         msgKey = "card_overdue"
	msgEvReminded          msgKey = "ev_reminded"
	msgEvEscalated         msgKey = "ev_escalated"
	msgEvReminderSkipped   msgKey = "ev_reminder_skipped"
	msgSupervisionBound    msgKey = "supervision_bound"
	msgSupervisionUnbound  msgKey = "supervision_unbound"
	msgNotSupervisionHere  msgKey = "not_supervision_here"
	msgHelpSupervisionBind msgKey = "help_supervision_bind"
	msgHelpSupervisionUnb  msgKey = "help_supervision_unbind"
	msgMenuSupervision     msgKey = "menu_supervision"
	msgHelpReassign        msgKey = "help_reassign"
	msgReassignNotLeader   msgKey = "reassign_not_leader"
)

var _ = addTexts(map[msgKey]text{
	msgRemindTitle:        {zh: "⏰ <b>{dept}</b>：{n} 件诉求需要处理", en: "⏰ <b>{dept}</b>: {n} appeals need attention"},
	msgEscalateTitle:      {zh: "🚨 <b>{dept}</b>：{n} 件诉求已超时，请领导处理", en: "🚨 <b>{dept}</b>: {n} appeals are past their deadline"},
	msgSuperviseTitle:     {zh: "🚨 督办：{n} 件诉求超期未答复", en: "🚨 Supervision: {n} appeals long overdue"},
	msgRemindMore:         {zh: "……还有 {n} 件", en: "…and {n} more"},
	msgStageClaimNudge:    {zh: "尚未认领", en: "not claimed yet"},
	msgStageClaimOverdue:  {zh: "认领已超时", en: "claim deadline missed"},
	msgStageAnswer50:      {zh: "答复时限已过半", en: "half of the answer time used"},
	msgStageAnswer80:      {zh: "答复时限已过 80%", en: "80% of the answer time used"},
	msgStageAnswerOverdue: {zh: "答复已超期", en: "answer deadline missed"},
	msgStageSupervision:   {zh: "超期未答复，已报督办", en: "long overdue, escalated to supervision"},
	msgBtnReassign:        {zh: "改派 #{id}", en: "Reassign #{id}"},
	msgCardOverdue:        {zh: "⚠️ 已超期", en: "⚠️ Overdue"},
	msgEvReminded:         {zh: "已提醒", en: "reminded"},
	msgEvEscalated:        {zh: "已升级", en: "escalated"},
	msgEvReminderSkipped:  {zh: "提醒已跳过", en: "reminder skipped"},
	msgSupervisionBound:   {zh: "本群已设为督办群：超期诉求将在此通报。", en: "This chat is now the supervision chat: long-overdue appeals are reported here."},
	msgSupervisionUnbound: {zh: "本群不再是督办群；督办通报改发调度群。", en: "This chat is no longer the supervision chat; reports go to the dispatch chat."},
	msgNotSupervisionHere: {zh: "本群不是督办群。", en: "This chat is not the supervision chat."},
	msgHelpSupervisionBind: {zh: "将本群设为督办群（接收超期升级）",
		en: "make this chat the supervision chat (receives overdue escalations)"},
	msgHelpSupervisionUnb: {zh: "取消本群的督办群设置", en: "stop using this chat as the supervision chat"},
	msgMenuSupervision:    {zh: "督办群设置", en: "supervision chat settings"},
	msgHelpReassign: {zh: "（领导）收回已认领的诉求，交部门重新认领",
		en: "(leaders) take a claimed appeal back so that the department can claim it again"},
	msgReassignNotLeader: {zh: "只有{dept}的领导可以改派诉求 #{id}。", en: "Only leaders of {dept} may reassign appeal #{id}."},
})

var _ = register(
	row{name: "reassign", usage: "/reassign ID [REASON]", help: msgHelpReassign, roles: leaders, run: (*call).reassign},
	row{name: "supervision", sub: "bind", usage: "/supervision bind", help: msgHelpSupervisionBind, roles: admins, run: (*call).supervisionBind},
	row{name: "supervision", sub: "unbind", usage: "/supervision unbind", help: msgHelpSupervisionUnb, roles: admins, run: (*call).supervisionUnbind},
)

var _ = func() bool { menuHelp["supervision"] = msgMenuSupervision; return true }()

// reassign is the escalation's button: a leader takes a claimed appeal
// from its assignee (unclaim with Force), from a private chat or the
// department's chat.
func (c *call) reassign(ctx context.Context) (Reply, error) {
	a, err := c.target(ctx)
	if err != nil {
		return Reply{}, err
	}
	if a.Department == "" || !c.roles.isLeader(a.Department) {
		return Reply{}, c.refuse(msgReassignNotLeader, kv{"dept": c.h.deptName(ctx, a.Department), "id": a.ID})
	}
	if !c.r.Chat.Private {
		ok, err := c.inDeptChat(ctx, a.Department)
		if err != nil {
			return Reply{}, err
		}
		if !ok {
			return Reply{}, c.bad(msgWrongChat, kv{"dept": c.h.deptName(ctx, a.Department)})
		}
	}
	if _, err := c.act(ctx, a, appeal.Command{Action: appeal.ActUnclaim, Force: true, Text: c.args.rest()}); err != nil {
		return Reply{}, err
	}
	return reply(tr(c.lang, msgUnclaimed, kv{"id": a.ID})), nil
}

func (c *call) supervisionBind(ctx context.Context) (Reply, error) {
	if c.r.Chat.Private {
		return Reply{}, c.bad(msgBindInGroup, nil)
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	if err := c.h.store.BindChat(ctx, appeal.ChatBinding{Purpose: appeal.ChatSupervision,
		Network: c.r.Network, ChatID: c.r.Chat.ID, TopicID: c.r.Chat.TopicID}); err != nil {
		return Reply{}, err
	}
	return reply("🔗 " + tr(c.lang, msgSupervisionBound, nil)), nil
}

func (c *call) supervisionUnbind(ctx context.Context) (Reply, error) {
	if c.r.Chat.Private {
		return Reply{}, c.bad(msgBindInGroup, nil)
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	b, err := c.binding(ctx, appeal.ChatSupervision, "")
	if err != nil {
		return Reply{}, err
	}
	if b == nil {
		return Reply{}, c.refuse(msgNotSupervisionHere, nil)
	}
	if err := c.h.store.UnbindChat(ctx, *b); err != nil && !errors.Is(err, appeal.ErrNotFound) {
		return Reply{}, err
	}
	return reply("✅ " + tr(c.lang, msgSupervisionUnbound, nil)), nil
}

func stageKey(s appeal.Stage) msgKey {
	switch s {
	case appeal.StageClaimNudge:
		return msgStageClaimNudge
	case appeal.StageClaimOverdue:
		return msgStageClaimOverdue
	case appeal.StageAnswer50:
		return msgStageAnswer50
	case appeal.StageAnswer80:
		return msgStageAnswer80
	case appeal.StageAnswerOverdue:
		return msgStageAnswerOverdue
	case appeal.StageSupervision:
		return msgStageSupervision
	}
	return ""
}

// reminderEventKey is the text of the scan's event kinds, "" for others.
func reminderEventKey(k appeal.EventKind) msgKey {
	switch k {
	case appeal.EventReminded:
		return msgEvReminded
	case appeal.EventEscalated:
		return msgEvEscalated
	case appeal.EventReminderSkipped:
		return msgEvReminderSkipped
	}
	return ""
}

// eventNote is what /appeal shows after an event: the stage, in lang, for
// the scan's events, the note as written for the others.
func eventNote(lang string, e appeal.Event) string {
	if reminderEventKey(e.Kind) != "" {
		if k := stageKey(appeal.Stage(e.Note)); k != "" {
			return tr(lang, k, nil)
		}
	}
	return withOutcome(lang, e, oneLine(e.Note))
}

// overdueMark is the card's line for an appeal past its answer deadline.
func overdueMark(a appeal.Appeal, lang string, now time.Time) string {
	switch a.Status {
	case appeal.StatusAssigned, appeal.StatusClaimed, appeal.StatusPendingApproval:
		if d := a.Deadlines.AnswerBy; !d.IsZero() && now.After(d) {
			return tr(lang, msgCardOverdue, nil)
		}
	}
	return ""
}

// maxReminderButtons keeps an escalation's keyboard usable: one row of
// two buttons per appeal, for the first appeals only.
const maxReminderButtons = 10

// renderReminder renders a merged reminder, escalation or supervision
// message: a title, then one line per appeal with its stage (and, in a
// department's chat, a mention of the assignee), cut with "…and N more"
// to fit one message. Appeals that moved on since are still listed as
// they are now.
func (h *Handler) renderReminder(ctx context.Context, m appeal.Message, lang string, now time.Time) (Rendered, error) {
	lang = h.lang(lang)
	items, err := appeal.DecodeItems(m.Args[appeal.ArgItems])
	if err != nil {
		return Rendered{}, fmt.Errorf("commands: render %s: %w", m.Kind, err)
	}
	var head string
	switch m.Kind {
	case appeal.MsgReminder:
		head = tr(lang, msgRemindTitle, kv{"dept": h.deptName(ctx, m.To.Ref), "n": len(items)})
	case appeal.MsgEscalation:
		head = tr(lang, msgEscalateTitle, kv{"dept": h.deptName(ctx, m.To.Ref), "n": len(items)})
	default:
		head = tr(lang, msgSuperviseTitle, kv{"n": len(items)})
	}
	lines := []string{head}
	size := runes(head)
	var buttons [][]Button
	for i, it := range items {
		a, err := h.store.Appeal(ctx, it.Appeal)
		if err != nil {
			return Rendered{}, fmt.Errorf("commands: render %s: appeal %d: %w", m.Kind, it.Appeal, err)
		}
		loc := h.location(ctx, a.Department)
		line := fmt.Sprintf("• <b>#%d</b> %s — %s", a.ID, escCut(oneLine(a.Title), 40), tr(lang, stageKey(it.Stage), nil))
		if m.Kind == appeal.MsgSupervision && a.Department != "" {
			line += " · " + esc(h.deptName(ctx, a.Department))
		}
		if d := a.Deadlines.AnswerBy; !d.IsZero() && it.Stage != appeal.StageClaimNudge && it.Stage != appeal.StageClaimOverdue {
			line += " ⏰" + fmtShortTime(d, loc)
		} else if d := a.Deadlines.ClaimBy; !d.IsZero() {
			line += " ⏰" + fmtShortTime(d, loc)
		}
		if a.Assignee != 0 {
			line += " · " + esc(h.mention(ctx, a.Assignee))
		}
		more := "\n" + tr(lang, msgRemindMore, kv{"n": len(items) - i})
		if size+1+runes(line)+runes(more) > MaxText {
			lines = append(lines, strings.TrimPrefix(more, "\n"))
			break
		}
		lines = append(lines, line)
		size += 1 + runes(line)
		if m.Kind == appeal.MsgEscalation && len(buttons) < maxReminderButtons {
			row := []Button{{Label: tr(lang, msgBtnDetails, nil) + " #" + fmt.Sprint(a.ID), Data: buttonData("appeal", a.ID, "")}}
			if a.Status == appeal.StatusClaimed {
				row = append([]Button{{Label: tr(lang, msgBtnReassign, kv{"id": a.ID}), Data: buttonData("reassign", a.ID, "")}}, row...)
			}
			buttons = append(buttons, row)
		}
	}
	return Rendered{HTML: limitHTML(strings.Join(lines, "\n")), Buttons: buttons}, nil
}

// mention names a member so that the chat notifies them: @username where
// there is one.
func (h *Handler) mention(ctx context.Context, id appeal.MemberID) string {
	m, err := h.store.Member(ctx, id)
	if err != nil {
		return h.nameOf(ctx, id)
	}
	if m.Username != "" {
		return "@" + m.Username
	}
	return memberName(m)
}
