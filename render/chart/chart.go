// Package chart draws the chart of the leaders' digests as a PNG with
// gonum/plot: per day, the appeals received beside those gone overdue,
// labelled in Chinese with a CJK font found at run time, or in English with
// the plotting library's built-in Latin font. Only cmd imports it; rendering
// reaches it through render.Charter, so that nothing else links gonum.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"log/slog"
	"os"
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

// Chart size: 768×432 pixels as rendered (96 dpi).
const (
	chartWidth  = 8 * vg.Inch
	chartHeight = 4.5 * vg.Inch
)

// Colours of the two series.
var (
	receivedColor = color.RGBA{R: 0x2b, G: 0x6c, B: 0xb0, A: 0xff}
	overdueColor  = color.RGBA{R: 0xd6, G: 0x3c, B: 0x2f, A: 0xff}
)

// Draw draws days as a PNG: per day, a bar of appeals received beside one
// of appeals gone overdue. f draws the labels; nil uses the built-in Latin
// font (Liberation), which has no Chinese glyphs, so give English labels
// then.
func Draw(days []digest.Day, l digest.Labels, f *Font) ([]byte, error) {
	if len(l.Days) != len(days) {
		return nil, fmt.Errorf("chart: %d day labels for %d days", len(l.Days), len(days))
	}
	p := plot.New()
	style := func(ts *text.Style, size vg.Length) {
		ts.Font.Size = size
		if f != nil {
			ts.Font = font.Font{Typeface: "cjk", Size: size}
			ts.Handler = text.Plain{Fonts: font.NewCache(font.Collection{{
				Font: font.Font{Typeface: "cjk", Style: xfont.StyleNormal, Weight: xfont.WeightNormal},
				Face: f.face,
			}})}
		}
	}
	style(&p.Title.TextStyle, 16)
	style(&p.Y.Label.TextStyle, 12)
	style(&p.X.Tick.Label, 11)
	style(&p.Y.Tick.Label, 11)
	style(&p.Legend.TextStyle, 12)
	p.Title.Text = l.Title
	p.Title.Padding = vg.Points(8)
	p.Y.Label.Text = l.YAxis
	p.Y.Min = 0
	p.Add(plotter.NewGrid())

	received, overdue := make(plotter.Values, len(days)), make(plotter.Values, len(days))
	top := 0
	for i, d := range days {
		received[i], overdue[i] = float64(d.Received), float64(d.Overdue)
		top = max(top, d.Received, d.Overdue)
	}
	w := vg.Points(18)
	rb, err := plotter.NewBarChart(received, w)
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	rb.Color, rb.LineStyle.Width, rb.Offset = receivedColor, 0, -w/2
	ob, err := plotter.NewBarChart(overdue, w)
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	ob.Color, ob.LineStyle.Width, ob.Offset = overdueColor, 0, w/2
	p.Add(rb, ob)
	p.Legend.Add(l.Received, rb)
	p.Legend.Add(l.Overdue, ob)
	p.Legend.Top = true
	p.Legend.Padding = vg.Points(3)
	p.Legend.XOffs = -vg.Points(4)
	p.NominalX(l.Days...)
	// Whole-number ticks; a week without appeals still shows a scale.
	p.Y.Max = float64(max(top+1, 4))
	p.Y.Tick.Marker = wholeTicks{}

	wt, err := p.WriterTo(chartWidth, chartHeight, "png")
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}

// wholeTicks marks whole numbers only, about five of them.
type wholeTicks struct{}

func (wholeTicks) Ticks(lo, hi float64) []plot.Tick {
	step := 1
	for m := 1; (hi-lo)/float64(step) > 6; m *= 10 {
		for _, k := range []int{1, 2, 5} {
			if step = k * m; (hi-lo)/float64(step) <= 6 {
				break
			}
		}
	}
	var out []plot.Tick
	for v := int(lo); float64(v) <= hi; v += step {
		out = append(out, plot.Tick{Value: float64(v), Label: fmt.Sprint(v)})
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
