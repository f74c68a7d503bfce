package bot

import "time"

// Limits are a chat network's sending budgets. A zero field is no limit.
type Limits struct {
	// PerChat is the interval of a chat's schedule: one message per
	// PerChat on average.
	PerChat time.Duration
	// PerChatTolerance is how far ahead of its slot in that schedule a
	// message may go, so that one message that left late does not delay
	// every message after it; it never lets a chat's messages come faster
	// than one per PerChat over any longer stretch (the "generic cell rate
	// algorithm"). Zero keeps a strict PerChat between any two messages.
	PerChatTolerance time.Duration
	// PerGroup messages at most go to one group in any GroupWindow.
	PerGroup    int
	GroupWindow time.Duration
	// Global messages at most go out in any second, to all chats together.
	Global int
}

// TelegramLimits are the budgets appealbot keeps by default on Telegram: a
// message a second per chat (one may go up to 100 ms ahead of its slot:
// Telegram documents that it allows short bursts), 20 a minute per group,
// 25 a second overall (Telegram refuses beyond about 30).
func TelegramLimits() Limits {
	return Limits{PerChat: time.Second, PerChatTolerance: 100 * time.Millisecond, PerGroup: 20, GroupWindow: time.Minute, Global: 25}
}

// Limited is implemented by transports whose network limits how fast a bot
// may send. Messages and edits both count.
type Limited interface {
	Limits() Limits
	// IsGroup reports whether chatID is a group, to which PerGroup applies.
	IsGroup(chatID string) bool
}

// pacer decides when the next message may go to a chat without breaking a
// network's limits, so that the network never has to say no. It keeps the
// send times of the last window in memory; one process sends (see the
// delivery lease), so this is the whole truth.
type pacer struct {
	lim Limits
	// margin is added to the group and global windows, against the
	// difference between when we send and when the server counts. The gap
	// between two messages to one chat needs none: it is measured from the
	// answer to the previous message (see settle), which the server can
	// only have given after counting it.
	margin    time.Duration
	chats     map[string]*chatPace
	global    []time.Time
	pausedAll time.Time
}

type chatPace struct {
	// last is when the latest message to the chat left, or, once its
	// answer came, when that answer came.
	last time.Time
	// due is the chat's next slot: a message may go from due less the
	// tolerance. Each message counted moves it one interval past the later
	// of itself and the time it was counted. undo is due before the
	// message in flight took its slot, for a message the network refused.
	due, undo time.Time
	window    []time.Time
	paused    time.Time
	// steadyUntil keeps a group that had a backlog at its steady pace for
	// a whole window after: a group whose traffic is just above its limit
	// would otherwise swing between bursts at full speed, spend its window
	// early and then fall silent for the rest of the minute.
	steadyUntil time.Time
}

func newPacer(lim Limits, margin time.Duration) *pacer {
	return &pacer{lim: lim, margin: margin, chats: map[string]*chatPace{}}
}

func (p *pacer) chat(id string) *chatPace {
	c := p.chats[id]
	if c == nil {
		c = &chatPace{}
		p.chats[id] = c
	}
	return c
}

// spacing is the steady pace of a group: its window spread evenly (3 s for
// 20 a minute).
func (p *pacer) spacing() time.Duration {
	if p.lim.PerGroup <= 0 {
		return 0
	}
	return p.lim.GroupWindow / time.Duration(p.lim.PerGroup)
}

// readyAt is the earliest time a message may go to chat. A congested group
// (one with a backlog) is held to its steady pace from the first moment, so
// that it never spends its whole window at once and then falls silent for
// the rest of the minute; a calm group may use its window freely.
func (p *pacer) readyAt(chat string, group, congested bool, now time.Time) time.Time {
	c := p.chat(chat)
	at := later(c.paused, p.pausedAll)
	if p.lim.PerChat > 0 && !c.due.IsZero() {
		at = later(at, c.due.Add(-p.lim.PerChatTolerance))
	}
	if group && p.lim.PerGroup > 0 {
		c.window = since(c.window, now.Add(-p.lim.GroupWindow-p.margin))
		if n := len(c.window); n >= p.lim.PerGroup {
			at = later(at, c.window[n-p.lim.PerGroup].Add(p.lim.GroupWindow+p.margin))
		}
		if (congested || now.Before(c.steadyUntil)) && !c.last.IsZero() {
			at = later(at, c.last.Add(p.spacing()+p.margin))
		}
	}
	if p.lim.Global > 0 {
		p.global = since(p.global, now.Add(-time.Second-p.margin))
		if n := len(p.global); n >= p.lim.Global {
			at = later(at, p.global[n-p.lim.Global].Add(time.Second+p.margin))
		}
	}
	return at
}

// steady reports whether group chat is held to its steady pace now.
func (p *pacer) steady(chat string, now time.Time) bool {
	c := p.chats[chat]
	return c != nil && now.Before(c.steadyUntil)
}

// sent records a message to chat at now; congested marks a group sent to
// with a backlog, which keeps it at its steady pace for a window.
func (p *pacer) sent(chat string, group, congested bool, now time.Time) {
	c := p.chat(chat)
	c.last = now
	c.undo = c.due
	c.due = later(c.due, now).Add(p.lim.PerChat)
	if group && congested && p.lim.PerGroup > 0 {
		c.steadyUntil = now.Add(p.lim.GroupWindow)
	}
	if group && p.lim.PerGroup > 0 {
		c.window = append(c.window, now)
	}
	if p.lim.Global > 0 {
		p.global = append(p.global, now)
	}
}

// settle replaces the send recorded at start by the time its answer came,
// finish: the server counted the message somewhere in between, so counting
// it at finish can only make the next message wait a little longer, never
// too little, however long the request took to leave this process or to
// reach the server. That holds for the chat's schedule as for the group
// and global windows. A server that keeps the same schedule with at least
// the same tolerance never has to refuse a message: every slot it computes
// is no later than ours, since it counted each message no later than we
// do, and no message leaves before our slot less the tolerance. The
// round trip is not added to every later message of a chat served at its
// limit either: it only moves the next slot when the chat's messages come
// later than their slots anyway, and the tolerance absorbs it. A send the
// server refused (429) was not counted: it leaves the windows and gives
// its slot back.
func (p *pacer) settle(chat string, group bool, start, finish time.Time, counted bool) {
	c := p.chat(chat)
	if c.last.Equal(start) {
		if counted {
			c.last = later(c.last, finish)
			c.due = later(c.undo, c.last).Add(p.lim.PerChat)
		} else {
			c.due = c.undo
		}
	}
	move := func(times []time.Time) []time.Time {
		for i := len(times) - 1; i >= 0; i-- {
			if !times[i].Equal(start) {
				continue
			}
			times = append(times[:i], times[i+1:]...)
			if counted {
				j := len(times)
				for j > 0 && times[j-1].After(finish) {
					j--
				}
				times = append(times[:j], append([]time.Time{finish}, times[j:]...)...)
			}
			break
		}
		return times
	}
	if group && p.lim.PerGroup > 0 {
		c.window = move(c.window)
	}
	if p.lim.Global > 0 {
		p.global = move(p.global)
	}
}

// pause holds chat (or, with all, every chat) until until: the network said
// to wait.
func (p *pacer) pause(chat string, all bool, until time.Time) {
	if all {
		p.pausedAll = later(p.pausedAll, until)
		return
	}
	c := p.chat(chat)
	c.paused = later(c.paused, until)
}

// forget drops chats idle for longer than any window, so memory follows the
// chats in use.
func (p *pacer) forget(now time.Time) {
	keep := max(p.lim.GroupWindow, p.lim.PerChat) + p.margin
	for id, c := range p.chats {
		if now.Sub(c.last) > keep && !c.paused.After(now) && !c.due.After(now) {
			delete(p.chats, id)
		}
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// since drops the times not after t; times are in order.
func since(times []time.Time, t time.Time) []time.Time {
	i := 0
	for i < len(times) && !times[i].After(t) {
		i++
	}
	return times[i:]
}
