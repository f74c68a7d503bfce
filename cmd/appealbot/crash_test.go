package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// childEnv, set to 1, makes the test binary run `appealbot serve` with the
// APPEALBOT_* environment instead of the tests, so that a test can run the
// program as a process of its own and kill it.
const childEnv = "APPEALBOT_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(exitCode(run(context.Background(), []string{"serve"}, os.Getenv, os.Stdout, os.Stderr), os.Stderr))
	}
	os.Exit(m.Run())
}

// appealNumber finds the public appeal numbers a message shows.
var appealNumber = regexp.MustCompile(`#(\d+)`)

// sighting is one new message the Bot API server accepted, with the appeal
// numbers it shows.
type sighting struct {
	chat, msg int64
	at        time.Time
	ids       []int64
}

// sightings records what the bot posted, as botapitest accepts it.
type sightings struct {
	mu   sync.Mutex
	list []sighting
}

func (s *sightings) record(m botapitest.Message) {
	var ids []int64
	for _, sm := range appealNumber.FindAllStringSubmatch(render.WithoutMentions(m.Plain), -1) {
		if n, err := strconv.ParseInt(sm[1], 10, 64); err == nil {
			ids = append(ids, n)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, sighting{chat: m.ChatID, msg: m.MessageID, at: m.At, ids: ids})
}

func (s *sightings) all() []sighting {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.list)
}

// shown counts, per chat and appeal, the new messages showing the appeal.
func (s *sightings) shown() map[int64]map[int64]int {
	out := map[int64]map[int64]int{}
	for _, x := range s.all() {
		if out[x.chat] == nil {
			out[x.chat] = map[int64]int{}
		}
		for _, id := range uniq(x.ids) {
			out[x.chat][id]++
		}
	}
	return out
}

func uniq(ids []int64) []int64 {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return slices.Compact(ids)
}

func isLast(last map[int64]int, chat int64, i int) bool {
	j, ok := last[chat]
	return ok && i == j
}

// setupDepartments creates departments code(i) for i < n, each bound to
// its own Telegram group chat(i), through a store that is closed again
// before the program starts.
func setupDepartments(t *testing.T, dbURL string, n int, code func(int) string, chat func(int) int64) {
	t.Helper()
	ctx := t.Context()
	store, err := storage.Open(ctx, storage.Config{DatabaseURL: dbURL}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := appeal.NewService(store, time.Now, "Asia/Shanghai")
	for i := range n {
		if _, err := svc.SaveDepartment(ctx, appeal.Department{Code: code(i), Name: "Department " + code(i)}); err != nil {
			t.Fatal(err)
		}
		if err := store.BindChat(ctx, appeal.ChatBinding{Purpose: appeal.ChatDepartment, Department: code(i),
			Network: "telegram", ChatID: strconv.FormatInt(chat(i), 10)}); err != nil {
			t.Fatal(err)
		}
	}
}

// intake hands an appeal in and returns its public number; it never fails
// the test, so clients in goroutines can retry.
func intake(client *http.Client, base, body string) (id int64, status int, err error) {
	resp, err := client.Post(base+"/api/v1/appeals", "application/json", strings.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var m struct {
		ID int64 `json:"id"`
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, resp.StatusCode, err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return 0, resp.StatusCode, fmt.Errorf("intake: %d %s", resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, &m); err != nil || m.ID == 0 {
		return 0, resp.StatusCode, fmt.Errorf("intake: %d %s: no id", resp.StatusCode, data)
	}
	return m.ID, resp.StatusCode, nil
}

func appealJSON(source string, ext int, dept string) string {
	return fmt.Sprintf(`{"source":%q,"external_id":"%d","title":"Crash test appeal e%d","body":"Streetlight out on Elm St.","department":%q}`,
		source, ext, ext, dept)
}

// child is `appealbot serve` running as a process of its own.
type child struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error // from Wait, once done is closed
}

// startChild runs the test binary as `appealbot serve` with env and waits
// until its /healthz answers 200 on addr. It is killed at the end of the
// test at the latest.
func startChild(t *testing.T, env []string, addr, logPath string) *child {
	t.Helper()
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "APPEALBOT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, childEnv+"=1", "APPEALBOT_HTTP_ADDR="+addr)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatal(err)
	}
	c := &child{cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		logf.Close()
		close(c.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.done
		if t.Failed() {
			t.Logf("%s (tail):\n%s", filepath.Base(logPath), tail(logPath, 40))
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c
			}
		}
		select {
		case <-c.done:
			t.Fatalf("child exited early: %v", c.err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("child did not become healthy")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill ends the child with SIGKILL and waits until it is gone.
func (c *child) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-c.done
}

// logContains reports whether the child's log has a line with msg.
func (c *child) logContains(msg string) bool {
	data, _ := os.ReadFile(c.log)
	return bytes.Contains(data, []byte(msg))
}

// logOutbox logs the department messages of appeals ids as the outbox has
// them, to tell a message never sent from one still waiting.
func logOutbox(t *testing.T, dbURL string, ids []int64) {
	t.Helper()
	store, err := storage.Open(context.Background(), storage.Config{DatabaseURL: dbURL}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Log(err)
		return
	}
	defer store.Close()
	now := time.Now()
	for _, id := range ids {
		ms, err := store.OutboxFor(context.Background(), appeal.ID(id), appeal.ToDepartment)
		if err != nil {
			t.Log(err)
			continue
		}
		for _, m := range ms {
			t.Logf("outbox of #%d: row %d %s %s, attempts %d, next attempt in %v, last error %q",
				id, m.ID, m.Kind, m.State, m.Attempts, m.NextAttemptAt.Sub(now).Round(time.Second), m.LastError)
		}
	}
}

// recordedMessages returns the Telegram messages, by chat and message id,
// whose delivery the database records.
func recordedMessages(t *testing.T, dbURL string) map[[2]int64]bool {
	t.Helper()
	store, err := storage.Open(t.Context(), storage.Config{DatabaseURL: dbURL}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ds, err := store.RecentDeliveries(t.Context(), "telegram", time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	out := map[[2]int64]bool{}
	for _, d := range ds {
		chat, err1 := strconv.ParseInt(d.ChatID, 10, 64)
		msg, err2 := strconv.ParseInt(d.MessageID, 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("delivery %+v: chat and message ids are not numbers", d)
		}
		out[[2]int64{chat, msg}] = true
	}
	return out
}

// tail returns the last n lines of a log, leaving out the API's lines
// about each request.
func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !strings.Contains(sc.Text(), `"msg":"api: `) {
			lines = append(lines, sc.Text())
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestCrashDuringBurstDeliversEveryCard kills the program with SIGKILL
// while 16 upstream clients hand in 1000 appeals for 20 departments, starts
// it again on the same database and port, and lets the clients carry on,
// retrying what got no answer. Every appeal must then reach its
// department's group within Telegram's limits; an appeal may show twice
// only when the kill fell between Telegram accepting its message and the
// delivery being recorded, and never three times. A Telegram update the
// first process handled and Telegram delivers again to the second is
// ignored.
func TestCrashDuringBurstDeliversEveryCard(t *testing.T) {
	const (
		appeals = 1000
		depts   = 20
		clients = 16
		killAt  = appeals * 40 / 100
		admins  = int64(-4000)
	)
	code := func(i int) string { return fmt.Sprintf("c%02d", i) }
	chat := func(i int) int64 { return int64(-3001 - i) }

	dbURL := storagetest.PostgresURL(t)
	var seen sightings
	tg := botapitest.New(t, botapitest.WithLimits(botapitest.TelegramLimits()), botapitest.WithOnSend(seen.record))
	setupDepartments(t, dbURL, depts, code, chat)

	addr := freeAddr(t)
	base := "http://" + addr
	dir := t.TempDir()
	env := []string{
		"APPEALBOT_DATABASE_URL=" + dbURL,
		"APPEALBOT_DATA_DIR=" + dir,
		"APPEALBOT_TELEGRAM_TOKEN=" + botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL=" + tg.URL(),
		"APPEALBOT_LOG_FORMAT=json",
		"APPEALBOT_LANGUAGE=en",
		"APPEALBOT_ADMINS=100",
	}
	first := startChild(t, env, addr, filepath.Join(dir, "child1.log"))

	// An admin command, handled by the first process before it dies.
	admin := botapitest.User{ID: 100, Username: "boss", FirstName: "Boss"}
	update := tg.SendCommand(admins, "group", admin, "/dept list")
	tg.WaitFor(t, func(s *botapitest.Server) bool { return len(s.Messages(admins)) == 1 }, 15*time.Second)

	// The burst.
	var (
		next     atomic.Int64
		accepted atomic.Int64
		retries  atomic.Int64
		ids      [appeals]int64
		wg       sync.WaitGroup
		stop     = make(chan struct{})
	)
	client := &http.Client{Timeout: 5 * time.Second}
	for range clients {
		wg.Go(func() {
			for {
				ext := int(next.Add(1) - 1)
				if ext >= appeals {
					return
				}
				body := appealJSON("crash", ext, code(ext%depts))
				for {
					if id, _, err := intake(client, base, body); err == nil {
						ids[ext] = id
						accepted.Add(1)
						break
					}
					retries.Add(1)
					select {
					case <-stop: // the test failed
						return
					case <-time.After(10 * time.Millisecond):
					}
				}
			}
		})
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()

	deadline := time.Now().Add(30 * time.Second)
	for accepted.Load() < killAt {
		if time.Now().After(deadline) {
			t.Fatalf("only %d appeals accepted before the kill", accepted.Load())
		}
		time.Sleep(time.Millisecond)
	}
	first.kill(t)
	killed := time.Now()
	acceptedAtKill := accepted.Load()

	// The crash window: what the server accepted from the first process
	// that the first process never recorded as delivered. Telegram takes
	// no idempotency key, and a message the network took but the process
	// did not record is indistinguishable from one never sent, so it goes
	// again: a duplicate, never a loss. How long before the kill the
	// server took it depends on how busy the machine was, not on the
	// program; what the program promises is that it is recorded before
	// the next send to its chat begins.
	recorded := recordedMessages(t, dbURL)
	restart := time.Now()
	second := startChild(t, env, addr, filepath.Join(dir, "child2.log"))
	restarted := time.Since(killed)
	var window []sighting
	for _, x := range seen.all() {
		if x.at.Before(restart) && !recorded[[2]int64{x.chat, x.msg}] {
			window = append(window, x)
		}
	}

	// Telegram delivers the admin's update again: the second process knows it.
	if !tg.RepeatUpdate(update) {
		t.Fatal("could not repeat the update")
	}
	repeated := time.Now()

	// Every client finishes; then every appeal reaches its chat.
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatalf("clients did not finish: %d of %d accepted", accepted.Load(), appeals)
	}
	posted := time.Now()

	missing := func() []int {
		shown := seen.shown()
		var out []int
		for ext, id := range ids {
			if shown[chat(ext%depts)][id] == 0 {
				out = append(out, ext)
			}
		}
		return out
	}
	var lost []int
	for wait := time.Now().Add(90 * time.Second); ; {
		if lost = missing(); len(lost) == 0 || time.Now().After(wait) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	visible := time.Since(posted)
	if len(lost) > 0 {
		t.Errorf("%d of %d appeals never reached their chat within 90 s (external ids %v…)",
			len(lost), appeals, lost[:min(len(lost), 10)])
		var some []int64
		for _, ext := range lost[:min(len(lost), 3)] {
			some = append(some, ids[ext])
		}
		logOutbox(t, dbURL, some)
	}

	// Duplicates. One message per chat is in flight at a time, and it is
	// recorded before the next send to its chat begins: only the first
	// process's last message to a chat may go again, only if it was not
	// recorded, and only once.
	windowAppeals := 0
	unrecorded := map[[2]int64]bool{}
	perChat := map[int64]int{}
	for _, x := range window {
		windowAppeals += len(uniq(x.ids))
		unrecorded[[2]int64{x.chat, x.msg}] = true
		if perChat[x.chat]++; perChat[x.chat] == 2 {
			t.Errorf("chat %d has %d messages the first process never recorded, at most one may be in flight", x.chat, perChat[x.chat])
		}
	}
	all := seen.all()
	lastBefore := map[int64]int{} // chat → index in all of the first process's last message there
	firstShown := map[[2]int64]int{}
	for i, x := range all {
		if x.at.Before(restart) {
			lastBefore[x.chat] = i
		}
		for _, id := range x.ids {
			if _, ok := firstShown[[2]int64{x.chat, id}]; !ok {
				firstShown[[2]int64{x.chat, id}] = i
			}
		}
	}
	shown := seen.shown()
	dups := 0
	var oldest time.Duration
	var problems []string
	for ext, id := range ids {
		c := chat(ext % depts)
		n := shown[c][id]
		if n < 2 {
			continue
		}
		dups++
		i := firstShown[[2]int64{c, id}]
		age := killed.Sub(all[i].at)
		oldest = max(oldest, age)
		switch {
		case n > 2:
			problems = append(problems, fmt.Sprintf("appeal #%d (external id %d) shown %d times", id, ext, n))
		case !isLast(lastBefore, c, i):
			problems = append(problems, fmt.Sprintf("appeal #%d (external id %d) shown twice, first in a message that was not the first process's last one to chat %d", id, ext, c))
		case !unrecorded[[2]int64{c, all[i].msg}]:
			problems = append(problems, fmt.Sprintf("appeal #%d (external id %d) shown twice, first in message %d of chat %d that the first process had recorded as delivered (%v before the kill)",
				id, ext, all[i].msg, c, age.Round(time.Millisecond)))
		}
	}
	if len(problems) > 0 {
		t.Errorf("%d duplicates outside the crash window:\n%s", len(problems), strings.Join(problems[:min(len(problems), 10)], "\n"))
	}
	if dups > windowAppeals {
		t.Errorf("%d duplicates, more than the %d appeals in the messages the first process sent and never recorded", dups, windowAppeals)
	}
	if n := tg.Count429(); n != 0 {
		t.Errorf("the Bot API server answered 429 %d times", n)
	}

	// The repeated update was seen and ignored, and got no second reply.
	for !second.logContains("update seen before, ignored") {
		if time.Since(repeated) > 10*time.Second {
			t.Fatal("the second process never saw the repeated update")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(time.Until(repeated.Add(3 * time.Second)))
	if ms := tg.Messages(admins); len(ms) != 1 {
		t.Errorf("admin chat has %d replies after the update was repeated, want 1", len(ms))
	}

	t.Logf("crash at %d accepted: %d duplicates, sent first up to %v before the kill (window: %d messages, %d appeals "+
		"sent and never recorded); restart took %v; %d client retries; all visible %v after the last intake; %d messages in all",
		acceptedAtKill, dups, oldest.Round(time.Millisecond), len(window), windowAppeals, restarted.Round(time.Millisecond),
		retries.Load(), visible.Round(time.Millisecond), len(seen.all()))
}
