package web_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/internal/browsertest"
	"github.com/appealbot/appealbot/internal/worldtest"
	"github.com/appealbot/appealbot/storage"
	"github.com/appealbot/appealbot/web"
)

// a4 is the media box of an A4 page in points (210 × 297 mm).
var a4 = regexp.MustCompile(`/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]`)

// TestBrowserExpiredLink: in Chromium, a link opened after its ten
// minutes shows the expired page and leaves no session: the overview
// still asks to log in.
func TestBrowserExpiredLink(t *testing.T) {
	b := browsertest.New(t)
	w := newWorld(t, storage.SQLite, web.Options{})
	srv := httptest.NewServer(w.srv)
	defer srv.Close()
	tok := w.link(worldtest.Leader)
	w.at(w.clock().Add(appeal.WebLinkTTL + time.Second))
	b.Do(chromedp.Navigate(web.LinkURL(srv.URL, tok)), chromedp.WaitVisible("#login"), chromedp.Click("#login"),
		chromedp.WaitNotPresent("#login"), chromedp.WaitVisible(".message h1"))
	if got := b.Text(".message"); !strings.Contains(got, "This link has expired") || !strings.Contains(got, "Send /web") {
		t.Errorf("expired link page: %q", got)
	}
	b.Screenshot("expired-link")
	b.Do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(".message h1"))
	if got := b.Text(".message"); !strings.Contains(got, "send /web to the bot") {
		t.Errorf("after an expired link the overview says %q", got)
	}
	b.NoConsoleErrors()
}

// TestBrowserPages: the pages draw in Chromium under the CSP: the score
// chart and the department's trend charts paint their canvases, and the
// bulletin prints on A4.
func TestBrowserPages(t *testing.T) {
	b := browsertest.New(t)
	w := newWorld(t, storage.SQLite, web.Options{})
	srv := httptest.NewServer(w.srv)
	defer srv.Close()
	b.Do(chromedp.Navigate(web.LinkURL(srv.URL, w.link(worldtest.Dispatcher))), chromedp.WaitVisible("#login"),
		chromedp.Click("#login"), chromedp.WaitVisible("#ranking"), chromedp.WaitVisible(`#scores[data-drawn]`))
	if n := browsertest.Run(b, browsertest.CanvasInk("#scores")); n < 500 {
		t.Errorf("the score chart painted %d pixels", n)
	}
	// On a phone the page fits the screen; wide tables scroll in their
	// own box.
	b.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Reload(),
		chromedp.WaitVisible(`#scores[data-drawn]`))
	if wide := browsertest.Run(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); wide > 390 {
		t.Errorf("on a phone the overview is %d px wide", wide)
	}
	b.Screenshot("overview-phone")
	b.Do(chromedp.EmulateViewport(1280, 900), chromedp.Reload(), chromedp.WaitVisible(`#scores[data-drawn]`))
	b.Do(chromedp.Click(`#ranking a[href^="/dept/roads"]`), chromedp.WaitVisible(`#trend[data-drawn]`), chromedp.WaitVisible(`#backlog[data-drawn]`))
	for _, sel := range []string{"#trend", "#backlog"} {
		if n := browsertest.Run(b, browsertest.CanvasInk(sel)); n < 500 {
			t.Errorf("%s painted %d pixels", sel, n)
		}
	}
	b.Do(chromedp.Navigate(srv.URL+"/bulletin?month=2026-11"), chromedp.WaitVisible("#ranking"))
	pdf := browsertest.Run(b, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
	if !strings.HasPrefix(string(pdf), "%PDF") || !a4.Match(pdf) {
		t.Errorf("the bulletin does not print on A4 (%d bytes)", len(pdf))
	}
	b.NoConsoleErrors()
}
