package web

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
)

// cookieName holds the session's secret.
const cookieName = "appealbot_session"

// viewer is who asks: a member with a session and what they may see, or
// someone without one (public pages, login).
type viewer struct {
	member appeal.Member
	// session is the cookie's secret, "" without a session.
	session string
	name    string
	lang    string
	// all: dispatchers and admins see every department; leaders see
	// depts.
	all    bool
	depts  map[string]bool
	public bool
}

// sees reports whether v may see department code's pages and appeals.
func (v *viewer) sees(code string) bool { return v.all || code != "" && v.depts[code] }

// scope is nil for every department, else the departments v sees.
func (v *viewer) scope() []string {
	if v.all {
		return nil
	}
	out := make([]string, 0, len(v.depts))
	for d := range v.depts {
		out = append(out, d)
	}
	return out
}

// lang is the language asked for with ?lang=, else def.
func langOf(r *http.Request, def string) string {
	if l, ok := render.NormLang(r.URL.Query().Get("lang")); ok {
		return l
	}
	return def
}

// anonymous is someone without a session.
func (s *Server) anonymous(r *http.Request) *viewer {
	return &viewer{lang: langOf(r, s.opt.Lang)}
}

// who reads the session of r: nil, nil without a valid one.
func (s *Server) who(r *http.Request) (*viewer, error) {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	sess, err := s.store.WebSession(r.Context(), c.Value, s.opt.Now())
	if errors.Is(err, appeal.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := s.store.Member(r.Context(), sess.Member)
	if err != nil {
		return nil, err
	}
	v := &viewer{member: m, session: c.Value, name: render.MemberName(m), depts: map[string]bool{}}
	def := s.opt.Lang
	if l, ok := render.NormLang(m.Language); ok {
		def = l
	}
	v.lang = langOf(r, def)
	if s.admins[m.ExternalID] || s.admins[m.Network+":"+m.ExternalID] {
		v.all = true
	}
	gs, err := s.store.Grants(r.Context(), m.ID)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		switch g.Role {
		case appeal.RoleAdmin, appeal.RoleDispatcher:
			v.all = true
		case appeal.RoleLeader:
			v.depts[g.Department] = true
		}
	}
	return v, nil
}

// session wraps a page that needs a session: without one it asks to log in
// (or, in public mode, sends the overview to the public bulletin); a
// member whose roles no longer open the view is refused.
func (s *Server) session(fn func(w http.ResponseWriter, r *http.Request, v *viewer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := s.who(r)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		if v == nil {
			if s.opt.Public && r.URL.Path == "/" {
				http.Redirect(w, r, "/public", http.StatusSeeOther)
				return
			}
			s.fail(w, r, s.anonymous(r), http.StatusUnauthorized, render.WebSignIn)
			return
		}
		if !v.all && len(v.depts) == 0 {
			s.fail(w, r, v, http.StatusForbidden, render.WebNoAccess)
			return
		}
		fn(w, r, v)
	}
}

// public wraps a public page: served without login when public mode is
// on, not found otherwise.
func (s *Server) public(fn func(w http.ResponseWriter, r *http.Request, v *viewer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := s.anonymous(r)
		if !s.opt.Public {
			s.fail(w, r, v, http.StatusNotFound, render.WebNotFound)
			return
		}
		v.all, v.public = true, true
		fn(w, r, v)
	}
}

// loginPage asks to confirm the login: opening a link only shows a
// button, so that a link preview or a scanner that fetches the link does
// not use it up.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	v := s.anonymous(r)
	if !s.limiter.allow(clientAddr(r), s.opt.Now()) {
		s.fail(w, r, v, http.StatusTooManyRequests, render.WebTooMany)
		return
	}
	m := message{Lines: []string{text(v.lang, render.WebLoginTitle, nil), text(v.lang, render.WebLoginHint, nil)},
		Form: r.PathValue("token")}
	s.show(w, r, v, http.StatusOK, "message", m.Lines[0], "", m)
}

// login uses the link's token and starts a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	v := s.anonymous(r)
	now := s.opt.Now()
	if !s.limiter.allow(clientAddr(r), now) {
		s.fail(w, r, v, http.StatusTooManyRequests, render.WebTooMany)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	link := r.PostFormValue("token")
	tok, err := appeal.NewToken()
	if err != nil {
		s.internal(w, r, err)
		return
	}
	sess, err := s.store.RedeemWebLink(r.Context(), link, now,
		appeal.WebSession{Token: tok, CreatedAt: now, ExpiresAt: now.Add(appeal.WebSessionTTL)})
	switch {
	case link == "" || errors.Is(err, appeal.ErrNotFound):
		s.fail(w, r, v, http.StatusNotFound, render.WebLinkInvalid, render.WebLinkAgain)
		return
	case errors.Is(err, appeal.ErrLinkExpired):
		s.fail(w, r, v, http.StatusGone, render.WebLinkExpired, render.WebLinkAgain)
		return
	case errors.Is(err, appeal.ErrLinkUsed):
		s.fail(w, r, v, http.StatusGone, render.WebLinkUsed, render.WebLinkAgain)
		return
	case err != nil:
		s.internal(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		MaxAge: int(appeal.WebSessionTTL / time.Second), HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	s.log.Info("web: logged in", "member_id", int64(sess.Member))
	// Ended links and sessions are of no more use.
	if err := s.store.PruneWeb(r.Context(), now.Add(-24*time.Hour)); err != nil {
		s.log.Warn("web: prune old links and sessions", "err", err)
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logout ends the session of the request.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	v, err := s.who(r)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if v == nil {
		v = s.anonymous(r)
	} else if err := s.store.EndWebSession(r.Context(), v.session, s.opt.Now()); err != nil {
		s.internal(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	out := &viewer{lang: v.lang}
	s.fail(w, r, out, http.StatusOK, render.WebLoggedOut, render.WebLinkAgain)
}

// clientAddr is the address a request came from (the proxy's, behind
// one).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter allows n attempts per window from each address.
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	seen   map[string][]time.Time
}

func newLimiter(n int, window time.Duration) *limiter {
	return &limiter{n: n, window: window, seen: map[string][]time.Time{}}
}

func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	since := now.Add(-l.window)
	if len(l.seen) > 10000 {
		for k, ts := range l.seen {
			if len(ts) == 0 || ts[len(ts)-1].Before(since) {
				delete(l.seen, k)
			}
		}
	}
	ts := l.seen[key]
	i := 0
	for i < len(ts) && ts[i].Before(since) {
		i++
	}
	ts = ts[i:]
	if len(ts) >= l.n {
		l.seen[key] = ts
		return false
	}
	l.seen[key] = append(ts, now)
	return true
}
