package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage/storagetest"
	"github.com/appealbot/appealbot/web"
)

// BenchmarkPages measures each page's server time through the real
// handler over a store filled through the appeal service:
// APPEALBOT_BENCH_APPEALS appeals (default 2,000) over the 61 days before
// now, spread over 20 departments; each is claimed an hour after intake,
// four in five are answered, three in five closed and judged. Pages are
// asked for as a dispatcher for the last whole month.
func BenchmarkPages(b *testing.B) {
	n := 2000
	if v := os.Getenv("APPEALBOT_BENCH_APPEALS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	for _, backend := range storagetest.Backends {
		b.Run(backend, func(b *testing.B) {
			store := storagetest.Open(b, backend)
			var mu sync.Mutex
			now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			at := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
			svc := appeal.NewService(store, clock, "Asia/Shanghai", appeal.WithCalendars(appeal.Calendars{Days: store}))
			ctx := context.Background()
			for d := range 20 {
				if _, err := svc.SaveDepartment(ctx, appeal.Department{Code: fmt.Sprintf("d%02d", d), Name: fmt.Sprintf("部门 %02d", d)}); err != nil {
					b.Fatal(err)
				}
			}
			m, err := store.SaveMember(ctx, appeal.Member{Network: "telegram", ExternalID: "1", DisplayName: "调度员"})
			if err != nil {
				b.Fatal(err)
			}
			if err := store.Grant(ctx, appeal.Grant{Member: m.ID, Role: appeal.RoleDispatcher}); err != nil {
				b.Fatal(err)
			}
			start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
			step := 61 * 24 * time.Hour / time.Duration(n)
			var some appeal.ID
			for i := range n {
				t := start.Add(time.Duration(i) * step)
				at(t)
				a, _, err := svc.Intake(ctx, appeal.Intake{Source: []string{"12345", "web", "wechat"}[i%3], ExternalID: strconv.Itoa(i),
					Title: "路灯不亮", Body: "长安街路灯坏了。", Category: []string{"市政", "交通", "环境", "供水"}[i%4],
					Department: fmt.Sprintf("d%02d", i%20), Priority: appeal.PriorityNormal})
				if err != nil {
					b.Fatal(err)
				}
				some = a.ID
				act := func(d time.Duration, cmd appeal.Command) {
					at(t.Add(d))
					cmd.Actor = m.ID
					cmd.Force = true
					if _, err := svc.Act(ctx, a.ID, cmd); err != nil {
						b.Fatal(err)
					}
				}
				act(time.Hour, appeal.Command{Action: appeal.ActClaim})
				if i%5 != 0 {
					act(20*time.Hour, appeal.Command{Action: appeal.ActAnswer, Text: "已处理。"})
				}
				if i%5 > 1 {
					act(30*time.Hour, appeal.Command{Action: appeal.ActClose, Text: "已解决", Resolution: appeal.Resolved})
					res := appeal.FeedbackSatisfied
					if i%7 == 0 {
						res = appeal.FeedbackUnsatisfied
					}
					if _, err := svc.Feedback(ctx, a.ID, appeal.Feedback{Result: res}); err != nil {
						b.Fatal(err)
					}
				}
			}
			at(time.Date(2026, 11, 1, 1, 0, 0, 0, time.UTC))
			if err := store.Analyze(ctx); err != nil {
				b.Fatal(err)
			}
			srv, err := web.New(store, web.Options{Location: time.UTC, Now: clock})
			if err != nil {
				b.Fatal(err)
			}
			if err := store.CreateWebLink(ctx, appeal.WebLink{Token: "bench", Member: m.ID, CreatedAt: clock(), ExpiresAt: clock().Add(time.Hour)}); err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest("POST", "/login", nil)
			req.PostForm = url.Values{"token": {"bench"}}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			cookie := rec.Result().Cookies()
			if rec.Code != http.StatusSeeOther || len(cookie) == 0 {
				b.Fatalf("login: %d", rec.Code)
			}
			for _, p := range []string{"/?month=2026-10", "/dept/d01?month=2026-10", "/dept/d01/trend.json?month=2026-10",
				fmt.Sprint("/appeal/", some), "/dispatch", "/bulletin?month=2026-10", "/bulletin.xlsx?month=2026-10"} {
				b.Run(p, func(b *testing.B) {
					for b.Loop() {
						req := httptest.NewRequest("GET", p, nil)
						req.AddCookie(cookie[0])
						rec := httptest.NewRecorder()
						srv.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							b.Fatalf("%s: %d", p, rec.Code)
						}
					}
				})
			}
		})
	}
}
