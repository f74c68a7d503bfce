// Package web is the leaders' web view: a read-only site, served by the
// same binary on its own address, where leaders, dispatchers and the
// supervision office compare departments, follow trends and overdue
// appeals and print the monthly bulletin (月度考核通报 with its 红黑榜).
//
// People log in with a single-use link the bot sends in a private chat
// (/web); there are no passwords. A leader sees their departments, and a
// department or appeal of another is "not found"; dispatchers and admins
// see every department. Every page is an html/template; every script,
// style and the charting library (Apache ECharts) is embedded, and the
// Content-Security-Policy allows nothing inline and nothing from elsewhere.
// The figures are read through kpi.Load, the same path as /stats and the
// API's /api/v1/stats.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/render"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Store is what the web view reads and writes.
type Store interface {
	kpi.Source
	Department(ctx context.Context, code string) (appeal.Department, error)
	Appeal(ctx context.Context, id appeal.ID) (appeal.Appeal, error)
	Appeals(ctx context.Context, f appeal.Filter) ([]appeal.Appeal, error)
	WaitingDispatch(ctx context.Context, n int) ([]appeal.Appeal, int, error)
	Events(ctx context.Context, id appeal.ID) ([]appeal.Event, error)
	Feedback(ctx context.Context, id appeal.ID) ([]appeal.Feedback, error)
	Member(ctx context.Context, id appeal.MemberID) (appeal.Member, error)
	Grants(ctx context.Context, member appeal.MemberID) ([]appeal.Grant, error)
	AppealBreakdown(ctx context.Context, from, to time.Time, departments []string) (byCategory, bySource []appeal.Breakdown, err error)

	RedeemWebLink(ctx context.Context, link string, now time.Time, sess appeal.WebSession) (appeal.WebSession, error)
	WebSession(ctx context.Context, token string, now time.Time) (appeal.WebSession, error)
	EndWebSession(ctx context.Context, token string, at time.Time) error
	PruneWeb(ctx context.Context, before time.Time) error
}

// Options configure the web view.
type Options struct {
	// URL is where people reach the view (APPEALBOT_WEB_URL): login links
	// point there, and the session cookie is Secure when it is https.
	URL string
	// Public serves the monthly figures and ranking without login
	// (APPEALBOT_WEB_PUBLIC=on).
	Public bool
	// Admins are the bootstrap admins of the configuration (user ids, or
	// network:id), as the chat commands count them.
	Admins  []string
	Weights kpi.Weights
	// Location is the timezone of periods, days and times shown; nil is
	// UTC.
	Location *time.Location
	// Lang is the default language ("zh" or "en").
	Lang string
	// LoginsPerMinute bounds the login attempts from one address; 0 is
	// 20.
	LoginsPerMinute int
	// Now is the clock (required).
	Now func() time.Time
	Log *slog.Logger
}

// Server serves the web view; it is an http.Handler.
type Server struct {
	store   Store
	opt     Options
	secure  bool
	admins  map[string]bool
	pages   map[string]*template.Template
	static  http.Handler
	mux     *http.ServeMux
	limiter *limiter
	log     *slog.Logger
}

// LoginPath is where a login link points, below the view's URL.
const LoginPath = "/login/"

// LinkURL is the login link of token at the view's URL base.
func LinkURL(base, token string) string {
	return strings.TrimRight(base, "/") + LoginPath + url.PathEscape(token)
}

// New returns the web view over store.
func New(store Store, opt Options) (*Server, error) {
	if opt.Now == nil {
		return nil, errors.New("web: Options.Now is required")
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Weights == (kpi.Weights{}) {
		opt.Weights = kpi.DefaultWeights
	}
	if l, ok := render.NormLang(opt.Lang); ok {
		opt.Lang = l
	} else {
		opt.Lang = render.LangZH
	}
	if opt.LoginsPerMinute <= 0 {
		opt.LoginsPerMinute = 20
	}
	s := &Server{store: store, opt: opt, admins: map[string]bool{}, log: opt.Log,
		secure:  strings.HasPrefix(strings.ToLower(opt.URL), "https://"),
		limiter: newLimiter(opt.LoginsPerMinute, time.Minute)}
	for _, a := range opt.Admins {
		if a = strings.TrimSpace(a); a != "" {
			s.admins[a] = true
		}
	}
	var err error
	if s.pages, err = s.parsePages(); err != nil {
		return nil, err
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	s.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /static/", s.serveStatic)
	m.HandleFunc("GET /login/{token}", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.logout)
	m.HandleFunc("GET /{$}", s.session(s.overview))
	m.HandleFunc("GET /dept/{code}", s.session(s.department))
	m.HandleFunc("GET /dept/{code}/trend.json", s.session(s.trend))
	m.HandleFunc("GET /appeal/{id}", s.session(s.appealPage))
	m.HandleFunc("GET /dispatch", s.session(s.dispatch))
	m.HandleFunc("GET /bulletin", s.session(s.bulletin))
	m.HandleFunc("GET /bulletin.xlsx", s.session(s.bulletinXLSX))
	m.HandleFunc("GET /public", s.public(s.bulletin))
	m.HandleFunc("GET /public.xlsx", s.public(s.bulletinXLSX))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, s.anonymous(r), http.StatusNotFound, render.WebNotFound)
	})
	s.mux = m
}

// csp allows the page's own scripts, styles and data and nothing else:
// no inline script or style, no other origin, no framing.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// ServeHTTP serves the view with its security headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// A login link's token must not leave in a Referer.
	h.Set("Referrer-Policy", "no-referrer")
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		h.Set("Cache-Control", "no-store")
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	s.static.ServeHTTP(w, r)
}

// page is what every template gets.
type page struct {
	Lang   string
	Title  string
	Who    string
	All    bool
	Public bool
	Nav    string
	// Charts loads the charting scripts.
	Charts bool
	Body   any
}

// show renders template name with body for v.
func (s *Server) show(w http.ResponseWriter, r *http.Request, v *viewer, status int, name, title, nav string, body any) {
	t := s.pages[name]
	p := page{Lang: v.lang, Title: title, Who: v.name, All: v.all, Public: v.public, Nav: nav, Body: body,
		Charts: name == "overview" || name == "department" || name == "bulletin"}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// message is the body of a page that only says something.
type message struct {
	Lines []string
	// Form is a login form's token, "" for none.
	Form string
}

// fail shows a page that says what went wrong, with status.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, v *viewer, status int, keys ...render.Key) {
	var m message
	for _, k := range keys {
		m.Lines = append(m.Lines, text(v.lang, k, nil))
	}
	s.show(w, r, v, status, "message", m.Lines[0], "", m)
}

func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return
	}
	s.log.Error("web: page failed", "path", r.URL.Path, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// text is catalogue entry k in lang as plain text (html/template escapes
// it where it goes).
func text(lang string, k render.Key, a render.Args) string {
	return render.Plain(render.Text(lang, k, a))
}

// pageNames are the templates, each with the layout.
var pageNames = []string{"message", "overview", "department", "appeal", "dispatch", "bulletin"}

func (s *Server) parsePages() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, n := range pageNames {
		t, err := template.New(n).Funcs(s.funcs()).ParseFS(templateFS, "templates/layout.html",
			"templates/ranking.html", "templates/items.html", "templates/"+n+".html")
		if err != nil {
			return nil, err
		}
		out[n] = t
	}
	return out, nil
}
