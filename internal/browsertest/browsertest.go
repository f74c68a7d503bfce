// Package browsertest drives headless Chromium (Debian's chromium package)
// with chromedp for the web view's browser tests: it starts the browser,
// collects what the page writes to its console, and saves screenshots
// where a reviewer can look at them.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium with one tab.
type Browser struct {
	t   testing.TB
	Ctx context.Context
	dir string

	mu      sync.Mutex
	console []chromedp.ConsoleMessage
}

// Path finds Chromium: $APPEALBOT_CHROMIUM, else chromium or
// chromium-browser on the PATH; "" when there is none.
func Path() string {
	if p := os.Getenv("APPEALBOT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts Chromium, stopped when the test ends. Without Chromium the
// test is skipped, except in CI (CI=true), where .ci/run installs it and
// its absence is a failure.
func New(t testing.TB) *Browser {
	t.Helper()
	path := Path()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed: .ci/run installs Debian's chromium package")
		}
		t.Skip("chromium is not installed (apt-get install chromium, or set APPEALBOT_CHROMIUM): browser test skipped")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &Browser{t: t, Ctx: ctx, dir: artifacts(t)}
	// Start the browser (without a deadline: it lives as long as ctx).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m)
			b.mu.Unlock()
		}
	}()
	return b
}

// artifacts is where screenshots go: $APPEALBOT_TEST_ARTIFACTS/<test>
// when set, else the test's artifact directory (go test -artifacts keeps
// it).
func artifacts(t testing.TB) string {
	if d := os.Getenv("APPEALBOT_TEST_ARTIFACTS"); d != "" {
		dir := filepath.Join(d, strings.ReplaceAll(t.Name(), "/", "_"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	if a, ok := t.(interface{ ArtifactDir() string }); ok {
		return a.ArtifactDir()
	}
	return t.TempDir()
}

// Do runs actions with a time limit.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// Text is the text of the first element matching sel.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	return Run(b, chromedp.Text(sel))
}

// Run runs one action that returns a value, with a time limit.
func Run[T any](b *Browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	return v
}

// Screenshot saves the whole page as name.png and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png := Run(b, chromedp.FullScreenshot(100))
	p := filepath.Join(b.dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", p)
	return p
}

// Media emulates a CSS media type ("print"; "" for the screen).
func Media(media string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return err
	})
}

// Console returns what the pages wrote to the console so far.
func (b *Browser) Console() []chromedp.ConsoleMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]chromedp.ConsoleMessage(nil), b.console...)
}

// NoConsoleErrors fails the test for any error the pages reported (a
// script error, something the Content-Security-Policy blocked), the 4xx
// statuses of pages that say what is wrong aside.
func (b *Browser) NoConsoleErrors() {
	b.t.Helper()
	for _, m := range b.Console() {
		if strings.HasPrefix(m.Text, "Failed to load resource: the server responded with a status of 4") {
			continue
		}
		if m.Type == "error" || m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
			b.t.Errorf("browser console: %s", m)
		}
	}
}

// CanvasInk counts the painted pixels of the first canvas inside sel.
func CanvasInk(sel string) chromedp.Action[int] {
	return chromedp.Evaluate[int](`(() => {
		const c = document.querySelector(` + jsString(sel) + ` + ' canvas');
		if (!c || !c.width || !c.height) { return 0; }
		const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		let n = 0;
		for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) { n++; } }
		return n;
	})()`)
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
