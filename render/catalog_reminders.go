package render

// Texts of the reminder scan: merged reminders and escalations, the
// supervision chat's binding, the card's overdue mark and the events.
const (
	msgRemindTitle         Key = "remind_title"
	msgEscalateTitle       Key = "escalate_title"
	msgSuperviseTitle      Key = "supervise_title"
	msgRemindMore          Key = "remind_more"
	msgStageClaimNudge     Key = "stage_claim_nudge"
	msgStageClaimOverdue   Key = "stage_claim_overdue"
	msgStageAnswer50       Key = "stage_answer_50"
	msgStageAnswer80       Key = "stage_answer_80"
	msgStageAnswerOverdue  Key = "stage_answer_overdue"
	msgStageSupervision    Key = "stage_supervision"
	msgStageDispatchNudge  Key = "stage_dispatch_nudge"
	msgStageDispatchLate   Key = "stage_dispatch_overdue"
	msgStageDecisionLate   Key = "stage_decision_overdue"
	msgStageDecisionSuper  Key = "stage_decision_supervision"
	msgStageResolveNudge   Key = "stage_resolve_nudge"
	msgStageResolveLate    Key = "stage_resolve_overdue"
	msgStageResolveSuper   Key = "stage_resolve_supervision"
	msgStageRepeat         Key = "stage_repeat"
	msgRemindDispatchTitle Key = "remind_dispatch_title"
	msgDeadlineDispatch    Key = "deadline_dispatch"
	msgDeadlineDecide      Key = "deadline_decide"
	msgCardDispatchLate    Key = "card_dispatch_overdue"
	msgBtnReassign         Key = "btn_reassign"
	msgCardOverdue         Key = "card_overdue"
	msgEvReminded          Key = "ev_reminded"
	msgEvEscalated         Key = "ev_escalated"
	msgEvReminderSkipped   Key = "ev_reminder_skipped"
	MsgSupervisionBound    Key = "supervision_bound"
	MsgSupervisionUnbound  Key = "supervision_unbound"
	MsgNotSupervisionHere  Key = "not_supervision_here"
	MsgHelpSupervisionBind Key = "help_supervision_bind"
	MsgHelpSupervisionUnb  Key = "help_supervision_unbind"
	MsgMenuSupervision     Key = "menu_supervision"
	MsgHelpReassign        Key = "help_reassign"
	MsgReassignNotLeader   Key = "reassign_not_leader"
)

var reminderTexts = map[Key]text{
	msgRemindTitle:         {zh: "⏰ <b>{dept}</b>：{n} 件诉求需要处理", en: "⏰ <b>{dept}</b>: {n} {n:appeal needs|appeals need} attention"},
	msgEscalateTitle:       {zh: "🚨 <b>{dept}</b>：{n} 件诉求已超时，请领导处理", en: "🚨 <b>{dept}</b>: {n} {n:appeal is past its|appeals are past their} deadline"},
	msgSuperviseTitle:      {zh: "🚨 督办：{n} 件诉求超期", en: "🚨 Supervision: {n} {n:appeal|appeals} overdue"},
	msgRemindDispatchTitle: {zh: "⏰ 调度：{n} 件诉求等待分派", en: "⏰ Dispatch: {n} {n:appeal waits|appeals wait} for a department"},
	msgRemindMore:          {zh: "……还有 {n} 件", en: "…and {n} more"},
	msgStageClaimNudge:     {zh: "尚未认领", en: "not claimed yet"},
	msgStageClaimOverdue:   {zh: "认领已超时", en: "claim deadline missed"},
	msgStageAnswer50:       {zh: "答复时限已过半", en: "half of the answer time used"},
	msgStageAnswer80:       {zh: "答复时限已过 80%", en: "80% of the answer time used"},
	msgStageAnswerOverdue:  {zh: "答复已超期", en: "answer deadline missed"},
	msgStageSupervision:    {zh: "超期未答复，已报督办", en: "long overdue, escalated to supervision"},
	msgStageDispatchNudge:  {zh: "尚未分派", en: "not dispatched yet"},
	msgStageDispatchLate:   {zh: "分派已超时，已报督办", en: "dispatch deadline missed, escalated to supervision"},
	msgStageDecisionLate:   {zh: "待领导审批，已超时", en: "the leader's decision is overdue"},
	msgStageDecisionSuper:  {zh: "领导久未审批，已报督办", en: "no decision for long, escalated to supervision"},
	msgStageResolveNudge:   {zh: "已答复，尚未办结", en: "answered, not closed yet"},
	msgStageResolveLate:    {zh: "办结已超期", en: "resolve deadline missed"},
	msgStageResolveSuper:   {zh: "超期未办结，已报督办", en: "long unresolved, escalated to supervision"},
	msgStageRepeat:         {zh: "仍未处理（{status}），再次催办", en: "still {status}: chased again"},
	msgDeadlineDispatch:    {zh: "分派期限", en: "dispatch by"},
	msgDeadlineDecide:      {zh: "审批期限", en: "decide by"},
	msgCardDispatchLate:    {zh: "⚠️ 分派已超时", en: "⚠️ Dispatch overdue"},
	msgBtnReassign:         {zh: "改派 #{id}", en: "Reassign #{id}"},
	msgCardOverdue:         {zh: "⚠️ 已超期", en: "⚠️ Overdue"},
	msgEvReminded:          {zh: "已提醒", en: "reminded"},
	msgEvEscalated:         {zh: "已升级", en: "escalated"},
	msgEvReminderSkipped:   {zh: "提醒已跳过", en: "reminder skipped"},
	MsgSupervisionBound:    {zh: "本群已设为督办群：超期诉求将在此通报。", en: "This chat is now the supervision chat: long-overdue appeals are reported here."},
	MsgSupervisionUnbound:  {zh: "本群不再是督办群。", en: "This chat is no longer the supervision chat."},
	MsgNotSupervisionHere:  {zh: "本群不是督办群。", en: "This chat is not the supervision chat."},
	MsgHelpSupervisionBind: {zh: "将本群设为督办群（接收超期升级）",
		en: "make this chat the supervision chat (receives overdue escalations)"},
	MsgHelpSupervisionUnb: {zh: "取消本群的督办群设置", en: "stop using this chat as the supervision chat"},
	MsgMenuSupervision:    {zh: "督办群设置", en: "supervision chat settings"},
	MsgHelpReassign: {zh: "（领导）收回已认领的诉求，交部门重新认领",
		en: "(leaders) take a claimed appeal back so that the department can claim it again"},
	MsgReassignNotLeader: {zh: "只有{dept}的领导可以改派诉求 #{id}。", en: "Only leaders of {dept} may reassign appeal #{id}."},
}
