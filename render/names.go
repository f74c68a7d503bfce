package render

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/reminders/digest"
)

// How the values of the domain are named for people: statuses, actions,
// roles, spans, dates and the keys of the texts that name them.

// StatusName names status s in lang: "claimed", "办理中".
func StatusName(lang string, s appeal.Status) string { return Text(lang, statusKey(s), nil) }

// PriorityName names priority p in lang: "urgent", "紧急".
func PriorityName(lang string, p appeal.Priority) string {
	if p == appeal.PriorityUrgent {
		return Text(lang, msgPriorityUrgent, nil)
	}
	return Text(lang, msgPriorityNormal, nil)
}

// ActionName names action a in lang: "claimed", "认领".
func ActionName(lang string, a appeal.Action) string { return Text(lang, actionKey(a), nil) }

// ScheduleProblem says in lang why digest.ParseSpec refused a schedule.
func ScheduleProblem(lang string, err error) string {
	var se *digest.SpecError
	if !errors.As(err, &se) {
		return Esc(err.Error())
	}
	switch se.Code {
	case "empty":
		return Text(lang, msgSpecEmpty, nil)
	case "timezone":
		return Text(lang, msgSpecTimezone, nil)
	case "every":
		return Text(lang, msgSpecEvery, nil)
	case "fields":
		return Text(lang, msgSpecFields, Args{"n": se.N})
	case "field":
		names := strings.Split(Plain(Text(lang, msgSpecFieldNames, nil)), ", ")
		return Text(lang, msgSpecField, Args{"field": names[se.Field]})
	case "descriptor":
		return Text(lang, msgSpecDescriptor, nil)
	}
	return Text(lang, msgSpecNever, nil)
}

// DigestKindName names a digest kind in lang: "daily digest", "每日简报".
func DigestKindName(lang string, k appeal.DigestKind) string {
	return Text(lang, digestKindKey(k), nil)
}

func statusKey(s appeal.Status) Key {
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

func actionKey(a appeal.Action) Key {
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

func answerStateKey(s appeal.AnswerState) Key {
	switch s {
	case appeal.AnswerPending:
		return msgAnsPending
	case appeal.AnswerRejected:
		return msgAnsRejected
	}
	return msgAnsAccepted
}

func eventKey(k appeal.EventKind) Key {
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
	case appeal.EventUrged:
		return msgEvUrged
	}
	if k := reminderEventKey(k); k != "" {
		return k
	}
	return msgEvOther
}

// outcomeKey names an event's outcome for people; "" when it has none.
func outcomeKey(outcome string) Key {
	switch outcome {
	case string(appeal.FeedbackSatisfied):
		return msgOutSatisfied
	case string(appeal.FeedbackUnsatisfied):
		return msgOutUnsatisfied
	case string(appeal.FeedbackNoAnswer):
		return msgOutNoAnswer
	case string(appeal.Resolved):
		return msgOutResolved
	case string(appeal.Unresolved):
		return msgOutUnresolved
	}
	return ""
}

// withOutcome puts an event's outcome, in lang, before its note: "未解决：需要立项".
func withOutcome(lang string, e appeal.Event, note string) string {
	k := outcomeKey(e.Outcome)
	if k == "" {
		return note
	}
	if note == "" {
		return Text(lang, k, nil)
	}
	return Text(lang, k, nil) + ": " + note
}

// digestKindKey names a digest kind for people.
func digestKindKey(k appeal.DigestKind) Key {
	if k == appeal.DigestWeekly {
		return msgDigestKindWeekly
	}
	return msgDigestKindDaily
}

// DateRange is from..to, or the one day when they are the same.
func DateRange(from, to appeal.Date) string {
	if from == to {
		return from.String()
	}
	return from.String() + ".." + to.String()
}

// Weekday is the short name of weekday d: "Mon", "周一".
func Weekday(lang string, d time.Weekday) string {
	if lang == LangZH {
		return [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[d]
	}
	return d.String()[:3]
}

// Span shows a span of time: calendar time as fmtDur does ("2h",
// "3d"), working time with its unit spelled out ("3 working days",
// "3个工作日"; "2h working time", "2个工作小时").
func Span(lang string, s appeal.Span) string {
	switch s.Unit {
	case appeal.WorkingDays:
		if lang == LangZH {
			return strconv.Itoa(s.Days) + "个工作日"
		}
		if s.Days == 1 {
			return "1 working day"
		}
		return strconv.Itoa(s.Days) + " working days"
	case appeal.WorkingHours:
		if lang == LangZH {
			if s.D%time.Hour == 0 {
				return strconv.FormatInt(int64(s.D/time.Hour), 10) + "个工作小时"
			}
			return "工作时间" + fmtDur(lang, s.D)
		}
		return fmtDur(lang, s.D) + " working time"
	}
	return fmtDur(lang, s.D)
}

// SpanUnits lists every unit of a span with an example, for /help and
// the replies to a span that cannot be used.
func SpanUnits(lang string) string { return Text(lang, msgSpanUnits, nil) }

// SpanProblem says in lang which rule a span broke, from the
// *appeal.SpanError of appeal.ParseSpan (or one with code too_short, for
// spans a command needs to be at least a minute).
func SpanProblem(lang string, err error) string {
	var se *appeal.SpanError
	if !errors.As(err, &se) {
		return Text(lang, msgSpanSyntax, nil)
	}
	switch se.Code {
	case "empty":
		return Text(lang, msgSpanEmpty, nil)
	case "missing_unit":
		return Text(lang, msgSpanMissingUnit, nil)
	case "unknown_unit":
		return Text(lang, msgSpanUnknownUnit, Args{"unit": se.Unit})
	case "not_whole":
		return Text(lang, msgSpanNotWhole, nil)
	case "not_positive":
		return Text(lang, msgSpanNotPositive, nil)
	case "too_long":
		max := Span(lang, se.Limit)
		if se.Limit.Unit == appeal.WorkingHours && lang != LangZH {
			max = strconv.FormatInt(int64(se.Limit.D/time.Hour), 10) + " working hours" // not "365d working time"
		}
		return Text(lang, msgSpanTooLong, Args{"max": max})
	case "too_short":
		return Text(lang, msgSpanTooShort, nil)
	}
	return Text(lang, msgSpanSyntax, nil)
}

// SLA summarises a tier: "2wh / 3wd / 7wd", in the notation /dept sla
// accepts, so that an admin can copy it.
func SLA(t appeal.Tier) string {
	return t.Claim.String() + " / " + t.Answer.String() + " / " + t.Resolve.String()
}

// OnOff says on or off in lang.
func OnOff(lang string, v bool) string {
	if v {
		return Text(lang, msgOn, nil)
	}
	return Text(lang, msgOff, nil)
}

// RoleName names a role held in dept: "a responder of Roads (roads)".
func RoleName(lang string, r appeal.Role, dept string) string {
	switch r {
	case appeal.RoleAdmin:
		return Text(lang, msgAnAdmin, nil)
	case appeal.RoleDispatcher:
		return Text(lang, msgADispatcher, nil)
	case appeal.RoleLeader:
		return Text(lang, msgALeader, Args{"dept": dept})
	}
	return Text(lang, msgAResponder, Args{"dept": dept})
}

// RolesText names roles for people: "responders and leaders".
func RolesText(lang string, rs []appeal.Role) string {
	var out []string
	for _, r := range rs {
		out = append(out, Text(lang, roleKey(r), nil))
	}
	if lang == LangZH {
		return strings.Join(out, "、")
	}
	if n := len(out); n > 1 {
		return strings.Join(out[:n-1], ", ") + " and " + out[n-1]
	}
	return strings.Join(out, "")
}

func roleKey(r appeal.Role) Key {
	switch r {
	case appeal.RoleAdmin:
		return msgRoleAdmins
	case appeal.RoleDispatcher:
		return msgRoleDispatchers
	case appeal.RoleLeader:
		return msgRoleLeaders
	}
	return msgRoleResponders
}
