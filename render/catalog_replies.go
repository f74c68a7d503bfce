package render

// Texts of the replies to commands: refusals and mistakes, each with what
// to do instead, and what a command did.

const (
	MsgIllegal             Key = "illegal"
	MsgAlreadyClaimed      Key = "already_claimed"
	MsgClaimedBy           Key = "claimed_by"
	MsgYouClaimed          Key = "you_claimed"
	MsgNotAssignee         Key = "not_assignee"
	MsgReturnedBy          Key = "returned_by"
	MsgSameDept            Key = "same_dept"
	MsgExtensionPending    Key = "extension_pending"
	MsgNoPendingExtension  Key = "no_pending_extension"
	MsgNoPendingAnswer     Key = "no_pending_answer"
	MsgNothingPending      Key = "nothing_pending"
	MsgNoAppeal            Key = "no_appeal"
	MsgNoDept              Key = "no_dept"
	MsgBadID               Key = "bad_id"
	MsgNeedID              Key = "need_id"
	MsgNeedDept            Key = "need_dept"
	MsgNeedAnswer          Key = "need_answer"
	MsgNeedReason          Key = "need_reason"
	MsgNeedResult          Key = "need_result"
	MsgNeedDuration        Key = "need_duration"
	MsgBadDuration         Key = "bad_duration"
	MsgBadSLASpan          Key = "bad_sla_span"
	msgSpanUnits           Key = "span_units"
	msgSpanEmpty           Key = "span_empty"
	msgSpanSyntax          Key = "span_syntax"
	msgSpanMissingUnit     Key = "span_missing_unit"
	msgSpanUnknownUnit     Key = "span_unknown_unit"
	msgSpanNotWhole        Key = "span_not_whole"
	msgSpanNotPositive     Key = "span_not_positive"
	msgSpanTooLong         Key = "span_too_long"
	msgSpanTooShort        Key = "span_too_short"
	MsgNeedLang            Key = "need_lang"
	MsgBadLang             Key = "bad_lang"
	MsgNeedUser            Key = "need_user"
	MsgUnknownUser         Key = "unknown_user"
	MsgBadUser             Key = "bad_user"
	MsgNeedCode            Key = "need_code"
	MsgBadCode             Key = "bad_code"
	MsgNeedName            Key = "need_name"
	MsgNameTooLong         Key = "name_too_long"
	MsgDeptExists          Key = "dept_exists"
	MsgBindInGroup         Key = "bind_in_group"
	MsgBoundElsewhere      Key = "bound_elsewhere"
	MsgNotBoundHere        Key = "not_bound_here"
	MsgNeedSLA             Key = "need_sla"
	MsgBadSLA              Key = "bad_sla"
	MsgSLAOrder            Key = "sla_order"
	MsgSLAInvalid          Key = "sla_invalid"
	MsgNeedSetting         Key = "need_setting"
	MsgBadSetting          Key = "bad_setting"
	MsgNeedRole            Key = "need_role"
	MsgBadRole             Key = "bad_role"
	MsgGlobalRole          Key = "global_role"
	MsgNoSuchGrant         Key = "no_such_grant"
	MsgConfigAdmin         Key = "config_admin"
	MsgGranted             Key = "granted"
	MsgRevoked             Key = "revoked"
	MsgTooManyArgs         Key = "too_many_args"
	MsgNeedSub             Key = "need_sub"
	MsgUnknownSub          Key = "unknown_sub"
	MsgUnknownCommand      Key = "unknown_command"
	MsgOnlyRoles           Key = "only_roles"
	MsgNotResponder        Key = "not_responder"
	MsgNotResponderList    Key = "not_responder_list"
	MsgNotLeader           Key = "not_leader"
	MsgWrongChat           Key = "wrong_chat"
	MsgNotDispatchChat     Key = "not_dispatch_chat"
	MsgNotDispatchChatHere Key = "not_dispatch_chat_here"
	MsgListWhere           Key = "list_where"
	MsgLangRefused         Key = "lang_refused"
	MsgLangSetMember       Key = "lang_set_member"
	MsgLangSetChat         Key = "lang_set_chat"
	MsgBadKind             Key = "bad_kind"
	MsgUnexpected          Key = "unexpected"
	MsgUsage               Key = "usage"
	MsgClaimed             Key = "claimed"
	MsgClaimedNotice       Key = "claimed_notice"
	MsgUnclaimed           Key = "unclaimed"
	MsgAnswerPending       Key = "answer_pending"
	MsgAnswered            Key = "answered"
	MsgReturnedDone        Key = "returned_done"
	MsgTransferred         Key = "transferred"
	MsgExtensionAsked      Key = "extension_asked"
	MsgClosed              Key = "closed"
	MsgAssigned            Key = "assigned"
	MsgAnswerApproved      Key = "answer_approved"
	MsgExtensionApproved   Key = "extension_approved"
	MsgAnswerRejected      Key = "answer_rejected"
	MsgExtensionRejected   Key = "extension_rejected"
	MsgSentPrivately       Key = "sent_privately"
	MsgHowToAnswer         Key = "how_to_answer"
	MsgAnswerPrompt        Key = "answer_prompt"
	MsgHowToReturn         Key = "how_to_return"
	MsgHowToReject         Key = "how_to_reject"
	MsgListEmpty           Key = "list_empty"
	MsgNoneOverdue         Key = "none_overdue"
	MsgMineEmpty           Key = "mine_empty"
	MsgMineTitle           Key = "mine_title"
	MsgOpenTitle           Key = "open_title"
	MsgOpenDispatchTitle   Key = "open_dispatch_title"
	MsgOverdueTitle        Key = "overdue_title"
	MsgOverdueAllTitle     Key = "overdue_all_title"
	MsgDeptAdded           Key = "dept_added"
	MsgDeptBound           Key = "dept_bound"
	MsgDeptUnbound         Key = "dept_unbound"
	MsgDeptListTitle       Key = "dept_list_title"
	MsgDeptLine            Key = "dept_line"
	MsgNoDepts             Key = "no_depts"
	MsgDeptSet             Key = "dept_set"
	MsgSLASet              Key = "sla_set"
	MsgDispatchBound       Key = "dispatch_bound"
	MsgDispatchUnbound     Key = "dispatch_unbound"
)

// replyTexts are the texts of the replies to commands.
var replyTexts = map[Key]text{
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
		en: "There is no appeal #{id} that you may see.",
		zh: "没有您可以查看的编号为 #{id} 的诉求。",
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
		en: "“{arg}” cannot be used as a span of time: {why}. {units}",
		zh: "“{arg}”不能用作时长：{why}。{units}",
	},
	MsgBadSLASpan: {
		en: "The {key} limit “{arg}” cannot be used: {why}. {units}",
		zh: "{key} 时限“{arg}”无法使用：{why}。{units}",
	},
	msgSpanUnits: {
		en: "Spans: 30m (minutes), 4h or 1h30m (hours), 2d (days, around the clock), 8wh or 1.5wh (working hours), 3wd (working days).",
		zh: "时长写法：30m（分钟）、4h 或 1h30m（小时）、2d（天，全天计）、8wh 或 1.5wh（工作小时）、3wd（工作日）。",
	},
	msgSpanEmpty: {
		en: "it is empty",
		zh: "内容为空",
	},
	msgSpanSyntax: {
		en: "it is malformed: write a number and a unit; only h, m and s combine (1h30m)",
		zh: "格式不对：应为数字加单位，只有 h、m、s 可以组合（如 1h30m）",
	},
	msgSpanMissingUnit: {
		en: "the unit is missing",
		zh: "缺少单位",
	},
	msgSpanUnknownUnit: {
		en: "“{unit}” is not a unit",
		zh: "“{unit}”不是时长单位",
	},
	msgSpanNotWhole: {
		en: "days and working days must be whole numbers, and times whole seconds",
		zh: "天数和工作日数必须是整数，时间须为整秒",
	},
	msgSpanNotPositive: {
		en: "it must be more than zero, without a sign",
		zh: "必须大于零，且不带正负号",
	},
	msgSpanTooLong: {
		en: "it is too long: at most {max}",
		zh: "太长：最多 {max}",
	},
	msgSpanTooShort: {
		en: "it is too short: at least a minute",
		zh: "太短：至少 1 分钟",
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
		en: "“{arg}” is not a setting; use approve_answers, direct_transfer or dispatch_extensions, each =on or =off.",
		zh: "“{arg}”不是有效的设置；请使用 approve_answers、direct_transfer 或 dispatch_extensions，值为 on 或 off。",
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
	MsgAnswerPrompt: {
		en: "✍️ Reply to this message with your answer to #{id}.",
		zh: "✍️ 请直接回复本消息，写下对 #{id} 的答复。",
	},
	MsgHowToReturn: {
		en: "To return it, send /return {id} REASON.",
		zh: "退回请发送 /return {id} 理由。",
	},
	MsgHowToReject: {
		en: "To reject, send /reject {id} REASON.",
		zh: "驳回请发送 /reject {id} 理由。",
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
}
