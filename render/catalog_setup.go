package render

// Texts of the fallback chains: why a message reached a fallback, what a
// setup lacks, and where each recipient's messages go.
const (
	msgDetour              Key = "detour"
	msgGapDeptChat         Key = "gap_dept_chat"
	msgGapLeaders          Key = "gap_leaders"
	msgGapDispatch         Key = "gap_dispatch"
	msgGapSupervision      Key = "gap_supervision"
	msgGapAdmins           Key = "gap_admins"
	msgRefusedDeptChat     Key = "refused_dept_chat"
	msgRefusedLeaders      Key = "refused_leaders"
	msgRefusedDispatch     Key = "refused_dispatch"
	msgRefusedSupervision  Key = "refused_supervision"
	msgRefusedAdmins       Key = "refused_admins"
	msgLevelDept           Key = "level_dept"
	msgLevelLeaders        Key = "level_leaders"
	msgLevelDispatch       Key = "level_dispatch"
	msgLevelSupervision    Key = "level_supervision"
	msgLevelAdmins         Key = "level_admins"
	msgLevelNone           Key = "level_none"
	msgWhoDept             Key = "who_dept"
	msgWhoLeaders          Key = "who_leaders"
	msgWhoDispatch         Key = "who_dispatch"
	msgWhoSupervision      Key = "who_supervision"
	msgGapLine             Key = "gap_line"
	msgGapAdminsLine       Key = "gap_admins_line"
	msgMoveLine            Key = "move_line"
	msgReleased            Key = "released"
	msgSetupComplete       Key = "setup_complete"
	msgUndeliverableReason Key = "undeliverable_reason"
)

var setupTexts = map[Key]text{
	msgDetour: {zh: "↪️ 转来此处：{why}", en: "↪️ Sent here because: {why}"},

	msgGapDeptChat:    {zh: "部门 {dept} 未绑定工作群", en: "Department {dept} has no bound chat"},
	msgGapLeaders:     {zh: "部门 {dept} 没有领导", en: "Department {dept} has no leader"},
	msgGapDispatch:    {zh: "未绑定调度群", en: "No dispatch chat is bound"},
	msgGapSupervision: {zh: "未绑定督办群", en: "No supervision chat is bound"},
	msgGapAdmins:      {zh: "没有管理员", en: "There is no admin"},

	msgRefusedDeptChat: {zh: "部门 {dept} 的工作群拒收消息（机器人可能已被移出）",
		en: "The chat of department {dept} refuses messages (the bot may have been removed)"},
	msgRefusedLeaders: {zh: "无法私聊部门 {dept} 的领导（未与机器人开始对话或已屏蔽）",
		en: "The leaders of department {dept} cannot be written to (they have not started a chat with the bot, or blocked it)"},
	msgRefusedDispatch:    {zh: "调度群拒收消息（机器人可能已被移出）", en: "The dispatch chat refuses messages (the bot may have been removed)"},
	msgRefusedSupervision: {zh: "督办群拒收消息（机器人可能已被移出）", en: "The supervision chat refuses messages (the bot may have been removed)"},
	msgRefusedAdmins:      {zh: "无法私聊任何管理员", en: "No admin can be written to"},

	msgLevelDept:        {zh: "部门 {dept} 的工作群", en: "the chat of department {dept}"},
	msgLevelLeaders:     {zh: "部门 {dept} 的领导（私聊）", en: "the leaders of department {dept}, privately"},
	msgLevelDispatch:    {zh: "调度群", en: "the dispatch chat"},
	msgLevelSupervision: {zh: "督办群", en: "the supervision chat"},
	msgLevelAdmins:      {zh: "管理员（私聊）", en: "the admins, privately"},
	msgLevelNone: {zh: "无人可收（消息将等待，直到绑定工作群或任命角色）",
		en: "no one (they wait until a chat is bound or a role granted)"},

	msgWhoDept:        {zh: "部门 {dept} 的诉求和提醒", en: "appeals and reminders of department {dept}"},
	msgWhoLeaders:     {zh: "给部门 {dept} 领导的消息", en: "messages for the leaders of department {dept}"},
	msgWhoDispatch:    {zh: "调度消息（待分派和被退回的诉求）", en: "dispatch messages (unassigned and returned appeals)"},
	msgWhoSupervision: {zh: "督办通报", en: "supervision reports"},

	msgGapLine:       {zh: "⚠️ {gap}：{who}现发往{where}", en: "⚠️ {gap}: {who} now go to {where}"},
	msgGapAdminsLine: {zh: "⚠️ {gap}：其他人都无法接收的消息将等待", en: "⚠️ {gap}: a message no one else can receive waits"},
	msgMoveLine:      {zh: "↪️ {who}现发往{where}", en: "↪️ Now going to {where}: {who}"},
	msgReleased: {zh: "📤 {n} 条此前无人可收的消息现在重新尝试投递。",
		en: "📤 Messages that no one could receive are tried again now ({n})."},
	msgSetupComplete: {zh: "✅ 每个部门都有工作群和领导，调度群、督办群和管理员齐全。",
		en: "✅ Every department has a chat and a leader; the dispatch chat, the supervision chat and an admin are there."},
	msgUndeliverableReason: {zh: "无人可收：{why}", en: "no one can receive it: {why}"},
}
