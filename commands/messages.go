package commands

// The message catalogue: every text a person reads, in each supported
// language. Keep entries in the order of the constants.

// Message keys.
const (
	msgADispatcher          msgKey = "a_dispatcher"
	msgALeader              msgKey = "a_leader"
	msgAResponder           msgKey = "a_responder"
	msgAnAdmin              msgKey = "an_admin"
	msgRoleAdmins           msgKey = "role_admins"
	msgRoleDispatchers      msgKey = "role_dispatchers"
	msgRoleLeaders          msgKey = "role_leaders"
	msgRoleResponders       msgKey = "role_responders"
	msgActAssign            msgKey = "act_assign"
	msgActClaim             msgKey = "act_claim"
	msgActUnclaim           msgKey = "act_unclaim"
	msgActAnswer            msgKey = "act_answer"
	msgActApprove           msgKey = "act_approve"
	msgActReject            msgKey = "act_reject"
	msgActReturn            msgKey = "act_return"
	msgActTransfer          msgKey = "act_transfer"
	msgActExtend            msgKey = "act_extend"
	msgActClose             msgKey = "act_close"
	msgActReopen            msgKey = "act_reopen"
	msgStUnassigned         msgKey = "st_unassigned"
	msgStAssigned           msgKey = "st_assigned"
	msgStClaimed            msgKey = "st_claimed"
	msgStPendingApproval    msgKey = "st_pending_approval"
	msgStAnswered           msgKey = "st_answered"
	msgStClosed             msgKey = "st_closed"
	msgStReturned           msgKey = "st_returned"
	msgStUnknown            msgKey = "st_unknown"
	msgIllegal              msgKey = "illegal"
	msgAlreadyClaimed       msgKey = "already_claimed"
	msgClaimedBy            msgKey = "claimed_by"
	msgYouClaimed           msgKey = "you_claimed"
	msgNotAssignee          msgKey = "not_assignee"
	msgReturnedBy           msgKey = "returned_by"
	msgSameDept             msgKey = "same_dept"
	msgExtensionPending     msgKey = "extension_pending"
	msgNoPendingExtension   msgKey = "no_pending_extension"
	msgNoPendingAnswer      msgKey = "no_pending_answer"
	msgNothingPending       msgKey = "nothing_pending"
	msgNoAppeal             msgKey = "no_appeal"
	msgNoDept               msgKey = "no_dept"
	msgBadID                msgKey = "bad_id"
	msgNeedID               msgKey = "need_id"
	msgNeedDept             msgKey = "need_dept"
	msgNeedAnswer           msgKey = "need_answer"
	msgNeedReason           msgKey = "need_reason"
	msgNeedResult           msgKey = "need_result"
	msgNeedDuration         msgKey = "need_duration"
	msgBadDuration          msgKey = "bad_duration"
	msgNeedLang             msgKey = "need_lang"
	msgBadLang              msgKey = "bad_lang"
	msgNeedUser             msgKey = "need_user"
	msgUnknownUser          msgKey = "unknown_user"
	msgBadUser              msgKey = "bad_user"
	msgNeedCode             msgKey = "need_code"
	msgBadCode              msgKey = "bad_code"
	msgNeedName             msgKey = "need_name"
	msgNameTooLong          msgKey = "name_too_long"
	msgDeptExists           msgKey = "dept_exists"
	msgBindInGroup          msgKey = "bind_in_group"
	msgBoundElsewhere       msgKey = "bound_elsewhere"
	msgNotBoundHere         msgKey = "not_bound_here"
	msgNeedSLA              msgKey = "need_sla"
	msgBadSLA               msgKey = "bad_sla"
	msgSLAOrder             msgKey = "sla_order"
	msgSLAInvalid           msgKey = "sla_invalid"
	msgNeedSetting          msgKey = "need_setting"
	msgBadSetting           msgKey = "bad_setting"
	msgNeedRole             msgKey = "need_role"
	msgBadRole              msgKey = "bad_role"
	msgGlobalRole           msgKey = "global_role"
	msgNoSuchGrant          msgKey = "no_such_grant"
	msgConfigAdmin          msgKey = "config_admin"
	msgGranted              msgKey = "granted"
	msgRevoked              msgKey = "revoked"
	msgTooManyArgs          msgKey = "too_many_args"
	msgNeedSub              msgKey = "need_sub"
	msgUnknownSub           msgKey = "unknown_sub"
	msgUnknownCommand       msgKey = "unknown_command"
	msgOnlyRoles            msgKey = "only_roles"
	msgNotResponder         msgKey = "not_responder"
	msgNotResponderView     msgKey = "not_responder_view"
	msgNotResponderList     msgKey = "not_responder_list"
	msgNotLeader            msgKey = "not_leader"
	msgWrongChat            msgKey = "wrong_chat"
	msgNotDispatchChat      msgKey = "not_dispatch_chat"
	msgNotDispatchChatHere  msgKey = "not_dispatch_chat_here"
	msgListWhere            msgKey = "list_where"
	msgLangRefused          msgKey = "lang_refused"
	msgLangSetMember        msgKey = "lang_set_member"
	msgLangSetChat          msgKey = "lang_set_chat"
	msgBadKind              msgKey = "bad_kind"
	msgUnexpected           msgKey = "unexpected"
	msgUsage                msgKey = "usage"
	msgClaimed              msgKey = "claimed"
	msgClaimedNotice        msgKey = "claimed_notice"
	msgUnclaimed            msgKey = "unclaimed"
	msgAnswerPending        msgKey = "answer_pending"
	msgAnswered             msgKey = "answered"
	msgReturnedDone         msgKey = "returned_done"
	msgTransferred          msgKey = "transferred"
	msgExtensionAsked       msgKey = "extension_asked"
	msgClosed               msgKey = "closed"
	msgAssigned             msgKey = "assigned"
	msgAnswerApproved       msgKey = "answer_approved"
	msgExtensionApproved    msgKey = "extension_approved"
	msgAnswerRejected       msgKey = "answer_rejected"
	msgExtensionRejected    msgKey = "extension_rejected"
	msgSentPrivately        msgKey = "sent_privately"
	msgHowToAnswer          msgKey = "how_to_answer"
	msgHowToReturn          msgKey = "how_to_return"
	msgHowToReject          msgKey = "how_to_reject"
	msgAndMore              msgKey = "and_more"
	msgListEmpty            msgKey = "list_empty"
	msgNoneOverdue          msgKey = "none_overdue"
	msgMineEmpty            msgKey = "mine_empty"
	msgMineTitle            msgKey = "mine_title"
	msgOpenTitle            msgKey = "open_title"
	msgOpenDispatchTitle    msgKey = "open_dispatch_title"
	msgOverdueTitle         msgKey = "overdue_title"
	msgOverdueAllTitle      msgKey = "overdue_all_title"
	msgWaiting              msgKey = "waiting"
	msgLeft                 msgKey = "left"
	msgOverdueBy            msgKey = "overdue_by"
	msgDeadlineClaim        msgKey = "deadline_claim"
	msgDeadlineAnswer       msgKey = "deadline_answer"
	msgDeadlineResolve      msgKey = "deadline_resolve"
	msgUrgent               msgKey = "urgent"
	msgBtnClaim             msgKey = "btn_claim"
	msgBtnReturn            msgKey = "btn_return"
	msgBtnDetails           msgKey = "btn_details"
	msgBtnAnswer            msgKey = "btn_answer"
	msgBtnApprove           msgKey = "btn_approve"
	msgBtnReject            msgKey = "btn_reject"
	msgCardUnassigned       msgKey = "card_unassigned"
	msgAssignHint           msgKey = "assign_hint"
	msgCardReturnedBy       msgKey = "card_returned_by"
	msgCardAssignedTo       msgKey = "card_assigned_to"
	msgCardTransferred      msgKey = "card_transferred"
	msgCardReturned         msgKey = "card_returned"
	msgStatusLine           msgKey = "status_line"
	msgDigestTitle          msgKey = "digest_title"
	msgDigestHint           msgKey = "digest_hint"
	msgDeliveryFailed       msgKey = "delivery_failed"
	msgDeliveryFailedAppeal msgKey = "delivery_failed_appeal"
	msgCardExtension        msgKey = "card_extension"
	msgCardPendingApproval  msgKey = "card_pending_approval"
	msgReturnedMsg          msgKey = "returned_msg"
	msgContactTitle         msgKey = "contact_title"
	msgFieldCitizen         msgKey = "field_citizen"
	msgFieldPhone           msgKey = "field_phone"
	msgFieldLocation        msgKey = "field_location"
	msgFieldDept            msgKey = "field_dept"
	msgFieldCategory        msgKey = "field_category"
	msgFieldSource          msgKey = "field_source"
	msgFieldReceived        msgKey = "field_received"
	msgFieldAssignee        msgKey = "field_assignee"
	msgExtensionGone        msgKey = "extension_gone"
	msgExtensionRequestMsg  msgKey = "extension_request_msg"
	msgExtensionDue         msgKey = "extension_due"
	msgExtensionApprovedMsg msgKey = "extension_approved_msg"
	msgExtensionRejectedMsg msgKey = "extension_rejected_msg"
	msgApprovalGone         msgKey = "approval_gone"
	msgAnswerApprovalMsg    msgKey = "answer_approval_msg"
	msgAnswerApprovedMsg    msgKey = "answer_approved_msg"
	msgAnswerRejectedMsg    msgKey = "answer_rejected_msg"
	msgAnswersTitle         msgKey = "answers_title"
	msgEventsTitle          msgKey = "events_title"
	msgTextCut              msgKey = "text_cut"
	msgAnsPending           msgKey = "ans_pending"
	msgAnsAccepted          msgKey = "ans_accepted"
	msgAnsRejected          msgKey = "ans_rejected"
	msgEvReceived           msgKey = "ev_received"
	msgEvAssigned           msgKey = "ev_assigned"
	msgEvClaimed            msgKey = "ev_claimed"
	msgEvUnclaimed          msgKey = "ev_unclaimed"
	msgEvAnswerSubmitted    msgKey = "ev_answer_submitted"
	msgEvAnswered           msgKey = "ev_answered"
	msgEvAnswerRejected     msgKey = "ev_answer_rejected"
	msgEvReturned           msgKey = "ev_returned"
	msgEvTransferred        msgKey = "ev_transferred"
	msgEvExtensionRequested msgKey = "ev_extension_requested"
	msgEvExtensionApproved  msgKey = "ev_extension_approved"
	msgEvExtensionRejected  msgKey = "ev_extension_rejected"
	msgEvClosed             msgKey = "ev_closed"
	msgEvReopened           msgKey = "ev_reopened"
	msgEvOther              msgKey = "ev_other"
	msgDeptAdded            msgKey = "dept_added"
	msgDeptBound            msgKey = "dept_bound"
	msgDeptUnbound          msgKey = "dept_unbound"
	msgDeptListTitle        msgKey = "dept_list_title"
	msgDeptLine             msgKey = "dept_line"
	msgNoDepts              msgKey = "no_depts"
	msgDeptSet              msgKey = "dept_set"
	msgOn                   msgKey = "on"
	msgOff                  msgKey = "off"
	msgSLASet               msgKey = "sla_set"
	msgDispatchBound        msgKey = "dispatch_bound"
	msgDispatchUnbound      msgKey = "dispatch_unbound"
	msgHelpTitle            msgKey = "help_title"
	msgHelpNoRole           msgKey = "help_no_role"
	msgHelpFooter           msgKey = "help_footer"
	msgHelpHelp             msgKey = "help_help"
	msgHelpStart            msgKey = "help_start"
	msgHelpLang             msgKey = "help_lang"
	msgHelpClaim            msgKey = "help_claim"
	msgHelpUnclaim          msgKey = "help_unclaim"
	msgHelpAnswer           msgKey = "help_answer"
	msgHelpReturn           msgKey = "help_return"
	msgHelpTransfer         msgKey = "help_transfer"
	msgHelpExtend           msgKey = "help_extend"
	msgHelpClose            msgKey = "help_close"
	msgHelpAppeal           msgKey = "help_appeal"
	msgHelpOpen             msgKey = "help_open"
	msgHelpMine             msgKey = "help_mine"
	msgHelpOverdue          msgKey = "help_overdue"
	msgHelpApprove          msgKey = "help_approve"
	msgHelpReject           msgKey = "help_reject"
	msgHelpAssign           msgKey = "help_assign"
	msgHelpDeptList         msgKey = "help_dept_list"
	msgHelpDeptAdd          msgKey = "help_dept_add"
	msgHelpDeptBind         msgKey = "help_dept_bind"
	msgHelpDeptUnbind       msgKey = "help_dept_unbind"
	msgHelpDeptSLA          msgKey = "help_dept_sla"
	msgHelpDeptSet          msgKey = "help_dept_set"
	msgHelpRoleAdd          msgKey = "help_role_add"
	msgHelpRoleRemove       msgKey = "help_role_remove"
	msgHelpDispatcherAdd    msgKey = "help_dispatcher_add"
	msgHelpDispatcherRemove msgKey = "help_dispatcher_remove"
	msgHelpAdminAdd         msgKey = "help_admin_add"
	msgHelpAdminRemove      msgKey = "help_admin_remove"
	msgHelpDispatchBind     msgKey = "help_dispatch_bind"
	msgHelpDispatchUnbind   msgKey = "help_dispatch_unbind"
	msgMenuDept             msgKey = "menu_dept"
	msgMenuRole             msgKey = "menu_role"
	msgMenuDispatcher       msgKey = "menu_dispatcher"
	msgMenuAdmin            msgKey = "menu_admin"
	msgMenuDispatch         msgKey = "menu_dispatch"
)

// catalog holds every message in every language. Texts are HTML in the
// supported subset with {name} placeholders; TestCatalog checks that each
// key has every language, the same placeholders in each, and valid HTML.
var catalog = map[msgKey]text{
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
	msgIllegal: {
		en: "Appeal #{id} is {status}; it cannot be {verb}.",
		zh: "诉求 #{id} 当前状态为“{status}”，无法{verb}。",
	},
	msgAlreadyClaimed: {
		en: "Appeal #{id} is already claimed by {name}.",
		zh: "诉求 #{id} 已被 {name} 认领。",
	},
	msgClaimedBy: {
		en: "Appeal #{id} is claimed by {name}; only they or a leader may answer it.",
		zh: "诉求 #{id} 由 {name} 办理，只有其本人或负责人可以答复。",
	},
	msgYouClaimed: {
		en: "You have already claimed #{id}.",
		zh: "你已认领诉求 #{id}。",
	},
	msgNotAssignee: {
		en: "Only {name}, who claimed #{id}, or a leader of {dept} may do this.",
		zh: "只有认领了 #{id} 的 {name} 或{dept}的负责人可以这样做。",
	},
	msgReturnedBy: {
		en: "Appeal #{id} was returned by {dept}; assign it to another department.",
		zh: "诉求 #{id} 是{dept}退回的，请分派给其他部门。",
	},
	msgSameDept: {
		en: "Appeal #{id} already belongs to {dept}.",
		zh: "诉求 #{id} 已属于{dept}。",
	},
	msgExtensionPending: {
		en: "Appeal #{id} already has an extension request waiting for a leader.",
		zh: "诉求 #{id} 已有一个延期申请等待负责人审批。",
	},
	msgNoPendingExtension: {
		en: "Appeal #{id} has no extension request waiting for a decision.",
		zh: "诉求 #{id} 没有待审批的延期申请。",
	},
	msgNoPendingAnswer: {
		en: "Appeal #{id} has no answer waiting for approval.",
		zh: "诉求 #{id} 没有待审核的答复。",
	},
	msgNothingPending: {
		en: "Appeal #{id} has nothing waiting for a leader's decision.",
		zh: "诉求 #{id} 没有需要负责人决定的事项。",
	},
	msgNoAppeal: {
		en: "There is no appeal #{id}.",
		zh: "没有编号为 #{id} 的诉求。",
	},
	msgNoDept: {
		en: "There is no department {code}; /dept list shows them.",
		zh: "没有代码为 {code} 的部门；/dept list 可查看所有部门。",
	},
	msgBadID: {
		en: "“{arg}” is not an appeal number.",
		zh: "“{arg}”不是有效的诉求编号。",
	},
	msgNeedID: {
		en: "Give the appeal number.",
		zh: "请提供诉求编号。",
	},
	msgNeedDept: {
		en: "Give the department code.",
		zh: "请提供部门代码。",
	},
	msgNeedAnswer: {
		en: "Give the answer text.",
		zh: "请填写答复内容。",
	},
	msgNeedReason: {
		en: "Give a reason.",
		zh: "请说明理由。",
	},
	msgNeedResult: {
		en: "Give the result.",
		zh: "请填写办理结果。",
	},
	msgNeedDuration: {
		en: "Say how much more time, e.g. 2wd (working days), 8wh (working hours) or 4h.",
		zh: "请说明延长多久，例如 2wd（工作日）、8wh（工作小时）或 4h。",
	},
	msgBadDuration: {
		en: "“{arg}” is not a duration; write e.g. 2wd (working days), 8wh (working hours), 4h or 2d.",
		zh: "“{arg}”不是有效的时长，例如 2wd（工作日）、8wh（工作小时）、4h 或 2d。",
	},
	msgNeedLang: {
		en: "Choose zh or en.",
		zh: "请选择 zh 或 en。",
	},
	msgBadLang: {
		en: "“{arg}” is not a language; choose zh or en.",
		zh: "“{arg}”不是支持的语言，请选择 zh 或 en。",
	},
	msgNeedUser: {
		en: "Name the person: a numeric id, an @username, or reply to one of their messages.",
		zh: "请指定用户：数字 ID、@用户名，或回复该用户的消息。",
	},
	msgUnknownUser: {
		en: "I have not seen {user} yet; ask them to send me /help, or give their numeric id.",
		zh: "我还没有见过 {user}；请对方先给我发送 /help，或改用其数字 ID。",
	},
	msgBadUser: {
		en: "“{arg}” is not a user; give a numeric id or an @username.",
		zh: "“{arg}”不是有效的用户，请提供数字 ID 或 @用户名。",
	},
	msgNeedCode: {
		en: "Give the new department's code (letters, digits, _ or -).",
		zh: "请提供新部门的代码（字母、数字、_ 或 -）。",
	},
	msgBadCode: {
		en: "“{arg}” is not a valid department code: use 1–32 lower-case letters, digits, _ or -, starting with a letter or digit.",
		zh: "“{arg}”不是有效的部门代码：请使用 1–32 个小写字母、数字、_ 或 -，以字母或数字开头。",
	},
	msgNeedName: {
		en: "Give the department's name.",
		zh: "请提供部门名称。",
	},
	msgNameTooLong: {
		en: "The name is longer than 100 characters.",
		zh: "名称超过 100 个字符。",
	},
	msgDeptExists: {
		en: "Department {code} exists already; /dept sla and /dept set change it.",
		zh: "部门 {code} 已存在；可用 /dept sla 和 /dept set 修改。",
	},
	msgBindInGroup: {
		en: "Use this in the group chat to bind, not in a private chat.",
		zh: "请在要绑定的群聊中使用，而不是在私聊中。",
	},
	msgBoundElsewhere: {
		en: "This chat is already bound to {dept}; /dept unbind {code} first.",
		zh: "本群已绑定到{dept}；请先执行 /dept unbind {code}。",
	},
	msgNotBoundHere: {
		en: "This chat is not bound to {dept}.",
		zh: "本群未绑定到{dept}。",
	},
	msgNeedSLA: {
		en: "Give at least one limit, e.g. claim=2h.",
		zh: "请至少提供一项时限，例如 claim=2h。",
	},
	msgBadSLA: {
		en: "“{arg}” is not a limit; write KEY=SPAN (e.g. 30m, 2h, 8wh working hours, 3wd working days) with KEY one of claim, answer, resolve, urgent.claim, urgent.answer, urgent.resolve.",
		zh: "“{arg}”不是有效的时限；格式为 键=时长（如 30m、2h、8wh 工作小时、3wd 工作日），键为 claim、answer、resolve、urgent.claim、urgent.answer、urgent.resolve 之一。",
	},
	msgSLAOrder: {
		en: "The {tier} limits {sla} must grow: claim ≤ answer ≤ resolve.",
		zh: "{tier} 时限 {sla} 必须满足：认领 ≤ 答复 ≤ 办结。",
	},
	msgSLAInvalid: {
		en: "Invalid limits: {detail}.",
		zh: "时限无效：{detail}。",
	},
	msgNeedSetting: {
		en: "Give a setting, e.g. approve_answers=on.",
		zh: "请提供设置项，例如 approve_answers=on。",
	},
	msgBadSetting: {
		en: "“{arg}” is not a setting; use approve_answers=on or approve_answers=off.",
		zh: "“{arg}”不是有效的设置；请使用 approve_answers=on 或 approve_answers=off。",
	},
	msgNeedRole: {
		en: "Give the role: responder or leader.",
		zh: "请提供角色：responder（承办人）或 leader（负责人）。",
	},
	msgBadRole: {
		en: "“{arg}” is not a department role; use responder or leader.",
		zh: "“{arg}”不是部门角色；请使用 responder 或 leader。",
	},
	msgGlobalRole: {
		en: "{role} is not a department role; use /{role} add USER.",
		zh: "{role} 不是部门角色；请使用 /{role} add 用户。",
	},
	msgNoSuchGrant: {
		en: "{name} is not {role}.",
		zh: "{name} 不是{role}。",
	},
	msgConfigAdmin: {
		en: "{name} is an admin by configuration (APPEALBOT_ADMINS); change it there.",
		zh: "{name} 是配置（APPEALBOT_ADMINS）中的管理员，请在配置中修改。",
	},
	msgGranted: {
		en: "{name} is now {role}.",
		zh: "{name} 现在是{role}。",
	},
	msgRevoked: {
		en: "{name} is no longer {role}.",
		zh: "{name} 不再是{role}。",
	},
	msgTooManyArgs: {
		en: "Too many arguments.",
		zh: "参数过多。",
	},
	msgNeedSub: {
		en: "{cmd} needs one of: {subs}. Usage: {usage}",
		zh: "{cmd} 需要子命令：{subs}。用法：{usage}",
	},
	msgUnknownSub: {
		en: "Unknown subcommand {cmd} {sub}; use one of: {subs}. Usage: {usage}",
		zh: "未知子命令 {cmd} {sub}；可用：{subs}。用法：{usage}",
	},
	msgUnknownCommand: {
		en: "Unknown command {cmd}. /help lists what you can do.",
		zh: "未知命令 {cmd}。/help 列出你可以使用的命令。",
	},
	msgOnlyRoles: {
		en: "Only {roles} may use {cmd}.",
		zh: "只有{roles}可以使用 {cmd}。",
	},
	msgNotResponder: {
		en: "Only responders and leaders of {dept} may work on appeal #{id}.",
		zh: "只有{dept}的承办人和负责人可以办理诉求 #{id}。",
	},
	msgNotResponderView: {
		en: "Only responders and leaders of {dept}, dispatchers and admins may see appeal #{id}.",
		zh: "只有{dept}的承办人和负责人、调度员和管理员可以查看诉求 #{id}。",
	},
	msgNotResponderList: {
		en: "Only responders and leaders of {dept}, dispatchers and admins may list its appeals.",
		zh: "只有{dept}的承办人和负责人、调度员和管理员可以查看其诉求列表。",
	},
	msgNotLeader: {
		en: "Only leaders of {dept} may approve or reject for appeal #{id}.",
		zh: "只有{dept}的负责人可以审批诉求 #{id}。",
	},
	msgWrongChat: {
		en: "This chat is not the chat of department {dept}.",
		zh: "本群不是部门{dept}的工作群。",
	},
	msgNotDispatchChat: {
		en: "This is not the dispatch chat; use this there or in a private chat with me.",
		zh: "这里不是调度群；请在调度群或与我的私聊中使用。",
	},
	msgNotDispatchChatHere: {
		en: "This chat is not a dispatch chat.",
		zh: "本群不是调度群。",
	},
	msgListWhere: {
		en: "Use this in a department's chat or in the dispatch chat.",
		zh: "请在部门工作群或调度群中使用。",
	},
	msgLangRefused: {
		en: "Only admins and leaders of this chat's department may change its language.",
		zh: "只有管理员和本群所属部门的负责人可以更改本群的语言。",
	},
	msgLangSetMember: {
		en: "I will talk to you in English.",
		zh: "我将用中文与你交流。",
	},
	msgLangSetChat: {
		en: "This chat now gets English.",
		zh: "本群将使用中文。",
	},
	msgBadKind: {
		en: "“{arg}” is neither answer nor extension.",
		zh: "“{arg}”既不是 answer（答复）也不是 extension（延期）。",
	},
	msgUnexpected: {
		en: "Something went wrong (ref {ref}). Please try again; if it keeps happening, tell an admin this reference.",
		zh: "出错了（编号 {ref}）。请重试；如果问题持续，请把此编号告诉管理员。",
	},
	msgUsage: {
		en: "Usage: {usage}",
		zh: "用法：{usage}",
	},
	msgClaimed: {
		en: "{name} claimed appeal #{id}. Reply to its card with the answer, or send /answer {id} TEXT.",
		zh: "{name} 已认领诉求 #{id}。直接回复其卡片即可答复，或发送 /answer {id} 内容。",
	},
	msgClaimedNotice: {
		en: "You claimed #{id}.",
		zh: "你已认领 #{id}。",
	},
	msgUnclaimed: {
		en: "Appeal #{id} is waiting to be claimed again.",
		zh: "诉求 #{id} 已放弃认领，等待重新认领。",
	},
	msgAnswerPending: {
		en: "Your answer to #{id} waits for a leader's approval.",
		zh: "你对 #{id} 的答复正在等待负责人审核。",
	},
	msgAnswered: {
		en: "Appeal #{id} is answered.",
		zh: "诉求 #{id} 已答复。",
	},
	msgReturnedDone: {
		en: "Appeal #{id} went back to dispatch.",
		zh: "诉求 #{id} 已退回调度。",
	},
	msgTransferred: {
		en: "Appeal #{id} is transferred to {dept}.",
		zh: "诉求 #{id} 已转办至{dept}。",
	},
	msgExtensionAsked: {
		en: "Asked the leaders of {dept} for {dur} more on #{id}.",
		zh: "已向{dept}的负责人申请为 #{id} 延期 {dur}。",
	},
	msgClosed: {
		en: "Appeal #{id} is closed.",
		zh: "诉求 #{id} 已办结。",
	},
	msgAssigned: {
		en: "Appeal #{id} is assigned to {dept}.",
		zh: "诉求 #{id} 已分派至{dept}。",
	},
	msgAnswerApproved: {
		en: "The answer to #{id} is approved.",
		zh: "#{id} 的答复已批准。",
	},
	msgExtensionApproved: {
		en: "{dur} more for #{id} approved; the answer is now due {due}.",
		zh: "已批准 #{id} 延期 {dur}；答复期限现为 {due}。",
	},
	msgAnswerRejected: {
		en: "The answer to #{id} went back to its author.",
		zh: "#{id} 的答复已退回给答复人。",
	},
	msgExtensionRejected: {
		en: "The extension request for #{id} is rejected.",
		zh: "#{id} 的延期申请已驳回。",
	},
	msgSentPrivately: {
		en: "Sent to you in a private chat.",
		zh: "已通过私聊发送给你。",
	},
	msgHowToAnswer: {
		en: "To answer, reply to the card with your text, or send /answer {id} TEXT.",
		zh: "答复方法：直接回复该卡片，或发送 /answer {id} 内容。",
	},
	msgHowToReturn: {
		en: "To return it, send /return {id} REASON.",
		zh: "退回请发送 /return {id} 理由。",
	},
	msgHowToReject: {
		en: "To reject, send /reject {id} REASON.",
		zh: "驳回请发送 /reject {id} 理由。",
	},
	msgAndMore: {
		en: "…and {n} more",
		zh: "……还有 {n} 件",
	},
	msgListEmpty: {
		en: "Nothing open.",
		zh: "没有待办诉求。",
	},
	msgNoneOverdue: {
		en: "Nothing overdue.",
		zh: "没有超时的诉求。",
	},
	msgMineEmpty: {
		en: "You hold no appeals.",
		zh: "你名下没有诉求。",
	},
	msgMineTitle: {
		en: "<b>Your appeals ({n})</b>",
		zh: "<b>我的诉求（{n}）</b>",
	},
	msgOpenTitle: {
		en: "<b>Open appeals of {dept} ({n})</b>",
		zh: "<b>{dept}的待办诉求（{n}）</b>",
	},
	msgOpenDispatchTitle: {
		en: "<b>Waiting for dispatch ({n})</b>",
		zh: "<b>待分派诉求（{n}）</b>",
	},
	msgOverdueTitle: {
		en: "<b>Overdue in {dept} ({n})</b>",
		zh: "<b>{dept}的超时诉求（{n}）</b>",
	},
	msgOverdueAllTitle: {
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
	msgDeptAdded: {
		en: "Department <code>{code}</code> {name} added; limits: normal {normal}, urgent {urgent} (claim / answer / resolve). Next: /dept bind {code} in its group.",
		zh: "已创建部门 <code>{code}</code> {name}；时限：普通 {normal}，紧急 {urgent}（认领 / 答复 / 办结）。下一步：在其工作群中执行 /dept bind {code}。",
	},
	msgDeptBound: {
		en: "This chat is now the chat of {dept}: its new appeals appear here as cards.",
		zh: "本群已成为{dept}的工作群：新诉求将以卡片形式出现在这里。",
	},
	msgDeptUnbound: {
		en: "This chat is no longer the chat of {dept}.",
		zh: "本群不再是{dept}的工作群。",
	},
	msgDeptListTitle: {
		en: "<b>Departments ({n})</b>",
		zh: "<b>部门（{n}）</b>",
	},
	msgDeptLine: {
		en: "<code>{code}</code> {name} · chats: {chats} · limits {normal}, urgent {urgent} · answer approval: {approve}",
		zh: "<code>{code}</code> {name} · 工作群：{chats} · 时限 {normal}，紧急 {urgent} · 答复审核：{approve}",
	},
	msgNoDepts: {
		en: "No departments yet; /dept add CODE NAME creates one.",
		zh: "还没有部门；使用 /dept add 代码 名称 创建。",
	},
	msgDeptSet: {
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
	msgSLASet: {
		en: "Limits of {dept}: normal {normal}, urgent {urgent} (claim / answer / resolve); they apply to appeals assigned from now on.",
		zh: "{dept}的时限：普通 {normal}，紧急 {urgent}（认领 / 答复 / 办结）；对此后分派的诉求生效。",
	},
	msgDispatchBound: {
		en: "This chat is now a dispatch chat: unassigned and returned appeals appear here.",
		zh: "本群已成为调度群：待分派和被退回的诉求将出现在这里。",
	},
	msgDispatchUnbound: {
		en: "This chat is no longer a dispatch chat.",
		zh: "本群不再是调度群。",
	},
	msgHelpTitle: {
		en: "<b>{bot}</b> — commands you may use (ID is an appeal number such as 12 or #12):",
		zh: "<b>{bot}</b> — 你可以使用的命令（ID 为诉求编号，如 12 或 #12）：",
	},
	msgHelpNoRole: {
		en: "You have no role yet. An admin can give you one with /role add CODE responder {id}.",
		zh: "你还没有角色。管理员可以用 /role add 部门代码 responder {id} 为你授权。",
	},
	msgHelpFooter: {
		en: "Answer an appeal by replying to its card. Durations: 30m, 4h, 2d, 1d12h.",
		zh: "直接回复诉求卡片即可答复。时长格式：30m、4h、2d、1d12h。",
	},
	msgHelpHelp: {
		en: "List the commands you may use",
		zh: "列出你可以使用的命令",
	},
	msgHelpStart: {
		en: "Start: show the commands you may use",
		zh: "开始：显示你可以使用的命令",
	},
	msgHelpLang: {
		en: "Set the language: your own in a private chat, the chat's in a group",
		zh: "设置语言：私聊中设置你自己的语言，群聊中设置本群的语言",
	},
	msgHelpClaim: {
		en: "Claim an appeal: it becomes yours to answer",
		zh: "认领诉求，由你负责答复",
	},
	msgHelpUnclaim: {
		en: "Give a claimed appeal back to the department (leaders: anyone's)",
		zh: "放弃认领（负责人可对任何人认领的诉求操作）",
	},
	msgHelpAnswer: {
		en: "Answer an appeal (or reply to its card)",
		zh: "答复诉求（或直接回复其卡片）",
	},
	msgHelpReturn: {
		en: "Send a misrouted appeal back to dispatch",
		zh: "将不属于本部门的诉求退回调度",
	},
	msgHelpTransfer: {
		en: "Transfer an appeal to another department",
		zh: "将诉求转办至其他部门",
	},
	msgHelpExtend: {
		en: "Ask the leaders for more time, e.g. 2d or 4h",
		zh: "向负责人申请延期，例如 2d 或 4h",
	},
	msgHelpClose: {
		en: "Close an answered appeal, as resolved unless you say unresolved (dispatchers: unassigned or returned ones)",
		zh: "办结已答复的诉求，默认已解决，未解决请注明 unresolved（调度员：待分派或被退回的诉求）",
	},
	msgHelpAppeal: {
		en: "Show everything about an appeal",
		zh: "查看诉求的全部信息",
	},
	msgHelpOpen: {
		en: "List this chat's open appeals, most urgent first",
		zh: "列出本群的待办诉求，最紧急的在前",
	},
	msgHelpMine: {
		en: "List the appeals you hold",
		zh: "列出你认领的诉求",
	},
	msgHelpOverdue: {
		en: "List overdue appeals (all departments in the dispatch chat)",
		zh: "列出超时诉求（在调度群中为所有部门）",
	},
	msgHelpApprove: {
		en: "Approve a pending answer or extension request",
		zh: "批准待审核的答复或延期申请",
	},
	msgHelpReject: {
		en: "Reject a pending answer or extension request",
		zh: "驳回待审核的答复或延期申请",
	},
	msgHelpAssign: {
		en: "Assign an appeal to a department",
		zh: "将诉求分派给部门",
	},
	msgHelpDeptList: {
		en: "List the departments",
		zh: "列出所有部门",
	},
	msgHelpDeptAdd: {
		en: "Create a department",
		zh: "创建部门",
	},
	msgHelpDeptBind: {
		en: "Make this group (or topic) the department's chat",
		zh: "将本群（或话题）设为部门工作群",
	},
	msgHelpDeptUnbind: {
		en: "Unbind this chat from the department",
		zh: "解除本群与部门的绑定",
	},
	msgHelpDeptSLA: {
		en: "Set the time limits; limits not named keep their values",
		zh: "设置时限；未列出的时限保持不变",
	},
	msgHelpDeptSet: {
		en: "Make answers wait for a leader's approval, or not",
		zh: "设置答复是否需要负责人审核",
	},
	msgHelpRoleAdd: {
		en: "Make someone a responder or leader of a department",
		zh: "任命部门承办人或负责人",
	},
	msgHelpRoleRemove: {
		en: "Take a department role away",
		zh: "撤销部门角色",
	},
	msgHelpDispatcherAdd: {
		en: "Make someone a dispatcher",
		zh: "任命调度员",
	},
	msgHelpDispatcherRemove: {
		en: "Take the dispatcher role away",
		zh: "撤销调度员",
	},
	msgHelpAdminAdd: {
		en: "Make someone an admin",
		zh: "任命管理员",
	},
	msgHelpAdminRemove: {
		en: "Take the admin role away",
		zh: "撤销管理员",
	},
	msgHelpDispatchBind: {
		en: "Make this chat a dispatch chat",
		zh: "将本群设为调度群",
	},
	msgHelpDispatchUnbind: {
		en: "Stop using this chat for dispatch",
		zh: "取消本群的调度群身份",
	},
	msgMenuDept: {
		en: "Departments: list, add, bind, time limits, settings",
		zh: "部门：列表、创建、绑定、时限、设置",
	},
	msgMenuRole: {
		en: "Department roles: responder, leader",
		zh: "部门角色：承办人、负责人",
	},
	msgMenuDispatcher: {
		en: "Dispatcher role",
		zh: "调度员角色",
	},
	msgMenuAdmin: {
		en: "Admin role",
		zh: "管理员角色",
	},
	msgMenuDispatch: {
		en: "Bind or unbind the dispatch chat",
		zh: "绑定或解绑调度群",
	},
}
