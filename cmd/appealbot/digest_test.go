package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/reminders/digest"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestTelegramLeaderGetsDigestWithChart: a leader asks for a digest in a
// private chat and gets its text and, as a photo (sendPhoto), its chart; a
// scheduled digest queued for the department's leaders (as the digest
// runner of any instance queues it) reaches the leader the same way.
func TestTelegramLeaderGetsDigestWithChart(t *testing.T) {
	tg := botapitest.New(t)
	dbURL := storagetest.PostgresURL(t)
	env := map[string]string{
		"APPEALBOT_DATA_DIR":         t.TempDir(),
		"APPEALBOT_DATABASE_URL":     dbURL,
		"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
		"APPEALBOT_ADMINS":           "100",
		"APPEALBOT_LANGUAGE":         "zh",
	}
	base, log, stop := startServe(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range tg.Sent() {
				t.Logf("sent to %d (#%d, photo %d bytes): %s", m.ChatID, m.MessageID, m.PhotoSize, m.Plain)
			}
			t.Logf("log:\n%s", log)
		}
	})
	const group = int64(-3003)
	admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Boss"}
	leader := botapitest.User{ID: 300, Username: "lee", FirstName: "Lee"}
	command(t, tg, group, admin, "/dept add water 供水公司", "water")
	command(t, tg, group, admin, "/dept bind water", "water")
	command(t, tg, group, admin, "/role add water leader 300", "300")
	if st, m := postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"D-1","title":"停水","body":"整栋楼停水","department":"water"}`); st != 201 {
		t.Fatalf("intake: %d %v", st, m)
	}

	command(t, tg, leader.ID, leader, "/digest now water", "简报")
	var text, chart botapitest.Message
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		text, chart = botapitest.Message{}, botapitest.Message{}
		for _, m := range s.Messages(leader.ID) {
			switch {
			case m.PhotoSize > 0:
				chart = m
			case strings.Contains(m.Plain, "每日") || strings.Contains(m.Plain, "简报：供水公司"):
				text = m
			}
		}
		return text.MessageID != 0 && chart.MessageID != 0
	}, 15*time.Second)
	if !strings.Contains(text.Plain, "新增 1") || !strings.Contains(text.Plain, "在办 1") {
		t.Fatalf("digest text:\n%s", text.Plain)
	}
	if chart.PhotoSize < 8<<10 || !strings.Contains(chart.Plain, "每日受理、答复、超期") || chart.MessageID < text.MessageID {
		t.Fatalf("chart: %d bytes, caption %q, message %d after text %d", chart.PhotoSize, chart.Plain, chart.MessageID, text.MessageID)
	}

	// A scheduled digest, queued for the leaders by a runner elsewhere.
	ctx := context.Background()
	s, err := storage.Open(ctx, storage.Config{DatabaseURL: dbURL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	to := time.Now()
	msgs := digest.Messages(appeal.Recipient{Kind: appeal.ToLeaders, Ref: "water"}, "water", appeal.DigestWeekly, to.Add(-7*24*time.Hour), to)
	if ok, err := s.ClaimDigest(ctx, appeal.DigestRun{Department: "water", Kind: appeal.DigestWeekly, From: to.Add(-7 * 24 * time.Hour), To: to, At: to}, msgs); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		photos, weekly := 0, false
		for _, m := range s.Messages(leader.ID) {
			if m.PhotoSize > 0 {
				photos++
			}
			weekly = weekly || strings.Contains(m.Plain, "每周简报")
		}
		return photos == 2 && weekly
	}, 15*time.Second)
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
}
