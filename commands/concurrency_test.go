package commands

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestConcurrentClaim: two responders press Claim on the same card at the
// same moment, through the real store. Exactly one gets the appeal; the
// other is told who did.
func TestConcurrentClaim(t *testing.T) {
	for _, backend := range storagetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, backend)
			names := map[string]string{rResp: "Rita Roads", rResp2: "Ray Roads"}
			wins := map[string]int{}
			const rounds = 20
			for range rounds {
				a := e.intake("roads")
				var wg sync.WaitGroup
				start := make(chan struct{})
				replies := map[string]Reply{}
				var mu sync.Mutex
				for _, role := range []string{rResp, rResp2} {
					wg.Go(func() {
						<-start
						var rep Reply
						if role == rResp {
							rep = e.do(role, roadsChat, fmt.Sprintf("claim %d", a.ID))
						} else {
							rep = e.press(role, roadsChat, render.ButtonData("claim", a.ID, ""))
						}
						mu.Lock()
						replies[role] = rep
						mu.Unlock()
					})
				}
				close(start)
				wg.Wait()
				got := e.appeal(a.ID)
				if got.Status != appeal.StatusClaimed {
					t.Fatalf("#%d is %s after two claims", a.ID, got.Status)
				}
				winner, loser := rResp, rResp2
				if got.Assignee == e.ids[rResp2] {
					winner, loser = rResp2, rResp
				} else if got.Assignee != e.ids[rResp] {
					t.Fatalf("#%d claimed by member %d", a.ID, got.Assignee)
				}
				wins[winner]++
				if w := replies[winner]; isError(w) {
					t.Errorf("winner %s was refused: %+v", winner, w)
				}
				want := fmt.Sprintf("Appeal #%d is already claimed by %s.", a.ID, names[winner])
				l := replies[loser]
				if !isError(l) || !strings.Contains(l.HTML+l.Notice, want) {
					t.Errorf("loser %s: %+v, want %q", loser, l, want)
				}
				events, err := e.store.Events(t.Context(), a.ID)
				if err != nil {
					t.Fatal(err)
				}
				claims := 0
				for _, ev := range events {
					if ev.Kind == appeal.EventClaimed {
						claims++
					}
				}
				if claims != 1 {
					t.Errorf("#%d has %d claim events", a.ID, claims)
				}
			}
			t.Logf("%s: wins %v over %d rounds", backend, wins, rounds)
		})
	}
}
