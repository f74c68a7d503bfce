// Package console is a chat network in a terminal, for trying appealbot
// with nothing installed: the person at the keyboard can speak as any user
// in any chat, and sees what the bot posts and edits. Lines are handled one
// at a time, in order.
package console

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/appealbot/appealbot/bot"
)

// Network is the name the console uses for chat and user ids.
const Network = "console"

// Help describes the console's own controls.
const Help = `console controls:
  :as USER [USERNAME] [in CHAT]   speak as USER (a number) in group CHAT, or privately to the bot
  :press N                        press button N of the last message with buttons in this chat
  :reply MESSAGE TEXT             reply to the bot's message number MESSAGE of this chat with TEXT
  :who                            who and where you are
  :help                           this text
  /command args                   a command, e.g. /help, /dept add water 供水公司, /claim 12
  # text                          a comment, ignored (so that a walkthrough can be pasted whole)
`

type message struct {
	chat    string
	buttons []bot.Button
}

// msgKey names a message: its chat and its number there.
type msgKey struct{ chat, id string }

// Console is a bot.Transport on a reader and a writer.
type Console struct {
	in  io.Reader
	out io.Writer

	mu   sync.Mutex
	user bot.User
	chat string // "" is the private chat with the bot
	// Messages are numbered in each chat on its own, as chat networks do,
	// so that a chat's numbers do not depend on what other chats were
	// shown meanwhile.
	nextID   map[string]int     // chat → the number of its last message
	messages map[msgKey]message // by chat and message number
	lastBtn  map[string]string  // chat → number of its last message with buttons
	seq      int
	start    int64
}

// New returns a console that reads commands from in and writes to out. It
// starts as user 1 in a private chat. now is read once, for the start time
// that keeps update ids and saved charts apart across runs.
func New(in io.Reader, out io.Writer, now func() time.Time) *Console {
	return &Console{
		in: in, out: out,
		user:   bot.User{ID: "1", Username: "u1", DisplayName: "user 1"},
		nextID: map[string]int{}, messages: map[msgKey]message{}, lastBtn: map[string]string{},
		start: now().UnixNano(),
	}
}

// Network implements bot.Transport.
func (c *Console) Network() string { return Network }

// Send prints a message and returns its number.
func (c *Console) Send(_ context.Context, m bot.Outgoing) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextID[m.Chat.ChatID]++
	id := strconv.Itoa(c.nextID[m.Chat.ChatID])
	c.print(m, id, "")
	return id, nil
}

// Edit prints the new version of a message.
func (c *Console) Edit(_ context.Context, chat bot.ChatRef, messageID string, m bot.Outgoing) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.messages[msgKey{chat.ChatID, messageID}]; !ok {
		return &bot.Error{Kind: bot.Permanent, Reason: "message to edit not found"}
	}
	m.Chat = chat
	c.print(m, messageID, " (edited)")
	return nil
}

// AnswerButton prints the notice of a button press, if any.
func (c *Console) AnswerButton(_ context.Context, _ string, notice string) error {
	if notice != "" {
		c.mu.Lock()
		fmt.Fprintf(c.out, "  (%s)\n", notice)
		c.mu.Unlock()
	}
	return nil
}

func (c *Console) print(m bot.Outgoing, id, note string) {
	where := m.Chat.ChatID
	if where == c.user.ID && c.chat == "" || where == "" {
		where = "private"
	}
	fmt.Fprintf(c.out, "── %s · message %s%s ──\n%s\n", where, id, note, Text(m.HTML))
	if len(m.Photo) > 0 && note == "" {
		// A terminal cannot show the picture: keep it where one can open it.
		path := filepath.Join(os.TempDir(), fmt.Sprintf("appealbot-chart-%d-%s.png", c.start, id))
		if err := os.WriteFile(path, m.Photo, 0o600); err != nil {
			fmt.Fprintf(c.out, "[chart: %d bytes, not saved: %v]\n", len(m.Photo), err)
		} else {
			fmt.Fprintf(c.out, "[chart: %d bytes, saved to %s]\n", len(m.Photo), path)
		}
	}
	var all []bot.Button
	var labels []string
	for _, row := range m.Buttons {
		for _, b := range row {
			all = append(all, b)
			labels = append(labels, fmt.Sprintf("[%d] %s", len(all), b.Label))
		}
	}
	if len(labels) > 0 {
		fmt.Fprintln(c.out, strings.Join(labels, "  "))
		c.lastBtn[m.Chat.ChatID] = id
	}
	if m.ForceReply {
		// A terminal opens no reply: say how to give one.
		fmt.Fprintf(c.out, "[:reply %s TEXT]\n", id)
	}
	c.messages[msgKey{m.Chat.ChatID, id}] = message{chat: m.Chat.ChatID, buttons: all}
}

var (
	tag      = regexp.MustCompile(`<[^>]*>`)
	link     = regexp.MustCompile(`<a href="([^"]*)">([^<]*)</a>`)
	asSyntax = regexp.MustCompile(`^:as\s+(\S+)(?:\s+@?([^\s]+?))??(?:\s+in\s+(\S+))?\s*$`)
)

// Text turns the bot's HTML into plain terminal text.
func Text(h string) string {
	h = link.ReplaceAllString(h, "$2 ($1)")
	return html.UnescapeString(tag.ReplaceAllString(h, ""))
}

// Receive reads lines until the input ends or ctx is done. A blocked read
// cannot be interrupted, so on ctx's end Receive returns and leaves the
// reader to the process's exit.
func (c *Console) Receive(ctx context.Context, handle func(context.Context, bot.Update)) error {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(c.in)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	c.mu.Lock()
	fmt.Fprint(c.out, Help)
	c.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return nil
			}
			if u, ok := c.parse(strings.TrimSpace(line)); ok {
				handle(ctx, u)
			}
		}
	}
}

// parse turns one input line into an update, or handles a console control.
func (c *Console) parse(line string) (bot.Update, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	say := func(format string, args ...any) { fmt.Fprintf(c.out, format+"\n", args...) }
	switch {
	case line == "" || strings.HasPrefix(line, "#"):
		return bot.Update{}, false
	case line == ":help":
		fmt.Fprint(c.out, Help)
		return bot.Update{}, false
	case line == ":who":
		say("you are %s (id %s) in %s", c.user.DisplayName, c.user.ID, c.where())
		return bot.Update{}, false
	case strings.HasPrefix(line, ":as"):
		m := asSyntax.FindStringSubmatch(line)
		if m == nil {
			say("usage: :as USER [USERNAME] [in CHAT]   e.g. :as 1001 in water")
			return bot.Update{}, false
		}
		name := m[2]
		if name == "" {
			name = "u" + m[1]
		}
		c.user = bot.User{ID: m[1], Username: name, DisplayName: name}
		c.chat = m[3]
		say("you are %s (id %s) in %s", name, m[1], c.where())
		return bot.Update{}, false
	case strings.HasPrefix(line, ":press"):
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, ":press")))
		msgID := c.lastBtn[c.chatID()]
		msg := c.messages[msgKey{c.chatID(), msgID}]
		if err != nil || n < 1 || n > len(msg.buttons) {
			say("usage: :press N, where N numbers a button of the last message with buttons in this chat")
			return bot.Update{}, false
		}
		u := c.update(bot.UpdateButton)
		u.MessageID, u.PressID, u.Data = msgID, u.ID, msg.buttons[n-1].Data
		return u, true
	case strings.HasPrefix(line, ":reply"):
		f := strings.SplitN(strings.TrimSpace(strings.TrimPrefix(line, ":reply")), " ", 2)
		// A number this run has not shown may be a message of an earlier
		// run: the bot decides what it was.
		if len(f) < 2 || f[0] == "" {
			say("usage: :reply MESSAGE TEXT")
			return bot.Update{}, false
		}
		u := c.update(bot.UpdateReply)
		u.ReplyTo, u.Text = f[0], f[1]
		return u, true
	case strings.HasPrefix(line, "/"):
		cmd, args, _ := strings.Cut(line[1:], " ")
		u := c.update(bot.UpdateCommand)
		u.Command, u.Args = strings.ToLower(cmd), args
		return u, true
	case strings.HasPrefix(line, ":"):
		say("unknown control %s; :help lists them", strings.Fields(line)[0])
	default:
		say("commands start with '/', console controls with ':' (:help)")
	}
	return bot.Update{}, false
}

func (c *Console) chatID() string {
	if c.chat == "" {
		return c.user.ID
	}
	return c.chat
}

func (c *Console) where() string {
	if c.chat == "" {
		return "a private chat with the bot"
	}
	return "chat " + c.chat
}

// update starts an update from the current user in the current chat. Ids
// carry the console's start time, so they stay unique across restarts.
func (c *Console) update(kind bot.UpdateKind) bot.Update {
	c.seq++
	return bot.Update{
		ID:   fmt.Sprintf("%d-%d", c.start, c.seq),
		Kind: kind,
		Chat: bot.Chat{ChatRef: bot.ChatRef{ChatID: c.chatID()}, Private: c.chat == "", Title: c.chat},
		From: c.user,
	}
}
