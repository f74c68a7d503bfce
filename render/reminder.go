package render

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// The reminder scan's messages: merged reminders, escalations and
// supervision reports, and how its stages and events are named.

// stageKeys name the stages of the ladder (appeal.Ladder); TestStageTexts
// keeps one for each.
var stageKeys = map[appeal.Stage]Key{
	appeal.StageDispatchNudge:       msgStageDispatchNudge,
	appeal.StageDispatchOverdue:     msgStageDispatchLate,
	appeal.StageClaimNudge:          msgStageClaimNudge,
	appeal.StageClaimOverdue:        msgStageClaimOverdue,
	appeal.StageAnswer50:            msgStageAnswer50,
	appeal.StageAnswer80:            msgStageAnswer80,
	appeal.StageAnswerOverdue:       msgStageAnswerOverdue,
	appeal.StageSupervision:         msgStageSupervision,
	appeal.StageDecisionOverdue:     msgStageDecisionLate,
	appeal.StageDecisionSupervision: msgStageDecisionSuper,
	appeal.StageReviewOverdue:       msgStageReviewLate,
	appeal.StageReviewSupervision:   msgStageReviewSuper,
	appeal.StageResolveNudge:        msgStageResolveNudge,
	appeal.StageResolveOverdue:      msgStageResolveLate,
	appeal.StageResolveSupervision:  msgStageResolveSuper,
	appeal.StageRepeat:              msgStageRepeat,
}

// stageText names stage s of an appeal in status st (a repeat says what
// the appeal is still waiting in), in lang; "" for an unknown stage.
func stageText(lang string, s appeal.Stage, st appeal.Status) string {
	k, ok := stageKeys[s]
	if !ok {
		return ""
	}
	return Text(lang, k, Args{"status": Text(lang, statusKey(st), nil)})
}

// reminderEventKey is the text of the scan's event kinds, "" for others.
func reminderEventKey(k appeal.EventKind) Key {
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
		if t := stageText(lang, appeal.Stage(e.Note), e.ToStatus); t != "" {
			return t
		}
	}
	return withOutcome(lang, e, OneLine(e.Note))
}

// overdueMark is the card's line for an appeal past its answer deadline,
// or waiting for dispatch past its dispatch deadline.
func overdueMark(a appeal.Appeal, lang string, now time.Time) string {
	switch a.Status {
	case appeal.StatusAssigned, appeal.StatusClaimed, appeal.StatusPendingApproval:
		if d := a.Deadlines.AnswerBy; !d.IsZero() && now.After(d) {
			return Text(lang, msgCardOverdue, nil)
		}
	case appeal.StatusUnassigned, appeal.StatusReturned:
		if d := a.Deadlines.DispatchBy; !d.IsZero() && now.After(d) {
			return Text(lang, msgCardDispatchLate, nil)
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
func (r *Renderer) renderReminder(ctx context.Context, m appeal.Message, lang string, now time.Time) (Rendered, error) {
	lang = r.Lang(lang)
	items, err := appeal.DecodeItems(m.Args[appeal.ArgItems])
	if err != nil {
		return Rendered{}, fmt.Errorf("render: render %s: %w", m.Kind, err)
	}
	var head string
	switch {
	case m.Kind == appeal.MsgReminder && m.To.Kind == appeal.ToDispatch:
		head = Text(lang, msgRemindDispatchTitle, Args{"n": len(items)})
	case m.Kind == appeal.MsgReminder:
		head = Text(lang, msgRemindTitle, Args{"dept": r.DeptName(ctx, m.To.Ref), "n": len(items)})
	case m.Kind == appeal.MsgEscalation:
		head = Text(lang, msgEscalateTitle, Args{"dept": r.DeptName(ctx, m.To.Ref), "n": len(items)})
	default:
		head = Text(lang, msgSuperviseTitle, Args{"n": len(items)})
	}
	lines := []string{head}
	size := runes(head)
	var buttons [][]Button
	for i, it := range items {
		a, err := r.store.Appeal(ctx, it.Appeal)
		if err != nil {
			return Rendered{}, fmt.Errorf("render: render %s: appeal %d: %w", m.Kind, it.Appeal, err)
		}
		loc := r.Location(ctx, a.Department)
		line := fmt.Sprintf("• <b>#%d</b> %s — %s", a.ID, EscCut(OneLine(a.Title), 40), stageText(lang, it.Stage, a.Status))
		if m.Kind == appeal.MsgSupervision && a.Department != "" {
			line += " · " + Esc(r.DeptName(ctx, a.Department))
		}
		if d := appeal.StageDeadline(it.Stage, a); !d.IsZero() {
			line += " ⏰" + ShortTime(d, loc)
		}
		if a.Assignee != 0 {
			line += " · " + Esc(r.mention(ctx, a.Assignee))
		}
		more := "\n" + Text(lang, msgRemindMore, Args{"n": len(items) - i})
		if size+1+runes(line)+runes(more) > MaxText {
			lines = append(lines, strings.TrimPrefix(more, "\n"))
			break
		}
		lines = append(lines, line)
		size += 1 + runes(line)
		if m.Kind == appeal.MsgEscalation && len(buttons) < maxReminderButtons {
			row := []Button{{Label: Text(lang, msgBtnDetails, nil) + " #" + fmt.Sprint(a.ID), Data: ButtonData("appeal", a.ID, "")}}
			if a.Status == appeal.StatusAssigned || a.Status == appeal.StatusClaimed {
				// A leader who hears of it gives it to a person at once.
				row = append([]Button{{Label: Text(lang, msgBtnAssign, nil) + " #" + fmt.Sprint(a.ID), Data: ButtonData("assign", a.ID, "")}}, row...)
			}
			if a.Status == appeal.StatusClaimed {
				row = append([]Button{{Label: Text(lang, msgBtnReassign, Args{"id": a.ID}), Data: ButtonData("reassign", a.ID, "")}}, row...)
			}
			buttons = append(buttons, row)
		}
	}
	return Rendered{HTML: Fit(strings.Join(lines, "\n")), Buttons: buttons}, nil
}

// mention names a member so that the chat notifies them: @username where
// there is one.
func (r *Renderer) mention(ctx context.Context, id appeal.MemberID) string {
	m, err := r.store.Member(ctx, id)
	if err != nil {
		return r.NameOf(ctx, id)
	}
	if m.Username != "" {
		return "@" + m.Username
	}
	return MemberName(m)
}
