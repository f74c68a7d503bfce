package render

// Texts of the 12345 loop: reviewed returns and transfers, prompts closed
// by their decision, capped extensions approved in two steps, assigning a
// person and reopening.

// Keys of the loop's texts in cards and messages.
const (
	msgReviewReturnMsg     Key = "review_return_msg"
	msgReviewTransferMsg   Key = "review_transfer_msg"
	msgReviewBounced       Key = "review_bounced"
	msgReviewHint          Key = "review_hint"
	msgReviewGone          Key = "review_gone"
	msgReviewApprovedMsg   Key = "review_approved_msg"
	msgReviewRejectedMsg   Key = "review_rejected_msg"
	msgHandoffReturn       Key = "handoff_return"
	msgHandoffTransfer     Key = "handoff_transfer"
	msgPromptDecidedLine   Key = "prompt_decided_line"
	msgDecApproved         Key = "dec_approved"
	msgDecRejected         Key = "dec_rejected"
	msgDecEndorsed         Key = "dec_endorsed"
	msgAssignedYouMsg      Key = "assigned_you_msg"
	msgReopenedYouMsg      Key = "reopened_you_msg"
	msgExtensionGrantedMsg Key = "extension_granted_msg"
	msgCardReview          Key = "card_review"
	MsgReviewByDispatch    Key = "review_by_dispatch"
	MsgReviewBySupervision Key = "review_by_supervision"
	msgCardHandoff         Key = "card_handoff"
	msgCardHandoffApproved Key = "card_handoff_approved"
	msgCardReopens         Key = "card_reopens"
	msgCardBounces         Key = "card_bounces"
	msgCardExtDispatch     Key = "card_ext_dispatch"
	msgBtnAssign           Key = "btn_assign"
	msgStageReviewLate     Key = "stage_review_late"
	msgStageReviewSuper    Key = "stage_review_super"
	msgEvReviewRequested   Key = "ev_review_requested"
	msgEvReviewRejected    Key = "ev_review_rejected"
	msgEvExtensionEndorsed Key = "ev_extension_endorsed"
	msgEvMemberAssigned    Key = "ev_member_assigned"
	msgActReview           Key = "act_review"
	msgActAssignMember     Key = "act_assign_member"
)

// Keys of the loop's replies to commands.
const (
	MsgReturnAsked        Key = "return_asked"
	MsgTransferAsked      Key = "transfer_asked"
	MsgReviewApproved     Key = "review_approved"
	MsgReviewRejected     Key = "review_rejected"
	MsgReviewPending      Key = "review_pending"
	MsgNoPendingReview    Key = "no_pending_review"
	MsgNotReviewer        Key = "not_reviewer"
	MsgExtensionCap       Key = "extension_cap"
	MsgLeaderFirst        Key = "leader_first"
	MsgAwaitsDispatch     Key = "awaits_dispatch"
	MsgExtensionEndorsed  Key = "extension_endorsed"
	MsgAlreadyDecided     Key = "already_decided"
	MsgMemberAssigned     Key = "member_assigned"
	MsgAssignWho          Key = "assign_who"
	MsgNotInDept          Key = "not_in_dept"
	MsgAlreadyAssignee    Key = "already_assignee"
	MsgNoResponders       Key = "no_responders"
	MsgReopenedDone       Key = "reopened_done"
	MsgDeptSetProcess     Key = "dept_set_process"
	MsgHelpReopen         Key = "help_reopen"
	MsgNoUser             Key = "no_user"
	MsgCannotAssignMember Key = "cannot_assign_member"
)

var processTexts = map[Key]text{
	msgReviewReturnMsg: {
		en: "{name} of {dept} asks to return {appeal} to dispatch: {reason}",
		zh: "{dept}的 {name} 申请退回 {appeal}：{reason}",
	},
	msgReviewTransferMsg: {
		en: "{name} of {dept} asks to transfer {appeal} to {to}: {reason}",
		zh: "{dept}的 {name} 申请将 {appeal} 转办至{to}：{reason}",
	},
	msgReviewBounced: {
		en: "It has bounced {n} {n:time|times} already: supervision rules on it.",
		zh: "该诉求已被退回或转办 {n} 次，由督办裁定。",
	},
	msgReviewHint: {
		en: "Approve, or reject with /reject {id} REASON.",
		zh: "请批准，或用 /reject {id} 理由 驳回。",
	},
	msgReviewGone: {
		en: "The return or transfer of {appeal} is no longer waiting for review.",
		zh: "{appeal} 的退回或转办申请已处理。",
	},
	msgReviewApprovedMsg: {
		en: "{appeal}: the {what} was approved.",
		zh: "{appeal}：{what}申请已批准。",
	},
	msgReviewRejectedMsg: {
		en: "{appeal}: the {what} was rejected: {reason}\nIt stays with {dept}; its deadlines are unchanged.",
		zh: "{appeal}：{what}申请被驳回：{reason}\n诉求仍由{dept}办理，期限不变。",
	},
	msgHandoffReturn: {
		en: "return",
		zh: "退回",
	},
	msgHandoffTransfer: {
		en: "transfer to {to}",
		zh: "转办至{to}",
	},
	msgPromptDecidedLine: {
		en: "{decision} by {name}, {at}.",
		zh: "{decision}（{name}，{at}）。",
	},
	msgDecApproved: {
		en: "✅ Approved",
		zh: "✅ 已批准",
	},
	msgDecRejected: {
		en: "❌ Rejected",
		zh: "❌ 已驳回",
	},
	msgDecEndorsed: {
		en: "☑️ Approved (dispatch decides next)",
		zh: "☑️ 负责人已批准，等待调度审定",
	},
	msgAssignedYouMsg: {
		en: "📌 {name} assigned {appeal} to you.",
		zh: "📌 {name} 将 {appeal} 指派给您办理。",
	},
	msgReopenedYouMsg: {
		en: "🔁 {appeal}, which you handled, was reopened: {reason}",
		zh: "🔁 您办理过的 {appeal} 已重办：{reason}",
	},
	msgExtensionGrantedMsg: {
		en: "⏳ {appeal}: {dur} more approved; answer by {due}.",
		zh: "⏳ {appeal}：延期 {dur} 已批准，答复期限改为 {due}。",
	},
	msgCardReview: {
		en: "⏸ {what} asked by {name}: {reason} — waiting for {by}.",
		zh: "⏸ {name} 申请{what}：{reason}（等待{by}）",
	},
	MsgReviewByDispatch: {
		en: "dispatch's review",
		zh: "调度审定",
	},
	MsgReviewBySupervision: {
		en: "supervision's ruling",
		zh: "督办裁定",
	},
	msgCardHandoff: {
		en: "↪️ From {from}: {what} by {name}: {reason}",
		zh: "↪️ 来自{from}：{name} {what}，理由：{reason}",
	},
	msgCardHandoffApproved: {
		en: " (approved by {name})",
		zh: "（{name} 审定）",
	},
	msgCardReopens: {
		en: "🔁 Reopened {n} {n:time|times}",
		zh: "🔁 第 {n} 次重办",
	},
	msgCardBounces: {
		en: "Bounced {n} {n:time|times}",
		zh: "已退转 {n} 次",
	},
	msgCardExtDispatch: {
		en: " — approved by {name}, waiting for dispatch",
		zh: "（{name} 已批准，等待调度审定）",
	},
	msgBtnAssign: {
		en: "Assign",
		zh: "指派",
	},
	msgStageReviewLate: {
		en: "the review it waits for is overdue",
		zh: "待审定的申请已超时",
	},
	msgStageReviewSuper: {
		en: "the review it waits for is long overdue: supervision",
		zh: "待审定的申请严重超时，提请督办",
	},
	msgEvReviewRequested: {
		en: "review asked",
		zh: "申请审定",
	},
	msgEvReviewRejected: {
		en: "review rejected",
		zh: "审定驳回",
	},
	msgEvExtensionEndorsed: {
		en: "extension approved by a leader",
		zh: "负责人批准延期",
	},
	msgEvMemberAssigned: {
		en: "assigned to a person",
		zh: "指派承办人",
	},
	msgActReview: {
		en: "reviewed",
		zh: "审定",
	},
	msgActAssignMember: {
		en: "assigned to a person",
		zh: "指派承办人",
	},

	MsgReturnAsked: {
		en: "Return of #{id} asked; it stays with {dept} until {by} decides.",
		zh: "已申请退回 #{id}；在{by}之前仍由{dept}办理。",
	},
	MsgTransferAsked: {
		en: "Transfer of #{id} to {to} asked; it stays with {dept} until {by} decides.",
		zh: "已申请将 #{id} 转办至{to}；在{by}之前仍由{dept}办理。",
	},
	MsgReviewApproved: {
		en: "#{id}: the {what} is approved.",
		zh: "#{id}：已批准{what}。",
	},
	MsgReviewRejected: {
		en: "#{id}: the {what} is rejected; it stays with {dept}.",
		zh: "#{id}：已驳回{what}申请，仍由{dept}办理。",
	},
	MsgReviewPending: {
		en: "Appeal #{id} has a return or transfer waiting for review; wait for the decision.",
		zh: "诉求 #{id} 有退回或转办申请正在审定，请等待结果。",
	},
	MsgNoPendingReview: {
		en: "Appeal #{id} has no return or transfer waiting for review.",
		zh: "诉求 #{id} 没有待审定的退回或转办申请。",
	},
	MsgNotReviewer: {
		en: "Returns and transfers are decided by dispatchers, in the dispatch chat (past the bounce limit, the supervision chat) or privately.",
		zh: "退回和转办由调度员在调度群（超过退转次数时在督办群）或私聊中审定。",
	},
	MsgExtensionCap: {
		en: "Appeal #{id} may be extended by {cap} at most in all; still possible: {left}.",
		zh: "诉求 #{id} 累计延期不得超过 {cap}，尚可延期 {left}。",
	},
	MsgLeaderFirst: {
		en: "A leader of {dept} must approve the extension of #{id} first.",
		zh: "#{id} 的延期须先由{dept}负责人批准。",
	},
	MsgAwaitsDispatch: {
		en: "The extension of #{id} was approved by a leader and waits for dispatch.",
		zh: "#{id} 的延期已由负责人批准，正在等待调度审定。",
	},
	MsgExtensionEndorsed: {
		en: "Extension of #{id} approved; it now waits for dispatch.",
		zh: "已批准 #{id} 的延期，现等待调度审定。",
	},
	MsgAlreadyDecided: {
		en: "Already decided: {decision} by {name}, {at}.",
		zh: "已处理：{decision}（{name}，{at}）。",
	},
	MsgMemberAssigned: {
		en: "#{id} is assigned to {name}.",
		zh: "#{id} 已指派给 {name}。",
	},
	MsgAssignWho: {
		en: "Who should handle #{id}? Responders of {dept}, with their open appeals:",
		zh: "由谁办理 #{id}？{dept}的承办人（括号内为在办数量）：",
	},
	MsgNotInDept: {
		en: "{name} is not a responder or leader of {dept}.",
		zh: "{name} 不是{dept}的承办人或负责人。",
	},
	MsgAlreadyAssignee: {
		en: "#{id} is already held by {name}.",
		zh: "#{id} 已由 {name} 办理。",
	},
	MsgNoResponders: {
		en: "{dept} has no responders; add one with /role add.",
		zh: "{dept}还没有承办人，请用 /role add 添加。",
	},
	MsgReopenedDone: {
		en: "#{id} is reopened (reopen no. {n}).",
		zh: "#{id} 已重办（第 {n} 次）。",
	},
	MsgDeptSetProcess: {
		en: "Transfers without review: {direct}. Extensions also approved by dispatch: {ext}.",
		zh: "转办免审定：{direct}。延期须调度审定：{ext}。",
	},
	MsgHelpReopen: {
		en: "reopen an answered or closed appeal (重办): a new card in the department chat",
		zh: "重办已答复或已办结的诉求：在部门群发出新卡片",
	},
	MsgNoUser: {
		en: "No member “{arg}” is known; give their user id or @username.",
		zh: "找不到成员“{arg}”；请给出用户 ID 或 @用户名。",
	},
	MsgCannotAssignMember: {
		en: "Only a leader of {dept} or a dispatcher can assign #{id} to a person.",
		zh: "只有{dept}负责人或调度员可以指派 #{id} 的承办人。",
	},
}
