package render

// Texts of the leaders' web view: the /web command's replies, and the
// labels of the web pages (which take them as plain text, see Plain).
const (
	MsgHelpWeb       Key = "help_web"
	MsgWebLink       Key = "web_link"
	MsgWebOff        Key = "web_off"
	MsgWebPrivate    Key = "web_private"
	MsgWebLoggedOut  Key = "web_logged_out"
	MsgWebBadArg     Key = "web_bad_arg"
	WebTitle         Key = "web_title"
	WebNavOverview   Key = "web_nav_overview"
	WebNavDispatch   Key = "web_nav_dispatch"
	WebNavBulletin   Key = "web_nav_bulletin"
	WebLogout        Key = "web_logout"
	WebSignedInAs    Key = "web_signed_in_as"
	WebWeek          Key = "web_week"
	WebMonth         Key = "web_month"
	WebCustom        Key = "web_custom"
	WebFrom          Key = "web_from"
	WebTo            Key = "web_to"
	WebShow          Key = "web_show"
	WebPeriod        Key = "web_period"
	WebRank          Key = "web_rank"
	WebDept          Key = "web_dept"
	WebScore         Key = "web_score"
	WebResponse      Key = "web_response"
	WebResolution    Key = "web_resolution"
	WebSatisfaction  Key = "web_satisfaction"
	WebOnTimeClaim   Key = "web_on_time_claim"
	WebOnTimeAnswer  Key = "web_on_time_answer"
	WebMedianClaim   Key = "web_median_claim"
	WebMedianAnswer  Key = "web_median_answer"
	WebReceived      Key = "web_received"
	WebAnswered      Key = "web_answered"
	WebClosed        Key = "web_closed"
	WebOpen          Key = "web_open"
	WebOverdue       Key = "web_overdue"
	WebRedList       Key = "web_red_list"
	WebBlackList     Key = "web_black_list"
	WebTotals        Key = "web_totals"
	WebRankOf        Key = "web_rank_of"
	WebNone          Key = "web_none"
	WebTrend         Key = "web_trend"
	WebBacklog       Key = "web_backlog"
	WebOverdueList   Key = "web_overdue_list"
	WebAtRisk        Key = "web_at_risk"
	WebWork          Key = "web_work"
	WebResponder     Key = "web_responder"
	WebUnclaimed     Key = "web_unclaimed"
	WebOldest        Key = "web_oldest"
	WebAppeal        Key = "web_appeal"
	WebTitleCol      Key = "web_title_col"
	WebStatus        Key = "web_status"
	WebDeadline      Key = "web_deadline"
	WebLate          Key = "web_late"
	WebLeft          Key = "web_left"
	WebShownOf       Key = "web_shown_of"
	WebTimeline      Key = "web_timeline"
	WebDeadlines     Key = "web_deadlines"
	WebAnswers       Key = "web_answers"
	WebFeedback      Key = "web_feedback"
	WebNoAnswers     Key = "web_no_answers"
	WebClaimBy       Key = "web_claim_by"
	WebAnswerBy      Key = "web_answer_by"
	WebResolveBy     Key = "web_resolve_by"
	WebDispatchBy    Key = "web_dispatch_by"
	WebCategory      Key = "web_category"
	WebSource        Key = "web_source"
	WebPriority      Key = "web_priority"
	WebCitizen       Key = "web_citizen"
	WebLocation      Key = "web_location"
	WebAssignee      Key = "web_assignee"
	WebWaiting       Key = "web_waiting"
	WebQueue         Key = "web_queue"
	WebReturnedBy    Key = "web_returned_by"
	WebBulletinTitle Key = "web_bulletin_title"
	WebBulletinIntro Key = "web_bulletin_intro"
	WebXLSX          Key = "web_xlsx"
	WebPrint         Key = "web_print"
	WebByCategory    Key = "web_by_category"
	WebBySource      Key = "web_by_source"
	WebFailedOn      Key = "web_failed_on"
	WebShare         Key = "web_share"
	WebBottomNote    Key = "web_bottom_note"
	WebLoginTitle    Key = "web_login_title"
	WebLoginButton   Key = "web_login_button"
	WebLoginHint     Key = "web_login_hint"
	WebLinkExpired   Key = "web_link_expired"
	WebLinkUsed      Key = "web_link_used"
	WebLinkInvalid   Key = "web_link_invalid"
	WebLinkAgain     Key = "web_link_again"
	WebTooMany       Key = "web_too_many"
	WebSignIn        Key = "web_sign_in"
	WebLoggedOut     Key = "web_logged_out_page"
	WebNotFound      Key = "web_not_found"
	WebNoAccess      Key = "web_no_access"
	WebBadPeriod     Key = "web_bad_period"
	WebPublicNote    Key = "web_public_note"
	WebWeights       Key = "web_weights"
	WebTime          Key = "web_time"
	WebEvent         Key = "web_event"
	WebActor         Key = "web_actor"
	WebNote          Key = "web_note"
	WebUnassigned    Key = "web_unassigned"
	WebSystem        Key = "web_system"
	WebNoValue       Key = "web_no_value"
)

var webTexts = map[Key]text{
	MsgHelpWeb: {en: "Open the leaders' web view: a link that works once, for 10 minutes; /web logout ends your sessions",
		zh: "打开领导网页视图：链接仅可使用一次，10 分钟内有效；/web logout 退出所有网页登录"},
	MsgWebLink: {en: "🔗 <a href=\"{url}\">Open the web view</a>\nThe link works once, for 10 minutes; keep it to yourself. Send /web logout to end your web sessions.",
		zh: "🔗 <a href=\"{url}\">打开网页视图</a>\n链接仅可使用一次，10 分钟内有效，请勿转发。发送 /web logout 可退出所有网页登录。"},
	MsgWebOff:       {en: "The web view is not set up on this bot (APPEALBOT_WEB_URL).", zh: "本机器人未开启网页视图（APPEALBOT_WEB_URL）。"},
	MsgWebPrivate:   {en: "Send /web in a private chat with the bot: the link is for you alone.", zh: "请在与机器人的私聊中发送 /web：链接仅供本人使用。"},
	MsgWebLoggedOut: {en: "Ended {n} web {n:session|sessions}; links sent before no longer work.", zh: "已退出 {n} 个网页登录，之前发送的链接均已失效。"},
	MsgWebBadArg:    {en: "“{arg}”: /web takes nothing, or logout.", zh: "“{arg}”：/web 不带参数，或使用 logout。"},
	WebTitle:        {en: "Appeals: figures and rankings", zh: "诉求办理考核"},
	WebNavOverview:  {en: "Overview", zh: "总览"},
	WebNavDispatch:  {en: "Dispatch queue", zh: "调度队列"},
	WebNavBulletin:  {en: "Monthly bulletin", zh: "月度通报"},
	WebLogout:       {en: "Log out", zh: "退出登录"},
	WebSignedInAs:   {en: "Signed in as {name}", zh: "当前用户：{name}"},
	WebWeek:         {en: "This week", zh: "本周"},
	WebMonth:        {en: "This month", zh: "本月"},
	WebCustom:       {en: "Custom", zh: "自定义"},
	WebFrom:         {en: "From", zh: "起"},
	WebTo:           {en: "To", zh: "止"},
	WebShow:         {en: "Show", zh: "查看"},
	WebPeriod:       {en: "{from} – {to}", zh: "{from} 至 {to}"},
	WebRank:         {en: "Rank", zh: "排名"},
	WebDept:         {en: "Department", zh: "部门"},
	WebScore:        {en: "Score", zh: "综合得分"},
	WebResponse:     {en: "Response rate", zh: "响应率"},
	WebResolution:   {en: "Resolution rate", zh: "解决率"},
	WebSatisfaction: {en: "Satisfaction rate", zh: "满意率"},
	WebOnTimeClaim:  {en: "Claimed on time", zh: "按时认领率"},
	WebOnTimeAnswer: {en: "Answered on time", zh: "按时答复率"},
	WebMedianClaim:  {en: "Median time to claim", zh: "认领用时中位数"},
	WebMedianAnswer: {en: "Median time to answer", zh: "答复用时中位数"},
	WebReceived:     {en: "Received", zh: "受理"},
	WebAnswered:     {en: "Answered", zh: "答复"},
	WebClosed:       {en: "Closed", zh: "办结"},
	WebOpen:         {en: "Open", zh: "在办"},
	WebOverdue:      {en: "Overdue", zh: "超期"},
	WebRedList:      {en: "Top five", zh: "红榜"},
	WebBlackList:    {en: "Bottom five", zh: "黑榜"},
	WebTotals:       {en: "All departments", zh: "全部部门合计"},
	WebRankOf:       {en: "{rank} of {n}", zh: "第 {rank} / {n} 名"},
	WebNone:         {en: "None.", zh: "无。"},
	WebTrend:        {en: "Per day", zh: "每日趋势"},
	WebBacklog:      {en: "Open at the end of the day", zh: "每日末在办积压"},
	WebOverdueList:  {en: "Overdue, most late first", zh: "超期诉求（超期最久在前）"},
	WebAtRisk:       {en: "Due within 24 hours", zh: "24 小时内到期"},
	WebWork:         {en: "Responders' open work", zh: "承办人在办"},
	WebResponder:    {en: "Responder", zh: "承办人"},
	WebUnclaimed:    {en: "Not claimed yet", zh: "尚未认领"},
	WebOldest:       {en: "Oldest since", zh: "最早始于"},
	WebAppeal:       {en: "Appeal #{id}", zh: "诉求 #{id}"},
	WebTitleCol:     {en: "Title", zh: "标题"},
	WebStatus:       {en: "Status", zh: "状态"},
	WebDeadline:     {en: "Deadline", zh: "时限"},
	WebLate:         {en: "late {d}", zh: "超期 {d}"},
	WebLeft:         {en: "{d} left", zh: "剩余 {d}"},
	WebShownOf:      {en: "{shown} of {n} shown", zh: "共 {n} 件，显示 {shown} 件"},
	WebTimeline:     {en: "Timeline", zh: "办理记录"},
	WebDeadlines:    {en: "Deadlines", zh: "办理时限"},
	WebAnswers:      {en: "Answers", zh: "答复"},
	WebFeedback:     {en: "Citizen's verdicts", zh: "群众回访"},
	WebNoAnswers:    {en: "No answer yet.", zh: "尚无答复。"},
	WebClaimBy:      {en: "Claim by", zh: "认领时限"},
	WebAnswerBy:     {en: "Answer by", zh: "答复时限"},
	WebResolveBy:    {en: "Resolve by", zh: "办结时限"},
	WebDispatchBy:   {en: "Dispatch by", zh: "派单时限"},
	WebCategory:     {en: "Category", zh: "类别"},
	WebSource:       {en: "Source", zh: "来源"},
	WebPriority:     {en: "Priority", zh: "紧急程度"},
	WebCitizen:      {en: "Citizen", zh: "诉求人"},
	WebLocation:     {en: "Location", zh: "地点"},
	WebAssignee:     {en: "Claimed by", zh: "承办人"},
	WebWaiting:      {en: "Waiting", zh: "等待时长"},
	WebQueue:        {en: "Waiting for a department: {n}", zh: "待派单：{n} 件"},
	WebReturnedBy:   {en: "Returned by", zh: "退回单位"},
	WebBulletinTitle: {en: "Bulletin on the handling of appeals, {month}",
		zh: "{month} 诉求办理考核通报"},
	WebBulletinIntro: {en: "{received} {received:appeal|appeals} received, {answered} answered, {closed} closed; {overdue} overdue now.",
		zh: "本月共受理诉求 {received} 件，答复 {answered} 件，办结 {closed} 件；当前超期 {overdue} 件。"},
	WebXLSX:        {en: "Download .xlsx", zh: "下载 Excel"},
	WebPrint:       {en: "Print", zh: "打印"},
	WebByCategory:  {en: "By category", zh: "按类别"},
	WebBySource:    {en: "By source", zh: "按来源"},
	WebFailedOn:    {en: "Lowest rate", zh: "失分项"},
	WebShare:       {en: "Share", zh: "占比"},
	WebBottomNote:  {en: "{dept}: {rate} {value}", zh: "{dept}：{rate} {value}"},
	WebLoginTitle:  {en: "Log in to the web view", zh: "登录网页视图"},
	WebLoginButton: {en: "Log in", zh: "登录"},
	WebLoginHint: {en: "This link works once. Log in on the device you mean to use.",
		zh: "此链接仅可使用一次，请在要使用的设备上登录。"},
	WebLinkExpired: {en: "This link has expired: links work for 10 minutes.", zh: "此链接已过期：链接 10 分钟内有效。"},
	WebLinkUsed:    {en: "This link has been used already: each link works once.", zh: "此链接已被使用：每个链接只能使用一次。"},
	WebLinkInvalid: {en: "This is not a valid login link.", zh: "这不是有效的登录链接。"},
	WebLinkAgain:   {en: "Send /web to the bot in a private chat for a new link.", zh: "请在与机器人的私聊中发送 /web 获取新链接。"},
	WebTooMany:     {en: "Too many login attempts from here; try again in a minute.", zh: "登录尝试过于频繁，请一分钟后再试。"},
	WebSignIn: {en: "To open the web view, send /web to the bot in a private chat and open the link it answers with.",
		zh: "请在与机器人的私聊中发送 /web，并打开机器人回复的链接。"},
	WebLoggedOut:  {en: "You are logged out.", zh: "已退出登录。"},
	WebNotFound:   {en: "Not found.", zh: "未找到。"},
	WebNoAccess:   {en: "Your roles do not open the web view: it is for leaders, dispatchers and admins.", zh: "您的角色无权使用网页视图：仅限部门负责人、调度员和管理员。"},
	WebBadPeriod:  {en: "Not a period: dates are YYYY-MM-DD, the start before the end, at most 366 days.", zh: "统计期间无效：日期格式为 YYYY-MM-DD，开始早于结束，最长 366 天。"},
	WebPublicNote: {en: "Published for public supervision: figures only, no appeal's content or anyone's name.", zh: "向社会公开，接受监督：仅含统计数据，不含诉求内容及任何人员姓名。"},
	WebWeights:    {en: "Score weights response/resolution/satisfaction: {weights}", zh: "综合得分权重 响应/解决/满意：{weights}"},
	WebTime:       {en: "Time", zh: "时间"},
	WebEvent:      {en: "Event", zh: "事项"},
	WebActor:      {en: "By", zh: "操作人"},
	WebNote:       {en: "Note", zh: "说明"},
	WebUnassigned: {en: "Not assigned", zh: "未派单"},
	WebSystem:     {en: "system", zh: "系统"},
	WebNoValue:    {en: "(none)", zh: "（未填）"},
}
