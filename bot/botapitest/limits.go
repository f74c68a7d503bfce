package botapitest

import (
	"math"
	"time"
)

// Limits are flood limits in the style of Telegram's (which are unpublished
// and vary): a message over any of them is refused with 429 and a
// retry_after. Sends and edits both count. A zero field is no limit.
type Limits struct {
	// PerChat is the number of messages one chat accepts in any second.
	PerChat int
	// PerGroupMinute is the number of messages a group (a chat with a
	// negative id) accepts in any minute.
	PerGroupMinute int
	// Global is the number of messages the bot may send in any second.
	Global int
}

// TelegramLimits are the commonly quoted limits: 1 message a second per
// chat, 20 a minute per group, 30 a second overall.
func TelegramLimits() Limits {
	return Limits{PerChat: 1, PerGroupMinute: 20, Global: 30}
}

// limiter keeps, per window, the times of the messages accepted in it.
type limiter struct {
	perChat  map[int64][]time.Time
	perGroup map[int64][]time.Time
	global   []time.Time
}

// allow reports whether a message to chatID may go now under l; if not, it
// returns the whole seconds to wait (at least 1). An allowed message is
// counted.
func (lim *limiter) allow(l Limits, chatID int64, now time.Time) (retryAfter int, ok bool) {
	if lim.perChat == nil {
		lim.perChat = map[int64][]time.Time{}
		lim.perGroup = map[int64][]time.Time{}
	}
	var wait time.Duration
	check := func(times []time.Time, limit int, window time.Duration) []time.Time {
		times = prune(times, now.Add(-window))
		if limit > 0 && len(times) >= limit {
			wait = max(wait, times[len(times)-limit].Add(window).Sub(now))
		}
		return times
	}
	lim.perChat[chatID] = check(lim.perChat[chatID], l.PerChat, time.Second)
	if chatID < 0 {
		lim.perGroup[chatID] = check(lim.perGroup[chatID], l.PerGroupMinute, time.Minute)
	}
	lim.global = check(lim.global, l.Global, time.Second)
	if wait > 0 {
		return max(1, int(math.Ceil(wait.Seconds()))), false
	}
	if l.PerChat > 0 {
		lim.perChat[chatID] = append(lim.perChat[chatID], now)
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
