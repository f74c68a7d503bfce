package callback_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/api/callback"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// upstream is an upstream system's callback endpoint: it checks each
// signature, fails the first attempt of the events named in failFirst with
// a 503, and keeps what it accepted.
type upstream struct {
	t         *testing.T
	secret    string
	mu        sync.Mutex
	failFirst map[string]bool
	accepted  []callback.Payload
	// deliveries counts the 2xx answers per delivery id.
	deliveries map[string]int
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if got, want := r.Header.Get(callback.SignatureHeader), callback.Sign(u.secret, body); got != want {
		u.t.Errorf("signature %q, want %q", got, want)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var p callback.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		u.t.Errorf("body %s: %v", body, err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.failFirst[p.Event] {
		delete(u.failFirst, p.Event)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	u.accepted = append(u.accepted, p)
	u.deliveries[r.Header.Get(callback.DeliveryHeader)]++
}

// told returns the events accepted for appeal id, in the order they came.
func (u *upstream) told(id appeal.ID) (names []string, ids []int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, p := range u.accepted {
		if p.Appeal.ID == int64(id) {
			names, ids = append(names, p.Event), append(ids, p.EventID)
		}
	}
	return names, ids
}

func newUpstream(t *testing.T, failFirst ...string) (*upstream, string) {
	u := &upstream{t: t, secret: "s3cret", failFirst: map[string]bool{}, deliveries: map[string]int{}}
	for _, e := range failFirst {
		u.failFirst[e] = true
	}
	srv := httptest.NewServer(u)
	t.Cleanup(srv.Close)
	return u, srv.URL + "/cb"
}

func newSender(t *testing.T, store *storage.Store, clk *clock, u *upstream) *callback.Sender {
	return callback.New(store, callback.Options{Secret: u.secret, MinBackoff: time.Minute, MaxBackoff: time.Minute, Allow: local(t)},
		clk.now, slog.New(slog.DiscardHandler))
}

// drain runs the senders side by side, the clock past every backoff
// between rounds, until a round sends nothing.
func drain(t *testing.T, clk *clock, senders ...*callback.Sender) {
	t.Helper()
	for range 50 {
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for _, s := range senders {
			wg.Go(func() {
				for {
					n, err := s.RunOnce(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						return
					}
					mu.Lock()
					total += n
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if total == 0 {
			return
		}
		clk.add(2 * time.Minute)
	}
	t.Fatal("callbacks still going after 50 rounds")
}

func mustAct(t *testing.T, svc *appeal.Service, id appeal.ID, cmd appeal.Command) {
	t.Helper()
	if _, err := svc.Act(t.Context(), id, cmd); err != nil {
		t.Fatalf("%s: %v", cmd.Action, err)
	}
}

// TestEveryEventToldOnceInOrderAcrossRestart: an appeal goes through its
// whole life while callbacks fail now and then, the sender stops half way
// (a restart) and, on PostgreSQL, two instances send side by side. The
// upstream hears of every event it asked for once, signed, in the order of
// the log, and of nothing else.
func TestEveryEventToldOnceInOrderAcrossRestart(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			cfg := storagetest.Config(t, backend)
			open := func() *storage.Store {
				s, err := storage.Open(context.Background(), cfg, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.Migrate(context.Background()); err != nil {
					t.Fatal(err)
				}
				return s
			}
			store := open()
			clk := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
			u, url := newUpstream(t, "appeal.claimed", "appeal.closed")
			svc := appeal.NewService(store, clk.now, "Asia/Shanghai", appeal.WithCallbackEvents([]string{"all"}))
			for _, code := range []string{"water", "roads"} {
				if _, err := svc.SaveDepartment(t.Context(), appeal.Department{Code: code, Name: code}); err != nil {
					t.Fatal(err)
				}
			}
			// a asks for everything (the setting), b only for returns and
			// closes (its own list).
			a, _, err := svc.Intake(t.Context(), appeal.Intake{Source: "12345", ExternalID: "A", Title: "停水",
				Body: "三天没水", Department: "water", CallbackURL: url})
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := svc.Intake(t.Context(), appeal.Intake{Source: "12345", ExternalID: "B", Title: "噪音",
				Body: "工地夜间施工", Department: "water", CallbackURL: url, CallbackEvents: []string{"returned", "closed"}})
			if err != nil {
				t.Fatal(err)
			}
			span, _ := appeal.ParseSpan("2wd")
			mustAct(t, svc, a.ID, appeal.Command{Action: appeal.ActClaim, Actor: 5})
			mustAct(t, svc, a.ID, appeal.Command{Action: appeal.ActRequestExtension, Actor: 5, Extension: span, Text: "需要协调"})
			mustAct(t, svc, a.ID, appeal.Command{Action: appeal.ActApproveExtension, Actor: 9})
			mustAct(t, svc, b.ID, appeal.Command{Action: appeal.ActReturn, Actor: 5, Text: "不归我们管"})

			// The first instance sends part of it and stops, one callback
			// taken and never settled, as by a crash in mid-send: its
			// lease runs out after the restart and it goes then, and
			// those behind it wait for it.
			first := newSender(t, store, clk, u)
			if _, err := first.RunOnce(t.Context()); err != nil {
				t.Fatal(err)
			}
			if rows, err := store.ClaimOutbox(t.Context(), []appeal.RecipientKind{appeal.ToUpstream}, clk.now(), 1, 20*time.Second); err != nil || len(rows) != 1 {
				t.Fatalf("claim in mid-send: %v, %v", rows, err)
			}
			store.Close()

			store = open()
			defer store.Close()
			svc = appeal.NewService(store, clk.now, "Asia/Shanghai", appeal.WithCallbackEvents([]string{"all"}))
			mustAct(t, svc, a.ID, appeal.Command{Action: appeal.ActTransfer, Actor: 5, Department: "roads", Text: "属道路"})
			mustAct(t, svc, a.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 6, Text: "已修复"})
			mustAct(t, svc, a.ID, appeal.Command{Action: appeal.ActClose, Actor: 6, Text: "办结"})
			mustAct(t, svc, a.ID, appeal.Command{Action: appeal.ActReopen, Actor: 9, Text: "市民不满意"})
			if _, err := svc.Urge(t.Context(), a.ID, "请尽快"); err != nil {
				t.Fatal(err)
			}
			mustAct(t, svc, b.ID, appeal.Command{Action: appeal.ActClose, Actor: 9, Text: "重复件"})

			senders := []*callback.Sender{newSender(t, store, clk, u)}
			if backend == storage.Postgres {
				second := open()
				defer second.Close()
				senders = append(senders, newSender(t, second, clk, u))
			}
			drain(t, clk, senders...)

			for _, c := range []struct {
				id   appeal.ID
				want []string
			}{
				{a.ID, []string{"assigned", "claimed", "extended", "transferred", "claimed", "answered", "closed", "reopened", "urged"}},
				{b.ID, []string{"returned", "closed"}},
			} {
				names, ids := u.told(c.id)
				var want []string
				for _, n := range c.want {
					want = append(want, "appeal."+n)
				}
				if !slices.Equal(names, want) {
					t.Errorf("appeal %d: upstream told %v, want %v", c.id, names, want)
				}
				if !slices.IsSorted(ids) || slices.Contains(ids, 0) {
					t.Errorf("appeal %d: event ids %v, want increasing ids of the log", c.id, ids)
				}
			}
			for d, n := range u.deliveries {
				if n != 1 {
					t.Errorf("delivery %s accepted %d times", d, n)
				}
			}
			// What each event said when it happened.
			u.mu.Lock()
			defer u.mu.Unlock()
			for _, p := range u.accepted {
				switch p.Event {
				case "appeal.extended":
					if p.Deadlines == nil || p.Deadlines.AnswerBy == nil || !p.Deadlines.AnswerBy.After(a.Deadlines.AnswerBy) {
						t.Errorf("extended: deadlines %+v, want an answer deadline after %v", p.Deadlines, a.Deadlines.AnswerBy)
					}
				case "appeal.transferred":
					if p.Appeal.Department != "roads" || p.Note == "" {
						t.Errorf("transferred: %+v", p)
					}
				case "appeal.answered":
					if p.Answer == nil || p.Answer.Text != "已修复" || p.Appeal.Status != "answered" {
						t.Errorf("answered: %+v", p)
					}
				case "appeal.returned":
					if p.Appeal.Status != "returned" || p.Note != "不归我们管" {
						t.Errorf("returned: %+v", p)
					}
				case "appeal.urged":
					if p.Appeal.Urges != 1 || p.Note != "请尽快" {
						t.Errorf("urged: %+v", p)
					}
				}
				if p.Event != "appeal.answered" && p.Answer != nil {
					t.Errorf("%s carries an answer", p.Event)
				}
			}
		})
	}
}

// TestCallbackEventsSetting: without a list of its own, an appeal's
// upstream hears of what the setting names, and with no setting of
// answers only, as before events were told.
func TestCallbackEventsSetting(t *testing.T) {
	for _, c := range []struct {
		setting []string
		want    []string
	}{
		{nil, []string{"appeal.answered"}},
		{[]string{"closed", "claimed"}, []string{"appeal.claimed", "appeal.closed"}},
	} {
		store := storagetest.Open(t, storage.SQLite)
		clk := &clock{t: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
		u, url := newUpstream(t)
		var opts []appeal.Option
		if c.setting != nil {
			opts = append(opts, appeal.WithCallbackEvents(c.setting))
		}
		svc := appeal.NewService(store, clk.now, "Asia/Shanghai", opts...)
		if _, err := svc.SaveDepartment(t.Context(), appeal.Department{Code: "water", Name: "供水"}); err != nil {
			t.Fatal(err)
		}
		a, _, err := svc.Intake(t.Context(), appeal.Intake{Source: "12345", ExternalID: "A", Title: "停水",
			Body: "三天没水", Department: "water", CallbackURL: url})
		if err != nil {
			t.Fatal(err)
		}
		mustAct(t, svc, a.ID, appeal.Command{Action: appeal.ActClaim, Actor: 5})
		mustAct(t, svc, a.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 5, Text: "已恢复"})
		mustAct(t, svc, a.ID, appeal.Command{Action: appeal.ActClose, Actor: 5, Text: "办结"})
		drain(t, clk, newSender(t, store, clk, u))
		if got, _ := u.told(a.ID); !slices.Equal(got, c.want) {
			t.Errorf("setting %v: told %v, want %v", c.setting, got, c.want)
		}
	}
}
