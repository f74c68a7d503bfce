package bot

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)

// simulate sends to one group as fast as the pacer allows, with a backlog
// the whole time, and returns the send times.
func simulate(p *pacer, chat string, congested bool, n int) []time.Time {
	now := t0
	var out []time.Time
	for len(out) < n {
		at := p.readyAt(chat, true, congested, now)
		if at.After(now) {
			now = at
			continue
		}
		p.sent(chat, true, now)
		out = append(out, now)
	}
	return out
}

// maxInWindow is the most sends in any window of length w.
func maxInWindow(times []time.Time, w time.Duration) int {
	best := 0
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < w; j++ {
			n++
		}
		best = max(best, n)
	}
	return best
}

func TestPacerKeepsEveryWindow(t *testing.T) {
	for _, congested := range []bool{false, true} {
		p := newPacer(TelegramLimits(), 0)
		times := simulate(p, "-1", congested, 100)
		if got := maxInWindow(times, time.Minute); got > 20 {
			t.Fatalf("congested=%v: %d messages in one minute", congested, got)
		}
		if got := maxInWindow(times, time.Second); got > 1 {
			t.Fatalf("congested=%v: %d messages in one second", congested, got)
		}
	}
}

func TestPacerCalmGroupMayUseItsWholeWindow(t *testing.T) {
	p := newPacer(TelegramLimits(), 0)
	times := simulate(p, "-1", false, 21)
	// Twenty at once a second, then the window is full until a minute
	// after the first.
	if got := times[19].Sub(t0); got != 19*time.Second {
		t.Fatalf("20th message after %v, want 19s", got)
	}
	if got := times[20].Sub(t0); got != time.Minute {
		t.Fatalf("21st message after %v, want 1m", got)
	}
}

func TestPacerCongestedGroupNeverFallsSilent(t *testing.T) {
	p := newPacer(TelegramLimits(), 0)
	times := simulate(p, "-1", true, 60)
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap != 3*time.Second {
			t.Fatalf("gap %d is %v, want an even 3s", i, gap)
		}
	}
}

func TestPacerGlobalBudgetAndPauses(t *testing.T) {
	p := newPacer(TelegramLimits(), 0)
	for i := range 25 {
		chat := string(rune('a' + i))
		if at := p.readyAt(chat, false, false, t0); at.After(t0) {
			t.Fatalf("message %d held until %v", i, at)
		}
		p.sent(chat, false, t0)
	}
	if at := p.readyAt("z", false, false, t0); !at.Equal(t0.Add(time.Second)) {
		t.Fatalf("26th message in one second may go at %v, want t0+1s", at)
	}

	p.pause("x", false, t0.Add(7*time.Second))
	if at := p.readyAt("x", false, false, t0.Add(2*time.Second)); !at.Equal(t0.Add(7 * time.Second)) {
		t.Fatalf("paused chat ready at %v", at)
	}
	if at := p.readyAt("y", false, false, t0.Add(2*time.Second)); at.After(t0.Add(2 * time.Second)) {
		t.Fatalf("a chat pause must not hold others: %v", at)
	}
	p.pause("", true, t0.Add(9*time.Second))
	if at := p.readyAt("y", false, false, t0.Add(2*time.Second)); !at.Equal(t0.Add(9 * time.Second)) {
		t.Fatalf("global pause: %v", at)
	}
}

func TestPacerMarginAndForget(t *testing.T) {
	p := newPacer(TelegramLimits(), 50*time.Millisecond)
	p.sent("5", false, t0)
	if at := p.readyAt("5", false, false, t0); !at.Equal(t0.Add(time.Second + 50*time.Millisecond)) {
		t.Fatalf("with margin: %v", at)
	}
	p.forget(t0.Add(2 * time.Minute))
	if len(p.chats) != 0 {
		t.Fatalf("idle chats kept: %d", len(p.chats))
	}
	if (&pacer{lim: Limits{}}).spacing() != 0 {
		t.Fatal("no group limit, no spacing")
	}
}

func TestPacerCountsASendWhenItsAnswerCame(t *testing.T) {
	p := newPacer(TelegramLimits(), 0)
	p.sent("-1", true, t0)
	p.settle("-1", true, t0, t0.Add(300*time.Millisecond), true)
	if at := p.readyAt("-1", true, false, t0); !at.Equal(t0.Add(1300 * time.Millisecond)) {
		t.Fatalf("next send at %v, want a second after the answer", at)
	}
	// A refused send leaves the windows: twenty sends, one refused, and the
	// twentieth counted one may still go within the minute.
	q := newPacer(TelegramLimits(), 0)
	now := t0
	for i := range 20 {
		q.sent("-2", true, now)
		q.settle("-2", true, now, now, i != 3)
		now = now.Add(time.Second)
	}
	if at := q.readyAt("-2", true, false, now); at.After(now) {
		t.Fatalf("a refused send still counts: ready at %v", at.Sub(t0))
	}
	if n := len(q.chats["-2"].window); n != 19 {
		t.Fatalf("the group's window holds %d sends, want 19", n)
	}
}
