package commands

import (
	"context"
	"slices"
	"strings"

	"github.com/appealbot/appealbot/appeal"
)

// row is one command, or one subcommand of a command with several.
type row struct {
	name string
	// sub is the subcommand ("add" of /dept add), "" for a plain command;
	// alias are other words for it.
	sub   string
	alias []string
	usage string
	help  msgKey
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

var (
	anyone      []appeal.Role
	staff       = []appeal.Role{appeal.RoleResponder, appeal.RoleLeader, appeal.RoleDispatcher, appeal.RoleAdmin}
	responders  = []appeal.Role{appeal.RoleResponder, appeal.RoleLeader}
	leaders     = []appeal.Role{appeal.RoleLeader}
	dispatchers = []appeal.Role{appeal.RoleDispatcher, appeal.RoleAdmin}
	admins      = []appeal.Role{appeal.RoleAdmin}
)

// table lists every command and button. Buttons run the command their data
// names (see ParseButton) through the same row, so the same checks apply.
var table []row

func init() {
	table = []row{
		{name: "help", usage: "/help", help: msgHelpHelp, roles: anyone, run: (*call).help},
		{name: "lang", usage: "/lang zh|en", help: msgHelpLang, roles: anyone, run: (*call).setLang},

		{name: "claim", usage: "/claim ID", help: msgHelpClaim, roles: responders, run: (*call).claim},
		{name: "unclaim", usage: "/unclaim ID", help: msgHelpUnclaim, roles: responders, run: (*call).unclaim},
		{name: "answer", usage: "/answer ID TEXT", help: msgHelpAnswer, roles: responders, run: (*call).answer},
		{name: "return", usage: "/return ID REASON", help: msgHelpReturn, roles: responders, run: (*call).ret},
		{name: "transfer", usage: "/transfer ID DEPT REASON", help: msgHelpTransfer, roles: responders, run: (*call).transfer},
		{name: "extend", usage: "/extend ID DURATION REASON", help: msgHelpExtend, roles: responders, run: (*call).extend},
		{name: "close", usage: "/close ID [resolved|unresolved] RESULT", help: msgHelpClose, roles: staff, run: (*call).close},
		{name: "appeal", usage: "/appeal ID", help: msgHelpAppeal, roles: staff, run: (*call).details},
		{name: "open", usage: "/open", help: msgHelpOpen, roles: staff, run: (*call).open},
		{name: "mine", usage: "/mine", help: msgHelpMine, roles: anyone, run: (*call).mine},
		{name: "overdue", usage: "/overdue", help: msgHelpOverdue, roles: staff, run: (*call).overdue},

		{name: "approve", usage: "/approve ID [answer|extension]", help: msgHelpApprove, roles: leaders, run: (*call).approve},
		{name: "reject", usage: "/reject ID REASON", help: msgHelpReject, roles: leaders, run: (*call).reject},

		{name: "assign", usage: "/assign ID DEPT", help: msgHelpAssign, roles: dispatchers, run: (*call).assign},

		{name: "dept", sub: "list", usage: "/dept list", help: msgHelpDeptList, roles: staff, run: (*call).deptList},
		{name: "dept", sub: "add", usage: "/dept add CODE NAME…", help: msgHelpDeptAdd, roles: admins, run: (*call).deptAdd},
		{name: "dept", sub: "bind", usage: "/dept bind CODE", help: msgHelpDeptBind, roles: admins, run: (*call).deptBind},
		{name: "dept", sub: "unbind", usage: "/dept unbind CODE", help: msgHelpDeptUnbind, roles: admins, run: (*call).deptUnbind},
		{name: "dept", sub: "sla", usage: "/dept sla CODE claim=2wh answer=3wd resolve=7wd [urgent.claim=30m urgent.answer=2h urgent.resolve=24h]",
			help: msgHelpDeptSLA, roles: admins, run: (*call).deptSLA},
		{name: "dept", sub: "set", usage: "/dept set CODE approve_answers=on|off", help: msgHelpDeptSet, roles: admins, run: (*call).deptSet},
		{name: "role", sub: "add", usage: "/role add CODE responder|leader USER", help: msgHelpRoleAdd, roles: admins, run: (*call).roleAdd},
		{name: "role", sub: "remove", alias: []string{"rm", "del"}, usage: "/role remove CODE responder|leader USER",
			help: msgHelpRoleRemove, roles: admins, run: (*call).roleRemove},
		{name: "dispatcher", sub: "add", usage: "/dispatcher add USER", help: msgHelpDispatcherAdd, roles: admins, run: (*call).dispatcherAdd},
		{name: "dispatcher", sub: "remove", alias: []string{"rm", "del"}, usage: "/dispatcher remove USER",
			help: msgHelpDispatcherRemove, roles: admins, run: (*call).dispatcherRemove},
		{name: "admin", sub: "add", usage: "/admin add USER", help: msgHelpAdminAdd, roles: admins, run: (*call).adminAdd},
		{name: "admin", sub: "remove", alias: []string{"rm", "del"}, usage: "/admin remove USER",
			help: msgHelpAdminRemove, roles: admins, run: (*call).adminRemove},
		{name: "dispatch", sub: "bind", usage: "/dispatch bind", help: msgHelpDispatchBind, roles: admins, run: (*call).dispatchBind},
		{name: "dispatch", sub: "unbind", usage: "/dispatch unbind", help: msgHelpDispatchUnbind, roles: admins, run: (*call).dispatchUnbind},
		{name: "start", usage: "/start", help: msgHelpStart, roles: anyone, run: (*call).help},
	}
	table = append(table, registered...)
}

// registered are rows that other files of this package add with register,
// so that a feature's commands live beside its code.
var registered []row

// register adds rows to the table. Call it from a package-level variable
// initialiser (var _ = register(...)): those all run before init.
func register(rows ...row) bool {
	registered = append(registered, rows...)
	return true
}

// addTexts adds a feature's texts to the catalogue; call it like register.
func addTexts(texts map[msgKey]text) bool {
	for k, t := range texts {
		if _, dup := catalog[k]; dup {
			panic("commands: text " + string(k) + " defined twice")
		}
		catalog[k] = t
	}
	return true
}

// menuHelp describes the commands that have subcommands, for the menu.
var menuHelp = map[string]msgKey{
	"dept":       msgMenuDept,
	"role":       msgMenuRole,
	"dispatcher": msgMenuDispatcher,
	"admin":      msgMenuAdmin,
	"dispatch":   msgMenuDispatch,
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
	for i := range table {
		r := &table[i]
		j, ok := at[r.name]
		if !ok {
			k := r.help
			if mk, ok := menuHelp[r.name]; ok {
				k = mk
			}
			help := map[string]string{}
			for _, l := range Languages {
				help[l] = plain(tr(l, k, nil))
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
	b.WriteString(tr(c.lang, msgHelpTitle, kv{"bot": name}))
	for i := range table {
		r := &table[i]
		if r.name == "start" || !c.roles.holdsAny(r.roles) {
			continue
		}
		b.WriteString("\n<code>" + esc(r.usage) + "</code> — " + tr(c.lang, r.help, nil))
	}
	if !c.roles.holdsAny(staff) {
		b.WriteString("\n\n" + tr(c.lang, msgHelpNoRole, kv{"id": c.r.From.ID}))
	}
	b.WriteString("\n\n" + tr(c.lang, msgHelpFooter, nil))
	return Reply{Rendered: Rendered{HTML: b.String()}}, nil
}
