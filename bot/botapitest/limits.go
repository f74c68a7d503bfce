package botapitest

import (
	"math"
	"time"
)

// Limits are flood limits in the style of Telegram's (which are unpublished
// and vary): a message over any of them is refused with 429 and a
// retry_after. Sends and edits both count. A zero field is no limit.
type Limits struct {
	// PerChat is the number of messages one chat accepts a second. A chat
	// keeps a schedule of one slot per 1/PerChat second (the "generic cell
	// rate algorithm"): a message is refused when it comes earlier than its
	// slot less the tolerance, where the tolerance is PerChatTolerance
	// plus room for PerChat-1 messages more, so PerChat messages may come
	// at once; each message accepted moves the next slot one interval past
	// the later of its own slot and its arrival. Over any stretch longer
	// than the tolerance a chat gets no more than PerChat a second.
	PerChat int
	// PerChatTolerance is how far ahead of its slot a message may come:
	// Telegram "may allow short bursts", and a client keeping exactly one
	// message a second over a real network cannot help some arriving a
	// little early against the one before.
	PerChatTolerance time.Duration
	// PerGroupMinute is the number of messages a group (a chat with a
	// negative id) accepts in any minute, or in any GroupWindow when set.
	PerGroupMinute int
	// GroupWindow is the window of PerGroupMinute; zero is a minute. A
	// test may shorten it to see a group's budget run out and come back
	// within seconds.
	GroupWindow time.Duration
	// Global is the number of messages the bot may send in any second.
	Global int
}

// TelegramLimits are the commonly quoted limits: 1 message a second per
// chat (a message may come up to 100 ms ahead of its slot), 20 a minute
// per group, 30 a second overall.
func TelegramLimits() Limits {
	return Limits{PerChat: 1, PerChatTolerance: 100 * time.Millisecond, PerGroupMinute: 20, Global: 30}
}

// limiter keeps each chat's next slot and, per window, the times of the
// messages accepted in it.
type limiter struct {
	perChat  map[int64]time.Time
	perGroup map[int64][]time.Time
	global   []time.Time
}

// allow reports whether a message to chatID may go now under l; if not, it
// returns the whole seconds to wait (at least 1). An allowed message is
// counted.
func (lim *limiter) allow(l Limits, chatID int64, now time.Time) (retryAfter int, ok bool) {
	if lim.perChat == nil {
		lim.perChat = map[int64]time.Time{}
		lim.perGroup = map[int64][]time.Time{}
	}
	var wait time.Duration
	var interval time.Duration
	if l.PerChat > 0 {
		interval = time.Second / time.Duration(l.PerChat)
		tolerance := l.PerChatTolerance + time.Duration(l.PerChat-1)*interval
		if due, ok := lim.perChat[chatID]; ok {
			wait = due.Add(-tolerance).Sub(now)
		}
	}
	check := func(times []time.Time, limit int, window time.Duration) []time.Time {
		times = prune(times, now.Add(-window))
		if limit > 0 && len(times) >= limit {
			wait = max(wait, times[len(times)-limit].Add(window).Sub(now))
		}
		return times
	}
	if chatID < 0 {
		window := l.GroupWindow
		if window <= 0 {
			window = time.Minute
		}
		lim.perGroup[chatID] = check(lim.perGroup[chatID], l.PerGroupMinute, window)
	}
	lim.global = check(lim.global, l.Global, time.Second)
	if wait > 0 {
		return max(1, int(math.Ceil(wait.Seconds()))), false
	}
	if l.PerChat > 0 {
		lim.perChat[chatID] = later(lim.perChat[chatID], now).Add(interval)
	}
	if chatID < 0 && l.PerGroupMinute > 0 {
		lim.perGroup[chatID] = append(lim.perGroup[chatID], now)
	}
	if l.Global > 0 {
		lim.global = append(lim.global, now)
	}
	return 0, true
}

// prune drops the times not after since; times are in order.
func prune(times []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(times) && !times[i].After(since) {
		i++
	}
	return times[i:]
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
