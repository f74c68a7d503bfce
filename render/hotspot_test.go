package render

import (
	"context"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/storage"
)

// TestDigestHotSpots: the leaders' digest names groups of three or more
// similar appeals of the period with their count and a representative
// title; a pair is no hot spot, and nor are appeals from before the period.
func TestDigestHotSpots(t *testing.T) {
	e := newEnv(t, storage.SQLite)
	ctx := context.Background()
	to := e.clock()
	from := to.Add(-24 * time.Hour)
	n := 0
	mk := func(title, body string, at time.Time) appeal.ID {
		n++
		a := appeal.Appeal{Source: "t", ExternalID: fmt.Sprint("h", n), Title: title, Body: body, Location: "人民路 3 号",
			Priority: appeal.PriorityNormal, ReceivedAt: at, Department: "roads", Status: appeal.StatusAssigned,
			AssignedAt: at, CreatedAt: at, UpdatedAt: at, Deadlines: appeal.Deadlines{ClaimBy: to.Add(time.Hour)}}
		stored, _, err := e.store.CreateAppeal(ctx, a, []appeal.Event{{At: at, Kind: appeal.EventAssigned,
			ToStatus: appeal.StatusAssigned, Department: "roads"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return stored.ID
	}
	in := from.Add(2 * time.Hour)
	var lamp []appeal.ID
	for _, body := range []string{"人民路3号门口的路灯坏了好几天，晚上一片漆黑", "人民路3号的路灯坏了，晚上漆黑一片很危险",
		"门口路灯坏了好几天，人民路3号晚上一片漆黑", "人民路3号路灯坏了好几天了"} {
		lamp = append(lamp, mk("人民路路灯坏了", body, in))
	}
	mk("井盖丢失", "解放街井盖丢失，车辆经过很危险", in)
	mk("井盖丢失了", "解放街井盖丢失，车辆经过危险", in)
	old := mk("人民路路灯坏了", "人民路3号门口的路灯坏了好几天，晚上一片漆黑", from.Add(-48*time.Hour))

	m := appeal.Message{Kind: appeal.MsgDigest, To: appeal.Recipient{Kind: appeal.ToLeaders, Ref: "roads"},
		Args: map[string]string{appeal.ArgDigestDept: "roads", appeal.ArgDigestKind: "daily",
			appeal.ArgDigestFrom: from.Format(time.RFC3339), appeal.ArgDigestTo: to.Format(time.RFC3339)}}
	r, err := e.r.RenderMessage(ctx, m, "en", to)
	if err != nil {
		t.Fatal(err)
	}
	text := html.UnescapeString(r.HTML)
	want := fmt.Sprintf("🔥 Hot spots: 1 group of 3 or more similar appeals\n👯 4 appeals like “人民路路灯坏了”: #%d #%d #%d #%d",
		lamp[0], lamp[1], lamp[2], lamp[3])
	if !strings.Contains(text, want) || strings.Contains(text, fmt.Sprintf("#%d", old)) {
		t.Fatalf("digest:\n%s\nwant it to hold\n%s", text, want)
	}
	if err := Check(r); err != nil {
		t.Fatal(err)
	}
	zh, err := e.r.RenderMessage(ctx, m, "zh", to)
	if err != nil || !strings.Contains(html.UnescapeString(zh.HTML), "🔥 热点：1 组相似诉求（每组 3 件以上）\n👯 4 件，如“人民路路灯坏了”") {
		t.Fatalf("zh digest %v:\n%s", err, zh.HTML)
	}
}
