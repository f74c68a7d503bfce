// Package chart draws the chart of the leaders' digests as a PNG with
// gonum/plot: per day, the appeals received, answered and gone overdue as
// bars and those open at the day's end as a line, labelled in Chinese with
// a CJK font found at run time, or in English with the plotting library's
// built-in Latin font. Only cmd imports it; rendering
// reaches it through render.Charter, so that nothing else links gonum.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/appealbot/appealbot/reminders/digest"
)

// FontPaths are where Debian (and most distributions) install CJK fonts,
// tried in order when APPEALBOT_CHART_FONT names none.
var FontPaths = []string{
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
}

// probe is text every CJK font for the chart must draw.
const probe = "周一二三四五六日每受理超期数量"

// Font is a font loaded for charts.
type Font struct {
	Name string
	Path string
	face *opentype.Font
}

// LoadFont reads a TrueType or OpenType font or collection (TTF, OTF, TTC,
// OTC) from path. From a collection it takes the Simplified Chinese face
// when there is one, else the first that has Chinese glyphs, else the first.
func LoadFont(path string) (*Font, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("chart: font: %w", err)
	}
	faces, err := parseFaces(b)
	if err != nil {
		return nil, fmt.Errorf("chart: font %s: %w", path, err)
	}
	var best *Font
	for _, f := range faces {
		name, _ := f.Name(nil, sfnt.NameIDFull)
		cand := &Font{Name: name, Path: path, face: f}
		if best == nil {
			best = cand
		}
		if !cand.Has(probe) {
			continue
		}
		if strings.Contains(name, " SC") || !best.Has(probe) {
			best = cand
		}
		if strings.Contains(name, " SC") {
			break
		}
	}
	if best == nil {
		return nil, fmt.Errorf("chart: font %s: no face", path)
	}
	return best, nil
}

// parseFaces parses every face of a font file. Some fonts, among them
// WenQuanYi Micro Hei (Debian's fonts-wqy-microhei), store tables at offsets
// that are not multiples of four, which golang.org/x/image/font/sfnt
// refuses; their faces are copied into aligned files first.
func parseFaces(b []byte) ([]*opentype.Font, error) {
	parse := func(b []byte) ([]*opentype.Font, error) {
		coll, err := opentype.ParseCollection(b)
		if err != nil {
			return nil, err
		}
		var out []*opentype.Font
		for i := range coll.NumFonts() {
			f, err := coll.Font(i)
			if err != nil {
				return nil, err
			}
			out = append(out, f)
		}
		return out, nil
	}
	faces, err := parse(b)
	if err == nil {
		return faces, nil
	}
	files, aerr := alignFaces(b)
	if aerr != nil {
		return nil, errors.Join(err, aerr)
	}
	faces = nil
	for _, f := range files {
		fs, err := parse(f)
		if err != nil {
			return nil, err
		}
		faces = append(faces, fs...)
	}
	return faces, nil
}

// alignFaces splits an SFNT file or collection into one file per face, each
// table starting on a four-byte boundary.
func alignFaces(b []byte) ([][]byte, error) {
	be32 := func(p []byte) uint32 { return uint32(p[0])<<24 | uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3]) }
	put32 := func(p []byte, v uint32) { p[0], p[1], p[2], p[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v) }
	bad := errors.New("malformed font file")
	if len(b) < 12 {
		return nil, bad
	}
	offs := []uint32{0}
	if string(b[:4]) == "ttcf" {
		n := be32(b[8:])
		if n == 0 || n > 64 || len(b) < 12+4*int(n) {
			return nil, bad
		}
		offs = offs[:0]
		for i := range int(n) {
			offs = append(offs, be32(b[12+4*i:]))
		}
	}
	var out [][]byte
	for _, off := range offs {
		if int(off)+12 > len(b) {
			return nil, bad
		}
		tables := int(b[off+4])<<8 | int(b[off+5])
		dir := 12 + 16*tables
		if int(off)+dir > len(b) {
			return nil, bad
		}
		f := make([]byte, dir, len(b))
		copy(f, b[off:int(off)+dir])
		for i := range tables {
			rec := 12 + 16*i
			o, n := be32(f[rec+8:]), be32(f[rec+12:])
			if uint64(o)+uint64(n) > uint64(len(b)) {
				return nil, bad
			}
			for len(f)%4 != 0 {
				f = append(f, 0)
			}
			put32(f[rec+8:], uint32(len(f)))
			f = append(f, b[o:o+n]...)
		}
		for len(f)%4 != 0 {
			f = append(f, 0)
		}
		out = append(out, f)
	}
	return out, nil
}

// Has reports whether the font has a glyph for every letter of s (spaces
// aside).
func (f *Font) Has(s string) bool {
	if f == nil {
		return false
	}
	var buf sfnt.Buffer
	for _, r := range s {
		if r == ' ' || r == '\n' {
			continue
		}
		i, err := f.face.GlyphIndex(&buf, r)
		if err != nil || i == 0 {
			return false
		}
	}
	return true
}

// Fonts finds the CJK font for charts once, when first asked: the file
// named by APPEALBOT_CHART_FONT, else the first of FontPaths that loads.
// Without one, charts get English labels and a warning is logged once.
type Fonts struct {
	path string
	log  *slog.Logger
	once sync.Once
	font *Font
}

// NewFonts returns the finder; path is APPEALBOT_CHART_FONT ("" to search
// FontPaths only).
func NewFonts(path string, log *slog.Logger) *Fonts {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Fonts{path: path, log: log}
}

// CJK returns the CJK font, nil when there is none.
func (fs *Fonts) CJK() *Font {
	if fs == nil {
		return nil
	}
	fs.once.Do(func() {
		paths := FontPaths
		if fs.path != "" {
			paths = append([]string{fs.path}, FontPaths...)
		}
		var errs []error
		for _, p := range paths {
			f, err := LoadFont(p)
			if err == nil && f.Has(probe) {
				fs.font = f
				fs.log.Info("chart: font", "path", p, "name", f.Name)
				return
			}
			if err == nil {
				err = fmt.Errorf("%s: no Chinese glyphs", p)
			}
			if p == fs.path || !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		fs.log.Warn("chart: no CJK font found: charts get English labels; install fonts-wqy-microhei or set APPEALBOT_CHART_FONT",
			"err", errors.Join(errs...))
	})
	return fs.font
}

// The chart is 1080×810 pixels, a 4:3 picture that a phone shows across
// its width: at about 360 points wide there, text of 13 points here
// shows at about 9 points, the least a label can be and still be read.
const (
	dpi          = 144
	chartWidth   = 7.5 * vg.Inch
	chartHeight  = 5.625 * vg.Inch
	margin       = vg.Length(12) // points, as every vg.Length
	titleSize    = 17
	minTitleSize = 13
	legendSize   = 14
	tickSize     = 13
	dotRadius    = vg.Length(4)
)

// Colours of the series: received, answered and overdue as bars, the open
// backlog as a line.
var (
	receivedColor = color.RGBA{R: 0x2b, G: 0x6c, B: 0xb0, A: 0xff}
	answeredColor = color.RGBA{R: 0x2f, G: 0x85, B: 0x5a, A: 0xff}
	overdueColor  = color.RGBA{R: 0xd6, G: 0x3c, B: 0x2f, A: 0xff}
	openColor     = color.RGBA{R: 0xdd, G: 0x6b, B: 0x20, A: 0xff}
	textColor     = color.RGBA{R: 0x22, G: 0x22, B: 0x22, A: 0xff}
	gridColor     = color.RGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff}
)

// Draw draws days as a PNG: per day, bars of the appeals received,
// answered and gone overdue, and a line of the appeals open at the day's
// end; under the title, a legend that keeps clear of the data. f draws the
// labels; nil uses the built-in Latin font (Liberation), which has no
// Chinese glyphs, so give English labels then.
func Draw(days []digest.Day, l digest.Labels, f *Font) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(chartWidth, chartHeight), vgimg.UseDPI(dpi))
	if _, err := drawChart(draw.New(c), days, l, f); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}

// layout is where drawChart put the parts of a chart.
type layout struct {
	Title, Legend, Data vg.Rectangle
}

// drawChart draws the chart on dc and says where its parts went.
func drawChart(dc draw.Canvas, days []digest.Day, l digest.Labels, f *Font) (layout, error) {
	var out layout
	if len(l.Days) != len(days) {
		return out, fmt.Errorf("chart: %d day labels for %d days", len(l.Days), len(days))
	}
	if len(days) == 0 {
		return out, errors.New("chart: no days")
	}
	fonts := font.DefaultCache
	face := font.Font{Typeface: "Liberation", Variant: "Sans"}
	if f != nil {
		face = font.Font{Typeface: "cjk"}
		fonts = font.NewCache(font.Collection{{
			Font: font.Font{Typeface: "cjk", Style: xfont.StyleNormal, Weight: xfont.WeightNormal},
			Face: f.face,
		}})
	}
	style := func(ts *text.Style, size vg.Length) {
		*ts = text.Style{Color: textColor, Font: face, Handler: text.Plain{Fonts: fonts}}
		ts.Font.Size = size
	}

	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	inner := draw.Crop(dc, margin, -margin, margin, -margin)
	width := inner.Max.X - inner.Min.X

	// The title, made smaller or cut to fit the width.
	var ts text.Style
	style(&ts, titleSize)
	title := l.Title
	for size := vg.Length(titleSize); size > minTitleSize && ts.Width(title) > width; size-- {
		style(&ts, size-1)
	}
	for r := []rune(title); ts.Width(title) > width && len(r) > 1; {
		r = r[:len(r)-1]
		title = strings.TrimSpace(string(r)) + "…"
	}
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YTop
	dc.FillText(ts, vg.Point{X: inner.Center().X, Y: inner.Max.Y}, title)
	top := inner.Max.Y - ts.Height(title)
	out.Title = vg.Rectangle{Min: vg.Point{X: inner.Min.X, Y: top}, Max: vg.Point{X: inner.Max.X, Y: inner.Max.Y}}

	// The legend, in rows under the title.
	var ls text.Style
	style(&ls, legendSize)
	entries := []legendEntry{{l.Received, receivedColor, false}, {l.Answered, answeredColor, false},
		{l.Overdue, overdueColor, false}, {l.Open, openColor, true}}
	legendTop := top - vg.Points(8)
	bottom := drawLegend(dc, ls, entries, inner.Min.X, inner.Max.X, legendTop)
	out.Legend = vg.Rectangle{Min: vg.Point{X: inner.Min.X, Y: bottom}, Max: vg.Point{X: inner.Max.X, Y: legendTop}}

	// The plot below.
	p := plot.New()
	p.BackgroundColor = nil
	style(&p.X.Tick.Label, tickSize)
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XCenter, draw.YTop
	style(&p.Y.Tick.Label, tickSize)
	p.Y.Tick.Label.XAlign, p.Y.Tick.Label.YAlign = draw.XRight, draw.YCenter
	p.Y.LineStyle.Color, p.Y.Tick.LineStyle.Color = gridColor, gridColor
	grid := plotter.NewGrid()
	grid.Vertical.Width = 0
	grid.Horizontal.Color = gridColor
	p.Add(grid)

	n := len(days)
	series := make([]plotter.Values, 3)
	open := make(plotter.XYs, n)
	top2 := 0
	for i, d := range days {
		series[0] = append(series[0], float64(d.Received))
		series[1] = append(series[1], float64(d.Answered))
		series[2] = append(series[2], float64(d.Overdue))
		open[i] = plotter.XY{X: float64(i), Y: float64(d.Open)}
		top2 = max(top2, d.Received, d.Answered, d.Overdue, d.Open)
	}
	p.Add(bars{series: series, colors: []color.Color{receivedColor, answeredColor, overdueColor}})
	line, err := plotter.NewLine(open)
	if err != nil {
		return out, fmt.Errorf("chart: %w", err)
	}
	line.Color, line.Width = openColor, vg.Points(2.5)
	dots, err := plotter.NewScatter(open)
	if err != nil {
		return out, fmt.Errorf("chart: %w", err)
	}
	dots.GlyphStyle = draw.GlyphStyle{Color: openColor, Radius: dotRadius, Shape: draw.CircleGlyph{}}
	p.Add(line, dots)
	p.NominalX(l.Days...)
	p.X.Padding = vg.Points(8)
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	step := tickStep(float64(max(4, top2+max(1, top2/8))))
	p.Y.Min, p.Y.Max = 0, math.Ceil(float64(max(4, top2+max(1, top2/8)))/step)*step
	p.Y.Tick.Marker = wholeTicks{}

	area := draw.Crop(inner, 0, 0, 0, -(inner.Max.Y - (bottom - vg.Points(10))))
	p.Draw(area)
	// The data area, with room for the dots of the line, which may stand
	// out of it by their radius (gonum pads the axes to make that room).
	d := p.DataCanvas(area).Rectangle
	out.Data = vg.Rectangle{Min: vg.Point{X: d.Min.X - dotRadius, Y: d.Min.Y - dotRadius}, Max: vg.Point{X: d.Max.X + dotRadius, Y: d.Max.Y + dotRadius}}
	return out, nil
}

// legendEntry is one series in the legend: a square of its colour for a
// bar, a line with a dot for the line.
type legendEntry struct {
	label string
	color color.Color
	line  bool
}

// drawLegend lays the entries out in centred rows between left and
// right, from top down, and returns the bottom of the last row.
func drawLegend(dc draw.Canvas, ts text.Style, entries []legendEntry, left, right, top vg.Length) vg.Length {
	swatch, gap, space := vg.Points(16), vg.Points(6), vg.Points(20)
	widths := make([]vg.Length, len(entries))
	for i, e := range entries {
		widths[i] = swatch + gap + ts.Width(e.label)
	}
	rowHeight := max(ts.Height("Ag受"), swatch) + vg.Points(4)
	ts.XAlign, ts.YAlign = draw.XLeft, draw.YCenter
	for i := 0; i < len(entries); {
		// As many entries as fit in a row.
		j, w := i+1, widths[i]
		for j < len(entries) && w+space+widths[j] <= right-left {
			w += space + widths[j]
			j++
		}
		x, y := left+(right-left-w)/2, top-rowHeight/2
		for k := i; k < j; k++ {
			e := entries[k]
			if e.line {
				dc.StrokeLine2(draw.LineStyle{Color: e.color, Width: vg.Points(2.5)}, x, y, x+swatch, y)
				dc.DrawGlyph(draw.GlyphStyle{Color: e.color, Radius: dotRadius, Shape: draw.CircleGlyph{}}, vg.Point{X: x + swatch/2, Y: y})
			} else {
				dc.FillPolygon(e.color, []vg.Point{{X: x, Y: y - swatch/2}, {X: x + swatch, Y: y - swatch/2},
					{X: x + swatch, Y: y + swatch/2}, {X: x, Y: y + swatch/2}})
			}
			dc.FillText(ts, vg.Point{X: x + swatch + gap, Y: y}, e.label)
			x += widths[k] + space
		}
		top -= rowHeight
		i = j
	}
	return top
}

// bars draws the bar series side by side within each day, in data
// coordinates, so that they stay inside the day's unit whatever the size
// of the picture.
type bars struct {
	series []plotter.Values
	colors []color.Color
}

// barGroup is the share of a day's width its bars take.
const barGroup = 0.78

func (b bars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	w := barGroup / float64(len(b.series))
	for k, vs := range b.series {
		for i, v := range vs {
			if v <= 0 {
				continue
			}
			x0 := float64(i) - barGroup/2 + float64(k)*w
			x1 := x0 + w*0.88
			c.FillPolygon(b.colors[k], []vg.Point{{X: trX(x0), Y: trY(0)}, {X: trX(x1), Y: trY(0)},
				{X: trX(x1), Y: trY(v)}, {X: trX(x0), Y: trY(v)}})
		}
	}
}

func (b bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	for _, vs := range b.series {
		for _, v := range vs {
			ymax = max(ymax, v)
		}
	}
	return -0.5, float64(len(b.series[0])) - 0.5, 0, ymax
}

// tickStep is the step of about five whole-number ticks up to hi.
func tickStep(hi float64) float64 {
	for m := 1.0; ; m *= 10 {
		for _, k := range []float64{1, 2, 5} {
			if hi/(k*m) <= 6 {
				return k * m
			}
		}
	}
}

// wholeTicks marks whole numbers only, about five of them.
type wholeTicks struct{}

func (wholeTicks) Ticks(lo, hi float64) []plot.Tick {
	step := tickStep(hi - lo)
	var out []plot.Tick
	for v := lo; v <= hi+step/1e6; v += step {
		out = append(out, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
	}
	return out
}

// Charter draws the digests' charts for rendering (it is a render.Charter):
// in Chinese with the CJK font when there is one, else in English.
type Charter struct{ fonts *Fonts }

// New returns the charter; fontPath is APPEALBOT_CHART_FONT ("" to search
// FontPaths only). The font is looked for when a chart first needs it.
func New(fontPath string, log *slog.Logger) *Charter {
	return &Charter{fonts: NewFonts(fontPath, log)}
}

// CJK reports whether a CJK font was found that has every letter of s.
func (c *Charter) CJK(s string) bool { return c.fonts.CJK().Has(s) }

// Chart draws days labelled with l: in the CJK font when cjk is set (see
// CJK), else in the built-in Latin font.
func (c *Charter) Chart(days []digest.Day, l digest.Labels, cjk bool) ([]byte, error) {
	var f *Font
	if cjk {
		if f = c.fonts.CJK(); f == nil {
			return nil, errors.New("chart: no CJK font")
		}
	}
	return Draw(days, l, f)
}
