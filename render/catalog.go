package render

// The message catalogue: every text a person reads, in each supported
// language. Keep entries in the order of the constants. The texts of the
// reminders, the figures, the digests and the calendar are in files of
// their own (catalog_*.go).

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
	MsgIllegal              Key = "illegal"
	MsgAlreadyClaimed       Key = "already_claimed"
	MsgClaimedBy            Key = "claimed_by"
	MsgYouClaimed           Key = "you_claimed"
	MsgNotAssignee          Key = "not_assignee"
	MsgReturnedBy           Key = "returned_by"
	MsgSameDept             Key = "same_dept"
	MsgExtensionPending     Key = "extension_pending"
	MsgNoPendingExtension   Key = "no_pending_extension"
	MsgNoPendingAnswer      Key = "no_pending_answer"
	MsgNothingPending       Key = "nothing_pending"
	MsgNoAppeal             Key = "no_appeal"
	MsgNoDept               Key = "no_dept"
	MsgBadID                Key = "bad_id"
	MsgNeedID               Key = "need_id"
	MsgNeedDept             Key = "need_dept"
	MsgNeedAnswer           Key = "need_answer"
	MsgNeedReason           Key = "need_reason"
	MsgNeedResult           Key = "need_result"
	MsgNeedDuration         Key = "need_duration"
	MsgBadDuration          Key = "bad_duration"
	MsgNeedLang             Key = "need_lang"
	MsgBadLang              Key = "bad_lang"
	MsgNeedUser             Key = "need_user"
	MsgUnknownUser          Key = "unknown_user"
	MsgBadUser              Key = "bad_user"
	MsgNeedCode             Key = "need_code"
	MsgBadCode              Key = "bad_code"
	MsgNeedName             Key = "need_name"
	MsgNameTooLong          Key = "name_too_long"
	MsgDeptExists           Key = "dept_exists"
	MsgBindInGroup          Key = "bind_in_group"
	MsgBoundElsewhere       Key = "bound_elsewhere"
	MsgNotBoundHere         Key = "not_bound_here"
	MsgNeedSLA              Key = "need_sla"
	MsgBadSLA               Key = "bad_sla"
	MsgSLAOrder             Key = "sla_order"
	MsgSLAInvalid           Key = "sla_invalid"
	MsgNeedSetting          Key = "need_setting"
	MsgBadSetting           Key = "bad_setting"
	MsgNeedRole             Key = "need_role"
	MsgBadRole              Key = "bad_role"
	MsgGlobalRole           Key = "global_role"
	MsgNoSuchGrant          Key = "no_such_grant"
	MsgConfigAdmin          Key = "config_admin"
	MsgGranted              Key = "granted"
	MsgRevoked              Key = "revoked"
	MsgTooManyArgs          Key = "too_many_args"
	MsgNeedSub              Key = "need_sub"
	MsgUnknownSub           Key = "unknown_sub"
	MsgUnknownCommand       Key = "unknown_command"
	MsgOnlyRoles            Key = "only_roles"
	MsgNotResponder         Key = "not_responder"
	MsgNotResponderView     Key = "not_responder_view"
	MsgNotResponderList     Key = "not_responder_list"
	MsgNotLeader            Key = "not_leader"
	MsgWrongChat            Key = "wrong_chat"
	MsgNotDispatchChat      Key = "not_dispatch_chat"
	MsgNotDispatchChatHere  Key = "not_dispatch_chat_here"
	MsgListWhere            Key = "list_where"
	MsgLangRefused          Key = "lang_refused"
	MsgLangSetMember        Key = "lang_set_member"
	MsgLangSetChat          Key = "lang_set_chat"
	MsgBadKind              Key = "bad_kind"
	MsgUnexpected           Key = "unexpected"
	MsgUsage                Key = "usage"
	MsgClaimed              Key = "claimed"
	MsgClaimedNotice        Key = "claimed_notice"
	MsgUnclaimed            Key = "unclaimed"
	MsgAnswerPending        Key = "answer_pending"
	MsgAnswered             Key = "answered"
	MsgReturnedDone         Key = "returned_done"
	MsgTransferred          Key = "transferred"
	MsgExtensionAsked       Key = "extension_asked"
	MsgClosed               Key = "closed"
	MsgAssigned             Key = "assigned"
	MsgAnswerApproved       Key = "answer_approved"
	MsgExtensionApproved    Key = "extension_approved"
	MsgAnswerRejected       Key = "answer_rejected"
	MsgExtensionRejected    Key = "extension_rejected"
	MsgSentPrivately        Key = "sent_privately"
	MsgHowToAnswer          Key = "how_to_answer"
	MsgHowToReturn          Key = "how_to_return"
	MsgHowToReject          Key = "how_to_reject"
	msgAndMore              Key = "and_more"
	MsgListEmpty            Key = "list_empty"
	MsgNoneOverdue          Key = "none_overdue"
	MsgMineEmpty            Key = "mine_empty"
	MsgMineTitle            Key = "mine_title"
	MsgOpenTitle            Key = "open_title"
	MsgOpenDispatchTitle    Key = "open_dispatch_title"
	MsgOverdueTitle         Key = "overdue_title"
	MsgOverdueAllTitle      Key = "overdue_all_title"
	msgWaiting              Key = "waiting"
	msgLeft                 Key = "left"
	msgOverdueBy            Key = "overdue_by"
	msgDeadlineClaim        Key = "deadline_claim"
	msgDeadlineAnswer       Key = "deadline_answer"
	msgDeadlineResolve      Key = "deadline_resolve"
	msgUrgent               Key = "urgent"
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
	MsgDeptAdded            Key = "dept_added"
	MsgDeptBound            Key = "dept_bound"
	MsgDeptUnbound          Key = "dept_unbound"
	MsgDeptListTitle        Key = "dept_list_title"
	MsgDeptLine             Key = "dept_line"
	MsgNoDepts              Key = "no_depts"
	MsgDeptSet              Key = "dept_set"
	msgOn                   Key = "on"
	msgOff                  Key = "off"
	MsgSLASet               Key = "sla_set"
	MsgDispatchBound        Key = "dispatch_bound"
	MsgDispatchUnbound      Key = "dispatch_unbound"
	MsgHelpTitle            Key = "help_title"
	MsgHelpNoRole           Key = "help_no_role"
	MsgHelpFooter           Key = "help_footer"
	MsgHelpHelp             Key = "help_help"
	MsgHelpStart            Key = "help_start"
	MsgHelpLang             Key = "help_lang"
	MsgHelpClaim            Key = "help_claim"
	MsgHelpUnclaim          Key = "help_unclaim"
	MsgHelpAnswer           Key = "help_answer"
	MsgHelpReturn           Key = "help_return"
	MsgHelpTransfer         Key = "help_transfer"
	MsgHelpExtend           Key = "help_extend"
	MsgHelpClose            Key = "help_close"
	MsgHelpAppeal           Key = "help_appeal"
	MsgHelpOpen             Key = "help_open"
	MsgHelpMine             Key = "help_mine"
	MsgHelpOverdue          Key = "help_overdue"
	MsgHelpApprove          Key = "help_approve"
	MsgHelpReject           Key = "help_reject"
	MsgHelpAssign           Key = "help_assign"
	MsgHelpDeptList         Key = "help_dept_list"
	MsgHelpDeptAdd          Key = "help_dept_add"
	MsgHelpDeptBind         Key = "help_dept_bind"
	MsgHelpDeptUnbind       Key = "help_dept_unbind"
	MsgHelpDeptSLA          Key = "help_dept_sla"
	MsgHelpDeptSet          Key = "help_dept_set"
	MsgHelpRoleAdd          Key = "help_role_add"
	MsgHelpRoleRemove       Key = "help_role_remove"
	MsgHelpDispatcherAdd    Key = "help_dispatcher_add"
	MsgHelpDispatcherRemove Key = "help_dispatcher_remove"
	MsgHelpAdminAdd         Key = "help_admin_add"
	MsgHelpAdminRemove      Key = "help_admin_remove"
	MsgHelpDispatchBind     Key = "help_dispatch_bind"
	MsgHelpDispatchUnbind   Key = "help_dispatch_unbind"
	MsgMenuDept             Key = "menu_dept"
	MsgMenuRole             Key = "menu_role"
	MsgMenuDispatcher       Key = "menu_dispatcher"
	MsgMenuAdmin            Key = "menu_admin"
	MsgMenuDispatch         Key = "menu_dispatch"
)

// catalog holds every message in every language. Texts are HTML in the
// supported subset with {name} placeholders; TestCatalog checks that each
// key has every language, the same placeholders in each, and valid HTML.
// catalog is every text, by key.
var catalog = merge(coreTexts, reminderTexts, statsTexts, digestTexts, calendarTexts)

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

// coreTexts are the texts of cards, messages about appeals and the
// commands that work them.
var coreTexts = map[Key]text{
	msgDigestTitle: {
		en: "{n} new appeals for {dept}:",
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
	MsgIllegal: {
		en: "Appeal #{id} is {status}; it cannot be {verb}.",
		zh: "诉求 #{id} 当前状态为“{status}”，无法{verb}。",
	},
	MsgAlreadyClaimed: {
		en: "Appeal #{id} is already claimed by {name}.",
		zh: "诉求 #{id} 已被 {name} 认领。",
	},
	MsgClaimedBy: {
		en: "Appeal #{id} is claimed by {name}; only they or a leader may answer it.",
		zh: "诉求 #{id} 由 {name} 办理，只有其本人或负责人可以答复。",
	},
	MsgYouClaimed: {
		en: "You have already claimed #{id}.",
		zh: "你已认领诉求 #{id}。",
	},
	MsgNotAssignee: {
		en: "Only {name}, who claimed #{id}, or a leader of {dept} may do this.",
		zh: "只有认领了 #{id} 的 {name} 或{dept}的负责人可以这样做。",
	},
	MsgReturnedBy: {
		en: "Appeal #{id} was returned by {dept}; assign it to another department.",
		zh: "诉求 #{id} 是{dept}退回的，请分派给其他部门。",
	},
	MsgSameDept: {
		en: "Appeal #{id} already belongs to {dept}.",
		zh: "诉求 #{id} 已属于{dept}。",
	},
	MsgExtensionPending: {
		en: "Appeal #{id} already has an extension request waiting for a leader.",
		zh: "诉求 #{id} 已有一个延期申请等待负责人审批。",
	},
	MsgNoPendingExtension: {
		en: "Appeal #{id} has no extension request waiting for a decision.",
		zh: "诉求 #{id} 没有待审批的延期申请。",
	},
	MsgNoPendingAnswer: {
		en: "Appeal #{id} has no answer waiting for approval.",
		zh: "诉求 #{id} 没有待审核的答复。",
	},
	MsgNothingPending: {
		en: "Appeal #{id} has nothing waiting for a leader's decision.",
		zh: "诉求 #{id} 没有需要负责人决定的事项。",
	},
	MsgNoAppeal: {
		en: "There is no appeal #{id}.",
		zh: "没有编号为 #{id} 的诉求。",
	},
	MsgNoDept: {
		en: "There is no department {code}; /dept list shows them.",
		zh: "没有代码为 {code} 的部门；/dept list 可查看所有部门。",
	},
	MsgBadID: {
		en: "“{arg}” is not an appeal number.",
		zh: "“{arg}”不是有效的诉求编号。",
	},
	MsgNeedID: {
		en: "Give the appeal number.",
		zh: "请提供诉求编号。",
	},
	MsgNeedDept: {
		en: "Give the department code.",
		zh: "请提供部门代码。",
	},
	MsgNeedAnswer: {
		en: "Give the answer text.",
		zh: "请填写答复内容。",
	},
	MsgNeedReason: {
		en: "Give a reason.",
		zh: "请说明理由。",
	},
	MsgNeedResult: {
		en: "Give the result.",
		zh: "请填写办理结果。",
	},
	MsgNeedDuration: {
		en: "Say how much more time, e.g. 2wd (working days), 8wh (working hours) or 4h.",
		zh: "请说明延长多久，例如 2wd（工作日）、8wh（工作小时）或 4h。",
	},
	MsgBadDuration: {
		en: "“{arg}” is not a duration; write e.g. 2wd (working days), 8wh (working hours), 4h or 2d.",
		zh: "“{arg}”不是有效的时长，例如 2wd（工作日）、8wh（工作小时）、4h 或 2d。",
	},
	MsgNeedLang: {
		en: "Choose zh or en.",
		zh: "请选择 zh 或 en。",
	},
	MsgBadLang: {
		en: "“{arg}” is not a language; choose zh or en.",
		zh: "“{arg}”不是支持的语言，请选择 zh 或 en。",
	},
	MsgNeedUser: {
		en: "Name the person: a numeric id, an @username, or reply to one of their messages.",
		zh: "请指定用户：数字 ID、@用户名，或回复该用户的消息。",
	},
	MsgUnknownUser: {
		en: "I have not seen {user} yet; ask them to send me /help, or give their numeric id.",
		zh: "我还没有见过 {user}；请对方先给我发送 /help，或改用其数字 ID。",
	},
	MsgBadUser: {
		en: "“{arg}” is not a user; give a numeric id or an @username.",
		zh: "“{arg}”不是有效的用户，请提供数字 ID 或 @用户名。",
	},
	MsgNeedCode: {
		en: "Give the new department's code (letters, digits, _ or -).",
		zh: "请提供新部门的代码（字母、数字、_ 或 -）。",
	},
	MsgBadCode: {
		en: "“{arg}” is not a valid department code: use 1–32 lower-case letters, digits, _ or -, starting with a letter or digit.",
		zh: "“{arg}”不是有效的部门代码：请使用 1–32 个小写字母、数字、_ 或 -，以字母或数字开头。",
	},
	MsgNeedName: {
		en: "Give the department's name.",
		zh: "请提供部门名称。",
	},
	MsgNameTooLong: {
		en: "The name is longer than 100 characters.",
		zh: "名称超过 100 个字符。",
	},
	MsgDeptExists: {
		en: "Department {code} exists already; /dept sla and /dept set change it.",
		zh: "部门 {code} 已存在；可用 /dept sla 和 /dept set 修改。",
	},
	MsgBindInGroup: {
		en: "Use this in the group chat to bind, not in a private chat.",
		zh: "请在要绑定的群聊中使用，而不是在私聊中。",
	},
	MsgBoundElsewhere: {
		en: "This chat is already bound to {dept}; /dept unbind {code} first.",
		zh: "本群已绑定到{dept}；请先执行 /dept unbind {code}。",
	},
	MsgNotBoundHere: {
		en: "This chat is not bound to {dept}.",
		zh: "本群未绑定到{dept}。",
	},
	MsgNeedSLA: {
		en: "Give at least one limit, e.g. claim=2h.",
		zh: "请至少提供一项时限，例如 claim=2h。",
	},
	MsgBadSLA: {
		en: "“{arg}” is not a limit; write KEY=SPAN (e.g. 30m, 2h, 8wh working hours, 3wd working days) with KEY one of claim, answer, resolve, urgent.claim, urgent.answer, urgent.resolve.",
		zh: "“{arg}”不是有效的时限；格式为 键=时长（如 30m、2h、8wh 工作小时、3wd 工作日），键为 claim、answer、resolve、urgent.claim、urgent.answer、urgent.resolve 之一。",
	},
	MsgSLAOrder: {
		en: "The {tier} limits {sla} must grow: claim ≤ answer ≤ resolve.",
		zh: "{tier} 时限 {sla} 必须满足：认领 ≤ 答复 ≤ 办结。",
	},
	MsgSLAInvalid: {
		en: "Invalid limits: {detail}.",
		zh: "时限无效：{detail}。",
	},
	MsgNeedSetting: {
		en: "Give a setting, e.g. approve_answers=on.",
		zh: "请提供设置项，例如 approve_answers=on。",
	},
	MsgBadSetting: {
		en: "“{arg}” is not a setting; use approve_answers=on or approve_answers=off.",
		zh: "“{arg}”不是有效的设置；请使用 approve_answers=on 或 approve_answers=off。",
	},
	MsgNeedRole: {
		en: "Give the role: responder or leader.",
		zh: "请提供角色：responder（承办人）或 leader（负责人）。",
	},
	MsgBadRole: {
		en: "“{arg}” is not a department role; use responder or leader.",
		zh: "“{arg}”不是部门角色；请使用 responder 或 leader。",
	},
	MsgGlobalRole: {
		en: "{role} is not a department role; use /{role} add USER.",
		zh: "{role} 不是部门角色；请使用 /{role} add 用户。",
	},
	MsgNoSuchGrant: {
		en: "{name} is not {role}.",
		zh: "{name} 不是{role}。",
	},
	MsgConfigAdmin: {
		en: "{name} is an admin by configuration (APPEALBOT_ADMINS); change it there.",
		zh: "{name} 是配置（APPEALBOT_ADMINS）中的管理员，请在配置中修改。",
	},
	MsgGranted: {
		en: "{name} is now {role}.",
		zh: "{name} 现在是{role}。",
	},
	MsgRevoked: {
		en: "{name} is no longer {role}.",
		zh: "{name} 不再是{role}。",
	},
	MsgTooManyArgs: {
		en: "Too many arguments.",
		zh: "参数过多。",
	},
	MsgNeedSub: {
		en: "{cmd} needs one of: {subs}. Usage: {usage}",
		zh: "{cmd} 需要子命令：{subs}。用法：{usage}",
	},
	MsgUnknownSub: {
		en: "Unknown subcommand {cmd} {sub}; use one of: {subs}. Usage: {usage}",
		zh: "未知子命令 {cmd} {sub}；可用：{subs}。用法：{usage}",
	},
	MsgUnknownCommand: {
		en: "Unknown command {cmd}. /help lists what you can do.",
		zh: "未知命令 {cmd}。/help 列出你可以使用的命令。",
	},
	MsgOnlyRoles: {
		en: "Only {roles} may use {cmd}.",
		zh: "只有{roles}可以使用 {cmd}。",
	},
	MsgNotResponder: {
		en: "Only responders and leaders of {dept} may work on appeal #{id}.",
		zh: "只有{dept}的承办人和负责人可以办理诉求 #{id}。",
	},
	MsgNotResponderView: {
		en: "Only responders and leaders of {dept}, dispatchers and admins may see appeal #{id}.",
		zh: "只有{dept}的承办人和负责人、调度员和管理员可以查看诉求 #{id}。",
	},
	MsgNotResponderList: {
		en: "Only responders and leaders of {dept}, dispatchers and admins may list its appeals.",
		zh: "只有{dept}的承办人和负责人、调度员和管理员可以查看其诉求列表。",
	},
	MsgNotLeader: {
		en: "Only leaders of {dept} may approve or reject for appeal #{id}.",
		zh: "只有{dept}的负责人可以审批诉求 #{id}。",
	},
	MsgWrongChat: {
		en: "This chat is not the chat of department {dept}.",
		zh: "本群不是部门{dept}的工作群。",
	},
	MsgNotDispatchChat: {
		en: "This is not the dispatch chat; use this there or in a private chat with me.",
		zh: "这里不是调度群；请在调度群或与我的私聊中使用。",
	},
	MsgNotDispatchChatHere: {
		en: "This chat is not a dispatch chat.",
		zh: "本群不是调度群。",
	},
	MsgListWhere: {
		en: "Use this in a department's chat or in the dispatch chat.",
		zh: "请在部门工作群或调度群中使用。",
	},
	MsgLangRefused: {
		en: "Only admins and leaders of this chat's department may change its language.",
		zh: "只有管理员和本群所属部门的负责人可以更改本群的语言。",
	},
	MsgLangSetMember: {
		en: "I will talk to you in English.",
		zh: "我将用中文与你交流。",
	},
	MsgLangSetChat: {
		en: "This chat now gets English.",
		zh: "本群将使用中文。",
	},
	MsgBadKind: {
		en: "“{arg}” is neither answer nor extension.",
		zh: "“{arg}”既不是 answer（答复）也不是 extension（延期）。",
	},
	MsgUnexpected: {
		en: "Something went wrong (ref {ref}). Please try again; if it keeps happening, tell an admin this reference.",
		zh: "出错了（编号 {ref}）。请重试；如果问题持续，请把此编号告诉管理员。",
	},
	MsgUsage: {
		en: "Usage: {usage}",
		zh: "用法：{usage}",
	},
	MsgClaimed: {
		en: "{name} claimed appeal #{id}. Reply to its card with the answer, or send /answer {id} TEXT.",
		zh: "{name} 已认领诉求 #{id}。直接回复其卡片即可答复，或发送 /answer {id} 内容。",
	},
	MsgClaimedNotice: {
		en: "You claimed #{id}.",
		zh: "你已认领 #{id}。",
	},
	MsgUnclaimed: {
		en: "Appeal #{id} is waiting to be claimed again.",
		zh: "诉求 #{id} 已放弃认领，等待重新认领。",
	},
	MsgAnswerPending: {
		en: "Your answer to #{id} waits for a leader's approval.",
		zh: "你对 #{id} 的答复正在等待负责人审核。",
	},
	MsgAnswered: {
		en: "Appeal #{id} is answered.",
		zh: "诉求 #{id} 已答复。",
	},
	MsgReturnedDone: {
		en: "Appeal #{id} went back to dispatch.",
		zh: "诉求 #{id} 已退回调度。",
	},
	MsgTransferred: {
		en: "Appeal #{id} is transferred to {dept}.",
		zh: "诉求 #{id} 已转办至{dept}。",
	},
	MsgExtensionAsked: {
		en: "Asked the leaders of {dept} for {dur} more on #{id}.",
		zh: "已向{dept}的负责人申请为 #{id} 延期 {dur}。",
	},
	MsgClosed: {
		en: "Appeal #{id} is closed.",
		zh: "诉求 #{id} 已办结。",
	},
	MsgAssigned: {
		en: "Appeal #{id} is assigned to {dept}.",
		zh: "诉求 #{id} 已分派至{dept}。",
	},
	MsgAnswerApproved: {
		en: "The answer to #{id} is approved.",
		zh: "#{id} 的答复已批准。",
	},
	MsgExtensionApproved: {
		en: "{dur} more for #{id} approved; the answer is now due {due}.",
		zh: "已批准 #{id} 延期 {dur}；答复期限现为 {due}。",
	},
	MsgAnswerRejected: {
		en: "The answer to #{id} went back to its author.",
		zh: "#{id} 的答复已退回给答复人。",
	},
	MsgExtensionRejected: {
		en: "The extension request for #{id} is rejected.",
		zh: "#{id} 的延期申请已驳回。",
	},
	MsgSentPrivately: {
		en: "Sent to you in a private chat.",
		zh: "已通过私聊发送给你。",
	},
	MsgHowToAnswer: {
		en: "To answer, reply to the card with your text, or send /answer {id} TEXT.",
		zh: "答复方法：直接回复该卡片，或发送 /answer {id} 内容。",
	},
	MsgHowToReturn: {
		en: "To return it, send /return {id} REASON.",
		zh: "退回请发送 /return {id} 理由。",
	},
	MsgHowToReject: {
		en: "To reject, send /reject {id} REASON.",
		zh: "驳回请发送 /reject {id} 理由。",
	},
	msgAndMore: {
		en: "…and {n} more",
		zh: "……还有 {n} 件",
	},
	MsgListEmpty: {
		en: "Nothing open.",
		zh: "没有待办诉求。",
	},
	MsgNoneOverdue: {
		en: "Nothing overdue.",
		zh: "没有超时的诉求。",
	},
	MsgMineEmpty: {
		en: "You hold no appeals.",
		zh: "你名下没有诉求。",
	},
	MsgMineTitle: {
		en: "<b>Your appeals ({n})</b>",
		zh: "<b>我的诉求（{n}）</b>",
	},
	MsgOpenTitle: {
		en: "<b>Open appeals of {dept} ({n})</b>",
		zh: "<b>{dept}的待办诉求（{n}）</b>",
	},
	MsgOpenDispatchTitle: {
		en: "<b>Waiting for dispatch ({n})</b>",
		zh: "<b>待分派诉求（{n}）</b>",
	},
	MsgOverdueTitle: {
		en: "<b>Overdue in {dept} ({n})</b>",
		zh: "<b>{dept}的超时诉求（{n}）</b>",
	},
	MsgOverdueAllTitle: {
		en: "<b>Overdue in all departments ({n})</b>",
		zh: "<b>所有部门的超时诉求（{n}）</b>",
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
	MsgDeptAdded: {
		en: "Department <code>{code}</code> {name} added; limits: normal {normal}, urgent {urgent} (claim / answer / resolve). Next: /dept bind {code} in its group.",
		zh: "已创建部门 <code>{code}</code> {name}；时限：普通 {normal}，紧急 {urgent}（认领 / 答复 / 办结）。下一步：在其工作群中执行 /dept bind {code}。",
	},
	MsgDeptBound: {
		en: "This chat is now the chat of {dept}: its new appeals appear here as cards.",
		zh: "本群已成为{dept}的工作群：新诉求将以卡片形式出现在这里。",
	},
	MsgDeptUnbound: {
		en: "This chat is no longer the chat of {dept}.",
		zh: "本群不再是{dept}的工作群。",
	},
	MsgDeptListTitle: {
		en: "<b>Departments ({n})</b>",
		zh: "<b>部门（{n}）</b>",
	},
	MsgDeptLine: {
		en: "<code>{code}</code> {name} · chats: {chats} · limits {normal}, urgent {urgent} · answer approval: {approve}",
		zh: "<code>{code}</code> {name} · 工作群：{chats} · 时限 {normal}，紧急 {urgent} · 答复审核：{approve}",
	},
	MsgNoDepts: {
		en: "No departments yet; /dept add CODE NAME creates one.",
		zh: "还没有部门；使用 /dept add 代码 名称 创建。",
	},
	MsgDeptSet: {
		en: "{dept}: answer approval is {approve}.",
		zh: "{dept}：答复审核已{approve}。",
	},
	msgOn: {
		en: "on",
		zh: "开启",
	},
	msgOff: {
		en: "off",
		zh: "关闭",
	},
	MsgSLASet: {
		en: "Limits of {dept}: normal {normal}, urgent {urgent} (claim / answer / resolve); they apply to appeals assigned from now on.",
		zh: "{dept}的时限：普通 {normal}，紧急 {urgent}（认领 / 答复 / 办结）；对此后分派的诉求生效。",
	},
	MsgDispatchBound: {
		en: "This chat is now a dispatch chat: unassigned and returned appeals appear here.",
		zh: "本群已成为调度群：待分派和被退回的诉求将出现在这里。",
	},
	MsgDispatchUnbound: {
		en: "This chat is no longer a dispatch chat.",
		zh: "本群不再是调度群。",
	},
	MsgHelpTitle: {
		en: "<b>{bot}</b> — commands you may use (ID is an appeal number such as 12 or #12):",
		zh: "<b>{bot}</b> — 你可以使用的命令（ID 为诉求编号，如 12 或 #12）：",
	},
	MsgHelpNoRole: {
		en: "You have no role yet. An admin can give you one with /role add CODE responder {id}.",
		zh: "你还没有角色。管理员可以用 /role add 部门代码 responder {id} 为你授权。",
	},
	MsgHelpFooter: {
		en: "Answer an appeal by replying to its card. Durations: 30m, 4h, 2d, 1d12h.",
		zh: "直接回复诉求卡片即可答复。时长格式：30m、4h、2d、1d12h。",
	},
	MsgHelpHelp: {
		en: "List the commands you may use",
		zh: "列出你可以使用的命令",
	},
	MsgHelpStart: {
		en: "Start: show the commands you may use",
		zh: "开始：显示你可以使用的命令",
	},
	MsgHelpLang: {
		en: "Set the language: your own in a private chat, the chat's in a group",
		zh: "设置语言：私聊中设置你自己的语言，群聊中设置本群的语言",
	},
	MsgHelpClaim: {
		en: "Claim an appeal: it becomes yours to answer",
		zh: "认领诉求，由你负责答复",
	},
	MsgHelpUnclaim: {
		en: "Give a claimed appeal back to the department (leaders: anyone's)",
		zh: "放弃认领（负责人可对任何人认领的诉求操作）",
	},
	MsgHelpAnswer: {
		en: "Answer an appeal (or reply to its card)",
		zh: "答复诉求（或直接回复其卡片）",
	},
	MsgHelpReturn: {
		en: "Send a misrouted appeal back to dispatch",
		zh: "将不属于本部门的诉求退回调度",
	},
	MsgHelpTransfer: {
		en: "Transfer an appeal to another department",
		zh: "将诉求转办至其他部门",
	},
	MsgHelpExtend: {
		en: "Ask the leaders for more time, e.g. 2d or 4h",
		zh: "向负责人申请延期，例如 2d 或 4h",
	},
	MsgHelpClose: {
		en: "Close an answered appeal, as resolved unless you say unresolved (dispatchers: unassigned or returned ones)",
		zh: "办结已答复的诉求，默认已解决，未解决请注明 unresolved（调度员：待分派或被退回的诉求）",
	},
	MsgHelpAppeal: {
		en: "Show everything about an appeal",
		zh: "查看诉求的全部信息",
	},
	MsgHelpOpen: {
		en: "List this chat's open appeals, most urgent first",
		zh: "列出本群的待办诉求，最紧急的在前",
	},
	MsgHelpMine: {
		en: "List the appeals you hold",
		zh: "列出你认领的诉求",
	},
	MsgHelpOverdue: {
		en: "List overdue appeals (all departments in the dispatch chat)",
		zh: "列出超时诉求（在调度群中为所有部门）",
	},
	MsgHelpApprove: {
		en: "Approve a pending answer or extension request",
		zh: "批准待审核的答复或延期申请",
	},
	MsgHelpReject: {
		en: "Reject a pending answer or extension request",
		zh: "驳回待审核的答复或延期申请",
	},
	MsgHelpAssign: {
		en: "Assign an appeal to a department",
		zh: "将诉求分派给部门",
	},
	MsgHelpDeptList: {
		en: "List the departments",
		zh: "列出所有部门",
	},
	MsgHelpDeptAdd: {
		en: "Create a department",
		zh: "创建部门",
	},
	MsgHelpDeptBind: {
		en: "Make this group (or topic) the department's chat",
		zh: "将本群（或话题）设为部门工作群",
	},
	MsgHelpDeptUnbind: {
		en: "Unbind this chat from the department",
		zh: "解除本群与部门的绑定",
	},
	MsgHelpDeptSLA: {
		en: "Set the time limits; limits not named keep their values",
		zh: "设置时限；未列出的时限保持不变",
	},
	MsgHelpDeptSet: {
		en: "Make answers wait for a leader's approval, or not",
		zh: "设置答复是否需要负责人审核",
	},
	MsgHelpRoleAdd: {
		en: "Make someone a responder or leader of a department",
		zh: "任命部门承办人或负责人",
	},
	MsgHelpRoleRemove: {
		en: "Take a department role away",
		zh: "撤销部门角色",
	},
	MsgHelpDispatcherAdd: {
		en: "Make someone a dispatcher",
		zh: "任命调度员",
	},
	MsgHelpDispatcherRemove: {
		en: "Take the dispatcher role away",
		zh: "撤销调度员",
	},
	MsgHelpAdminAdd: {
		en: "Make someone an admin",
		zh: "任命管理员",
	},
	MsgHelpAdminRemove: {
		en: "Take the admin role away",
		zh: "撤销管理员",
	},
	MsgHelpDispatchBind: {
		en: "Make this chat a dispatch chat",
		zh: "将本群设为调度群",
	},
	MsgHelpDispatchUnbind: {
		en: "Stop using this chat for dispatch",
		zh: "取消本群的调度群身份",
	},
	MsgMenuDept: {
		en: "Departments: list, add, bind, time limits, settings",
		zh: "部门：列表、创建、绑定、时限、设置",
	},
	MsgMenuRole: {
		en: "Department roles: responder, leader",
		zh: "部门角色：承办人、负责人",
	},
	MsgMenuDispatcher: {
		en: "Dispatcher role",
		zh: "调度员角色",
	},
	MsgMenuAdmin: {
		en: "Admin role",
		zh: "管理员角色",
	},
	MsgMenuDispatch: {
		en: "Bind or unbind the dispatch chat",
		zh: "绑定或解绑调度群",
	},
}
