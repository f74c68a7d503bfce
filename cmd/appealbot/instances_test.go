package main

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// postAll hands in appeals ext (from..to-1) of source to the bases in turn
// from several goroutines, each until accepted, and returns their numbers
// by ext.
func postAll(t *testing.T, source string, from, to int, bases []string, dept func(int) string) map[int]int64 {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	var (
		mu  sync.Mutex
		ids = map[int]int64{}
		wg  sync.WaitGroup
	)
	work := make(chan int)
	errs := make(chan error, to-from)
	for range 8 {
		wg.Go(func() {
			for ext := range work {
				id, _, err := intake(client, bases[ext%len(bases)], appealJSON(source, ext, dept(ext)))
				if err != nil {
					errs <- fmt.Errorf("appeal %d: %w", ext, err)
					continue
				}
				mu.Lock()
				ids[ext] = id
				mu.Unlock()
			}
		})
	}
	for ext := from; ext < to; ext++ {
		work <- ext
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return ids
}

// waitShown waits until every appeal of ids (by ext) shows in chat(ext)
// and returns how long that took.
func waitShown(t *testing.T, seen *sightings, ids map[int]int64, chat func(int) int64, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		shown := seen.shown()
		var missing []int
		for ext, id := range ids {
			if shown[chat(ext)][id] == 0 {
				missing = append(missing, ext)
			}
		}
		if len(missing) == 0 {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			slices.Sort(missing)
			t.Fatalf("%d of %d appeals not shown within %v (external ids %v…)", len(missing), len(ids), timeout,
				missing[:min(len(missing), 10)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// busiestMinute is the most messages (new and edits) that chat received in
// any 60 s.
func busiestMinute(tg *botapitest.Server, chat int64) int {
	var at []time.Time
	for _, m := range tg.Sent() {
		if m.ChatID == chat {
			at = append(at, m.At)
		}
	}
	for _, e := range tg.Edits() {
		if e.ChatID == chat {
			at = append(at, e.At)
		}
	}
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	most := 0
	for i := range at {
		n := 0
		for j := i; j < len(at) && at[j].Sub(at[i]) < time.Minute; j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}

// TestTwoInstancesShareOneBudget runs two instances on one PostgreSQL
// database and one Telegram bot. Appeals handed in to either reach their
// chats once, and the two never together exceed Telegram's limits: only
// the holder of the delivery lease sends. When it stops, the other takes
// delivery over.
func TestTwoInstancesShareOneBudget(t *testing.T) {
	const depts = 2
	code := func(i int) string { return fmt.Sprintf("t%d", i) }
	chat := func(i int) int64 { return int64(-6001 - i) }
	dbURL := storagetest.PostgresURL(t)
	var seen sightings
	tg := botapitest.New(t, botapitest.WithLimits(botapitest.TelegramLimits()), botapitest.WithOnSend(seen.record))
	setupDepartments(t, dbURL, depts, code, chat)

	env := func() map[string]string {
		return map[string]string{
			"APPEALBOT_DATABASE_URL":     dbURL,
			"APPEALBOT_DATA_DIR":         t.TempDir(),
			"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
			"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
			"APPEALBOT_LANGUAGE":         "en",
		}
	}
	baseA, logA, stopA := startServe(t, env())
	baseB, logB, stopB := startServe(t, env())
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("instance A:\n%s\ninstance B:\n%s", logA, logB)
		}
	})

	extDept := func(ext int) string { return code(ext % depts) }
	extChat := func(ext int) int64 { return chat(ext % depts) }
	ids := postAll(t, "twin", 0, 200, []string{baseA, baseB}, extDept)
	took := waitShown(t, &seen, ids, extChat, 60*time.Second)

	if n := tg.Count429(); n != 0 {
		t.Errorf("the Bot API server answered 429 %d times", n)
	}
	shown := seen.shown()
	for ext, id := range ids {
		if n := shown[extChat(ext)][id]; n != 1 {
			t.Errorf("appeal #%d shown %d times", id, n)
		}
	}
	for i := range depts {
		if n := busiestMinute(tg, chat(i)); n > botapitest.TelegramLimits().PerGroupMinute {
			t.Errorf("chat %d got %d messages in one minute", chat(i), n)
		}
	}
	t.Logf("200 appeals through two instances: all shown in %v, %d messages", took.Round(time.Millisecond), len(tg.Sent()))

	const leads = "lease: this instance leads delivery"
	leader, survivor, stop, survivorBase := "A", logB, stopA, baseB
	switch a, b := strings.Contains(logA.String(), leads), strings.Contains(logB.String(), leads); {
	case a && b:
		t.Fatal("both instances say they lead delivery")
	case b:
		leader, survivor, stop, survivorBase = "B", logA, stopB, baseA
	case !a:
		t.Fatal("neither instance leads delivery")
	}
	if err := stop(); err != nil {
		t.Fatalf("instance %s: %v", leader, err)
	}
	stopped := time.Now()
	more := postAll(t, "twin", 200, 220, []string{survivorBase}, extDept)
	for !strings.Contains(survivor.String(), leads) {
		if time.Since(stopped) > 15*time.Second {
			t.Fatal("the survivor did not take delivery over")
		}
		time.Sleep(10 * time.Millisecond)
	}
	takeover := time.Since(stopped)
	waitShown(t, &seen, more, extChat, 30*time.Second)
	if n := tg.Count429(); n != 0 {
		t.Errorf("the Bot API server answered 429 %d times after the takeover", n)
	}
	t.Logf("instance %s stopped: the survivor led delivery after %v, its 20 appeals shown after %v",
		leader, takeover.Round(time.Millisecond), time.Since(stopped).Round(time.Millisecond))
}

// TestTelegramDownAtStart: with the Bot API unreachable at start, serve
// still starts and takes appeals; their cards arrive once it is back.
func TestTelegramDownAtStart(t *testing.T) {
	dbURL := storagetest.PostgresURL(t)
	tg := botapitest.New(t, botapitest.WithLimits(botapitest.TelegramLimits()))
	const group = int64(-7001)
	setupDepartments(t, dbURL, 1, func(int) string { return "down" }, func(int) int64 { return group })
	tg.SetDown(true)
	base, log, _ := startServe(t, map[string]string{
		"APPEALBOT_DATABASE_URL":     dbURL,
		"APPEALBOT_DATA_DIR":         t.TempDir(),
		"APPEALBOT_TELEGRAM_TOKEN":   botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL": tg.URL(),
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
		}
	})
	if st, m := postJSON(t, base+"/api/v1/appeals", "", appealJSON("down", 1, "down")); st != http.StatusCreated {
		t.Fatalf("intake while Telegram is down: %d %v", st, m)
	}
	time.Sleep(500 * time.Millisecond) // let delivery fail at least once
	tg.SetDown(false)
	back := time.Now()
	tg.WaitFor(t, func(s *botapitest.Server) bool {
		_, ok := lastIn(s, group, "#1")
		return ok
	}, 30*time.Second)
	t.Logf("card arrived %v after Telegram came back", time.Since(back).Round(time.Millisecond))
}
