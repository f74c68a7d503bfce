package console

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/appealbot/appealbot/bot"
)

func TestPhotoIsSavedAndNamed(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var out bytes.Buffer
	c := New(strings.NewReader(""), &out, clock)
	png := []byte("\x89PNG fake chart")
	if _, err := c.Send(t.Context(), bot.Outgoing{Chat: bot.ChatRef{ChatID: "-5"}, HTML: "<b>图表</b>", Photo: png}); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`\[chart: (\d+) bytes, saved to (\S+)\]`).FindStringSubmatch(out.String())
	if m == nil || m[1] != "15" || !strings.Contains(out.String(), "图表") {
		t.Fatalf("console shows:\n%s", out.String())
	}
	b, err := os.ReadFile(m[2])
	if err != nil || !bytes.Equal(b, png) {
		t.Fatalf("saved chart: %q %v", b, err)
	}
}
