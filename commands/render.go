package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Limits of what a card shows of an appeal's texts, in characters.
const (
	cardBody     = 300
	cardTitle    = 200
	cardField    = 120
	cardLocation = 200
)

var locations sync.Map // timezone name → *time.Location

// location returns the timezone of department code, UTC when it has none.
func (h *Handler) location(ctx context.Context, code string) *time.Location {
	if code == "" {
		return time.UTC
	}
	d, err := h.store.Department(ctx, code)
	if err != nil || d.Timezone == "" {
		return time.UTC
	}
	if l, ok := locations.Load(d.Timezone); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(d.Timezone)
	if err != nil {
		return time.UTC
	}
	locations.Store(d.Timezone, l)
	return l
}

// view says whose copy of a card is rendered: a department's chat (which
// may no longer own the appeal) or the dispatch chat.
type view struct {
	dept     string
	dispatch bool
}

// ownerView is the view of whoever holds the appeal now.
func ownerView(a appeal.Appeal) view {
	switch a.Status {
	case appeal.StatusUnassigned, appeal.StatusReturned:
		return view{dispatch: true}
	}
	if a.Department == "" {
		return view{dispatch: true}
	}
	return view{dept: a.Department}
}

// Card renders an appeal's card as its owner sees it: the department's
// card, or the dispatch card while it waits for a department.
func (h *Handler) Card(ctx context.Context, a appeal.Appeal, lang string, now time.Time) (Rendered, error) {
	return h.card(ctx, a, ownerView(a), lang, now), nil
}

// card renders the card of a for v. Every text of the appeal is cut before
// it is escaped, so the card stays far below the length limit whatever the
// appeal holds.
func (h *Handler) card(ctx context.Context, a appeal.Appeal, v view, lang string, now time.Time) Rendered {
	var lines []string
	head := fmt.Sprintf("<b>#%d</b>", a.ID)
	if a.Priority == appeal.PriorityUrgent {
		head = "🔴 " + head + " · <b>" + tr(lang, msgUrgent, nil) + "</b>"
	}
	if cat := oneLine(a.Category); cat != "" {
		head += " · " + escCut(cat, 64)
	}
	lines = append(lines, head, "<b>"+escCut(oneLine(a.Title), cardTitle)+"</b>")
	if body := strings.TrimSpace(a.Body); body != "" {
		lines = append(lines, escCut(body, cardBody))
	}
	if loc := oneLine(a.Location); loc != "" {
		lines = append(lines, "📍 "+escCut(loc, cardLocation))
	}
	var who []string
	if n := maskName(a.Citizen.Name); n != "" {
		who = append(who, esc(n))
	}
	if p := maskPhone(a.Citizen.Phone); p != "" {
		who = append(who, esc(p))
	}
	if len(who) > 0 {
		lines = append(lines, "👤 "+strings.Join(who, " · "))
	}
	details := []Button{{Label: tr(lang, msgBtnDetails, nil), Data: buttonData("appeal", a.ID, "")}}
	only := func(state string) Rendered {
		lines = append(lines, state)
		return Rendered{HTML: strings.Join(lines, "\n"), Buttons: [][]Button{details}}
	}

	if v.dispatch {
		switch a.Status {
		case appeal.StatusUnassigned:
			lines = append(lines, "⏳ "+tr(lang, msgCardUnassigned, nil))
			return only("👉 " + tr(lang, msgAssignHint, kv{"id": a.ID}))
		case appeal.StatusReturned:
			lines = append(lines, "↩️ "+tr(lang, msgCardReturnedBy, kv{"dept": h.deptName(ctx, a.Department)}))
			return only("👉 " + tr(lang, msgAssignHint, kv{"id": a.ID}))
		case appeal.StatusClosed:
			return only("✅ " + tr(lang, msgStatusLine, kv{"status": tr(lang, statusKey(a.Status), nil)}))
		}
		return only("🏢 " + tr(lang, msgCardAssignedTo, kv{"dept": h.deptName(ctx, a.Department),
			"status": tr(lang, statusKey(a.Status), nil)}))
	}
	if a.Department != v.dept && a.Department != "" && a.Status != appeal.StatusUnassigned {
		return only("➡️ " + tr(lang, msgCardTransferred, kv{"dept": h.deptName(ctx, a.Department)}))
	}
	switch a.Status {
	case appeal.StatusReturned, appeal.StatusUnassigned:
		return only("↩️ " + tr(lang, msgCardReturned, nil))
	}

	status := tr(lang, msgStatusLine, kv{"status": tr(lang, statusKey(a.Status), nil)})
	if a.Assignee != 0 {
		status += " · " + esc(cutName(h.nameOf(ctx, a.Assignee)))
	}
	lines = append(lines, status)
	if mark := overdueMark(a, lang, now); mark != "" {
		lines = append(lines, "<b>"+mark+"</b>")
	}
	loc := h.location(ctx, a.Department)
	for _, d := range deadlines(a) {
		lines = append(lines, "⏰ "+tr(lang, d.key, nil)+" "+fmtShortTime(d.at, loc)+paren(lang, timeLeft(lang, d.at, now)))
	}
	if x := a.Extension; x != nil {
		lines = append(lines, "⏳ "+tr(lang, msgCardExtension, kv{"dur": fmtSpan(lang, x.Span),
			"name": cutName(h.nameOf(ctx, x.By)), "reason": rawHTML(escCut(oneLine(x.Reason), 100))}))
	}
	if a.Status == appeal.StatusPendingApproval {
		lines = append(lines, "📝 "+tr(lang, msgCardPendingApproval, nil))
	}
	if fb := h.feedbackLine(ctx, a, lang); fb != "" {
		lines = append(lines, fb)
	}
	r := Rendered{HTML: strings.Join(lines, "\n")}
	switch a.Status {
	case appeal.StatusAssigned:
		r.Buttons = [][]Button{{
			{Label: tr(lang, msgBtnClaim, nil), Data: buttonData("claim", a.ID, "")},
			{Label: tr(lang, msgBtnReturn, nil), Data: buttonData("return", a.ID, "")},
			details[0],
		}}
	case appeal.StatusClaimed:
		r.Buttons = [][]Button{{
			{Label: tr(lang, msgBtnAnswer, nil), Data: buttonData("answer", a.ID, "")},
			{Label: tr(lang, msgBtnReturn, nil), Data: buttonData("return", a.ID, "")},
			details[0],
		}}
	default:
		r.Buttons = [][]Button{details}
	}
	return r
}

type deadline struct {
	key msgKey
	at  time.Time
}

// deadlines are those a still has to meet, in order.
func deadlines(a appeal.Appeal) []deadline {
	d := a.Deadlines
	var out []deadline
	add := func(k msgKey, t time.Time) {
		if !t.IsZero() {
			out = append(out, deadline{k, t})
		}
	}
	switch a.Status {
	case appeal.StatusAssigned:
		add(msgDeadlineClaim, d.ClaimBy)
		add(msgDeadlineAnswer, d.AnswerBy)
		add(msgDeadlineResolve, d.ResolveBy)
	case appeal.StatusClaimed, appeal.StatusPendingApproval:
		add(msgDeadlineAnswer, d.AnswerBy)
		add(msgDeadlineResolve, d.ResolveBy)
	case appeal.StatusAnswered:
		add(msgDeadlineResolve, d.ResolveBy)
	}
	return out
}

// RenderMessage renders one outbox message for one reader, in lang, from
// the appeal as it is now.
func (h *Handler) RenderMessage(ctx context.Context, m appeal.Message, lang string, now time.Time) (Rendered, error) {
	switch m.Kind {
	case appeal.MsgCallback:
		return Rendered{}, fmt.Errorf("commands: render %s: not a chat message", m.Kind)
	case appeal.MsgReply:
		return renderReply(m)
	case appeal.MsgDeliveryFailed:
		return deliveryFailed(m, h.lang(lang)), nil
	case appeal.MsgReminder, appeal.MsgEscalation, appeal.MsgSupervision:
		return h.renderReminder(ctx, m, lang, now)
	case appeal.MsgDigest:
		r, err := h.renderDigest(ctx, m, h.lang(lang), now)
		r.HTML = limitHTML(r.HTML)
		return r, err
	case appeal.MsgDigestChart:
		return h.renderDigestChart(ctx, m, h.lang(lang), now)
	}
	lang = h.lang(lang)
	a, err := h.store.Appeal(ctx, m.AppealID)
	if err != nil {
		return Rendered{}, fmt.Errorf("commands: render %s of appeal %d: %w", m.Kind, m.AppealID, err)
	}
	var r Rendered
	switch m.Kind {
	case appeal.MsgCard:
		switch m.To.Kind {
		case appeal.ToDepartment:
			r = h.card(ctx, a, view{dept: m.To.Ref}, lang, now)
		case appeal.ToDispatch:
			r = h.card(ctx, a, view{dispatch: true}, lang, now)
		default:
			r = h.card(ctx, a, ownerView(a), lang, now)
		}
	case appeal.MsgReturned:
		r = h.returned(ctx, a, m.Args, lang)
	case appeal.MsgContact:
		r = h.contact(ctx, a, lang)
	case appeal.MsgExtensionRequest:
		r = h.extensionRequest(ctx, a, lang, now)
	case appeal.MsgExtensionDecision:
		r = h.extensionDecision(ctx, a, m.Args, lang)
	case appeal.MsgAnswerApproval:
		r = h.answerApproval(ctx, a, lang)
	case appeal.MsgAnswerDecision:
		r = h.answerDecision(a, m.Args, lang)
	default:
		return Rendered{}, fmt.Errorf("commands: render: unknown message kind %q", m.Kind)
	}
	r.HTML = limitHTML(r.HTML)
	return r, nil
}

// titleLine is "#12 “title”" for messages about an appeal.
func titleLine(a appeal.Appeal) string {
	return fmt.Sprintf("<b>#%d</b> “%s”", a.ID, escCut(oneLine(a.Title), 80))
}

func (h *Handler) returned(ctx context.Context, a appeal.Appeal, args map[string]string, lang string) Rendered {
	dept := args["department"]
	if dept == "" {
		dept = a.Department
	}
	s := "↩️ " + tr(lang, msgReturnedMsg, kv{"appeal": rawHTML(titleLine(a)), "dept": h.deptName(ctx, dept),
		"reason": rawHTML(escCut(args["reason"], 1000))})
	s += "\n👉 " + tr(lang, msgAssignHint, kv{"id": a.ID})
	return Rendered{HTML: s, Buttons: [][]Button{{{Label: tr(lang, msgBtnDetails, nil), Data: buttonData("appeal", a.ID, "")}}}}
}

func (h *Handler) contact(ctx context.Context, a appeal.Appeal, lang string) Rendered {
	lines := []string{"📇 " + tr(lang, msgContactTitle, kv{"appeal": rawHTML(titleLine(a))})}
	field := func(k msgKey, v string) {
		if v = oneLine(v); v != "" {
			lines = append(lines, tr(lang, k, kv{"v": rawHTML(escCut(v, cardLocation))}))
		}
	}
	field(msgFieldCitizen, a.Citizen.Name)
	if p := oneLine(a.Citizen.Phone); p != "" {
		lines = append(lines, tr(lang, msgFieldPhone, kv{"v": rawHTML("<code>" + escCut(p, 40) + "</code>")}))
	}
	field(msgFieldLocation, a.Location)
	lines = append(lines, "👉 "+tr(lang, msgHowToAnswer, kv{"id": a.ID}))
	return Rendered{HTML: strings.Join(lines, "\n")}
}

func (h *Handler) extensionRequest(ctx context.Context, a appeal.Appeal, lang string, now time.Time) Rendered {
	x := a.Extension
	if x == nil {
		return Rendered{HTML: "ℹ️ " + tr(lang, msgExtensionGone, kv{"appeal": rawHTML(titleLine(a))})}
	}
	loc := h.location(ctx, a.Department)
	s := "⏳ " + tr(lang, msgExtensionRequestMsg, kv{
		"name": cutName(h.nameOf(ctx, x.By)), "dur": fmtSpan(lang, x.Span), "appeal": rawHTML(titleLine(a)),
		"dept": h.deptName(ctx, a.Department), "reason": rawHTML(escCut(x.Reason, 1000)),
	})
	if !a.Deadlines.AnswerBy.IsZero() {
		s += "\n" + tr(lang, msgExtensionDue, kv{
			"due": fmtTime(a.Deadlines.AnswerBy, loc), "left": timeLeft(lang, a.Deadlines.AnswerBy, now),
			"new": fmtTime(h.extended(ctx, a), loc),
		})
	}
	return Rendered{HTML: s, Buttons: [][]Button{{
		{Label: tr(lang, msgBtnApprove, nil), Data: buttonData("approve", a.ID, pendingExtension)},
		{Label: tr(lang, msgBtnReject, nil), Data: buttonData("reject", a.ID, pendingExtension)},
	}}}
}

func (h *Handler) extensionDecision(ctx context.Context, a appeal.Appeal, args map[string]string, lang string) Rendered {
	if args["decision"] == "approved" {
		dur := args["duration"]
		if sp, err := appeal.ParseSpan(dur); err == nil {
			dur = fmtSpan(lang, sp)
		} else if d, err := time.ParseDuration(dur); err == nil {
			dur = fmtDur(lang, d)
		}
		loc := h.location(ctx, a.Department)
		due := ""
		if !a.Deadlines.AnswerBy.IsZero() {
			due = fmtTime(a.Deadlines.AnswerBy, loc)
		}
		return Rendered{HTML: "✅ " + tr(lang, msgExtensionApprovedMsg, kv{"appeal": rawHTML(titleLine(a)), "dur": dur, "due": due})}
	}
	return Rendered{HTML: "❌ " + tr(lang, msgExtensionRejectedMsg, kv{"appeal": rawHTML(titleLine(a)),
		"reason": rawHTML(escCut(args["reason"], 1000))})}
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

func (h *Handler) answerApproval(ctx context.Context, a appeal.Appeal, lang string) Rendered {
	ans := pendingAnswerOf(a)
	if a.Status != appeal.StatusPendingApproval || ans == nil {
		return Rendered{HTML: "ℹ️ " + tr(lang, msgApprovalGone, kv{"appeal": rawHTML(titleLine(a))})}
	}
	head := "📝 " + tr(lang, msgAnswerApprovalMsg, kv{"appeal": rawHTML(titleLine(a)), "name": cutName(h.nameOf(ctx, ans.Author)),
		"dept": h.deptName(ctx, a.Department)})
	text, _ := fitEscaped(ans.Text, MaxText-runes(head)-200)
	return Rendered{HTML: head + "\n\n" + text, Buttons: [][]Button{{
		{Label: tr(lang, msgBtnApprove, nil), Data: buttonData("approve", a.ID, pendingAnswer)},
		{Label: tr(lang, msgBtnReject, nil), Data: buttonData("reject", a.ID, pendingAnswer)},
	}}}
}

func (h *Handler) answerDecision(a appeal.Appeal, args map[string]string, lang string) Rendered {
	if args["decision"] == "approved" {
		return Rendered{HTML: "✅ " + tr(lang, msgAnswerApprovedMsg, kv{"appeal": rawHTML(titleLine(a))})}
	}
	return Rendered{HTML: "❌ " + tr(lang, msgAnswerRejectedMsg, kv{"appeal": rawHTML(titleLine(a)),
		"reason": rawHTML(escCut(args["reason"], 1000)), "id": a.ID})}
}

// details renders everything about an appeal for /appeal. full shows the
// citizen's contact details unmasked. The body takes whatever room the rest
// leaves, and is cut with a note saying where the full text is.
func (h *Handler) details(ctx context.Context, a appeal.Appeal, events []appeal.Event, lang string, now time.Time, full bool) (Rendered, error) {
	loc := h.location(ctx, a.Department)
	var head []string
	first := fmt.Sprintf("<b>#%d</b>", a.ID)
	if a.Priority == appeal.PriorityUrgent {
		first = "🔴 " + first + " · <b>" + tr(lang, msgUrgent, nil) + "</b>"
	}
	first += " · " + tr(lang, statusKey(a.Status), nil)
	head = append(head, first, "<b>"+escCut(oneLine(a.Title), cardTitle)+"</b>")
	field := func(k msgKey, v string, max int) {
		if v = oneLine(v); v != "" {
			head = append(head, tr(lang, k, kv{"v": rawHTML(escCut(v, max))}))
		}
	}
	field(msgFieldDept, h.deptName(ctx, a.Department), 140)
	field(msgFieldCategory, a.Category, 64)
	field(msgFieldSource, a.Source+" / "+a.ExternalID, 200)
	if !a.ReceivedAt.IsZero() {
		field(msgFieldReceived, fmtTime(a.ReceivedAt, loc), 40)
	}
	if full {
		field(msgFieldCitizen, a.Citizen.Name, 100)
		if p := oneLine(a.Citizen.Phone); p != "" {
			head = append(head, tr(lang, msgFieldPhone, kv{"v": rawHTML("<code>" + escCut(p, 40) + "</code>")}))
		}
	} else {
		field(msgFieldCitizen, maskName(a.Citizen.Name), 10)
		field(msgFieldPhone, maskPhone(a.Citizen.Phone), 40)
	}
	field(msgFieldLocation, a.Location, cardLocation)
	if a.Assignee != 0 {
		field(msgFieldAssignee, h.nameOf(ctx, a.Assignee), 60)
	}
	for _, d := range deadlines(a) {
		head = append(head, "⏰ "+tr(lang, d.key, nil)+" "+fmtTime(d.at, loc)+paren(lang, timeLeft(lang, d.at, now)))
	}
	if x := a.Extension; x != nil {
		head = append(head, "⏳ "+tr(lang, msgCardExtension, kv{"dur": fmtSpan(lang, x.Span),
			"name": cutName(h.nameOf(ctx, x.By)), "reason": rawHTML(escCut(oneLine(x.Reason), 300))}))
	}

	answerLines := func(n, max int) []string {
		as := a.Answers
		if len(as) > n {
			as = as[len(as)-n:]
		}
		var out []string
		if len(as) > 0 {
			out = append(out, "", "<b>"+tr(lang, msgAnswersTitle, kv{"n": len(a.Answers)})+"</b>")
		}
		for _, x := range as {
			out = append(out, "• "+fmtShortTime(x.At, loc)+" "+esc(cutName(h.nameOf(ctx, x.Author)))+
				" ["+tr(lang, answerStateKey(x.State), nil)+"]: "+escCut(x.Text, max))
		}
		return out
	}
	eventLines := func(n int) []string {
		es := events
		if len(es) > n {
			es = es[len(es)-n:]
		}
		var out []string
		if len(es) > 0 {
			out = append(out, "", "<b>"+tr(lang, msgEventsTitle, nil)+"</b>")
		}
		for _, e := range es {
			s := "• " + fmtShortTime(e.At, loc) + " " + tr(lang, eventKey(e.Kind), nil)
			if e.Actor != 0 {
				s += " · " + esc(cutName(h.nameOf(ctx, e.Actor)))
			}
			if note := eventNote(lang, e); note != "" {
				s += ": " + escCut(note, 80)
			}
			out = append(out, s)
		}
		return out
	}
	body := strings.TrimSpace(a.Body)
	note := "<i>" + tr(lang, msgTextCut, kv{"id": a.ID}) + "</i>"
	// Fewer answers and events, shorter ones, until the body has room.
	for _, lv := range []struct{ answers, answerLen, events int }{{3, 800, 8}, {3, 400, 5}, {2, 200, 3}, {1, 200, 0}, {0, 0, 0}} {
		tail := append(answerLines(lv.answers, lv.answerLen), eventLines(lv.events)...)
		if lv.answers == 0 {
			tail = nil
		}
		rest := strings.Join(head, "\n") + "\n\n" + strings.Join(tail, "\n")
		budget := MaxText - runes(rest) - runes(note) - 8
		if budget < 300 && lv.answers > 0 {
			continue
		}
		text, cutOff := fitEscaped(body, budget)
		out := strings.Join(head, "\n") + "\n\n" + text
		if cutOff {
			out += "\n" + note
		}
		if len(tail) > 0 {
			out += "\n" + strings.Join(tail, "\n")
		}
		return Rendered{HTML: out, Buttons: nil}, nil
	}
	return Rendered{}, errors.New("commands: details do not fit")
}

func statusKey(s appeal.Status) msgKey {
	switch s {
	case appeal.StatusUnassigned:
		return msgStUnassigned
	case appeal.StatusAssigned:
		return msgStAssigned
	case appeal.StatusClaimed:
		return msgStClaimed
	case appeal.StatusPendingApproval:
		return msgStPendingApproval
	case appeal.StatusAnswered:
		return msgStAnswered
	case appeal.StatusClosed:
		return msgStClosed
	case appeal.StatusReturned:
		return msgStReturned
	}
	return msgStUnknown
}

func actionKey(a appeal.Action) msgKey {
	switch a {
	case appeal.ActAssign:
		return msgActAssign
	case appeal.ActClaim:
		return msgActClaim
	case appeal.ActUnclaim:
		return msgActUnclaim
	case appeal.ActAnswer:
		return msgActAnswer
	case appeal.ActApproveAnswer, appeal.ActApproveExtension:
		return msgActApprove
	case appeal.ActRejectAnswer, appeal.ActRejectExtension:
		return msgActReject
	case appeal.ActReturn:
		return msgActReturn
	case appeal.ActTransfer:
		return msgActTransfer
	case appeal.ActRequestExtension:
		return msgActExtend
	case appeal.ActClose:
		return msgActClose
	}
	return msgActReopen
}

func answerStateKey(s appeal.AnswerState) msgKey {
	switch s {
	case appeal.AnswerPending:
		return msgAnsPending
	case appeal.AnswerRejected:
		return msgAnsRejected
	}
	return msgAnsAccepted
}

func eventKey(k appeal.EventKind) msgKey {
	switch k {
	case appeal.EventReceived:
		return msgEvReceived
	case appeal.EventAssigned:
		return msgEvAssigned
	case appeal.EventClaimed:
		return msgEvClaimed
	case appeal.EventUnclaimed:
		return msgEvUnclaimed
	case appeal.EventAnswerSubmitted:
		return msgEvAnswerSubmitted
	case appeal.EventAnswered:
		return msgEvAnswered
	case appeal.EventAnswerRejected:
		return msgEvAnswerRejected
	case appeal.EventReturned:
		return msgEvReturned
	case appeal.EventTransferred:
		return msgEvTransferred
	case appeal.EventExtensionRequested:
		return msgEvExtensionRequested
	case appeal.EventExtensionApproved:
		return msgEvExtensionApproved
	case appeal.EventExtensionRejected:
		return msgEvExtensionRejected
	case appeal.EventClosed:
		return msgEvClosed
	case appeal.EventReopened:
		return msgEvReopened
	case appeal.EventFeedback:
		return msgEvFeedback
	}
	if k := reminderEventKey(k); k != "" {
		return k
	}
	return msgEvOther
}
