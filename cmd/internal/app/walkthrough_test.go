package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/internal/buftest"
)

// TestReadmeWalkthrough runs the walkthrough of README.md's Quick start
// word for word: the real serve, on a fresh SQLite directory, with the
// console chat reading the walkthrough's lines and the HTTP API taking its
// curl commands. Each line is read from README.md itself, so that the two
// cannot drift apart. The test waits, after each line, until what the line
// caused has been shown (a probe line, then an empty outbox), as a person
// waits to see the output before typing on.
func TestReadmeWalkthrough(t *testing.T) {
	lines := readmeWalkthrough(t)
	// Comments may come first; then a $ line starts the bot.
	for len(lines) > 0 && strings.HasPrefix(lines[0], "#") {
		lines = lines[1:]
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "$ ") {
		t.Fatalf("the walkthrough starts the bot with a $ line: %q", lines)
	}
	env := startLine(t, lines[0])
	addr := freeAddr(t)
	env["APPEALBOT_HTTP_ADDR"] = addr
	base := "http://" + addr

	in, feed := io.Pipe()
	out, logs := &buftest.Buffer{}, &buftest.Buffer{}
	stdin = in
	t.Cleanup(func() { stdin = os.Stdin })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, "serve", "test", nil, func(k string) string { return env[k] }, out, logs)
	}()
	t.Cleanup(func() {
		cancel()
		_ = feed.Close()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})
	w := &walker{t: t, base: base, out: out, logs: logs, feed: feed, done: done}
	w.waitHealthy()

	var lastReply string
	for _, line := range lines[1:] {
		if cmd, ok := strings.CutPrefix(line, "$ "); ok {
			w.shell(strings.ReplaceAll(cmd, "localhost:8080", addr))
			continue
		}
		// As a person sees an effect before typing on: the press comes
		// after the dispatch took effect, and the press and the reply are
		// followed until the appeal shows theirs.
		if line == ":press 1" {
			w.untilStatus("assigned")
			w.settle("the dispatch")
		}
		if rest, ok := strings.CutPrefix(line, ":reply "); ok {
			// The message replied to is the appeal's card in this chat.
			id, text, _ := strings.Cut(rest, " ")
			w.expectCard(id)
			lastReply = text
		}
		w.console(line)
		switch {
		case line == ":press 1":
			w.untilStatus("claimed")
		case strings.HasPrefix(line, ":reply "):
			w.untilStatus("answered")
			w.settle(line)
		}
	}

	// The last curl read the appeal back: answered, with the reply's text.
	a := w.lastJSON
	answers, _ := a["answers"].([]any)
	if a["status"] != "answered" || a["department"] != "water" || len(answers) != 1 ||
		answers[0].(map[string]any)["text"] != lastReply {
		t.Fatalf("the appeal at the end: %v\n%s", a, out)
	}
	transcript := out.String()
	for _, want := range []string{"── dispatch · message", "── water · message", "人民路 1 号停水三天", "138****5678", "13812345678"} {
		if !strings.Contains(transcript, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	if strings.Contains(transcript, "❌") || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("something was refused or failed:\n%s\n%s", transcript, logs)
	}
	t.Logf("transcript:\n%s", transcript)
}

// readmeWalkthrough returns the lines of the block that follows the
// walkthrough's marker in README.md, without blank lines.
func readmeWalkthrough(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const marker = "<!-- cmd/internal/app/walkthrough_test.go runs the next block"
	_, rest, ok := strings.Cut(string(b), marker)
	if !ok {
		t.Fatal("README.md has no walkthrough marker")
	}
	_, rest, _ = strings.Cut(rest, "\n```\n")
	block, _, ok := strings.Cut(rest, "\n```\n")
	if !ok {
		t.Fatal("the walkthrough's block does not end")
	}
	var lines []string
	for _, l := range strings.Split(block, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// startLine reads the environment of the line that starts the bot:
// NAME=VALUE words, then exactly "go run ./cmd/appealbot". $(mktemp -d) is
// a fresh directory.
func startLine(t *testing.T, line string) map[string]string {
	t.Helper()
	words := shellWords(t, strings.TrimPrefix(line, "$ "))
	env := map[string]string{}
	for len(words) > 0 && strings.Contains(words[0], "=") {
		k, v, _ := strings.Cut(words[0], "=")
		if v == "$(mktemp -d)" {
			v = t.TempDir()
		}
		env[k] = v
		words = words[1:]
	}
	if strings.Join(words, " ") != "go run ./cmd/appealbot" {
		t.Fatalf("the first line should start the bot: %q", line)
	}
	return env
}

// shellWords splits a command line as the shell does for the walkthrough's
// lines: words apart by spaces, quoted in '…' or "…", and $(…) kept whole.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				t.Fatalf("unterminated quote in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			in = true
		case c == '$' && strings.HasPrefix(s[i:], "$("):
			j := strings.IndexByte(s[i:], ')')
			cur.WriteString(s[i : i+j+1])
			i += j
			in = true
		case c == ' ':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// walker types the walkthrough's lines and waits for what they cause.
type walker struct {
	t          *testing.T
	base       string
	out, logs  *buftest.Buffer
	feed       *io.PipeWriter
	done       chan error
	probes     int
	lastJSON   map[string]any
	lastStatus int
}

func (w *walker) waitHealthy() {
	w.t.Helper()
	w.until("serve to answer /healthz", func() bool {
		resp, err := http.Get(w.base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// until waits for cond, failing with the transcript and the log after 20
// seconds or when serve stops.
func (w *walker) until(what string, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		select {
		case err := <-w.done:
			w.t.Fatalf("serve stopped (%v) while waiting for %s\n%s\n%s", err, what, w.out, w.logs)
		default:
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("waited in vain for %s\n%s\n%s", what, w.out, w.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// console types line into the bot's terminal and waits until it was
// handled (a probe typed after it was answered: lines are handled in
// order) and what it queued was shown (the outbox is empty).
func (w *walker) console(line string) {
	w.t.Helper()
	w.probes++
	probe := fmt.Sprintf(":walkthrough-probe-%d", w.probes)
	if _, err := io.WriteString(w.feed, line+"\n"+probe+"\n"); err != nil {
		w.t.Fatal(err)
	}
	w.until("the bot to handle "+line, func() bool { return strings.Contains(w.out.String(), "unknown control "+probe+";") })
	w.settle(line)
}

// settle waits until no chat message is pending: everything queued so far
// was shown. A message no one can receive stays pending, and fails this.
func (w *walker) settle(after string) {
	w.t.Helper()
	w.until("the messages of "+after+" to be shown", func() bool {
		resp, err := http.Get(w.base + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		pending := 0.0
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "appealbot_outbox_pending{") && !strings.Contains(l, `"upstream"`) {
				f := strings.Fields(l)
				v, _ := strconv.ParseFloat(f[len(f)-1], 64)
				pending += v
			}
		}
		return resp.StatusCode == http.StatusOK && pending == 0
	})
}

// shell runs a curl line of the walkthrough against the API.
func (w *walker) shell(cmd string) {
	w.t.Helper()
	words := shellWords(w.t, cmd)
	if len(words) == 0 || words[0] != "curl" {
		w.t.Fatalf("the walkthrough's shell lines are curl commands: %q", cmd)
	}
	method, url, body := "GET", "", ""
	header := http.Header{}
	for i := 1; i < len(words); i++ {
		switch words[i] {
		case "-s":
		case "-X":
			i++
			method = words[i]
		case "-H":
			i++
			k, v, _ := strings.Cut(words[i], ":")
			header.Add(k, strings.TrimSpace(v))
		case "-d":
			i++
			body = words[i]
			if method == "GET" {
				method = "POST"
			}
		default:
			if strings.HasPrefix(words[i], "-") || url != "" {
				w.t.Fatalf("curl option %q is not understood here: %q", words[i], cmd)
			}
			url = words[i]
		}
	}
	if !strings.HasPrefix(url, "http") {
		url = "http://" + url
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	w.lastStatus, w.lastJSON = resp.StatusCode, nil
	if err := json.Unmarshal(raw, &w.lastJSON); err != nil || resp.StatusCode >= 300 {
		w.t.Fatalf("%s: %d %s", cmd, resp.StatusCode, raw)
	}
	w.out.Write([]byte("$ " + cmd + "\n" + string(raw) + "\n"))
	w.settle(cmd)
}

// expectCard checks that message id of the chat the card went to is appeal
// 1's card.
func (w *walker) expectCard(id string) {
	w.t.Helper()
	m := regexp.MustCompile(`── (\S+) · message ` + regexp.QuoteMeta(id) + ` ──\n([^\n]*)`).FindStringSubmatch(w.out.String())
	if m == nil || !strings.Contains(m[2], "#1") {
		w.t.Fatalf("message %s should be the card of appeal #1, it is %q\n%s", id, m, w.out)
	}
}

// untilStatus waits until appeal 1 has the status.
func (w *walker) untilStatus(status string) {
	w.t.Helper()
	w.until("appeal 1 to be "+status, func() bool { return w.appeal()["status"] == status })
}

// appeal reads appeal 1 from the API.
func (w *walker) appeal() map[string]any {
	w.t.Helper()
	resp, err := http.Get(w.base + "/api/v1/appeals/1")
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var a map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		w.t.Fatal(err)
	}
	return a
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
