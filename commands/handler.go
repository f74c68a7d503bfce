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
	"github.com/appealbot/appealbot/render"
)

// Config is what the handler needs from the bot's configuration.
type Config struct {
	// Admins are bootstrap admins: user ids, on any network, that count as
	// admins without a stored grant (APPEALBOT_ADMINS). An entry may also be
	// "network:id" to name one network.
	Admins []string
	// BotName is shown in the help text when set.
	BotName string
	// Digests are the leaders' digest settings (see digest.go).
	Digests DigestConfig
	// Stats are the settings of the figures (see stats.go).
	Stats StatsConfig
	// Web is the setting of the leaders' web view (see web.go).
	Web WebConfig
}

// Store is what commands need from storage beyond the appeal service.
type Store interface {
	SaveMember(ctx context.Context, m appeal.Member) (appeal.Member, error)
	MemberByExternal(ctx context.Context, network, externalID string) (appeal.Member, error)
	MemberByUsername(ctx context.Context, network, username string) (appeal.Member, error)

	Grant(ctx context.Context, g appeal.Grant) error
	Revoke(ctx context.Context, g appeal.Grant) error
	Grants(ctx context.Context, member appeal.MemberID) ([]appeal.Grant, error)

	BindChat(ctx context.Context, b appeal.ChatBinding) error
	UnbindChat(ctx context.Context, b appeal.ChatBinding) error
	// Setup reads who can receive messages (admins of the configuration
	// aside); ReleaseUndeliverable lets the messages that no one could
	// receive try again at once.
	Setup(ctx context.Context) (appeal.Setup, error)
	ReleaseUndeliverable(ctx context.Context, at time.Time) (int64, error)
	ChatBindings(ctx context.Context, purpose appeal.ChatPurpose, department string) ([]appeal.ChatBinding, error)
	// SetChatLanguage stores a chat's language ("" for the default).
	SetChatLanguage(ctx context.Context, network, chatID, lang string) error

	Department(ctx context.Context, code string) (appeal.Department, error)
	Appeal(ctx context.Context, id appeal.ID) (appeal.Appeal, error)
	// AutorouteCounts counts the learned router's assignments of a
	// period and how many of them came back as returns.
	AutorouteCounts(ctx context.Context, from, to time.Time) (routed, returned int, err error)

	// Member, DepartmentMembers and OpenByAssignee are what assigning a
	// person reads: who they are, who may be given an appeal, and how
	// many each holds.
	Member(ctx context.Context, id appeal.MemberID) (appeal.Member, error)
	DepartmentMembers(ctx context.Context, code string, role appeal.Role) ([]appeal.Member, error)
	OpenByAssignee(ctx context.Context, code string) (map[appeal.MemberID]int, error)

	digestStore
	webStore
}

// Handler runs commands. It holds no per-request state and is safe for
// concurrent use.
type Handler struct {
	svc    *appeal.Service
	store  Store
	render *render.Renderer
	cfg    Config
	log    *slog.Logger
	admins map[string]bool
	// table lists every command and button (see table.go).
	table []row
}

// New returns a handler over the appeal service and the store, replying
// in the texts and layouts of rnd.
func New(svc *appeal.Service, store Store, rnd *render.Renderer, cfg Config, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{svc: svc, store: store, render: rnd, cfg: cfg, log: log, admins: map[string]bool{}, table: table()}
	for _, a := range cfg.Admins {
		if a = strings.TrimSpace(a); a != "" {
			h.admins[a] = true
		}
	}
	return h
}

// kv are the values of a text's placeholders, and tr renders a text of the
// catalogue: short for render.Args and render.Text, which replies use all
// the time.
type kv = render.Args

func tr(lang string, k render.Key, a kv) string { return render.Text(lang, k, a) }

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
	// AnswerFor makes the posted message a prompt for the answer to this
	// appeal: a reply to it answers the appeal.
	AnswerFor appeal.ID
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
	key   render.Key
	args  kv
	usage bool
}

func (e *userError) Error() string { return "user error: " + string(e.key) }

// bad is a mistake in what was typed: the reply adds the correct usage.
func (c *call) bad(k render.Key, a kv) error { return &userError{key: k, args: a, usage: true} }

// refuse is a refusal or a state that makes the request impossible.
func (c *call) refuse(k render.Key, a kv) error { return &userError{key: k, args: a} }

// Handle runs one command or button press and returns what to show. A
// person's mistake is a reply saying what was wrong; an unexpected error is
// a reply with a short reference that is also logged.
func (h *Handler) Handle(ctx context.Context, r Request) (rep Reply) {
	def := h.render.Lang("")
	c := &call{h: h, r: r, now: r.Now, lang: def, plang: def, nlang: def}
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
		return c.finish(Reply{}, c.refuse(render.MsgOnlyRoles, kv{"roles": render.RolesText(c.lang, rw.roles), "cmd": rw.display()}))
	}
	if err := c.checkPhotos(); err != nil {
		return c.finish(Reply{}, err)
	}
	rep, err = rw.run(c, ctx)
	return c.finish(rep, err)
}

// checkPhotos refuses a request whose photos cannot all be taken: nothing
// is done rather than an answer without the photo its author meant to
// send.
func (c *call) checkPhotos() error {
	lim := c.h.svc.AttachmentLimits()
	tooLarge := func() error {
		return c.refuse(render.MsgPhotoTooLarge, kv{"limit": render.Bytes(lim.MaxBytes)})
	}
	switch c.r.PhotoProblem {
	case PhotoTooLarge:
		return tooLarge()
	case PhotoFailed:
		return c.refuse(render.MsgPhotoFailed, nil)
	case PhotoAlbum:
		return c.refuse(render.MsgPhotoAlbum, nil)
	}
	if len(c.r.Attachments) == 0 {
		return nil
	}
	if c.row.name != "answer" || c.r.Button {
		return c.refuse(render.MsgPhotoNotHere, nil)
	}
	if len(c.r.Attachments) > lim.MaxCount {
		return c.refuse(render.MsgPhotoTooMany, kv{"max": lim.MaxCount})
	}
	for _, a := range c.r.Attachments {
		if int64(len(a.Data)) > lim.MaxBytes {
			return tooLarge()
		}
		if len(a.Data) == 0 {
			return c.refuse(render.MsgPhotoFailed, nil)
		}
	}
	return nil
}

// lookup finds the table row for the request's command and subcommand.
func (c *call) lookup() (*row, error) {
	name := c.r.Command
	var rows []*row
	for i := range c.h.table {
		if c.h.table[i].name == name {
			rows = append(rows, &c.h.table[i])
		}
	}
	if len(rows) == 0 {
		return nil, c.refuse(render.MsgUnknownCommand, kv{"cmd": "/" + name})
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
	k := render.MsgUnknownSub
	if sub == "" {
		k = render.MsgNeedSub
	}
	return nil, &userError{key: k, args: kv{"cmd": "/" + name, "sub": sub, "subs": strings.Join(subs, "|"),
		"usage": render.HTML("<code>" + render.Esc(strings.Join(usage, " · ")) + "</code>")}}
}

// finish turns a handler's outcome into the reply to show.
func (c *call) finish(rep Reply, err error) Reply {
	if err != nil {
		var ue *userError
		lang := c.lang
		if errors.As(err, &ue) {
			line := "❌ " + tr(lang, ue.key, ue.args)
			if ue.usage && c.row != nil {
				if lang != render.LangZH {
					line += " "
				}
				line += tr(lang, render.MsgUsage, kv{"usage": render.HTML("<code>" + render.Esc(c.row.usage) + "</code>")})
			}
			rep = Reply{Rendered: Rendered{HTML: line}}
			if c.r.Button {
				rep.Alert = true
			}
		} else {
			ref := newRef()
			c.h.log.Error("command failed", "ref", ref, "command", c.r.Command, "network", c.r.Network,
				"chat_id", c.r.Chat.ID, "user_id", c.r.From.ID, "button", c.r.Button, "err", err)
			rep = Reply{Rendered: Rendered{HTML: "⚠️ " + tr(lang, render.MsgUnexpected, kv{"ref": ref})}}
			if c.r.Button {
				rep.Alert = true
			}
		}
	}
	if c.r.Button && !rep.Silent {
		if rep.Notice == "" && !rep.Private {
			rep.Notice = render.Plain(rep.HTML)
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
		rep.Notice, _ = render.Cut(render.OneLine(rep.Notice), render.MaxNotice)
	}
	rep.HTML = render.Fit(rep.HTML)
	return rep
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
	c.plang = c.h.render.MemberLang(ctx, m)
	if c.r.Chat.Private {
		c.lang = c.plang
	} else {
		c.lang = c.h.render.ChatLang(ctx, c.r.Network, c.r.Chat.ID)
	}
	c.nlang = c.lang
	if l, ok := render.NormLang(m.Language); ok {
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
	name := strings.TrimSpace(render.Clean(u.DisplayName))
	user := strings.TrimPrefix(strings.TrimSpace(render.Clean(u.Username)), "@")
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
