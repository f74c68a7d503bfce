package commands

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// user reads the USER of /role, /dispatcher and /admin: a numeric id, an
// @username the bot has seen, or, when omitted, the author of the message
// the command replies to.
func (c *call) user(ctx context.Context) (appeal.Member, error) {
	w, ok := c.args.next()
	if !ok {
		if u := c.r.ReplyToUser; u != nil && u.ID != "" {
			return c.h.upsert(ctx, c.r.Network, *u)
		}
		return appeal.Member{}, c.bad(render.MsgNeedUser, nil)
	}
	if strings.HasPrefix(w, "@") {
		m, err := c.h.store.MemberByUsername(ctx, c.r.Network, w)
		if errors.Is(err, appeal.ErrNotFound) {
			return appeal.Member{}, c.bad(render.MsgUnknownUser, kv{"user": w})
		}
		return m, err
	}
	if _, ok := parseID(w); !ok || strings.HasPrefix(w, "#") {
		return appeal.Member{}, c.bad(render.MsgBadUser, kv{"arg": w})
	}
	m, err := c.h.store.MemberByExternal(ctx, c.r.Network, w)
	if errors.Is(err, appeal.ErrNotFound) {
		// Someone who has not written to the bot yet: known by id only
		// until they do.
		return c.h.store.SaveMember(ctx, appeal.Member{Network: c.r.Network, ExternalID: w})
	}
	return m, err
}

// done checks that no arguments are left over.
func (c *call) done() error {
	if !c.args.empty() {
		return c.bad(render.MsgTooManyArgs, nil)
	}
	return nil
}

func (c *call) setLang(ctx context.Context) (Reply, error) {
	w, ok := c.args.next()
	if !ok {
		return Reply{}, c.bad(render.MsgNeedLang, nil)
	}
	l, ok := render.NormLang(w)
	if !ok {
		return Reply{}, c.bad(render.MsgBadLang, kv{"arg": w})
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	if c.r.Chat.Private {
		m := c.me
		m.Language = l
		if _, err := c.h.store.SaveMember(ctx, m); err != nil {
			return Reply{}, err
		}
		return reply("✅ " + tr(l, render.MsgLangSetMember, nil)), nil
	}
	allowed := c.roles.isAdmin()
	if !allowed {
		ds, err := c.departmentsHere(ctx)
		if err != nil {
			return Reply{}, err
		}
		for _, d := range ds {
			allowed = allowed || c.roles.isLeader(d)
		}
	}
	if !allowed {
		return Reply{}, c.refuse(render.MsgLangRefused, nil)
	}
	if err := c.h.store.SetChatLanguage(ctx, c.r.Network, c.r.Chat.ID, l); err != nil {
		return Reply{}, err
	}
	return reply("✅ " + tr(l, render.MsgLangSetChat, nil)), nil
}

func (c *call) deptList(ctx context.Context) (Reply, error) {
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	ds, err := c.h.svc.Departments(ctx)
	if err != nil {
		return Reply{}, err
	}
	setup, err := c.setup(ctx)
	if err != nil {
		return Reply{}, err
	}
	if len(ds) == 0 {
		return reply(joinLines(tr(c.lang, render.MsgNoDepts, nil), render.SetupGaps(c.lang, setup))), nil
	}
	// What the whole setup lacks comes first: a long list is cut at its end.
	lines := []string{"🏢 " + tr(c.lang, render.MsgDeptListTitle, kv{"n": len(ds)})}
	if g := render.SetupGaps(c.lang, setup); g != "" {
		lines = append(lines, g, "")
	}
	complete := len(setup.Gaps()) == 0
	for _, d := range ds {
		bs, err := c.h.store.ChatBindings(ctx, appeal.ChatDepartment, d.Code)
		if err != nil {
			return Reply{}, err
		}
		lines = append(lines, tr(c.lang, render.MsgDeptLine, kv{
			"code": d.Code, "name": render.HTML(render.EscCut(d.Name, 40)), "chats": len(bs),
			"normal": render.SLA(d.SLA.Normal), "urgent": render.SLA(d.SLA.Urgent),
			"approve": render.OnOff(c.lang, d.ApproveAnswers),
		}))
		for _, g := range render.DepartmentGaps(c.lang, setup, d.Code) {
			lines = append(lines, "    "+g)
		}
	}
	if complete {
		lines = append(lines, "", render.SetupComplete(c.lang))
	}
	return reply(strings.Join(lines, "\n")), nil
}

// joinLines joins the lines that are not empty.
func joinLines(lines ...string) string {
	var out []string
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// setup reads who can receive messages, as routing sees it: the stored
// setup and the admins of the configuration.
func (c *call) setup(ctx context.Context) (appeal.Setup, error) {
	s, err := c.h.store.Setup(ctx)
	s.Admins += len(c.h.admins)
	return s, err
}

// reconfigure runs change, which changes who can receive messages (a
// binding, a grant) and says so, and replies with that and with what the
// change changed: the gaps it opened, the messages that go elsewhere now,
// and, with release, how many messages that waited for someone are tried
// again. Once change is done, a failure to tell the rest is only logged.
func (c *call) reconfigure(ctx context.Context, release bool, change func() (string, error)) (Reply, error) {
	before, err := c.setup(ctx)
	if err != nil {
		return Reply{}, err
	}
	line, err := change()
	if err != nil {
		return Reply{}, err
	}
	after, err := c.setup(ctx)
	var n int64
	if err == nil && release {
		n, err = c.h.store.ReleaseUndeliverable(ctx, c.now)
	}
	if err != nil {
		c.h.log.Error("command: what the change changed", "command", c.r.Command, "err", err)
		return reply(line), nil
	}
	return reply(joinLines(line, render.SetupChange(c.lang, before, after, n))), nil
}

func (c *call) deptAdd(ctx context.Context) (Reply, error) {
	w, ok := c.args.next()
	if !ok {
		return Reply{}, c.bad(render.MsgNeedCode, nil)
	}
	code, ok := appeal.NormalizeCode(w)
	if !ok {
		return Reply{}, c.bad(render.MsgBadCode, kv{"arg": w})
	}
	name := render.OneLine(c.args.rest())
	switch {
	case name == "":
		return Reply{}, c.bad(render.MsgNeedName, nil)
	case utf8.RuneCountInString(name) > 100:
		return Reply{}, c.bad(render.MsgNameTooLong, nil)
	}
	if _, err := c.h.store.Department(ctx, code); err == nil {
		return Reply{}, c.refuse(render.MsgDeptExists, kv{"code": code})
	} else if !errors.Is(err, appeal.ErrNotFound) {
		return Reply{}, err
	}
	return c.reconfigure(ctx, false, func() (string, error) {
		d, err := c.h.svc.SaveDepartment(ctx, appeal.Department{Code: code, Name: name})
		if err != nil {
			return "", err
		}
		return "✅ " + tr(c.lang, render.MsgDeptAdded, kv{"code": d.Code, "name": d.Name,
			"normal": render.SLA(d.SLA.Normal), "urgent": render.SLA(d.SLA.Urgent)}), nil
	})
}

// groupDepartment reads the one argument of /dept bind and /dept unbind,
// which only make sense in the group being bound.
func (c *call) groupDepartment(ctx context.Context) (appeal.Department, error) {
	if c.r.Chat.Private {
		return appeal.Department{}, c.bad(render.MsgBindInGroup, nil)
	}
	d, err := c.department(ctx)
	if err != nil {
		return appeal.Department{}, err
	}
	return d, c.done()
}

func (c *call) deptBind(ctx context.Context) (Reply, error) {
	d, err := c.groupDepartment(ctx)
	if err != nil {
		return Reply{}, err
	}
	return c.reconfigure(ctx, true, func() (string, error) {
		err := c.h.store.BindChat(ctx, appeal.ChatBinding{Purpose: appeal.ChatDepartment, Department: d.Code,
			Network: c.r.Network, ChatID: c.r.Chat.ID, TopicID: c.r.Chat.TopicID})
		if errors.Is(err, appeal.ErrConflict) {
			other, _ := c.deptHere(ctx)
			return "", c.refuse(render.MsgBoundElsewhere, kv{"dept": c.h.render.DeptName(ctx, other), "code": other})
		}
		if err != nil {
			return "", err
		}
		return "🔗 " + tr(c.lang, render.MsgDeptBound, kv{"dept": d.Name + " (" + d.Code + ")"}), nil
	})
}

// binding finds the binding of purpose and department that covers this chat.
func (c *call) binding(ctx context.Context, purpose appeal.ChatPurpose, code string) (*appeal.ChatBinding, error) {
	bs, err := c.h.store.ChatBindings(ctx, purpose, code)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		if c.bound(b) {
			return &b, nil
		}
	}
	return nil, nil
}

func (c *call) deptUnbind(ctx context.Context) (Reply, error) {
	d, err := c.groupDepartment(ctx)
	if err != nil {
		return Reply{}, err
	}
	b, err := c.binding(ctx, appeal.ChatDepartment, d.Code)
	if err != nil {
		return Reply{}, err
	}
	if b == nil {
		return Reply{}, c.refuse(render.MsgNotBoundHere, kv{"dept": d.Name + " (" + d.Code + ")"})
	}
	return c.reconfigure(ctx, false, func() (string, error) {
		if err := c.h.store.UnbindChat(ctx, *b); err != nil && !errors.Is(err, appeal.ErrNotFound) {
			return "", err
		}
		return "✅ " + tr(c.lang, render.MsgDeptUnbound, kv{"dept": d.Name + " (" + d.Code + ")"}), nil
	})
}

func (c *call) deptSLA(ctx context.Context) (Reply, error) {
	d, err := c.department(ctx)
	if err != nil {
		return Reply{}, err
	}
	words := strings.Fields(c.args.rest())
	if len(words) == 0 {
		return Reply{}, c.bad(render.MsgNeedSLA, nil)
	}
	p, badWord, ok := parseSLA(words, d.SLA)
	if !ok {
		if key, span, err := slaSpanProblem(badWord); err != nil {
			return Reply{}, c.bad(render.MsgBadSLASpan, kv{"key": key, "arg": span,
				"why": render.HTML(render.SpanProblem(c.lang, err)), "units": render.HTML(render.SpanUnits(c.lang))})
		}
		return Reply{}, c.bad(render.MsgBadSLA, kv{"arg": badWord})
	}
	for _, t := range []struct {
		name string
		tier appeal.Tier
	}{{"normal", p.Normal}, {"urgent", p.Urgent}} {
		if (appeal.Policy{Normal: t.tier, Urgent: t.tier}).Validate() != nil {
			return Reply{}, c.bad(render.MsgSLAOrder, kv{"tier": t.name, "sla": render.SLA(t.tier)})
		}
	}
	if err := p.Validate(); err != nil {
		return Reply{}, c.bad(render.MsgSLAInvalid, kv{"detail": err.Error()})
	}
	d.SLA = p
	if d, err = c.h.svc.SaveDepartment(ctx, d); err != nil {
		return Reply{}, err
	}
	return reply("✅ " + tr(c.lang, render.MsgSLASet, kv{"dept": d.Name + " (" + d.Code + ")",
		"normal": render.SLA(d.SLA.Normal), "urgent": render.SLA(d.SLA.Urgent)})), nil
}

func (c *call) deptSet(ctx context.Context) (Reply, error) {
	d, err := c.department(ctx)
	if err != nil {
		return Reply{}, err
	}
	words := strings.Fields(c.args.rest())
	if len(words) == 0 {
		return Reply{}, c.bad(render.MsgNeedSetting, nil)
	}
	for _, w := range words {
		k, v, _ := strings.Cut(w, "=")
		switch strings.ToLower(k) {
		case "approve_answers", "approve":
			on, ok := parseOnOff(v)
			if !ok {
				return Reply{}, c.bad(render.MsgBadSetting, kv{"arg": w})
			}
			d.ApproveAnswers = on
		default:
			return Reply{}, c.bad(render.MsgBadSetting, kv{"arg": w})
		}
	}
	if d, err = c.h.svc.SaveDepartment(ctx, d); err != nil {
		return Reply{}, err
	}
	return reply("✅ " + tr(c.lang, render.MsgDeptSet, kv{"dept": d.Name + " (" + d.Code + ")", "approve": render.OnOff(c.lang, d.ApproveAnswers)})), nil
}

// deptRole reads "CODE responder|leader" of /role.
func (c *call) deptRole(ctx context.Context) (appeal.Department, appeal.Role, error) {
	d, err := c.department(ctx)
	if err != nil {
		return d, "", err
	}
	w, ok := c.args.next()
	if !ok {
		return d, "", c.bad(render.MsgNeedRole, nil)
	}
	switch r := appeal.Role(strings.ToLower(w)); r {
	case appeal.RoleResponder, appeal.RoleLeader:
		return d, r, nil
	case appeal.RoleDispatcher, appeal.RoleAdmin:
		return d, "", c.bad(render.MsgGlobalRole, kv{"role": string(r)})
	}
	return d, "", c.bad(render.MsgBadRole, kv{"arg": w})
}

func (c *call) roleAdd(ctx context.Context) (Reply, error) {
	d, role, err := c.deptRole(ctx)
	if err != nil {
		return Reply{}, err
	}
	return c.grant(ctx, appeal.Grant{Role: role, Department: d.Code}, c.h.render.DeptName(ctx, d.Code))
}

func (c *call) roleRemove(ctx context.Context) (Reply, error) {
	d, role, err := c.deptRole(ctx)
	if err != nil {
		return Reply{}, err
	}
	return c.revoke(ctx, appeal.Grant{Role: role, Department: d.Code}, c.h.render.DeptName(ctx, d.Code))
}

// roleList shows who holds the department roles of a department.
func (c *call) roleList(ctx context.Context) (Reply, error) {
	d, err := c.department(ctx)
	if err != nil {
		return Reply{}, err
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	leaders, err := c.h.store.DepartmentMembers(ctx, d.Code, appeal.RoleLeader)
	if err != nil {
		return Reply{}, err
	}
	responders, err := c.h.store.DepartmentMembers(ctx, d.Code, appeal.RoleResponder)
	if err != nil {
		return Reply{}, err
	}
	return reply(render.RoleList(c.lang, c.h.render.DeptName(ctx, d.Code), leaders, responders)), nil
}

func (c *call) dispatcherAdd(ctx context.Context) (Reply, error) {
	return c.grant(ctx, appeal.Grant{Role: appeal.RoleDispatcher}, "")
}

func (c *call) dispatcherRemove(ctx context.Context) (Reply, error) {
	return c.revoke(ctx, appeal.Grant{Role: appeal.RoleDispatcher}, "")
}

func (c *call) adminAdd(ctx context.Context) (Reply, error) {
	return c.grant(ctx, appeal.Grant{Role: appeal.RoleAdmin}, "")
}

func (c *call) adminRemove(ctx context.Context) (Reply, error) {
	return c.revoke(ctx, appeal.Grant{Role: appeal.RoleAdmin}, "")
}

func (c *call) grant(ctx context.Context, g appeal.Grant, dept string) (Reply, error) {
	m, err := c.user(ctx)
	if err != nil {
		return Reply{}, err
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	g.Member, g.Since = m.ID, c.now
	// A new leader or admin may be the first who can receive what waits.
	release := g.Role == appeal.RoleLeader || g.Role == appeal.RoleAdmin
	return c.reconfigure(ctx, release, func() (string, error) {
		if err := c.h.store.Grant(ctx, g); err != nil {
			return "", err
		}
		return "✅ " + tr(c.lang, render.MsgGranted, kv{"name": render.MemberName(m), "role": render.HTML(render.RoleName(c.lang, g.Role, dept))}), nil
	})
}

func (c *call) revoke(ctx context.Context, g appeal.Grant, dept string) (Reply, error) {
	m, err := c.user(ctx)
	if err != nil {
		return Reply{}, err
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	g.Member = m.ID
	return c.reconfigure(ctx, false, func() (string, error) {
		err := c.h.store.Revoke(ctx, g)
		if errors.Is(err, appeal.ErrNotFound) {
			if g.Role == appeal.RoleAdmin && (c.h.admins[m.ExternalID] || c.h.admins[m.Network+":"+m.ExternalID]) {
				return "", c.refuse(render.MsgConfigAdmin, kv{"name": render.MemberName(m)})
			}
			return "", c.refuse(render.MsgNoSuchGrant, kv{"name": render.MemberName(m), "role": render.HTML(render.RoleName(c.lang, g.Role, dept))})
		}
		if err != nil {
			return "", err
		}
		return "✅ " + tr(c.lang, render.MsgRevoked, kv{"name": render.MemberName(m), "role": render.HTML(render.RoleName(c.lang, g.Role, dept))}), nil
	})
}

func (c *call) dispatchBind(ctx context.Context) (Reply, error) {
	if c.r.Chat.Private {
		return Reply{}, c.bad(render.MsgBindInGroup, nil)
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	return c.reconfigure(ctx, true, func() (string, error) {
		if err := c.h.store.BindChat(ctx, appeal.ChatBinding{Purpose: appeal.ChatDispatch,
			Network: c.r.Network, ChatID: c.r.Chat.ID, TopicID: c.r.Chat.TopicID}); err != nil {
			return "", err
		}
		return "🔗 " + tr(c.lang, render.MsgDispatchBound, nil), nil
	})
}

func (c *call) dispatchUnbind(ctx context.Context) (Reply, error) {
	if c.r.Chat.Private {
		return Reply{}, c.bad(render.MsgBindInGroup, nil)
	}
	if err := c.done(); err != nil {
		return Reply{}, err
	}
	b, err := c.binding(ctx, appeal.ChatDispatch, "")
	if err != nil {
		return Reply{}, err
	}
	if b == nil {
		return Reply{}, c.refuse(render.MsgNotDispatchChatHere, nil)
	}
	return c.reconfigure(ctx, false, func() (string, error) {
		if err := c.h.store.UnbindChat(ctx, *b); err != nil && !errors.Is(err, appeal.ErrNotFound) {
			return "", err
		}
		return "✅ " + tr(c.lang, render.MsgDispatchUnbound, nil), nil
	})
}
