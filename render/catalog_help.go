package render

// Texts of /help and of the networks' command menus. Help texts of
// commands are plain text, for the menus.

const (
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

// helpTexts are the texts of /help and the command menus.
var helpTexts = map[Key]text{
	MsgHelpTitle: {
		en: "<b>{bot}</b> — commands you may use (ID is an appeal number such as 12 or #12):",
		zh: "<b>{bot}</b> — 你可以使用的命令（ID 为诉求编号，如 12 或 #12）：",
	},
	MsgHelpNoRole: {
		en: "You have no role yet. An admin can give you one with /role add CODE responder {id}.",
		zh: "你还没有角色。管理员可以用 /role add 部门代码 responder {id} 为你授权。",
	},
	MsgHelpFooter: {
		en: "Answer an appeal by replying to its card. {units}",
		zh: "直接回复诉求卡片即可答复。{units}",
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
		en: "Ask to send a misrouted appeal back to dispatch (dispatch reviews it)",
		zh: "申请将不属于本部门的诉求退回调度（由调度审定）",
	},
	MsgHelpTransfer: {
		en: "Ask to transfer an appeal to another department (dispatch reviews it unless the department is trusted)",
		zh: "申请将诉求转办至其他部门（除免审定部门外由调度审定）",
	},
	MsgHelpExtend: {
		en: "Ask the leaders for more time, e.g. 2d or 4h (up to the cap set for all extensions of an appeal)",
		zh: "向负责人申请延期，例如 2d 或 4h（累计不超过延期上限）",
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
		en: "Approve a pending answer, extension, return or transfer",
		zh: "批准待审核的答复、延期、退回或转办申请",
	},
	MsgHelpReject: {
		en: "Reject a pending answer, extension, return or transfer",
		zh: "驳回待审核的答复、延期、退回或转办申请",
	},
	MsgHelpAssign: {
		en: "Assign an appeal to a department (dispatch), or to a person of its department (leaders, dispatch; without USER: a list to pick from)",
		zh: "将诉求分派给部门（调度），或指派给部门的承办人（负责人、调度；不写用户则列出可选人员）",
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
