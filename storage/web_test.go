package storage_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

func webMember(t *testing.T, s *storage.Store, id string) appeal.Member {
	t.Helper()
	m, err := s.SaveMember(context.Background(), appeal.Member{Network: "telegram", ExternalID: id, CreatedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func webLink(t *testing.T, s *storage.Store, m appeal.Member, token string, at time.Time) {
	t.Helper()
	if err := s.CreateWebLink(context.Background(), appeal.WebLink{Token: token, Member: m.ID,
		CreatedAt: at, ExpiresAt: at.Add(appeal.WebLinkTTL)}); err != nil {
		t.Fatal(err)
	}
}

func session(token string, at time.Time) appeal.WebSession {
	return appeal.WebSession{Token: token, CreatedAt: at, ExpiresAt: at.Add(appeal.WebSessionTTL)}
}

// TestWebLinkOnce: a login link opens one session, before its expiry,
// and nothing else does.
func TestWebLinkOnce(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		m := webMember(t, s, "100")
		webLink(t, s, m, "link-1", t0)
		got, err := s.RedeemWebLink(ctx, "link-1", t0.Add(time.Minute), session("sess-1", t0.Add(time.Minute)))
		if err != nil {
			t.Fatal(err)
		}
		if got.Member != m.ID {
			t.Fatalf("session member = %d, want %d", got.Member, m.ID)
		}
		if _, err := s.RedeemWebLink(ctx, "link-1", t0.Add(2*time.Minute), session("sess-2", t0)); !errors.Is(err, appeal.ErrLinkUsed) {
			t.Fatalf("second use: err = %v, want ErrLinkUsed", err)
		}
		webLink(t, s, m, "link-2", t0)
		if _, err := s.RedeemWebLink(ctx, "link-2", t0.Add(appeal.WebLinkTTL), session("sess-3", t0)); !errors.Is(err, appeal.ErrLinkExpired) {
			t.Fatalf("expired: err = %v, want ErrLinkExpired", err)
		}
		if _, err := s.RedeemWebLink(ctx, "forged", t0, session("sess-4", t0)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("forged: err = %v, want ErrNotFound", err)
		}
		for _, tok := range []string{"sess-2", "sess-3", "sess-4"} {
			if _, err := s.WebSession(ctx, tok, t0.Add(time.Minute)); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("session %s exists (err %v) after a refused link", tok, err)
			}
		}
		if n := count(t, s, "web_sessions"); n != 1 {
			t.Fatalf("%d sessions stored, want 1", n)
		}
		var stored string
		if err := s.DB().Get(&stored, `SELECT token_hash FROM web_links LIMIT 1`); err != nil {
			t.Fatal(err)
		}
		if stored == "link-1" || stored == "link-2" || len(stored) != 64 {
			t.Fatalf("stored link token %q: want its SHA-256 only", stored)
		}
	})
}

// TestWebLinkRace: two instances redeeming the same link at once open one
// session between them.
func TestWebLinkRace(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		m := webMember(t, s, "101")
		webLink(t, s, m, "race", t0)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for i := range 8 {
			wg.Go(func() {
				_, err := s.RedeemWebLink(context.Background(), "race", t0.Add(time.Second),
					session("race-sess-"+string(rune('a'+i)), t0))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, appeal.ErrLinkUsed):
					t.Errorf("redeem: %v", err)
				}
			})
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("%d redemptions succeeded, want 1", ok)
		}
		if n := count(t, s, "web_sessions"); n != 1 {
			t.Fatalf("%d sessions stored, want 1", n)
		}
	})
}

// TestWebSessionEnd: a session holds until it expires or is ended, one at
// a time or all of a member's at once (which also voids unused links).
func TestWebSessionEnd(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		m, other := webMember(t, s, "102"), webMember(t, s, "103")
		for i, tok := range []string{"a", "b", "c"} {
			who := m
			if i == 2 {
				who = other
			}
			webLink(t, s, who, "l"+tok, t0)
			if _, err := s.RedeemWebLink(ctx, "l"+tok, t0, session("s"+tok, t0)); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.WebSession(ctx, "sa", t0.Add(time.Hour))
		if err != nil || got.Member != m.ID || !got.ExpiresAt.Equal(norm(t0.Add(appeal.WebSessionTTL))) {
			t.Fatalf("WebSession = %+v, %v", got, err)
		}
		if _, err := s.WebSession(ctx, "sa", t0.Add(appeal.WebSessionTTL)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("expired session: err = %v, want ErrNotFound", err)
		}
		if err := s.EndWebSession(ctx, "sa", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.WebSession(ctx, "sa", t0.Add(time.Hour)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("ended session: err = %v, want ErrNotFound", err)
		}
		webLink(t, s, m, "unused", t0)
		n, err := s.EndWebSessions(ctx, m.ID, t0.Add(time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("EndWebSessions = %d, %v; want 1 (sb)", n, err)
		}
		if _, err := s.WebSession(ctx, "sb", t0.Add(time.Hour)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("revoked session: err = %v, want ErrNotFound", err)
		}
		if _, err := s.RedeemWebLink(ctx, "unused", t0.Add(time.Hour), session("sd", t0)); !errors.Is(err, appeal.ErrLinkUsed) {
			t.Fatalf("link sent before logout: err = %v, want ErrLinkUsed", err)
		}
		if _, err := s.WebSession(ctx, "sc", t0.Add(time.Hour)); err != nil {
			t.Fatalf("another member's session ended too: %v", err)
		}
		if err := s.PruneWeb(ctx, t0.Add(appeal.WebSessionTTL+time.Second)); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "web_sessions") + count(t, s, "web_links"); n != 0 {
			t.Fatalf("%d rows left after pruning", n)
		}
	})
}

// TestAppealBreakdown: appeals received in the period counted by category
// and by source, limited to departments when asked.
func TestAppealBreakdown(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a, b := saveDept(t, s, "A", false), saveDept(t, s, "B", false)
		mk := func(ext, cat, src string, d *appeal.Department, at time.Time) {
			in := intake(ext)
			in.Category, in.Source, in.ReceivedAt = cat, src, at
			if d != nil {
				in.Department = d.Code
			}
			create(t, s, in, d)
		}
		mk("1", "市政", "12345", &a, t0.Add(-time.Hour))
		mk("2", "市政", "web", &b, t0.Add(-2*time.Hour))
		mk("3", "交通", "12345", &a, t0.Add(-3*time.Hour))
		mk("4", "交通", "12345", nil, t0.Add(-48*time.Hour)) // before the period
		cats, srcs, err := s.AppealBreakdown(ctx, t0.Add(-24*time.Hour), t0, nil)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "by category", cats, []appeal.Breakdown{{Key: "市政", Received: 2}, {Key: "交通", Received: 1}})
		same(t, "by source", srcs, []appeal.Breakdown{{Key: "12345", Received: 2}, {Key: "web", Received: 1}})
		cats, _, err = s.AppealBreakdown(ctx, t0.Add(-24*time.Hour), t0, []string{"B"})
		if err != nil {
			t.Fatal(err)
		}
		same(t, "by category, B", cats, []appeal.Breakdown{{Key: "市政", Received: 1}})
		cats, _, err = s.AppealBreakdown(ctx, t0.Add(-24*time.Hour), t0, []string{})
		if err != nil || len(cats) != 0 {
			t.Fatalf("no departments: %v, %v", cats, err)
		}
	})
}
