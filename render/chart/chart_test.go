package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/appealbot/appealbot/reminders/digest"
)

// sampleDays is a typical week of a busy department: more received than
// answered early in the week, a backlog that grows and comes down, the
// last day's overdue bar the tallest of its day.
func sampleDays() []digest.Day {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Date(2026, 11, 16, 0, 0, 0, 0, loc)
	var days []digest.Day
	for i, n := range []int{12, 19, 7, 23, 15, 3, 9} {
		days = append(days, digest.Day{Start: start.AddDate(0, 0, i), Received: n,
			Answered: []int{9, 14, 11, 17, 19, 2, 4}[i], Overdue: []int{1, 4, 0, 6, 2, 0, 11}[i], Open: []int{21, 26, 22, 28, 24, 25, 30}[i]})
	}
	return days
}

var zhLabels = digest.Labels{Title: "供水公司：每日诉求", Received: "受理", Answered: "答复", Overdue: "超期", Open: "日末在办",
	Days: []string{"周一\n11/16", "周二\n11/17", "周三\n11/18", "周四\n11/19", "周五\n11/20", "周六\n11/21", "周日\n11/22"}}

var enLabels = digest.Labels{Title: "Water Supply Company: appeals per day", Received: "received", Answered: "answered",
	Overdue: "overdue", Open: "open at day's end",
	Days: []string{"Mon\n11/16", "Tue\n11/17", "Wed\n11/18", "Thu\n11/19", "Fri\n11/20", "Sat\n11/21", "Sun\n11/22"}}

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
	l := enLabels
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

// op is one drawing operation, where it landed on the canvas.
type op struct {
	kind  string // fill, stroke or text
	color color.Color
	box   vg.Rectangle
	text  string
	size  vg.Length
}

// tracer is a vg.Canvas that records where every operation lands, with
// the transforms of the moment applied.
type tracer struct {
	m     [6]float64 // x' = m0 x + m2 y + m4, y' = m1 x + m3 y + m5
	stack [][6]float64
	color color.Color
	width vg.Length
	ops   []op
}

func newTracer() *tracer { return &tracer{m: [6]float64{1, 0, 0, 1, 0, 0}, color: color.Black} }

func (t *tracer) apply(p vg.Point) vg.Point {
	x, y := float64(p.X), float64(p.Y)
	return vg.Point{X: vg.Length(t.m[0]*x + t.m[2]*y + t.m[4]), Y: vg.Length(t.m[1]*x + t.m[3]*y + t.m[5])}
}

// box is the bounding box of pts after the transforms, grown by pad.
func (t *tracer) box(pad vg.Length, pts ...vg.Point) vg.Rectangle {
	r := vg.Rectangle{Min: vg.Point{X: math.MaxFloat64, Y: math.MaxFloat64}, Max: vg.Point{X: -math.MaxFloat64, Y: -math.MaxFloat64}}
	for _, p := range pts {
		q := t.apply(p)
		r.Min.X, r.Min.Y = min(r.Min.X, q.X-pad), min(r.Min.Y, q.Y-pad)
		r.Max.X, r.Max.Y = max(r.Max.X, q.X+pad), max(r.Max.Y, q.Y+pad)
	}
	return r
}

func (t *tracer) mul(n [6]float64) {
	m := t.m
	t.m = [6]float64{m[0]*n[0] + m[2]*n[1], m[1]*n[0] + m[3]*n[1], m[0]*n[2] + m[2]*n[3], m[1]*n[2] + m[3]*n[3],
		m[0]*n[4] + m[2]*n[5] + m[4], m[1]*n[4] + m[3]*n[5] + m[5]}
}

func (t *tracer) SetLineWidth(w vg.Length)           { t.width = w }
func (t *tracer) SetLineDash([]vg.Length, vg.Length) {}
func (t *tracer) SetColor(c color.Color)             { t.color = c }
func (t *tracer) Rotate(a float64) {
	t.mul([6]float64{math.Cos(a), math.Sin(a), -math.Sin(a), math.Cos(a), 0, 0})
}
func (t *tracer) Translate(p vg.Point) { t.mul([6]float64{1, 0, 0, 1, float64(p.X), float64(p.Y)}) }
func (t *tracer) Scale(x, y float64)   { t.mul([6]float64{x, 0, 0, y, 0, 0}) }
func (t *tracer) Push()                { t.stack = append(t.stack, t.m) }
func (t *tracer) Pop()                 { t.m, t.stack = t.stack[len(t.stack)-1], t.stack[:len(t.stack)-1] }
func (t *tracer) DrawImage(r vg.Rectangle, _ image.Image) {
	t.ops = append(t.ops, op{kind: "image", color: t.color, box: t.box(0, r.Min, r.Max)})
}
func (t *tracer) Stroke(p vg.Path) {
	t.ops = append(t.ops, op{kind: "stroke", color: t.color, box: t.pathBox(p, t.width/2)})
}
func (t *tracer) Fill(p vg.Path) {
	t.ops = append(t.ops, op{kind: "fill", color: t.color, box: t.pathBox(p, 0)})
}

func (t *tracer) pathBox(p vg.Path, pad vg.Length) vg.Rectangle {
	var pts []vg.Point
	for _, c := range p {
		switch c.Type {
		case vg.ArcComp:
			pts = append(pts, vg.Point{X: c.Pos.X - c.Radius, Y: c.Pos.Y - c.Radius}, vg.Point{X: c.Pos.X + c.Radius, Y: c.Pos.Y + c.Radius})
		case vg.CloseComp:
		default:
			pts = append(pts, c.Pos)
			pts = append(pts, c.Control...)
		}
	}
	return t.box(pad, pts...)
}

func (t *tracer) FillString(f font.Face, pt vg.Point, s string) {
	e := f.Extents()
	w := f.Width(s)
	t.ops = append(t.ops, op{kind: "text", color: t.color, text: s, size: f.Font.Size,
		box: t.box(0, vg.Point{X: pt.X, Y: pt.Y - e.Descent}, vg.Point{X: pt.X + w, Y: pt.Y + e.Ascent})})
}

func inside(r, outer vg.Rectangle) bool {
	const eps = 0.01
	return r.Min.X >= outer.Min.X-eps && r.Min.Y >= outer.Min.Y-eps && r.Max.X <= outer.Max.X+eps && r.Max.Y <= outer.Max.Y+eps
}

// overlap reports whether a and b overlap by more than eps.
func overlap(a, b vg.Rectangle, eps vg.Length) bool {
	return a.Min.X < b.Max.X-eps && b.Min.X < a.Max.X-eps && a.Min.Y < b.Max.Y-eps && b.Min.Y < a.Max.Y-eps
}

// TestChartLayout draws charts on a canvas that records every operation
// and checks what a leader reading it on a phone relies on: the bars and
// the line stay inside the plot's data area (nothing clipped or run past
// its edge), the legend and every text keep clear of the data and of each
// other, every text is on the picture and large enough to read when the
// picture is shown a phone's width (about 360 points) across, the title
// names the department, and each label is there. Then the PNG itself: its
// size, and no pixel of a series' colour outside the data and the legend.
func TestChartLayout(t *testing.T) {
	type tc struct {
		name string
		days []digest.Day
		l    digest.Labels
		f    *Font
	}
	cases := []tc{{"english", sampleDays(), enLabels, nil}}
	long := enLabels
	long.Title = "Municipal Water Supply, Drainage and Sewage Treatment Company of the Northern District: appeals per day"
	big := sampleDays()
	for i := range big {
		big[i].Received, big[i].Open = big[i].Received*37, big[i].Open*41
	}
	var none []digest.Day
	for _, d := range sampleDays() {
		none = append(none, digest.Day{Start: d.Start})
	}
	cases = append(cases, tc{"long title, large counts", big, long, nil}, tc{"no appeals", none, enLabels, nil})
	if f := NewFonts(os.Getenv("APPEALBOT_CHART_FONT"), nil).CJK(); f != nil {
		zhLong := zhLabels
		zhLong.Title = "某某市住房和城乡建设局城市管理综合行政执法支队第三大队与物业服务监督管理科：每日诉求"
		cases = append(cases, tc{"chinese", sampleDays(), zhLabels, f}, tc{"chinese, long title", big, zhLong, f})
	} else if os.Getenv("CI") != "" {
		t.Fatal("no CJK font installed (fonts-wqy-microhei); .ci/run installs it")
	}
	series := map[color.Color]bool{receivedColor: true, answeredColor: true, overdueColor: true, openColor: true}
	// A phone shows the picture about 360 points wide: text must come out
	// at 8 points or more there.
	pxWide := float64(chartWidth) / 72 * dpi
	minSize := vg.Length(8 * pxWide / 360 * 72 / dpi)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newTracer()
			page := vg.Rectangle{Max: vg.Point{X: chartWidth, Y: chartHeight}}
			lay, err := drawChart(draw.Canvas{Canvas: tr, Rectangle: page}, c.days, c.l, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if !inside(lay.Data, page) || !inside(lay.Legend, page) || overlap(lay.Legend, lay.Data, 0) || lay.Legend.Min.Y < lay.Data.Max.Y {
				t.Fatalf("legend %v and data %v on %v: the legend must be above the data, clear of it", lay.Legend, lay.Data, page)
			}
			var texts []op
			var bars, lines int
			for _, o := range tr.ops {
				if !inside(o.box, page) {
					t.Errorf("%s %q of colour %v at %v runs off the picture %v", o.kind, o.text, o.color, o.box, page)
				}
				switch {
				case o.kind == "text":
					texts = append(texts, o)
					if overlap(o.box, lay.Data, 0) {
						t.Errorf("text %q at %v lies on the data %v", o.text, o.box, lay.Data)
					}
					if o.size < minSize {
						t.Errorf("text %q is %v points: too small to read on a phone (at least %v)", o.text, o.size, minSize)
					}
				case series[o.color] && inside(o.box, lay.Legend):
				case series[o.color]:
					if !inside(o.box, lay.Data) {
						t.Errorf("%s of a series (%v) at %v leaves the data area %v", o.kind, o.color, o.box, lay.Data)
					}
					if o.kind == "fill" && o.color != openColor {
						bars++
					}
					if o.kind == "stroke" && o.color == openColor {
						lines++
					}
				}
			}
			want := 0
			for _, d := range c.days {
				for _, v := range []int{d.Received, d.Answered, d.Overdue} {
					if v > 0 {
						want++
					}
				}
			}
			if bars != want || lines == 0 {
				t.Errorf("%d bars and %d backlog lines drawn, want %d bars and a line", bars, lines, want)
			}
			for i, a := range texts {
				for _, b := range texts[i+1:] {
					// Text boxes run from the font's descent to its
					// ascent, which the lines of a two-line label share
					// a little: overlapping by less than a sixth of a
					// line's height is not a collision of glyphs.
					if overlap(a.box, b.box, min(a.box.Size().Y, b.box.Size().Y)/6) {
						t.Errorf("texts %q at %v and %q at %v overlap", a.text, a.box, b.text, b.box)
					}
				}
			}
			var all []string
			for _, o := range texts {
				all = append(all, o.text)
			}
			drawn := strings.Join(all, "\n")
			name, _, _ := strings.Cut(c.l.Title, ":")
			name, _, _ = strings.Cut(name, "：")
			if !strings.Contains(drawn, name[:min(len(name), 12)]) {
				t.Errorf("the title does not name the department %q: %q", name, drawn)
			}
			for _, want := range append([]string{c.l.Received, c.l.Answered, c.l.Overdue, c.l.Open}, strings.Fields(strings.Join(c.l.Days, " "))...) {
				if !strings.Contains(drawn, want) {
					t.Errorf("%q is not drawn: %q", want, drawn)
				}
			}

			// The PNG: its size, and the series' colours only in the data
			// area and the legend.
			b, err := Draw(c.days, c.l, c.f)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if r := img.Bounds(); r.Dx() != 1080 || r.Dy() != 810 {
				t.Fatalf("the PNG is %v, want 1080×810", r)
			}
			px := func(r vg.Rectangle) image.Rectangle {
				k := float64(dpi) / 72
				return image.Rect(int(float64(r.Min.X)*k)-2, 810-int(float64(r.Max.Y)*k)-2, int(float64(r.Max.X)*k)+2, 810-int(float64(r.Min.Y)*k)+2)
			}
			data, legend := px(lay.Data), px(lay.Legend)
			inData := 0
			for y := 0; y < 810; y++ {
				for x := 0; x < 1080; x++ {
					r, g, bl, a := img.At(x, y).RGBA()
					if !series[color.RGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(bl >> 8), A: uint8(a >> 8)}] {
						continue
					}
					p := image.Pt(x, y)
					switch {
					case p.In(data):
						inData++
					case !p.In(legend):
						t.Fatalf("pixel (%d, %d) of a series' colour outside the data %v and the legend %v", x, y, data, legend)
					}
				}
			}
			if inData == 0 {
				t.Error("no pixel of any series in the data area")
			}
		})
	}
}
