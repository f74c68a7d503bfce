package matrix

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/matrix/matrixtest"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/storage/storagetest"
)

// TestMatrixRateLimited: a homeserver's M_LIMIT_EXCEEDED is a RateLimited
// error carrying its retry_after_ms, and invitations that came while the
// bot was over its limit are still accepted once the wait is over.
func TestMatrixRateLimited(t *testing.T) {
	const cooloff = 1500 * time.Millisecond
	hs := matrixtest.Start(t, matrixtest.Options{RateLimit: true, Threshold: 1, Cooloff: cooloff})
	botU := hs.Register(t, "appealbot")
	bob := hs.Client(t, hs.Register(t, "bob"))
	ctx := context.Background()
	tr, err := New(Config{Homeserver: hs.URL, UserID: botU.ID, AccessToken: botU.Token,
		State: storagetest.Open(t, storage.SQLite), PollTimeout: time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}

	// Two joins at once: the second is refused with the server's wait.
	var rooms []id.RoomID
	for range 2 {
		r, err := bob.CreateRoom(ctx, &mautrix.ReqCreateRoom{Invite: []id.UserID{id.UserID(botU.ID)}})
		if err != nil {
			t.Fatal(err)
		}
		rooms = append(rooms, r.RoomID)
	}
	time.Sleep(cooloff + 200*time.Millisecond)
	if err := tr.join(ctx, rooms[0]); err != nil {
		t.Fatal(err)
	}
	err = tr.join(ctx, rooms[1])
	var be *bot.Error
	if !errors.As(err, &be) || be.Kind != bot.RateLimited || be.RetryAfter != cooloff || !be.Global || !strings.Contains(be.Reason, "M_LIMIT_EXCEEDED") {
		t.Fatalf("second join: %v, want RateLimited for %s", err, cooloff)
	}

	// Three invitations in a row while receiving: all are joined.
	time.Sleep(cooloff + 200*time.Millisecond)
	rctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = tr.Receive(rctx, func(context.Context, bot.Update) {}) })
	defer func() { cancel(); wg.Wait() }()
	rooms = rooms[:0]
	for range 3 {
		r, err := bob.CreateRoom(ctx, &mautrix.ReqCreateRoom{Invite: []id.UserID{id.UserID(botU.ID)}})
		if err != nil {
			t.Fatal(err)
		}
		rooms = append(rooms, r.RoomID)
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, r := range rooms {
		for {
			ms, err := bob.JoinedMembers(ctx, r)
			if err == nil {
				if _, ok := ms.Joined[id.UserID(botU.ID)]; ok {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("the bot did not join room %s", r)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
