package storage_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

var (
	jpeg = append([]byte{0xff, 0xd8, 0xff, 0xe0}, bytes.Repeat([]byte("photo"), 100)...)
	png  = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0, 1, 2}, 50)...)
)

func photo(name, mime string, data []byte) appeal.Attachment {
	return appeal.Attachment{Name: name, MIME: mime, Data: data}
}

// Intake links and answer photos come back by number, per appeal, with
// the bytes readable one at a time and an answer's photos tied to it.
func TestAttachmentsRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		in := intake("att")
		in.Attachments = []string{"https://files.example/a/%E7%85%A7%E7%89%87.jpg", "http://files.example/b"}
		a := create(t, s, in, &dept)
		other := create(t, s, intake("att-other"), &dept)
		same(t, "intake attachments", a.Attachments, []appeal.Attachment{
			{N: 1, Kind: appeal.AttachIntake, Name: "照片.jpg", MIME: "", URL: in.Attachments[0], CreatedAt: t0},
			{N: 2, Kind: appeal.AttachIntake, Name: "b", URL: in.Attachments[1], CreatedAt: t0},
		})

		t1 := t0.Add(time.Minute)
		got, _ := mustAct(t, s, a.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "已修复",
			Attachments: []appeal.Attachment{photo("before.jpg", "image/jpeg", jpeg), photo("after.png", "image/png", png)}}, t1)
		if len(got.Answers) != 1 {
			t.Fatalf("answers: %+v", got.Answers)
		}
		ansID := got.Answers[0].ID
		want := []appeal.Attachment{
			{N: 3, Kind: appeal.AttachAnswer, Name: "before.jpg", MIME: "image/jpeg", Size: int64(len(jpeg)), AnswerID: ansID, CreatedAt: t1},
			{N: 4, Kind: appeal.AttachAnswer, Name: "after.png", MIME: "image/png", Size: int64(len(png)), AnswerID: ansID, CreatedAt: t1},
		}
		same(t, "appeal's attachments", got.Attachments[2:], want)
		same(t, "answer's attachments", got.Answers[0].Attachments, want)
		if n := got.CountAttachments(appeal.AttachAnswer); n != 2 {
			t.Errorf("answer photos = %d, want 2", n)
		}

		// Another appeal numbers its own from 1.
		got2, _ := mustAct(t, s, other.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "ok",
			Attachments: []appeal.Attachment{photo("x.jpg", "image/jpeg", png)}}, t1)
		if len(got2.Attachments) != 1 || got2.Attachments[0].N != 1 {
			t.Errorf("other appeal's attachments: %+v", got2.Attachments)
		}

		f, err := s.Attachment(ctx, a.ID, 3)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(f.Data, jpeg) || f.MIME != "image/jpeg" || f.Size != int64(len(jpeg)) {
			t.Errorf("attachment 3: %d bytes, %q, size %d", len(f.Data), f.MIME, f.Size)
		}
		link, err := s.Attachment(ctx, a.ID, 1)
		if err != nil || link.Data != nil || link.URL != in.Attachments[0] {
			t.Errorf("attachment 1: %+v, %v", link, err)
		}
		_, err = s.Attachment(ctx, a.ID, 5)
		isNotFound(t, "attachment 5", err)
		_, err = s.Attachment(ctx, 999, 1)
		isNotFound(t, "attachment of no appeal", err)

		reread, err := s.Appeal(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "re-read", reread.Attachments, got.Attachments)
		for _, x := range reread.Attachments {
			if x.Data != nil {
				t.Errorf("attachment %d read with the appeal carries its bytes", x.N)
			}
		}
	})
}

// An answer is written with its photos or not at all: a failed answer
// stores none, and an answer given twice (a second press, the same update
// again) stores them once.
func TestAttachmentsWithTheAnswer(t *testing.T) {
	each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dept := saveDept(t, s, "roads", false)
		a := create(t, s, intake("att-tx"), &dept)
		t1 := t0.Add(time.Minute)
		files := []appeal.Attachment{photo("p.jpg", "image/jpeg", jpeg)}

		// fn fails after computing the change: nothing is written.
		boom := errors.New("boom")
		_, err := s.UpdateAppeal(ctx, a.ID, func(cur appeal.Appeal, p *appeal.Answer) (appeal.Change, error) {
			if _, err := appeal.Transition(cur, p, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "x", Attachments: files}, t1); err != nil {
				t.Fatal(err)
			}
			return appeal.Change{}, boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		// The answer is written, then an attachment the database refuses:
		// the whole change rolls back, the answer with it.
		_, err = s.UpdateAppeal(ctx, a.ID, func(cur appeal.Appeal, p *appeal.Answer) (appeal.Change, error) {
			c, err := appeal.Transition(cur, p, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "x", Attachments: files}, t1)
			if err == nil {
				c.Answer.Attachments = append(c.Answer.Attachments, appeal.Attachment{Kind: "bogus", Name: "y", Data: []byte("y")})
			}
			return c, err
		})
		if err == nil {
			t.Fatal("an attachment of an unknown kind was stored")
		}
		if c := count(t, s, "appeal_attachments") + count(t, s, "answers"); c != 0 {
			t.Fatalf("%d answers and attachments after failed answers, want 0", c)
		}
		cur, err := s.Appeal(ctx, a.ID)
		if err != nil || cur.Status != appeal.StatusAssigned {
			t.Fatalf("after failed answers: %s, %v", cur.Status, err)
		}

		mustAct(t, s, a.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "x", Attachments: files}, t1)
		// The same answer again is refused by the state machine and adds
		// nothing.
		if _, _, err := act(s, a.ID, appeal.Command{Action: appeal.ActAnswer, Actor: 7, Text: "x", Attachments: files}, t1); !errors.Is(err, appeal.ErrIllegalTransition) {
			t.Errorf("second answer: err = %v, want ErrIllegalTransition", err)
		}
		if n := count(t, s, "appeal_attachments"); n != 1 {
			t.Errorf("%d attachments after the answer given twice, want 1", n)
		}
	})
}
