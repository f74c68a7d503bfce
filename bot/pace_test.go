package bot

import (
	"math/rand/v2"
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
		p.sent(chat, true, congested, now)
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
	lim := TelegramLimits()
	for _, congested := range []bool{false, true} {
		p := newPacer(lim, 0)
		times := simulate(p, "-1", congested, 100)
		if got := maxInWindow(times, time.Minute); got > 20 {
			t.Fatalf("congested=%v: %d messages in one minute", congested, got)
		}
		// Any n+1 messages to the chat span at least n seconds less the
		// tolerance.
		for i := range times {
			for j := i + 1; j < len(times); j++ {
				if span := times[j].Sub(times[i]); span < time.Duration(j-i)*lim.PerChat-lim.PerChatTolerance {
					t.Fatalf("congested=%v: messages %d to %d within %v", congested, i, j, span)
				}
			}
		}
	}
}

func TestPacerCalmGroupMayUseItsWholeWindow(t *testing.T) {
	p := newPacer(TelegramLimits(), 0)
	times := simulate(p, "-1", false, 21)
	// Twenty at once a second (the second one up to the tolerance ahead
	// of its slot, the others on the schedule that sets), then the window
	// is full until a minute after the first.
	if got := times[1].Sub(t0); got != 900*time.Millisecond {
		t.Fatalf("2nd message after %v, want 0.9s", got)
	}
	if got := times[19].Sub(t0); got != 18900*time.Millisecond {
		t.Fatalf("20th message after %v, want 18.9s", got)
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
		p.sent(chat, false, false, t0)
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
	p.sent("5", false, false, t0)
	if at := p.readyAt("5", false, false, t0); !at.Equal(t0.Add(900 * time.Millisecond)) {
		t.Fatalf("a chat's schedule takes no margin, only its tolerance: %v", at)
	}
	for i := range 20 {
		p.sent("-7", true, false, t0.Add(time.Duration(i)*time.Second))
	}
	if at := p.readyAt("-7", true, false, t0.Add(20*time.Second)); !at.Equal(t0.Add(time.Minute + 50*time.Millisecond)) {
		t.Fatalf("the group's window takes the whole margin: %v", at)
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
	for i := range 20 {
		at := t0.Add(time.Duration(i) * 2 * time.Second)
		p.sent("-1", true, false, at)
		p.settle("-1", true, at, at.Add(300*time.Millisecond), true)
	}
	// The minute's window counts from when the answer came.
	if at := p.readyAt("-1", true, false, t0.Add(38*time.Second)); !at.Equal(t0.Add(60*time.Second + 300*time.Millisecond)) {
		t.Fatalf("21st send at %v, want a minute after the first answer", at.Sub(t0))
	}
	// So does the chat's schedule: until the answer comes, its next slot
	// is a second from when the request left; then a second from the
	// answer, by which time the server had counted it, however long the
	// request took to reach it. A message may go 100 ms ahead of its slot.
	r := newPacer(TelegramLimits(), 0)
	r.sent("5", false, false, t0)
	if at := r.readyAt("5", false, false, t0); !at.Equal(t0.Add(900 * time.Millisecond)) {
		t.Fatalf("next send to the chat at %v before the answer, want a second after the request left, less 100 ms", at.Sub(t0))
	}
	r.settle("5", false, t0, t0.Add(300*time.Millisecond), true)
	if at := r.readyAt("5", false, false, t0); !at.Equal(t0.Add(1200 * time.Millisecond)) {
		t.Fatalf("next send to the chat at %v, want a second after the answer, less 100 ms", at.Sub(t0))
	}
	// A refused send was not counted: the chat has its slot back (the
	// pause the network asked for holds it).
	r.sent("6", false, false, t0.Add(-10*time.Second))
	r.settle("6", false, t0.Add(-10*time.Second), t0.Add(-10*time.Second), true)
	r.sent("6", false, false, t0)
	r.settle("6", false, t0, t0.Add(300*time.Millisecond), false)
	if at := r.readyAt("6", false, false, t0); !at.Equal(t0.Add(-9100 * time.Millisecond)) {
		t.Fatalf("after a refused send the chat's slot is %v, want the one before it", at.Sub(t0))
	}
	// A refused send leaves the windows: twenty sends, one refused, and the
	// twentieth counted one may still go within the minute.
	q := newPacer(TelegramLimits(), 0)
	now := t0
	for i := range 20 {
		q.sent("-2", true, false, now)
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

// TestPacerKeepsAGroupSteadyAfterABacklog: traffic just above a group's
// limit comes in waves; once the group had a backlog it stays at 3 s
// between messages for a minute, so it never spends its window early.
func TestPacerKeepsAGroupSteadyAfterABacklog(t *testing.T) {
	p := newPacer(TelegramLimits(), 0)
	p.sent("-1", true, true, t0)
	if at := p.readyAt("-1", true, false, t0.Add(time.Second)); !at.Equal(t0.Add(3 * time.Second)) {
		t.Fatalf("after a backlog the next message may go at %v, want t0+3s", at.Sub(t0))
	}
	if !p.steady("-1", t0.Add(59*time.Second)) || p.steady("-1", t0.Add(61*time.Second)) {
		t.Fatal("steady for one window after the backlog")
	}
	if at := p.readyAt("-1", true, false, t0.Add(61*time.Second)); at.After(t0.Add(61 * time.Second)) {
		t.Fatalf("calm again a window later, yet held until %v", at.Sub(t0))
	}
}

// TestPacerLateMessageDoesNotDelayTheRest: a chat gets exactly one message
// a second, its limit. Each is ready 10 ms after it arrived and answered a
// millisecond after it left; one is ready 60 ms late. The messages after
// that one still leave when they are ready, and a hundred round trips do
// not add up to a delay.
func TestPacerLateMessageDoesNotDelayTheRest(t *testing.T) {
	p := newPacer(TelegramLimits(), 0)
	for i := range 100 {
		arrived := t0.Add(time.Duration(i) * time.Second)
		ready := arrived.Add(10 * time.Millisecond)
		if i == 3 {
			ready = arrived.Add(60 * time.Millisecond)
		}
		at := later(ready, p.readyAt("5", false, false, ready))
		p.sent("5", false, false, at)
		p.settle("5", false, at, at.Add(time.Millisecond), true)
		if i != 3 && !at.Equal(ready) {
			t.Fatalf("message %d left %v after it was ready", i, at.Sub(ready))
		}
	}
}

// TestPacerNeverRefusedByAServerKeepingTheSameSchedule: whenever the server
// counts a message between its request leaving and its answer coming, and
// keeps the same schedule with the same tolerance, it never has to refuse
// one, whatever the round trips and however the messages arrive.
func TestPacerNeverRefusedByAServerKeepingTheSameSchedule(t *testing.T) {
	lim := TelegramLimits()
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 1))
		p := newPacer(lim, 0)
		var serverDue time.Time // the server's next slot for the chat
		now := t0
		for i := range 2000 {
			// Arrivals in clumps and lulls; round trips of up to 300 ms.
			now = now.Add(time.Duration(rng.ExpFloat64() * float64(700*time.Millisecond)))
			at := later(now, p.readyAt("5", false, false, now))
			p.sent("5", false, false, at)
			rtt := time.Duration(rng.Int64N(int64(300 * time.Millisecond)))
			counted := at.Add(time.Duration(rng.Int64N(int64(rtt) + 1)))
			if !serverDue.IsZero() && counted.Before(serverDue.Add(-lim.PerChatTolerance)) {
				t.Fatalf("seed %d, message %d: counted %v before its slot less the tolerance", seed, i, serverDue.Sub(counted))
			}
			serverDue = later(serverDue, counted).Add(lim.PerChat)
			p.settle("5", false, at, at.Add(rtt), true)
			now = at.Add(rtt) // one message in flight per chat
		}
	}
}
