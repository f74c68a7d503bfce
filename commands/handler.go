package commands

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
)

// Config is what the handler needs from the bot's configuration.
type Config struct {
	// Admins are bootstrap admins: user ids, on any network, that count as
	// admins without a stored grant (APPEALBOT_ADMINS). An entry may also be
	// "network:id" to name one network.
	Admins []string
	// DefaultLang is "zh" or "en": the language of chats and members that
	// chose none (APPEALBOT_LANGUAGE).
	DefaultLang string
	// BotName is shown in the help text when set.
	BotName string
	// Digests are the leaders' digest settings (see digest_leaders.go).
	Digests DigestConfig
	// Stats are the settings of the figures (see stats.go).
	Stats StatsConfig
}

// Store is what commands need from storage beyond the appeal service.
type Store interface {
	SaveMember(ctx context.Context, m appeal.Member) (appeal.Member, error)
	Member(ctx context.Context, id appeal.MemberID) (appeal.Member, error)
	MemberByExternal(ctx context.Context, network, externalID string) (appeal.Member, error)
	MemberByUsername(ctx context.Context, network, username string) (appeal.Member, error)

	Grant(ctx context.Context, g appeal.Grant) error
	Revoke(ctx context.Context, g appeal.Grant) error
	Grants(ctx context.Context, member appeal.MemberID) ([]appeal.Grant, error)

	BindChat(ctx context.Context, b appeal.ChatBinding) error
	UnbindChat(ctx context.Context, b appeal.ChatBinding) error
	ChatBindings(ctx context.Context, purpose appeal.ChatPurpose, department string) ([]appeal.ChatBinding, error)
	// SetChatLanguage stores a chat's language; ChatLanguage returns it,
	// "" when none was set.
	SetChatLanguage(ctx context.Context, network, chatID, lang string) error
	ChatLanguage(ctx context.Context, network, chatID string) (string, error)

	Department(ctx context.Context, code string) (appeal.Department, error)
	Appeal(ctx context.Context, id appeal.ID) (appeal.Appeal, error)

	digestStore
	kpiStore
}

// Handler runs commands and renders messages. It holds no per-request
// state and is safe for concurrent use.
type Handler struct {
	svc    *appeal.Service
	store  Store
	cfg    Config
	log    *slog.Logger
	admins map[string]bool
}

// New returns a handler over the appeal service and the store.
func New(svc *appeal.Service, store Store, cfg Config, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if l, ok := normLang(cfg.DefaultLang); ok {
		cfg.DefaultLang = l
	} else {
		cfg.DefaultLang = LangZH
	}
	h := &Handler{svc: svc, store: store, cfg: cfg, log: log, admins: map[string]bool{}}
	for _, a := range cfg.Admins {
		if a = strings.TrimSpace(a); a != "" {
			h.admins[a] = true
		}
	}
	return h
}

// Reply is what to show for one request.
type Reply struct {
	// Rendered is the message to post, in the reader's language.
	Rendered
	// Private sends Rendered to the requester's private chat instead of the
	// chat the request came from.
	Private bool
	// Notice is a short plain text for a button press (at most 200
	// characters), shown to the presser; may be "".
	Notice string
	// Alert shows Notice as an alert that must be dismissed.
	Alert bool
	// Silent means there is nothing to post: the press is fully answered
	// by Notice (a card changes through the outbox instead).
	Silent bool
}

// call is one request being handled.
type call struct {
	h     *Handler
	r     Request
	row   *row
	args  *args
	me    appeal.Member
	roles roles
	// lang is the language of the chat the request came from; plang that of
	// the requester's private chat; nlang that of notices to the requester
	// (their own choice, else the chat's).
	lang, plang, nlang string
	now                time.Time
	// chatDepts caches which departments this chat is bound to.
	chatDepts []string
	chatRead  bool
}

// userError is a mistake or a refusal to tell the person about; it is a
// reply, not a failure.
type userError struct {
	key   msgKey
	args  kv
	usage bool
}

func (e *userError) Error() string { return "user error: " + string(e.key) }

// bad is a mistake in what was typed: the reply adds the correct usage.
func (c *call) bad(k msgKey, a kv) error { return &userError{key: k, args: a, usage: true} }

// refuse is a refusal or a state that makes the request impossible.
func (c *call) refuse(k msgKey, a kv) error { return &userError{key: k, args: a} }

// Handle runs one command or button press and returns what to show. A
// person's mistake is a reply saying what was wrong; an unexpected error is
// a reply with a short reference that is also logged.
func (h *Handler) Handle(ctx context.Context, r Request) (rep Reply) {
	c := &call{h: h, r: r, now: r.Now, lang: h.cfg.DefaultLang, plang: h.cfg.DefaultLang, nlang: h.cfg.DefaultLang}
	if c.now.IsZero() {
		c.now = h.svc.Now()
	}
	defer func() {
		if p := recover(); p != nil {
			rep = c.finish(Reply{}, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
		}
	}()
	if err := c.identify(ctx); err != nil {
		return c.finish(Reply{}, err)
	}
	c.r.Command = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(r.Command, "/")))
	c.args = newArgs(r.Args)
	rw, err := c.lookup()
	if err != nil {
		return c.finish(Reply{}, err)
	}
	c.row = rw
	if !c.roles.holdsAny(rw.roles) {
		return c.finish(Reply{}, c.refuse(msgOnlyRoles, kv{"roles": rolesText(c.lang, rw.roles), "cmd": rw.display()}))
	}
	rep, err = rw.run(c, ctx)
	return c.finish(rep, err)
}

// lookup finds the table row for the request's command and subcommand.
func (c *call) lookup() (*row, error) {
	name := c.r.Command
	var rows []*row
	for i := range table {
		if table[i].name == name {
			rows = append(rows, &table[i])
		}
	}
	if len(rows) == 0 {
		return nil, c.refuse(msgUnknownCommand, kv{"cmd": "/" + name})
	}
	if rows[0].sub == "" {
		return rows[0], nil
	}
	sub := strings.ToLower(c.args.peek())
	for _, rw := range rows {
		if rw.sub == sub || slices.Contains(rw.alias, sub) {
			c.args.next()
			return rw, nil
		}
	}
	var subs []string
	var usage []string
	for _, rw := range rows {
		subs = append(subs, rw.sub)
		usage = append(usage, rw.usage)
	}
	k := msgUnknownSub
	if sub == "" {
		k = msgNeedSub
	}
	return nil, &userError{key: k, args: kv{"cmd": "/" + name, "sub": sub, "subs": strings.Join(subs, "|"),
		"usage": rawHTML("<code>" + esc(strings.Join(usage, " · ")) + "</code>")}}
}

// finish turns a handler's outcome into the reply to show.
func (c *call) finish(rep Reply, err error) Reply {
	if err != nil {
		var ue *userError
		lang := c.lang
		if errors.As(err, &ue) {
			line := "❌ " + tr(lang, ue.key, ue.args)
			if ue.usage && c.row != nil {
				if lang != LangZH {
					line += " "
				}
				line += tr(lang, msgUsage, kv{"usage": rawHTML("<code>" + esc(c.row.usage) + "</code>")})
			}
			rep = Reply{Rendered: Rendered{HTML: line}}
			if c.r.Button {
				rep.Alert = true
			}
		} else {
			ref := newRef()
			c.h.log.Error("command failed", "ref", ref, "command", c.r.Command, "network", c.r.Network,
				"chat_id", c.r.Chat.ID, "user_id", c.r.From.ID, "button", c.r.Button, "err", err)
			rep = Reply{Rendered: Rendered{HTML: "⚠️ " + tr(lang, msgUnexpected, kv{"ref": ref})}}
			if c.r.Button {
				rep.Alert = true
			}
		}
	}
	if c.r.Button && !rep.Silent {
		if rep.Notice == "" && !rep.Private {
			rep.Notice = plain(rep.HTML)
		}
		if !rep.Private {
			rep.Rendered = Rendered{}
			rep.Silent = true
		}
	}
	if !c.r.Button {
		rep.Notice, rep.Alert, rep.Silent = "", false, false
	}
	if rep.Notice != "" {
		rep.Notice, _ = cut(oneLine(rep.Notice), MaxNotice)
	}
	rep.HTML = limitHTML(rep.HTML)
	return rep
}

// limitHTML is the last guard on a reply's length: replies are built to
// fit, but one that does not is cut at a line break rather than refused by
// the network.
func limitHTML(s string) string {
	if runes(s) <= MaxText {
		return s
	}
	lines := strings.Split(s, "\n")
	for len(lines) > 1 && runes(strings.Join(lines, "\n"))+2 > MaxText {
		lines = lines[:len(lines)-1]
	}
	out := strings.Join(lines, "\n")
	if runes(out)+2 > MaxText {
		// One enormous line: nothing here makes those, but never send one.
		return esc(plainCut(out, MaxText/2))
	}
	return out + "\n…"
}

func plainCut(h string, n int) string {
	s, _ := cut(plain(h), n)
	return s
}

func newRef() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// identify records the requester as a member (so that "@username" works
// later), loads their roles and decides the reply languages.
func (c *call) identify(ctx context.Context) error {
	if c.r.From.ID == "" {
		return errors.New("request without a user id")
	}
	m, err := c.h.upsert(ctx, c.r.Network, c.r.From)
	if err != nil {
		return err
	}
	c.me = m
	if c.roles, err = c.h.rolesOf(ctx, m); err != nil {
		return err
	}
	c.plang = c.h.MemberLang(ctx, m)
	if c.r.Chat.Private {
		c.lang = c.plang
	} else {
		c.lang = c.h.ChatLang(ctx, c.r.Network, c.r.Chat.ID)
	}
	c.nlang = c.lang
	if l, ok := normLang(m.Language); ok {
		c.nlang = l
	}
	if c.r.Button {
		// What a press says is only ever shown to the presser.
		c.lang = c.nlang
	}
	return nil
}

// upsert creates or refreshes the member for u, keeping their language.
func (h *Handler) upsert(ctx context.Context, network string, u User) (appeal.Member, error) {
	name := strings.TrimSpace(clean(u.DisplayName))
	user := strings.TrimPrefix(strings.TrimSpace(clean(u.Username)), "@")
	cur, err := h.store.MemberByExternal(ctx, network, u.ID)
	switch {
	case err == nil:
		if cur.Username == user && cur.DisplayName == name {
			return cur, nil
		}
	case errors.Is(err, appeal.ErrNotFound):
		cur = appeal.Member{Network: network, ExternalID: u.ID}
	default:
		return appeal.Member{}, err
	}
	cur.Username, cur.DisplayName = user, name
	return h.store.SaveMember(ctx, cur)
}

// ChatLang returns the language of a chat: its own setting, else the
// default.
func (h *Handler) ChatLang(ctx context.Context, network, chatID string) string {
	l, err := h.store.ChatLanguage(ctx, network, chatID)
	if err != nil && !errors.Is(err, appeal.ErrNotFound) {
		h.log.Warn("chat language", "network", network, "chat_id", chatID, "err", err)
	}
	if l, ok := normLang(l); ok {
		return l
	}
	return h.cfg.DefaultLang
}

// MemberLang returns the language of a member's private chat: their own
// setting, else the default.
func (h *Handler) MemberLang(ctx context.Context, m appeal.Member) string {
	if l, ok := normLang(m.Language); ok {
		return l
	}
	return h.cfg.DefaultLang
}

// roles is what a member may do, from stored grants and the bootstrap
// admins: never from anything a request carries.
type roles struct {
	admin, dispatcher bool
	// responder and leader hold department codes.
	responder, leader map[string]bool
}

func (h *Handler) rolesOf(ctx context.Context, m appeal.Member) (roles, error) {
	rs := roles{responder: map[string]bool{}, leader: map[string]bool{}}
	if h.admins[m.ExternalID] || h.admins[m.Network+":"+m.ExternalID] {
		rs.admin = true
	}
	gs, err := h.store.Grants(ctx, m.ID)
	if err != nil {
		return rs, err
	}
	for _, g := range gs {
		switch g.Role {
		case appeal.RoleAdmin:
			rs.admin = true
		case appeal.RoleDispatcher:
			rs.dispatcher = true
		case appeal.RoleLeader:
			rs.leader[g.Department] = true
		case appeal.RoleResponder:
			rs.responder[g.Department] = true
		}
	}
	return rs, nil
}

// isAdmin: admins by grant or configuration.
func (r roles) isAdmin() bool { return r.admin }

// isDispatcher: dispatchers, and admins, who may do all a dispatcher may.
func (r roles) isDispatcher() bool { return r.admin || r.dispatcher }

// isLeader reports whether the member leads department code.
func (r roles) isLeader(code string) bool { return code != "" && r.leader[code] }

// canRespond reports whether the member may do responder actions in code:
// its responders and its leaders.
func (r roles) canRespond(code string) bool {
	return code != "" && (r.responder[code] || r.leader[code])
}

// holds reports whether the member holds role in some department.
func (r roles) holds(role appeal.Role) bool {
	switch role {
	case appeal.RoleAdmin:
		return r.isAdmin()
	case appeal.RoleDispatcher:
		return r.isDispatcher()
	case appeal.RoleLeader:
		return len(r.leader) > 0
	case appeal.RoleResponder:
		return len(r.responder) > 0 || len(r.leader) > 0
	}
	return false
}

// holdsAny reports whether the member holds one of want; nil is anyone.
func (r roles) holdsAny(want []appeal.Role) bool {
	if want == nil {
		return true
	}
	for _, w := range want {
		if r.holds(w) {
			return true
		}
	}
	return false
}

// rolesText names roles for people: "responders, leaders".
func rolesText(lang string, rs []appeal.Role) string {
	var out []string
	for _, r := range rs {
		out = append(out, tr(lang, roleKey(r), nil))
	}
	if lang == LangZH {
		return strings.Join(out, "、")
	}
	return strings.Join(out, ", ")
}

func roleKey(r appeal.Role) msgKey {
	switch r {
	case appeal.RoleAdmin:
		return msgRoleAdmins
	case appeal.RoleDispatcher:
		return msgRoleDispatchers
	case appeal.RoleLeader:
		return msgRoleLeaders
	}
	return msgRoleResponders
}

// bound reports whether binding b covers the request's chat: the same chat,
// and the same topic unless b covers the whole chat.
func (c *call) bound(b appeal.ChatBinding) bool {
	return b.Network == c.r.Network && b.ChatID == c.r.Chat.ID && (b.TopicID == "" || b.TopicID == c.r.Chat.TopicID)
}

// inDeptChat reports whether the request came from a chat bound to
// department code.
func (c *call) inDeptChat(ctx context.Context, code string) (bool, error) {
	if c.r.Chat.Private || code == "" {
		return false, nil
	}
	bs, err := c.h.store.ChatBindings(ctx, appeal.ChatDepartment, code)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(bs, c.bound), nil
}

// inDispatchChat reports whether the request came from a dispatch chat.
func (c *call) inDispatchChat(ctx context.Context) (bool, error) {
	if c.r.Chat.Private {
		return false, nil
	}
	bs, err := c.h.store.ChatBindings(ctx, appeal.ChatDispatch, "")
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(bs, c.bound), nil
}

// departmentsHere returns the departments whose chat this is.
func (c *call) departmentsHere(ctx context.Context) ([]string, error) {
	if c.chatRead {
		return c.chatDepts, nil
	}
	c.chatRead = true
	if c.r.Chat.Private {
		return nil, nil
	}
	ds, err := c.h.svc.Departments(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		ok, err := c.inDeptChat(ctx, d.Code)
		if err != nil {
			return nil, err
		}
		if ok {
			c.chatDepts = append(c.chatDepts, d.Code)
		}
	}
	return c.chatDepts, nil
}

// deptHere returns the department whose chat this is, "" when none.
func (c *call) deptHere(ctx context.Context) (string, error) {
	ds, err := c.departmentsHere(ctx)
	if err != nil || len(ds) == 0 {
		return "", err
	}
	return ds[0], nil
}

// memberName is how a member is named in chat.
func memberName(m appeal.Member) string {
	switch {
	case strings.TrimSpace(m.DisplayName) != "":
		return strings.TrimSpace(m.DisplayName)
	case m.Username != "":
		return "@" + m.Username
	}
	return m.ExternalID
}

// nameOf names member id, falling back to its number when it is unknown.
func (h *Handler) nameOf(ctx context.Context, id appeal.MemberID) string {
	if id == 0 {
		return "?"
	}
	m, err := h.store.Member(ctx, id)
	if err != nil {
		if !errors.Is(err, appeal.ErrNotFound) {
			h.log.Warn("member name", "member_id", int64(id), "err", err)
		}
		return fmt.Sprintf("#%d", id)
	}
	return memberName(m)
}

// deptName names a department: "Roads (roads)", or the code alone when it
// cannot be read.
func (h *Handler) deptName(ctx context.Context, code string) string {
	if code == "" {
		return ""
	}
	d, err := h.store.Department(ctx, code)
	if err != nil {
		return code
	}
	return d.Name + " (" + d.Code + ")"
}
