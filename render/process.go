package render

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// The messages of the 12345 loop: review prompts and their decisions,
// closed prompts, and what assigning, reopening and extending tell people.

// PendingReview is the kind of pending item a review decision acts on.
const PendingReview = "review"

// HandoffName names a return or transfer in lang: "return", "transfer to
// Water".
func (r *Renderer) HandoffName(ctx context.Context, lang string, kind appeal.HandoffKind, to string) string {
	if kind == appeal.HandoffTransfer {
		return Text(lang, msgHandoffTransfer, Args{"to": r.DeptName(ctx, to)})
	}
	return Text(lang, msgHandoffReturn, nil)
}

// reviewRequest asks dispatch (or supervision) to decide a's pending
// return or transfer.
func (r *Renderer) reviewRequest(ctx context.Context, a appeal.Appeal, lang string) Rendered {
	h := a.Review
	if h == nil {
		return Rendered{HTML: "ℹ️ " + Text(lang, msgReviewGone, Args{"appeal": HTML(titleLine(a))})}
	}
	args := Args{"name": cutName(r.NameOf(ctx, h.By)), "dept": r.DeptName(ctx, h.From), "appeal": HTML(titleLine(a)),
		"reason": HTML(EscCut(h.Reason, 1000)), "to": r.DeptName(ctx, h.To)}
	s := "↩️ " + Text(lang, msgReviewReturnMsg, args)
	if h.Kind == appeal.HandoffTransfer {
		s = "➡️ " + Text(lang, msgReviewTransferMsg, args)
	}
	if h.Supervision {
		s += "\n⚠️ " + Text(lang, msgReviewBounced, Args{"n": a.Bounces})
	}
	if !a.Deadlines.DecideBy.IsZero() {
		s += "\n⏰ " + Text(lang, msgDeadlineDecide, nil) + " " + ShortTime(a.Deadlines.DecideBy, r.Location(ctx, ""))
	}
	s += "\n" + Text(lang, msgReviewHint, Args{"id": a.ID})
	return Rendered{HTML: s, Buttons: [][]Button{{
		{Label: Text(lang, msgBtnApprove, nil), Data: ButtonData("approve", a.ID, PendingReview)},
		{Label: Text(lang, msgBtnReject, nil), Data: ButtonData("reject", a.ID, PendingReview)},
		{Label: Text(lang, msgBtnDetails, nil), Data: ButtonData("appeal", a.ID, "")},
	}}}
}

// reviewDecision tells the department what became of its return or
// transfer.
func (r *Renderer) reviewDecision(ctx context.Context, a appeal.Appeal, args map[string]string, lang string) Rendered {
	what := r.HandoffName(ctx, lang, appeal.HandoffKind(args["kind"]), args["to"])
	if args["decision"] == appeal.DecisionApproved {
		return Rendered{HTML: "✅ " + Text(lang, msgReviewApprovedMsg, Args{"appeal": HTML(titleLine(a)), "what": what})}
	}
	return Rendered{HTML: "❌ " + Text(lang, msgReviewRejectedMsg, Args{"appeal": HTML(titleLine(a)), "what": what,
		"reason": HTML(EscCut(args["reason"], 1000)), "dept": r.DeptName(ctx, a.Department)})}
}

// promptDecided is a prompt of kind m.To.Ref as it stands once decided:
// what it asked, then the decision, who made it and when, without buttons.
func (r *Renderer) promptDecided(ctx context.Context, a appeal.Appeal, m appeal.Message, lang string) Rendered {
	args := m.Args
	var lines []string
	switch appeal.MessageKind(m.To.Ref) {
	case appeal.MsgExtensionRequest:
		dur := args["duration"]
		if sp, err := appeal.ParseSpan(dur); err == nil {
			dur = Span(lang, sp)
		}
		lines = append(lines, "⏳ "+titleLine(a)+" · "+Text(lang, msgActExtend, nil)+" "+Esc(dur)+": "+EscCut(OneLine(args[appeal.ArgWhat]), 300))
	case appeal.MsgReviewRequest:
		what := r.HandoffName(ctx, lang, appeal.HandoffKind(args["kind"]), args["to"])
		lines = append(lines, "↩️ "+titleLine(a)+" · "+Esc(what)+": "+EscCut(OneLine(args[appeal.ArgWhat]), 300))
	default:
		lines = append(lines, "📝 "+titleLine(a)+" · "+Text(lang, msgActAnswer, nil))
	}
	lines = append(lines, decisionLine(lang, args[appeal.ArgDecision], r.NameOf(ctx, memberArg(args[appeal.ArgBy])),
		timeArg(args[appeal.ArgAt]), r.Location(ctx, a.Department)))
	if reason := args["reason"]; reason != "" {
		lines = append(lines, "💬 "+EscCut(OneLine(reason), 500))
	}
	return Rendered{HTML: strings.Join(lines, "\n")}
}

// decisionLine is "✅ Approved by Lee, 11-23 17:30."
func decisionLine(lang, decision, name string, at time.Time, loc *time.Location) string {
	k := msgDecApproved
	switch decision {
	case appeal.DecisionRejected:
		k = msgDecRejected
	case appeal.DecisionEndorsed:
		k = msgDecEndorsed
	}
	when := ""
	if !at.IsZero() {
		when = ShortTime(at, loc)
	}
	return Text(lang, msgPromptDecidedLine, Args{"decision": HTML(Text(lang, k, nil)), "name": cutName(name), "at": when})
}

// Decision names a decision for people: "✅ Approved", "❌ Rejected".
func (r *Renderer) Decision(lang string, approved bool) string {
	if approved {
		return Text(lang, msgDecApproved, nil)
	}
	return Text(lang, msgDecRejected, nil)
}

func memberArg(s string) appeal.MemberID {
	n, _ := strconv.ParseInt(s, 10, 64)
	return appeal.MemberID(n)
}

func timeArg(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// assignedYou tells a responder that the appeal is theirs now.
func (r *Renderer) assignedYou(ctx context.Context, a appeal.Appeal, args map[string]string, lang string) Rendered {
	s := Text(lang, msgAssignedYouMsg, Args{"name": cutName(r.NameOf(ctx, memberArg(args[appeal.ArgBy]))), "appeal": HTML(titleLine(a))})
	if reason := OneLine(args["reason"]); reason != "" {
		s += "\n💬 " + EscCut(reason, 500)
	}
	s += "\n👉 " + Text(lang, MsgHowToAnswer, Args{"id": a.ID})
	return Rendered{HTML: s, Buttons: privateButtons(a, lang, true)}
}

// reopenedYou tells whoever handled the appeal that it was reopened.
func (r *Renderer) reopenedYou(a appeal.Appeal, args map[string]string, lang string) Rendered {
	return Rendered{HTML: Text(lang, msgReopenedYouMsg, Args{"appeal": HTML(titleLine(a)), "reason": HTML(EscCut(args["reason"], 1000))}),
		Buttons: [][]Button{{{Label: Text(lang, msgBtnDetails, nil), Data: ButtonData("appeal", a.ID, "")}}}}
}

// extensionGranted tells the department chat the new answer deadline.
func (r *Renderer) extensionGranted(ctx context.Context, a appeal.Appeal, args map[string]string, lang string) Rendered {
	dur := args["duration"]
	if sp, err := appeal.ParseSpan(dur); err == nil {
		dur = Span(lang, sp)
	}
	return Rendered{HTML: Text(lang, msgExtensionGrantedMsg, Args{"appeal": HTML(titleLine(a)), "dur": dur,
		"due": Time(a.Deadlines.AnswerBy, r.Location(ctx, a.Department))})}
}

// processLines are the card's lines of the loop: the return or transfer
// waiting for review, where the appeal came from (for the department that
// has it, or dispatch for a return; all: for anyone, as /appeal shows it),
// and how often it was reopened.
func (r *Renderer) processLines(ctx context.Context, a appeal.Appeal, v view, lang string, all bool) []string {
	var out []string
	if h := a.Review; h != nil && (all || !v.dispatch) {
		by := Text(lang, MsgReviewByDispatch, nil)
		if h.Supervision {
			by = Text(lang, MsgReviewBySupervision, nil)
		}
		out = append(out, Text(lang, msgCardReview, Args{"what": r.HandoffName(ctx, lang, h.Kind, h.To), "name": cutName(r.NameOf(ctx, h.By)),
			"reason": HTML(EscCut(OneLine(h.Reason), 200)), "by": by}))
	}
	if h := a.Handoff; h != nil && (all || (v.dispatch && h.Kind == appeal.HandoffReturn && a.Status == appeal.StatusReturned) ||
		(!v.dispatch && h.Kind == appeal.HandoffTransfer && h.To == v.dept && a.Department == v.dept)) {
		line := Text(lang, msgCardHandoff, Args{"from": r.DeptName(ctx, h.From), "what": r.HandoffName(ctx, lang, h.Kind, h.To),
			"name": cutName(r.NameOf(ctx, h.By)), "reason": HTML(EscCut(OneLine(h.Reason), 200))})
		if h.DecidedBy != 0 {
			line += Text(lang, msgCardHandoffApproved, Args{"name": cutName(r.NameOf(ctx, h.DecidedBy))})
		}
		if a.Bounces > 1 {
			line += " · " + Text(lang, msgCardBounces, Args{"n": a.Bounces})
		}
		out = append(out, line)
	}
	if a.Reopens > 0 {
		out = append(out, Text(lang, msgCardReopens, Args{"n": a.Reopens}))
	}
	return out
}

// WorkHours shows an amount of working time in hours: "75 working hours",
// "7.5个工作小时".
func WorkHours(lang string, d time.Duration) string {
	h := strconv.FormatFloat(float64(d.Round(time.Minute))/float64(time.Hour), 'f', -1, 64)
	if lang == LangZH {
		return h + "个工作小时"
	}
	if h == "1" {
		return "1 working hour"
	}
	return h + " working hours"
}

// WorkTime is working time d in whole working days of day (the working
// time of one) and working hours, as a person counts it: "3个工作日" or
// "2 working days and 4.5 working hours". With day 0, hours alone.
func WorkTime(lang string, d, day time.Duration) string {
	if day <= 0 || d < day {
		return WorkHours(lang, d)
	}
	days := Span(lang, appeal.WorkingDaysSpan(int(d/day)))
	rest := d % day
	if rest.Round(time.Minute) == 0 {
		return days
	}
	if lang == LangZH {
		return days + WorkHours(lang, rest)
	}
	return days + " and " + WorkHours(lang, rest)
}
