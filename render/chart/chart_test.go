package chart

import (
	"bytes"
	"image/png"
	"os"
	"testing"
	"time"

	"github.com/appealbot/appealbot/reminders/digest"
)

func sampleDays() []digest.Day {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Date(2026, 11, 16, 0, 0, 0, 0, loc)
	var days []digest.Day
	for i, n := range []int{12, 19, 7, 23, 15, 3, 1} {
		days = append(days, digest.Day{Start: start.AddDate(0, 0, i), Received: n, Overdue: []int{1, 4, 0, 6, 2, 0, 0}[i]})
	}
	return days
}

var zhLabels = digest.Labels{Title: "供水公司（water）本周受理与超期", YAxis: "件数", Received: "受理", Overdue: "超期",
	Days: []string{"周一 11/16", "周二 11/17", "周三 11/18", "周四 11/19", "周五 11/20", "周六 11/21", "周日 11/22"}}

func TestChartDrawsChineseLabelsWithTheCJKFont(t *testing.T) {
	f := NewFonts(os.Getenv("APPEALBOT_CHART_FONT"), nil).CJK()
	if f == nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no CJK font installed (fonts-wqy-microhei); .ci/run installs it")
		}
		t.Skip("no CJK font installed: apt-get install fonts-wqy-microhei")
	}
	if !f.Has(zhLabels.Text()) {
		t.Fatalf("font %s (%s) lacks glyphs for %q", f.Name, f.Path, zhLabels.Text())
	}
	b, err := Draw(sampleDays(), zhLabels, f)
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, b)
	if out := os.Getenv("APPEALBOT_CHART_SAMPLE"); out != "" {
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestChartWithoutCJKFontDrawsEnglish(t *testing.T) {
	l := digest.Labels{Title: "Water: received and overdue this week", YAxis: "appeals", Received: "received", Overdue: "overdue",
		Days: []string{"Mon 11/16", "Tue 11/17", "Wed 11/18", "Thu 11/19", "Fri 11/20", "Sat 11/21", "Sun 11/22"}}
	b, err := Draw(sampleDays(), l, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, b)
	if _, err := Draw(sampleDays()[:3], l, nil); err == nil {
		t.Fatal("chart with 7 labels for 3 days accepted")
	}
	var none []digest.Day
	for _, d := range sampleDays() {
		d.Received, d.Overdue = 0, 0
		none = append(none, d)
	}
	if b, err := Draw(none, l, nil); err != nil {
		t.Fatal(err)
	} else {
		checkPNG(t, b)
	}
}

func TestLoadFontRefusesWhatIsNotAFont(t *testing.T) {
	p := t.TempDir() + "/x.ttf"
	if err := os.WriteFile(p, []byte("not a font"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFont(p); err == nil {
		t.Fatal("garbage loaded as a font")
	}
	if f := NewFonts(p, nil).CJK(); f != nil && f.Path == p {
		t.Fatal("garbage chosen as the chart font")
	}
}

// checkPNG checks b is a PNG of the chart's size and of a plausible weight:
// a blank or broken image compresses to far less.
func checkPNG(t *testing.T, b []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() < 600 || r.Dy() < 300 {
		t.Fatalf("chart is %v", r)
	}
	if len(b) < 8<<10 || len(b) > 1<<20 {
		t.Fatalf("chart PNG is %d bytes", len(b))
	}
}
