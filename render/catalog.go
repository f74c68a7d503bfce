package render

// The message catalogue: every text a person reads, in each supported
// language, in parts by what the texts are for: here the names of the
// domain's values and the texts of cards and messages about appeals; the
// replies to commands, /help, the reminders, the figures, the digests and
// the calendar each in a file catalog_*.go of their own.

// Message keys.
const (
	msgADispatcher          Key = "a_dispatcher"
	msgALeader              Key = "a_leader"
	msgAResponder           Key = "a_responder"
	msgAnAdmin              Key = "an_admin"
	msgRoleAdmins           Key = "role_admins"
	msgRoleDispatchers      Key = "role_dispatchers"
	msgRoleLeaders          Key = "role_leaders"
	msgRoleResponders       Key = "role_responders"
	msgActAssign            Key = "act_assign"
	msgActClaim             Key = "act_claim"
	msgActUnclaim           Key = "act_unclaim"
	msgActAnswer            Key = "act_answer"
	msgActApprove           Key = "act_approve"
	msgActReject            Key = "act_reject"
	msgActReturn            Key = "act_return"
	msgActTransfer          Key = "act_transfer"
	msgActExtend            Key = "act_extend"
	msgActClose             Key = "act_close"
	msgActReopen            Key = "act_reopen"
	msgStUnassigned         Key = "st_unassigned"
	msgStAssigned           Key = "st_assigned"
	msgStClaimed            Key = "st_claimed"
	msgStPendingApproval    Key = "st_pending_approval"
	msgStAnswered           Key = "st_answered"
	msgStClosed             Key = "st_closed"
	msgStReturned           Key = "st_returned"
	msgStUnknown            Key = "st_unknown"
	msgAndMore              Key = "and_more"
	msgWaiting              Key = "waiting"
	msgLeft                 Key = "left"
	msgOverdueBy            Key = "overdue_by"
	msgDeadlineClaim        Key = "deadline_claim"
	msgDeadlineAnswer       Key = "deadline_answer"
	msgDeadlineResolve      Key = "deadline_resolve"
	msgUrgent               Key = "urgent"
	msgPriorityNormal       Key = "priority_normal"
	msgPriorityUrgent       Key = "priority_urgent"
	msgBtnClaim             Key = "btn_claim"
	msgBtnReturn            Key = "btn_return"
	msgBtnDetails           Key = "btn_details"
	msgBtnAnswer            Key = "btn_answer"
	msgBtnApprove           Key = "btn_approve"
	msgBtnReject            Key = "btn_reject"
	msgCardUnassigned       Key = "card_unassigned"
	msgAssignHint           Key = "assign_hint"
	msgCardReturnedBy       Key = "card_returned_by"
	msgCardAssignedTo       Key = "card_assigned_to"
	msgCardTransferred      Key = "card_transferred"
	msgCardReturned         Key = "card_returned"
	msgStatusLine           Key = "status_line"
	msgDigestTitle          Key = "digest_title"
	msgDigestHint           Key = "digest_hint"
	msgDeliveryFailed       Key = "delivery_failed"
	msgDeliveryFailedAppeal Key = "delivery_failed_appeal"
	msgCardExtension        Key = "card_extension"
	msgCardPendingApproval  Key = "card_pending_approval"
	msgReturnedMsg          Key = "returned_msg"
	msgContactTitle         Key = "contact_title"
	msgFieldCitizen         Key = "field_citizen"
	msgFieldPhone           Key = "field_phone"
	msgFieldEmail           Key = "field_email"
	msgFieldLocation        Key = "field_location"
	msgFieldDept            Key = "field_dept"
	msgFieldCategory        Key = "field_category"
	msgFieldSource          Key = "field_source"
	msgFieldReceived        Key = "field_received"
	msgFieldAssignee        Key = "field_assignee"
	msgExtensionGone        Key = "extension_gone"
	msgExtensionRequestMsg  Key = "extension_request_msg"
	msgExtensionDue         Key = "extension_due"
	msgExtensionApprovedMsg Key = "extension_approved_msg"
	msgExtensionRejectedMsg Key = "extension_rejected_msg"
	msgApprovalGone         Key = "approval_gone"
	msgAnswerApprovalMsg    Key = "answer_approval_msg"
	msgAnswerApprovedMsg    Key = "answer_approved_msg"
	msgAnswerRejectedMsg    Key = "answer_rejected_msg"
	msgAnswersTitle         Key = "answers_title"
	msgEventsTitle          Key = "events_title"
	msgTextCut              Key = "text_cut"
	msgAnsPending           Key = "ans_pending"
	msgAnsAccepted          Key = "ans_accepted"
	msgAnsRejected          Key = "ans_rejected"
	msgEvReceived           Key = "ev_received"
	msgEvAssigned           Key = "ev_assigned"
	msgEvClaimed            Key = "ev_claimed"
	msgEvUnclaimed          Key = "ev_unclaimed"
	msgEvAnswerSubmitted    Key = "ev_answer_submitted"
	msgEvAnswered           Key = "ev_answered"
	msgEvAnswerRejected     Key = "ev_answer_rejected"
	msgEvReturned           Key = "ev_returned"
	msgEvTransferred        Key = "ev_transferred"
	msgEvExtensionRequested Key = "ev_extension_requested"
	msgEvExtensionApproved  Key = "ev_extension_approved"
	msgEvExtensionRejected  Key = "ev_extension_rejected"
	msgEvClosed             Key = "ev_closed"
	msgEvReopened           Key = "ev_reopened"
	msgEvOther              Key = "ev_other"
	msgOn                   Key = "on"
	msgOff                  Key = "off"
)

// catalog holds every message in every language. Texts are HTML in the
// supported subset with {name} placeholders; TestCatalog checks that each
// key has every language, the same placeholders in each, and valid HTML.
var catalog = merge(coreTexts, replyTexts, helpTexts, reminderTexts, statsTexts, digestTexts, calendarTexts, setupTexts,
	upstreamTexts, webTexts, processTexts, routingTexts, attachTexts)

// merge joins parts of the catalogue, each key once.
func merge(parts ...map[Key]text) map[Key]text {
	all := map[Key]text{}
	for _, p := range parts {
		for k, t := range p {
			if _, dup := all[k]; dup {
				panic("render: text " + string(k) + " defined twice")
			}
			all[k] = t
		}
	}
	return all
}

// coreTexts name roles, actions, statuses and events, and are the texts of
// cards, lists and messages about appeals.
var coreTexts = map[Key]text{
	msgDigestTitle: {
		en: "{n} new {n:appeal|appeals} for {dept}:",
		zh: "{dept}新收到 {n} 件诉求：",
	},
	msgDigestHint: {
		en: "Many appeals at once, so they are listed together. Claim one with /claim ID; /appeal ID shows it in full.",
		zh: "诉求较多，合并列出。认领请发送 /claim 编号，/appeal 编号 查看详情。",
	},
	msgDeliveryFailed: {
		en: "Messages to chat {chat} cannot be delivered: {reason}. Check that the bot is still a member there, or bind another chat.",
		zh: "无法向会话 {chat} 发送消息：{reason}。请确认机器人仍在该群中，或改绑其他会话。",
	},
	msgDeliveryFailedAppeal: {
		en: "It concerned appeal #{id}: /appeal {id}",
		zh: "涉及诉求 #{id}：/appeal {id}",
	},
	msgADispatcher: {
		en: "a dispatcher",
		zh: "调度员",
	},
	msgALeader: {
		en: "a leader of {dept}",
		zh: "{dept}的负责人",
	},
	msgAResponder: {
		en: "a responder of {dept}",
		zh: "{dept}的承办人",
	},
	msgAnAdmin: {
		en: "an admin",
		zh: "管理员",
	},
	msgRoleAdmins: {
		en: "admins",
		zh: "管理员",
	},
	msgRoleDispatchers: {
		en: "dispatchers",
		zh: "调度员",
	},
	msgRoleLeaders: {
		en: "leaders",
		zh: "负责人",
	},
	msgRoleResponders: {
		en: "responders",
		zh: "承办人",
	},
	msgActAssign: {
		en: "assigned",
		zh: "分派",
	},
	msgActClaim: {
		en: "claimed",
		zh: "认领",
	},
	msgActUnclaim: {
		en: "unclaimed",
		zh: "放弃认领",
	},
	msgActAnswer: {
		en: "answered",
		zh: "答复",
	},
	msgActApprove: {
		en: "approved",
		zh: "批准",
	},
	msgActReject: {
		en: "rejected",
		zh: "驳回",
	},
	msgActReturn: {
		en: "returned",
		zh: "退回",
	},
	msgActTransfer: {
		en: "transferred",
		zh: "转办",
	},
	msgActExtend: {
		en: "extended",
		zh: "申请延期",
	},
	msgActClose: {
		en: "closed",
		zh: "办结",
	},
	msgActReopen: {
		en: "reopened",
		zh: "重新打开",
	},
	msgStUnassigned: {
		en: "unassigned",
		zh: "待分派",
	},
	msgStAssigned: {
		en: "assigned",
		zh: "待认领",
	},
	msgStClaimed: {
		en: "claimed",
		zh: "办理中",
	},
	msgStPendingApproval: {
		en: "waiting for approval",
		zh: "待审核",
	},
	msgStAnswered: {
		en: "answered",
		zh: "已答复",
	},
	msgStClosed: {
		en: "closed",
		zh: "已办结",
	},
	msgStReturned: {
		en: "returned",
		zh: "已退回",
	},
	msgStUnknown: {
		en: "unknown",
		zh: "未知",
	},
	msgPriorityNormal: {
		en: "normal",
		zh: "普通",
	},
	msgPriorityUrgent: {
		en: "urgent",
		zh: "紧急",
	},
	msgAndMore: {
		en: "…and {n} more",
		zh: "……还有 {n} 件",
	},
	msgWaiting: {
		en: "waiting {dur}",
		zh: "已等待 {dur}",
	},
	msgLeft: {
		en: "{dur} left",
		zh: "剩余 {dur}",
	},
	msgOverdueBy: {
		en: "overdue by {dur}",
		zh: "已超时 {dur}",
	},
	msgDeadlineClaim: {
		en: "claim by",
		zh: "认领期限",
	},
	msgDeadlineAnswer: {
		en: "answer by",
		zh: "答复期限",
	},
	msgDeadlineResolve: {
		en: "resolve by",
		zh: "办结期限",
	},
	msgUrgent: {
		en: "URGENT",
		zh: "紧急",
	},
	msgBtnClaim: {
		en: "Claim",
		zh: "认领",
	},
	msgBtnReturn: {
		en: "Return",
		zh: "退回",
	},
	msgBtnDetails: {
		en: "Details",
		zh: "详情",
	},
	msgBtnAnswer: {
		en: "Answer",
		zh: "答复",
	},
	msgBtnApprove: {
		en: "Approve",
		zh: "批准",
	},
	msgBtnReject: {
		en: "Reject",
		zh: "驳回",
	},
	msgCardUnassigned: {
		en: "Waiting for dispatch.",
		zh: "等待分派。",
	},
	msgAssignHint: {
		en: "Assign with /assign {id} DEPT",
		zh: "分派：/assign {id} 部门代码",
	},
	msgCardReturnedBy: {
		en: "Returned by {dept}.",
		zh: "已被{dept}退回。",
	},
	msgCardAssignedTo: {
		en: "Assigned to {dept} · {status}",
		zh: "已分派至{dept} · {status}",
	},
	msgCardTransferred: {
		en: "Transferred to {dept}.",
		zh: "已转办至{dept}。",
	},
	msgCardReturned: {
		en: "Returned to dispatch.",
		zh: "已退回调度。",
	},
	msgStatusLine: {
		en: "Status: {status}",
		zh: "状态：{status}",
	},
	msgCardExtension: {
		en: "{name} asked for {dur} more: {reason} — waiting for a leader.",
		zh: "{name} 申请延期 {dur}：{reason}，等待负责人审批。",
	},
	msgCardPendingApproval: {
		en: "The answer waits for a leader's approval.",
		zh: "答复等待负责人审核。",
	},
	msgReturnedMsg: {
		en: "{appeal} was returned by {dept}: {reason}",
		zh: "{appeal} 被{dept}退回：{reason}",
	},
	msgContactTitle: {
		en: "Contact for {appeal}",
		zh: "{appeal} 的联系方式",
	},
	msgFieldCitizen: {
		en: "Citizen: {v}",
		zh: "诉求人：{v}",
	},
	msgFieldPhone: {
		en: "Phone: {v}",
		zh: "电话：{v}",
	},
	msgFieldEmail: {
		en: "E-mail: {v}",
		zh: "邮箱：{v}",
	},
	msgFieldLocation: {
		en: "Location: {v}",
		zh: "地点：{v}",
	},
	msgFieldDept: {
		en: "Department: {v}",
		zh: "部门：{v}",
	},
	msgFieldCategory: {
		en: "Category: {v}",
		zh: "类别：{v}",
	},
	msgFieldSource: {
		en: "Source: {v}",
		zh: "来源：{v}",
	},
	msgFieldReceived: {
		en: "Received: {v}",
		zh: "收到时间：{v}",
	},
	msgFieldAssignee: {
		en: "Assignee: {v}",
		zh: "承办人：{v}",
	},
	msgExtensionGone: {
		en: "The extension request for {appeal} is no longer pending.",
		zh: "{appeal} 的延期申请已处理。",
	},
	msgExtensionRequestMsg: {
		en: "{name} asks for {dur} more on {appeal} ({dept}): {reason}",
		zh: "{name} 申请为 {appeal}（{dept}）延期 {dur}：{reason}",
	},
	msgExtensionDue: {
		en: "Answer due {due} ({left}); if approved, it becomes {new}.",
		zh: "答复期限 {due}（{left}）；批准后改为 {new}。",
	},
	msgExtensionApprovedMsg: {
		en: "Your request for {dur} more on {appeal} is approved; the answer is now due {due}.",
		zh: "你为 {appeal} 申请的 {dur} 延期已批准；答复期限现为 {due}。",
	},
	msgExtensionRejectedMsg: {
		en: "Your request for more time on {appeal} is rejected: {reason}",
		zh: "你为 {appeal} 提交的延期申请被驳回：{reason}",
	},
	msgApprovalGone: {
		en: "The answer to {appeal} no longer waits for approval.",
		zh: "{appeal} 的答复已不再等待审核。",
	},
	msgAnswerApprovalMsg: {
		en: "{name} ({dept}) answered {appeal}; it goes to the citizen once approved:",
		zh: "{name}（{dept}）答复了 {appeal}，审核通过后发送给诉求人：",
	},
	msgAnswerApprovedMsg: {
		en: "Your answer to {appeal} is approved and goes to the citizen.",
		zh: "你对 {appeal} 的答复已批准，将发送给诉求人。",
	},
	msgAnswerRejectedMsg: {
		en: "Your answer to {appeal} was sent back: {reason}. Answer again with /answer {id} TEXT.",
		zh: "你对 {appeal} 的答复被退回：{reason}。请用 /answer {id} 内容 重新答复。",
	},
	msgAnswersTitle: {
		en: "Answers ({n})",
		zh: "答复（{n}）",
	},
	msgEventsTitle: {
		en: "Latest events",
		zh: "最近记录",
	},
	msgTextCut: {
		en: "(text cut; full text: GET /api/v1/appeals/{id})",
		zh: "（正文已截断；完整内容：GET /api/v1/appeals/{id}）",
	},
	msgAnsPending: {
		en: "pending",
		zh: "待审核",
	},
	msgAnsAccepted: {
		en: "accepted",
		zh: "已采纳",
	},
	msgAnsRejected: {
		en: "rejected",
		zh: "已退回",
	},
	msgEvReceived: {
		en: "received",
		zh: "收到",
	},
	msgEvAssigned: {
		en: "assigned",
		zh: "分派",
	},
	msgEvClaimed: {
		en: "claimed",
		zh: "认领",
	},
	msgEvUnclaimed: {
		en: "unclaimed",
		zh: "放弃认领",
	},
	msgEvAnswerSubmitted: {
		en: "answer submitted",
		zh: "提交答复",
	},
	msgEvAnswered: {
		en: "answered",
		zh: "答复",
	},
	msgEvAnswerRejected: {
		en: "answer rejected",
		zh: "答复被退回",
	},
	msgEvReturned: {
		en: "returned",
		zh: "退回",
	},
	msgEvTransferred: {
		en: "transferred",
		zh: "转办",
	},
	msgEvExtensionRequested: {
		en: "extension requested",
		zh: "申请延期",
	},
	msgEvExtensionApproved: {
		en: "extension approved",
		zh: "延期获批",
	},
	msgEvExtensionRejected: {
		en: "extension rejected",
		zh: "延期被驳回",
	},
	msgEvClosed: {
		en: "closed",
		zh: "办结",
	},
	msgEvReopened: {
		en: "reopened",
		zh: "重新打开",
	},
	msgEvOther: {
		en: "other",
		zh: "其他",
	},
	msgOn: {
		en: "on",
		zh: "开启",
	},
	msgOff: {
		en: "off",
		zh: "关闭",
	},
}
