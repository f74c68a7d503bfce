package commands

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/render"
	"github.com/appealbot/appealbot/storage"
)

// digestBadArguments are TestBadArguments' cases for /digest.
func digestBadArguments() []struct {
	role string
	chat Chat
	text string
	want string
} {
	adm := privateChat("9006")
	lead := privateChat("9003")
	return []struct {
		role string
		chat Chat
		text string
		want string
	}{
		{rAdmin, adm, "digest set", "Give the department code."},
		{rAdmin, adm, "digest set nosuch \"30 8 * * *\"", "There is no department nosuch"},
		{rAdmin, adm, "digest set roads", "Give the schedule as a cron spec"},
		{rAdmin, adm, "digest set roads weekly", "Give the schedule as a cron spec"},
		{rAdmin, adm, "digest set roads \"\"", "Give the schedule as a cron spec"},
		// The reply quotes the spec once, without the quotes it came in,
		// and says in plain words what is wrong.
		{rAdmin, adm, "digest set roads \"30 25 * * *\"", "“30 25 * * *” is not a schedule: the hour field is not valid."},
		{rAdmin, adm, "digest set roads “30 8 * * 1-8”", "“30 8 * * 1-8” is not a schedule: the weekday field is not valid."},
		{rAdmin, adm, "digest set roads 30 8 * *", "“30 8 * *” is not a schedule: it has 4 fields instead of 5."},
		{rAdmin, adm, "digest set roads @hourly-ish", "that @ name is unknown"},
		{rAdmin, adm, "digest set roads CRON_TZ=UTC 30 8 * * *", "a timezone prefix is not allowed"},
		{rAdmin, adm, "digest set roads @every 5m", "@every is not a time of day"},
		{rAdmin, adm, "digest set roads 0 0 30 2 *", "never fires"},
		{rLeader, lead, "digest now", "Say which department"},
		{rLeader, lead, "digest now nosuch", "There is no department nosuch"},
		{rLeader, lead, "digest now roads extra", "Too many arguments."},
		{rAdmin, otherChat, "digest show", "Say which department"},
		{rAdmin, adm, "digest", "/digest needs one of"},
		{rAdmin, adm, "digest later", "/digest"},
	}
}

// digestPermCases are TestPermissions' cases for /digest.
func digestPermCases() []permCase {
	adminOnly := each(fmt.Sprintf(onlyAdmins, "digest set"), rNone, rResp, rRespOther, rLeader, rLeadOther, rDispatcher)
	readers := func(cmd string) map[string]string {
		return merge(each(fmt.Sprintf("Only leaders and admins may use /%s.", cmd), rNone, rResp, rRespOther, rDispatcher),
			each("Only leaders of Roads (roads) and admins can ask for its digest.", rLeadOther))
	}
	// Each role asks a minute after the last: one digest a minute.
	later := func(text string) func(e *env) (string, *Chat) {
		return func(e *env) (string, *Chat) {
			e.mu.Lock()
			e.now = e.now.Add(time.Minute)
			e.mu.Unlock()
			return text, nil
		}
	}
	return []permCase{
		{name: "digest_set", private: true, setup: fixed(`digest set roads "0 9 * * 1-5"`), allow: []string{rAdmin}, deny: adminOnly},
		{name: "digest_now", private: true, setup: later("digest now roads"), allow: []string{rLeader, rAdmin}, deny: readers("digest now")},
		{name: "digest_now_here", chat: roadsChat, setup: later("digest now"), allow: []string{rLeader, rAdmin}, deny: readers("digest now")},
		{name: "digest_show", private: true, setup: fixed("digest show roads"), allow: []string{rLeader, rAdmin}, deny: readers("digest show")},
	}
}

func TestDigestSetAndShow(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	adm := privateChat("9006")
	rep := e.do(rLeader, roadsChat, "digest show")
	if isError(rep) || !strings.Contains(rep.HTML, "daily digest: <code>30 8 * * 1-5</code> (default)") ||
		!strings.Contains(rep.HTML, "weekly digest: <code>30 8 * * 1</code> (default)") || !strings.Contains(rep.HTML, "Asia/Shanghai") ||
		!strings.Contains(rep.HTML, "No digest sent yet.") {
		t.Fatalf("show defaults:\n%s", rep.HTML)
	}
	// t0 is Monday 2026-11-23 17:30 in Shanghai.
	if !strings.Contains(rep.HTML, "next: 2026-11-24 08:30") {
		t.Fatalf("next daily digest:\n%s", rep.HTML)
	}
	for _, c := range []struct{ text, spec, next string }{
		{`digest set roads "0 9 * * 1-5"`, "0 9 * * 1-5", "2026-11-24 09:00"},
		{"digest set ROADS  “15   18 * * *”", "15 18 * * *", "2026-11-23 18:15"},
		{"digest set roads weekly 0 17 * * 5", "0 17 * * 5", "2026-11-27 17:00"},
	} {
		rep := e.do(rAdmin, adm, c.text)
		if isError(rep) || !strings.Contains(rep.HTML, "<code>"+c.spec+"</code> (Asia/Shanghai); next: "+c.next) {
			t.Fatalf("/%s:\n%s", c.text, rep.HTML)
		}
	}
	rep = e.do(rAdmin, adm, "digest show roads")
	if !strings.Contains(rep.HTML, "daily digest: <code>15 18 * * *</code>; next") || !strings.Contains(rep.HTML, "weekly digest: <code>0 17 * * 5</code>; next") {
		t.Fatalf("show after set:\n%s", rep.HTML)
	}
	ss, err := e.store.DigestSchedules(t.Context())
	if err != nil || len(ss) != 2 {
		t.Fatalf("stored schedules %+v %v", ss, err)
	}
	e.do(rAdmin, adm, "lang zh")
	zh := e.do(rAdmin, adm, "digest show water")
	if !strings.Contains(zh.HTML, "每日简报：<code>30 8 * * 1-5</code>（默认）") || !strings.Contains(zh.HTML, "尚未发送过简报") {
		t.Fatalf("show in zh:\n%s", zh.HTML)
	}
}

func TestDigestNowQueuesTextAndChartToTheChatOncePerMinute(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := t.Context()
	late := e.intake("roads")
	e.mu.Lock()
	e.now = e.now.Add(3 * time.Hour) // past the 2 h claim deadline
	e.mu.Unlock()
	rep := e.do(rLeader, roadsChat, "digest now")
	if isError(rep) || !strings.Contains(rep.HTML, "Digest of Roads (roads) for the last 24 hours") {
		t.Fatalf("digest now: %s", rep.HTML)
	}
	rep = e.do(rAdmin, roadsChat, "digest now roads")
	if !isError(rep) || !strings.Contains(rep.HTML, "sent in this minute already") {
		t.Fatalf("second digest in the same minute: %s", rep.HTML)
	}
	e.mu.Lock()
	e.now = e.now.Add(time.Minute)
	e.mu.Unlock()
	if rep := e.do(rAdmin, roadsChat, "digest now roads"); isError(rep) {
		t.Fatalf("digest a minute later: %s", rep.HTML)
	}
	var msgs []appeal.OutboxMessage
	all, err := e.store.Outbox(ctx, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if m.Kind == appeal.MsgDigest || m.Kind == appeal.MsgDigestChart {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) != 4 || msgs[0].Kind != appeal.MsgDigest || msgs[1].Kind != appeal.MsgDigestChart {
		t.Fatalf("queued %+v", msgs)
	}
	m := msgs[0]
	if m.To.Kind != appeal.ToChat || m.Args[appeal.ArgChat] != roadsChat.ID || m.Args[appeal.ArgNetwork] != "telegram" ||
		m.Args[appeal.ArgDigestDept] != "roads" || m.Args[appeal.ArgDigestKind] != "now" {
		t.Fatalf("digest message %+v", m)
	}
	for _, lang := range render.Languages {
		r, err := e.r.RenderMessage(ctx, m.Message, lang, e.clock())
		if err != nil {
			t.Fatal(err)
		}
		if err := render.Check(r); err != nil {
			t.Fatalf("%s: %v\n%s", lang, err, r.HTML)
		}
		if !strings.Contains(r.HTML, fmt.Sprintf("#%d</b>", late.ID)) {
			t.Fatalf("%s: overdue appeal missing:\n%s", lang, r.HTML)
		}
		c, err := e.r.RenderMessage(ctx, msgs[1].Message, lang, e.clock())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(c.Photo)); err != nil || runes(c.HTML) > render.MaxCaption || render.Check(c) != nil {
			t.Fatalf("%s: chart %d bytes, %v, caption %q", lang, len(c.Photo), err, c.HTML)
		}
	}
}

// TestDigestShowNamesTheNextWorkingDay: /digest show and /digest set name
// the next digest that will really go out: after the holidays, on a
// make-up working day; and say when a department has no leader to get it.
func TestDigestShowNamesTheNextWorkingDay(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := t.Context()
	adm := privateChat("9006")
	// t0 is Monday 2026-11-23 17:30 in Shanghai: Tuesday to Friday off,
	// Saturday worked.
	if err := e.store.AddHoliday(ctx, appeal.Holiday{From: appeal.Date{Year: 2026, Month: 11, Day: 24}, To: appeal.Date{Year: 2026, Month: 11, Day: 27}, Name: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.AddWorkday(ctx, appeal.Workday{Date: appeal.Date{Year: 2026, Month: 11, Day: 28}}); err != nil {
		t.Fatal(err)
	}
	rep := e.do(rLeader, roadsChat, "digest show")
	if !strings.Contains(rep.HTML, "daily digest: <code>30 8 * * 1-5</code> (default); next: 2026-11-28 08:30") ||
		!strings.Contains(rep.HTML, "weekly digest: <code>30 8 * * 1</code> (default); next: 2026-11-30 08:30") ||
		strings.Contains(rep.HTML, "No leaders") {
		t.Fatalf("show over the holiday:\n%s", rep.HTML)
	}
	if rep := e.do(rAdmin, adm, `digest set roads "0 9 * * *"`); !strings.Contains(rep.HTML, "next: 2026-11-28 09:00") {
		t.Fatalf("set over the holiday:\n%s", rep.HTML)
	}
	e.do(rAdmin, adm, "dept add parks 公园")
	if rep := e.do(rAdmin, adm, "digest show parks"); !strings.Contains(rep.HTML,
		"No leaders yet: digests go out once one is appointed (/role add parks leader USER).") {
		t.Fatalf("show without leaders:\n%s", rep.HTML)
	}
}
