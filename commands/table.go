package commands

import (
	"context"
	"slices"
	"strings"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// row is one command, or one subcommand of a command with several.
type row struct {
	name string
	// sub is the subcommand ("add" of /dept add), "" for a plain command;
	// alias are other words for it.
	sub   string
	alias []string
	usage string
	help  render.Key
	// menu describes a command with subcommands in the networks' command
	// menus; it is set on the command's first row.
	menu render.Key
	// roles may use the row; nil is anyone. Holding the role somewhere is
	// enough to pass this gate; the handler then checks the department,
	// the chat and the appeal.
	roles []appeal.Role
	run   func(c *call, ctx context.Context) (Reply, error)
}

// display is the command as people type it: "/dept add".
func (r *row) display() string {
	if r.sub == "" {
		return "/" + r.name
	}
	return "/" + r.name + " " + r.sub
}

// Who may use a row.
var (
	anyone      []appeal.Role
	staff       = []appeal.Role{appeal.RoleResponder, appeal.RoleLeader, appeal.RoleDispatcher, appeal.RoleAdmin}
	responders  = []appeal.Role{appeal.RoleResponder, appeal.RoleLeader}
	leaders     = []appeal.Role{appeal.RoleLeader}
	dispatchers = []appeal.Role{appeal.RoleDispatcher, appeal.RoleAdmin}
	// deciders decide what waits (answers, extensions, returns and
	// transfers), assign people and reopen: leaders and dispatch.
	deciders = []appeal.Role{appeal.RoleLeader, appeal.RoleDispatcher, appeal.RoleAdmin}
	admins   = []appeal.Role{appeal.RoleAdmin}
	// digestReaders may read a department's digest: its leaders and admins.
	digestReaders = []appeal.Role{appeal.RoleLeader, appeal.RoleAdmin}
)

// table lists every command and button, in the order /help and the
// networks' command menus show them. Buttons run the command their data
// names (see ParseButton) through the same row, so the same checks apply.
func table() []row {
	return []row{
		{name: "help", usage: "/help", help: render.MsgHelpHelp, roles: anyone, run: (*call).help},
		{name: "lang", usage: "/lang zh|en", help: render.MsgHelpLang, roles: anyone, run: (*call).setLang},

		{name: "claim", usage: "/claim ID", help: render.MsgHelpClaim, roles: responders, run: (*call).claim},
		{name: "unclaim", usage: "/unclaim ID", help: render.MsgHelpUnclaim, roles: responders, run: (*call).unclaim},
		{name: "answer", usage: "/answer ID TEXT", help: render.MsgHelpAnswer, roles: responders, run: (*call).answer},
		{name: "return", usage: "/return ID REASON", help: render.MsgHelpReturn, roles: responders, run: (*call).ret},
		{name: "transfer", usage: "/transfer ID DEPT REASON", help: render.MsgHelpTransfer, roles: responders, run: (*call).transfer},
		{name: "extend", usage: "/extend ID DURATION REASON", help: render.MsgHelpExtend, roles: responders, run: (*call).extend},
		{name: "close", usage: "/close ID [resolved|unresolved] RESULT", help: render.MsgHelpClose, roles: staff, run: (*call).close},
		{name: "appeal", usage: "/appeal ID", help: render.MsgHelpAppeal, roles: staff, run: (*call).details},
		{name: "open", usage: "/open", help: render.MsgHelpOpen, roles: staff, run: (*call).open},
		{name: "mine", usage: "/mine", help: render.MsgHelpMine, roles: anyone, run: (*call).mine},
		{name: "overdue", usage: "/overdue", help: render.MsgHelpOverdue, roles: staff, run: (*call).overdue},

		{name: "approve", usage: "/approve ID [answer|extension|review]", help: render.MsgHelpApprove, roles: deciders, run: (*call).approve},
		{name: "reject", usage: "/reject ID REASON", help: render.MsgHelpReject, roles: deciders, run: (*call).reject},

		{name: "assign", usage: "/assign ID [DEPT|@USER]", help: render.MsgHelpAssign, roles: deciders, run: (*call).assign},
		{name: "reopen", usage: "/reopen ID REASON", help: render.MsgHelpReopen, roles: deciders, run: (*call).reopen},

		{name: "dept", sub: "list", menu: render.MsgMenuDept, usage: "/dept list", help: render.MsgHelpDeptList, roles: staff, run: (*call).deptList},
		{name: "dept", sub: "add", usage: "/dept add CODE NAME…", help: render.MsgHelpDeptAdd, roles: admins, run: (*call).deptAdd},
		{name: "dept", sub: "bind", usage: "/dept bind CODE", help: render.MsgHelpDeptBind, roles: admins, run: (*call).deptBind},
		{name: "dept", sub: "unbind", usage: "/dept unbind CODE", help: render.MsgHelpDeptUnbind, roles: admins, run: (*call).deptUnbind},
		{name: "dept", sub: "sla", usage: "/dept sla CODE claim=2wh answer=3wd resolve=7wd [urgent.claim=30m urgent.answer=2h urgent.resolve=24h]",
			help: render.MsgHelpDeptSLA, roles: admins, run: (*call).deptSLA},
		{name: "dept", sub: "set", usage: "/dept set CODE approve_answers=on|off direct_transfer=on|off dispatch_extensions=on|off", help: render.MsgHelpDeptSet, roles: admins, run: (*call).deptSet},
		{name: "role", sub: "add", menu: render.MsgMenuRole,
			usage: "/role add CODE responder|leader USER", help: render.MsgHelpRoleAdd, roles: admins, run: (*call).roleAdd},
		{name: "role", sub: "remove", alias: []string{"rm", "del"}, usage: "/role remove CODE responder|leader USER",
			help: render.MsgHelpRoleRemove, roles: admins, run: (*call).roleRemove},
		{name: "role", sub: "list", alias: []string{"ls"}, usage: "/role list CODE",
			help: render.MsgHelpRoleList, roles: staff, run: (*call).roleList},
		{name: "dispatcher", sub: "add", menu: render.MsgMenuDispatcher,
			usage: "/dispatcher add USER", help: render.MsgHelpDispatcherAdd, roles: admins, run: (*call).dispatcherAdd},
		{name: "dispatcher", sub: "remove", alias: []string{"rm", "del"}, usage: "/dispatcher remove USER",
			help: render.MsgHelpDispatcherRemove, roles: admins, run: (*call).dispatcherRemove},
		{name: "admin", sub: "add", menu: render.MsgMenuAdmin,
			usage: "/admin add USER", help: render.MsgHelpAdminAdd, roles: admins, run: (*call).adminAdd},
		{name: "admin", sub: "remove", alias: []string{"rm", "del"}, usage: "/admin remove USER",
			help: render.MsgHelpAdminRemove, roles: admins, run: (*call).adminRemove},
		{name: "dispatch", sub: "bind", menu: render.MsgMenuDispatch,
			usage: "/dispatch bind", help: render.MsgHelpDispatchBind, roles: admins, run: (*call).dispatchBind},
		{name: "dispatch", sub: "unbind", usage: "/dispatch unbind", help: render.MsgHelpDispatchUnbind, roles: admins, run: (*call).dispatchUnbind},
		{name: "start", usage: "/start", help: render.MsgHelpStart, roles: anyone, run: (*call).help},

		{name: "calendar", sub: "holiday", alias: []string{"holidays", "假日", "节假日"}, menu: render.MsgMenuCalendar,
			usage: "/calendar holiday add|remove FROM[..TO] [NAME…]", help: render.MsgHelpCalHoliday, roles: admins, run: (*call).calHoliday},
		{name: "calendar", sub: "workday", alias: []string{"workdays", "补班", "调休"},
			usage: "/calendar workday add|remove DATE [NAME…]", help: render.MsgHelpCalWorkday, roles: admins, run: (*call).calWorkday},
		{name: "calendar", sub: "list", alias: []string{"ls"},
			usage: "/calendar list [YEAR]", help: render.MsgHelpCalList, roles: staff, run: (*call).calList},

		{name: "digest", sub: "set", menu: render.MsgMenuDigest, usage: `/digest set CODE [daily|weekly] "30 8 * * 1-5"`,
			help: render.MsgHelpDigestSet, roles: admins, run: (*call).digestSet},
		{name: "digest", sub: "now", usage: "/digest now [CODE]", help: render.MsgHelpDigestNow, roles: digestReaders, run: (*call).digestNow},
		{name: "digest", sub: "show", usage: "/digest show [CODE]", help: render.MsgHelpDigestShow, roles: digestReaders, run: (*call).digestShow},

		{name: "reassign", usage: "/reassign ID [REASON]", help: render.MsgHelpReassign, roles: leaders, run: (*call).reassign},
		{name: "supervision", sub: "bind", menu: render.MsgMenuSupervision, usage: "/supervision bind",
			help: render.MsgHelpSupervisionBind, roles: admins, run: (*call).supervisionBind},
		{name: "supervision", sub: "unbind", usage: "/supervision unbind",
			help: render.MsgHelpSupervisionUnb, roles: admins, run: (*call).supervisionUnbind},

		{name: "route", sub: "add", menu: render.MsgMenuRoute,
			usage: "/route add DEPT [category=…] [keywords=A,B] [location=*PATTERN*] [name=NAME] [at=N]",
			help:  render.MsgHelpRouteAdd, roles: admins, run: (*call).routeAdd},
		{name: "route", sub: "remove", alias: []string{"rm", "del"}, usage: "/route remove NAME|N",
			help: render.MsgHelpRouteRemove, roles: admins, run: (*call).routeRemove},
		{name: "route", sub: "list", alias: []string{"ls"}, usage: "/route list",
			help: render.MsgHelpRouteList, roles: dispatchers, run: (*call).routeList},
		{name: "route", sub: "test", usage: "/route test [category=…] [location=…] TEXT…",
			help: render.MsgHelpRouteTest, roles: dispatchers, run: (*call).routeTest},

		{name: "stats", usage: "/stats [today|7d|30d|YYYY-MM]", help: render.MsgHelpStats, roles: staff, run: (*call).stats},
		{name: "web", usage: "/web [logout]", help: render.MsgHelpWeb, roles: webUsers, run: (*call).web},
	}
}

// CommandInfo describes one command for a network's command menu.
type CommandInfo struct {
	Name string
	// Usage is the syntax, one line per subcommand.
	Usage string
	// Help is a one-line plain-text description per language ("zh", "en").
	Help map[string]string
	// Roles may use the command (some of its subcommands, at least); nil
	// is anyone.
	Roles []appeal.Role
}

// Commands lists every command in table order, subcommands merged.
func Commands() []CommandInfo {
	var out []CommandInfo
	at := map[string]int{}
	rows := table()
	for i := range rows {
		r := &rows[i]
		j, ok := at[r.name]
		if !ok {
			k := r.help
			if r.menu != "" {
				k = r.menu
			}
			help := map[string]string{}
			for _, l := range render.Languages {
				help[l] = render.Plain(tr(l, k, nil))
			}
			var rs []appeal.Role
			if r.roles != nil {
				rs = append(rs, r.roles...)
			}
			out = append(out, CommandInfo{Name: r.name, Usage: r.usage, Help: help, Roles: rs})
			at[r.name] = len(out) - 1
			continue
		}
		ci := &out[j]
		ci.Usage += "\n" + r.usage
		if ci.Roles == nil || r.roles == nil {
			ci.Roles = nil
			continue
		}
		for _, role := range r.roles {
			if !slices.Contains(ci.Roles, role) {
				ci.Roles = append(ci.Roles, role)
			}
		}
	}
	return out
}

// help lists the commands the requester may use, with their usage.
func (c *call) help(ctx context.Context) (Reply, error) {
	var b strings.Builder
	name := c.h.cfg.BotName
	if name == "" {
		name = "appealbot"
	}
	b.WriteString(tr(c.lang, render.MsgHelpTitle, kv{"bot": name}))
	for i := range c.h.table {
		r := &c.h.table[i]
		if r.name == "start" || !c.roles.holdsAny(r.roles) {
			continue
		}
		b.WriteString("\n<code>" + render.Esc(r.usage) + "</code> — " + tr(c.lang, r.help, nil))
	}
	if !c.roles.holdsAny(staff) {
		b.WriteString("\n\n" + tr(c.lang, render.MsgHelpNoRole, kv{"id": c.r.From.ID}))
	}
	b.WriteString("\n\n" + tr(c.lang, render.MsgHelpFooter, kv{"units": render.HTML(render.SpanUnits(c.lang))}))
	return Reply{Rendered: Rendered{HTML: b.String()}}, nil
}
