package render

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// RenderMessage renders one outbox message for one reader, in lang, from
// the appeal as it is now.
func (r *Renderer) RenderMessage(ctx context.Context, m appeal.Message, lang string, now time.Time) (Rendered, error) {
	switch m.Kind {
	case appeal.MsgCallback:
		return Rendered{}, fmt.Errorf("render: %s: not a chat message", m.Kind)
	case appeal.MsgReply:
		return renderReply(m)
	case appeal.MsgDeliveryFailed:
		return deliveryFailed(m, r.Lang(lang)), nil
	case appeal.MsgReminder, appeal.MsgEscalation, appeal.MsgSupervision:
		return r.renderReminder(ctx, m, lang, now)
	case appeal.MsgDigest:
		out, err := r.renderDigest(ctx, m, r.Lang(lang), now)
		out.HTML = Fit(out.HTML)
		return out, err
	case appeal.MsgDigestChart:
		return r.renderDigestChart(ctx, m, r.Lang(lang), now)
	}
	lang = r.Lang(lang)
	a, err := r.store.Appeal(ctx, m.AppealID)
	if err != nil {
		return Rendered{}, fmt.Errorf("render: %s of appeal %d: %w", m.Kind, m.AppealID, err)
	}
	var out Rendered
	switch m.Kind {
	case appeal.MsgCard:
		switch m.To.Kind {
		case appeal.ToDepartment:
			out = r.card(ctx, a, view{dept: m.To.Ref}, lang, now)
		case appeal.ToDispatch:
			out = r.card(ctx, a, view{dispatch: true}, lang, now)
		default:
			out = r.card(ctx, a, ownerView(a), lang, now)
		}
	case appeal.MsgReturned:
		out = r.returned(ctx, a, m.Args, lang)
	case appeal.MsgContact:
		out = r.contact(ctx, a, lang)
		out.Buttons = privateButtons(a, lang, false)
	case appeal.MsgExtensionRequest:
		out = r.extensionRequest(ctx, a, lang, now)
	case appeal.MsgExtensionDecision:
		out = r.extensionDecision(ctx, a, m.Args, lang)
	case appeal.MsgAnswerApproval:
		out = r.answerApproval(ctx, a, lang)
	case appeal.MsgAnswerDecision:
		out = r.answerDecision(a, m.Args, lang)
	case appeal.MsgUrge:
		out = r.urge(ctx, a, m.Args, lang, now)
	case appeal.MsgReviewRequest:
		out = r.reviewRequest(ctx, a, lang)
	case appeal.MsgReviewDecision:
		out = r.reviewDecision(ctx, a, m.Args, lang)
	case appeal.MsgPromptDecided:
		out = r.promptDecided(ctx, a, m, lang)
	case appeal.MsgAssignedYou:
		out = r.assignedYou(ctx, a, m.Args, lang)
	case appeal.MsgReopenedYou:
		out = r.reopenedYou(a, m.Args, lang)
	case appeal.MsgExtensionGranted:
		out = r.extensionGranted(ctx, a, m.Args, lang)
	default:
		return Rendered{}, fmt.Errorf("render: unknown message kind %q", m.Kind)
	}
	out.HTML = Fit(out.HTML)
	return out, nil
}

// titleLine is "#12 “title”" for messages about an appeal.
func titleLine(a appeal.Appeal) string {
	return fmt.Sprintf("<b>#%d</b> “%s”", a.ID, EscCut(OneLine(a.Title), 80))
}

func (r *Renderer) returned(ctx context.Context, a appeal.Appeal, args map[string]string, lang string) Rendered {
	dept := args["department"]
	if dept == "" {
		dept = a.Department
	}
	s := "↩️ " + Text(lang, msgReturnedMsg, Args{"appeal": HTML(titleLine(a)), "dept": r.DeptName(ctx, dept),
		"reason": HTML(EscCut(args["reason"], 1000))})
	s += "\n👉 " + Text(lang, msgAssignHint, Args{"id": a.ID})
	return Rendered{HTML: s, Buttons: [][]Button{{{Label: Text(lang, msgBtnDetails, nil), Data: ButtonData("appeal", a.ID, "")}}}}
}

// urge tells whoever holds a that the citizen urged an answer: who urged
// how often, what they said, and the deadlines it is up against.
func (r *Renderer) urge(ctx context.Context, a appeal.Appeal, args map[string]string, lang string, now time.Time) Rendered {
	lines := []string{"📣 " + Text(lang, msgUrgeMsg, Args{"appeal": HTML(titleLine(a)), "n": max(a.Urges, 1)})}
	if note := OneLine(args["note"]); note != "" {
		lines = append(lines, Text(lang, msgUrgeNote, Args{"note": HTML(EscCut(note, appeal.MaxUrgeNoteLen))}))
	}
	if mark := overdueMark(a, lang, now); mark != "" {
		lines = append(lines, "<b>"+mark+"</b>")
	}
	lines = append(lines, r.deadlineLines(ctx, a, lang, now)...)
	return Rendered{HTML: strings.Join(lines, "\n"),
		Buttons: [][]Button{{{Label: Text(lang, msgBtnDetails, nil), Data: ButtonData("appeal", a.ID, "")}}}}
}

func (r *Renderer) contact(ctx context.Context, a appeal.Appeal, lang string) Rendered {
	lines := []string{"📇 " + Text(lang, msgContactTitle, Args{"appeal": HTML(titleLine(a))})}
	field := func(k Key, v string) {
		if v = OneLine(v); v != "" {
			lines = append(lines, Text(lang, k, Args{"v": HTML(EscCut(v, cardLocation))}))
		}
	}
	field(msgFieldCitizen, a.Citizen.Name)
	if p := OneLine(a.Citizen.Phone); p != "" {
		lines = append(lines, Text(lang, msgFieldPhone, Args{"v": HTML("<code>" + EscCut(p, 40) + "</code>")}))
	}
	field(msgFieldEmail, a.Citizen.Email)
	field(msgFieldLocation, a.Location)
	lines = append(lines, "👉 "+Text(lang, MsgHowToAnswer, Args{"id": a.ID}))
	return Rendered{HTML: strings.Join(lines, "\n")}
}

// privateButtons are the buttons of the messages a responder gets
// privately about an appeal (its contact details, "assigned to you"): Claim
// while no one holds it, Answer while it can be answered (the press asks
// for the text), and Details when details is set. A reply to such a message
// answers the appeal too. The appeal is as it is when the message goes
// out; a press later is checked against the appeal as it is then.
func privateButtons(a appeal.Appeal, lang string, details bool) [][]Button {
	var row []Button
	if a.Status == appeal.StatusAssigned {
		row = append(row, Button{Label: Text(lang, msgBtnClaim, nil), Data: ButtonData("claim", a.ID, "")})
	}
	if (a.Status == appeal.StatusAssigned || a.Status == appeal.StatusClaimed) && a.Review == nil {
		row = append(row, Button{Label: Text(lang, msgBtnAnswer, nil), Data: ButtonData("answer", a.ID, "")})
	}
	if details {
		row = append(row, Button{Label: Text(lang, msgBtnDetails, nil), Data: ButtonData("appeal", a.ID, "")})
	}
	if len(row) == 0 {
		return nil
	}
	return [][]Button{row}
}

func (r *Renderer) extensionRequest(ctx context.Context, a appeal.Appeal, lang string, now time.Time) Rendered {
	x := a.Extension
	if x == nil {
		return Rendered{HTML: "ℹ️ " + Text(lang, msgExtensionGone, Args{"appeal": HTML(titleLine(a))})}
	}
	loc := r.Location(ctx, a.Department)
	s := "⏳ " + Text(lang, msgExtensionRequestMsg, Args{
		"name": cutName(r.NameOf(ctx, x.By)), "dur": Span(lang, x.Span), "appeal": HTML(titleLine(a)),
		"dept": r.DeptName(ctx, a.Department), "reason": HTML(EscCut(x.Reason, 1000)),
	})
	if x.AwaitsDispatch() {
		s += Text(lang, msgCardExtDispatch, Args{"name": cutName(r.NameOf(ctx, x.LeaderBy))})
	}
	if !a.Deadlines.AnswerBy.IsZero() {
		s += "\n" + Text(lang, msgExtensionDue, Args{
			"due": Time(a.Deadlines.AnswerBy, loc), "left": timeLeft(lang, a.Deadlines.AnswerBy, now),
			"new": Time(r.extended(ctx, a), loc),
		})
	}
	return Rendered{HTML: s, Buttons: [][]Button{{
		{Label: Text(lang, msgBtnApprove, nil), Data: ButtonData("approve", a.ID, PendingExtension)},
		{Label: Text(lang, msgBtnReject, nil), Data: ButtonData("reject", a.ID, PendingExtension)},
	}}}
}

func (r *Renderer) extensionDecision(ctx context.Context, a appeal.Appeal, args map[string]string, lang string) Rendered {
	if args["decision"] == "approved" {
		dur := args["duration"]
		if sp, err := appeal.ParseSpan(dur); err == nil {
			dur = Span(lang, sp)
		} else if d, err := time.ParseDuration(dur); err == nil {
			dur = fmtDur(lang, d)
		}
		loc := r.Location(ctx, a.Department)
		due := ""
		if !a.Deadlines.AnswerBy.IsZero() {
			due = Time(a.Deadlines.AnswerBy, loc)
		}
		return Rendered{HTML: "✅ " + Text(lang, msgExtensionApprovedMsg, Args{"appeal": HTML(titleLine(a)), "dur": dur, "due": due})}
	}
	return Rendered{HTML: "❌ " + Text(lang, msgExtensionRejectedMsg, Args{"appeal": HTML(titleLine(a)),
		"reason": HTML(EscCut(args["reason"], 1000))})}
}

// pendingAnswerOf returns the answer of a that waits for a leader.
func pendingAnswerOf(a appeal.Appeal) *appeal.Answer {
	for i := len(a.Answers) - 1; i >= 0; i-- {
		if a.Answers[i].State == appeal.AnswerPending {
			return &a.Answers[i]
		}
	}
	return nil
}

func (r *Renderer) answerApproval(ctx context.Context, a appeal.Appeal, lang string) Rendered {
	ans := pendingAnswerOf(a)
	if a.Status != appeal.StatusPendingApproval || ans == nil {
		return Rendered{HTML: "ℹ️ " + Text(lang, msgApprovalGone, Args{"appeal": HTML(titleLine(a))})}
	}
	head := "📝 " + Text(lang, msgAnswerApprovalMsg, Args{"appeal": HTML(titleLine(a)), "name": cutName(r.NameOf(ctx, ans.Author)),
		"dept": r.DeptName(ctx, a.Department)})
	text, _ := fitEscaped(ans.Text, MaxText-runes(head)-200)
	return Rendered{HTML: head + "\n\n" + text, Buttons: [][]Button{{
		{Label: Text(lang, msgBtnApprove, nil), Data: ButtonData("approve", a.ID, PendingAnswer)},
		{Label: Text(lang, msgBtnReject, nil), Data: ButtonData("reject", a.ID, PendingAnswer)},
	}}}
}

func (r *Renderer) answerDecision(a appeal.Appeal, args map[string]string, lang string) Rendered {
	if args["decision"] == "approved" {
		return Rendered{HTML: "✅ " + Text(lang, msgAnswerApprovedMsg, Args{"appeal": HTML(titleLine(a))})}
	}
	return Rendered{HTML: "❌ " + Text(lang, msgAnswerRejectedMsg, Args{"appeal": HTML(titleLine(a)),
		"reason": HTML(EscCut(args["reason"], 1000)), "id": a.ID})}
}

// extended is the answer deadline a's pending extension would give, in the
// calendar of its department.
func (r *Renderer) extended(ctx context.Context, a appeal.Appeal) time.Time {
	if a.Extension == nil {
		return a.Deadlines.AnswerBy
	}
	d := appeal.Department{Code: a.Department}
	if dept, err := r.store.Department(ctx, a.Department); err == nil {
		d = dept
	}
	cal, err := r.cals.Calendar(ctx, d)
	if err != nil {
		cal = appeal.DefaultCalendar(r.Location(ctx, a.Department))
	}
	return cal.Add(a.Deadlines.AnswerBy, a.Extension.Span)
}

// ReplyMessage turns a reply into an outbox message for chat (in network),
// answering message replyTo; it is delivered like every other message, so
// it is paced and survives a restart.
func ReplyMessage(network, chatID, topicID, replyTo string, r Rendered) (appeal.Message, error) {
	args := map[string]string{
		appeal.ArgNetwork: network, appeal.ArgChat: chatID, appeal.ArgTopic: topicID,
		appeal.ArgReplyTo: replyTo, appeal.ArgHTML: r.HTML,
	}
	if r.ForceReply {
		args[appeal.ArgForceReply] = "1"
	}
	if len(r.Buttons) > 0 {
		b, err := json.Marshal(r.Buttons)
		if err != nil {
			return appeal.Message{}, err
		}
		args[appeal.ArgButtons] = string(b)
	}
	return appeal.Message{Kind: appeal.MsgReply, To: appeal.Recipient{Kind: appeal.ToChat}, Args: args}, nil
}

// renderReply returns a reply as it was rendered when it was made.
func renderReply(m appeal.Message) (Rendered, error) {
	r := Rendered{HTML: m.Args[appeal.ArgHTML], ForceReply: m.Args[appeal.ArgForceReply] != ""}
	if b := m.Args[appeal.ArgButtons]; b != "" {
		if err := json.Unmarshal([]byte(b), &r.Buttons); err != nil {
			return Rendered{}, fmt.Errorf("render: reply buttons: %w", err)
		}
	}
	if r.HTML == "" {
		return Rendered{}, fmt.Errorf("render: reply without text")
	}
	return r, nil
}

// deliveryFailed tells dispatch that a chat refuses messages for good.
func deliveryFailed(m appeal.Message, lang string) Rendered {
	s := "🚫 " + Text(lang, msgDeliveryFailed, Args{"chat": m.Args[appeal.ArgChat], "reason": m.Args["reason"]})
	if m.AppealID != 0 {
		s += "\n" + Text(lang, msgDeliveryFailedAppeal, Args{"id": m.AppealID})
	}
	return Rendered{HTML: s}
}
