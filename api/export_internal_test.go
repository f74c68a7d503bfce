package api

import (
	"regexp"
	"testing"

	"github.com/appealbot/appealbot/appeal"
)

// TestExportValuesInEachLanguage: with lang=zh every status, priority and
// yes/no of the export is Chinese; with lang=en each is the value the API
// uses.
func TestExportValuesInEachLanguage(t *testing.T) {
	latin := regexp.MustCompile(`[A-Za-z]`)
	zh, en := exportValuesFor("zh"), exportValuesFor("en")
	check := func(what, z, e, raw string) {
		if z == "" || latin.MatchString(z) {
			t.Errorf("%s %s in Chinese: %q", what, raw, z)
		}
		if e != raw {
			t.Errorf("%s %s in English: %q", what, raw, e)
		}
	}
	for _, s := range appeal.Statuses {
		check("status", zh.status(s), en.status(s), string(s))
	}
	for _, p := range []appeal.Priority{appeal.PriorityNormal, appeal.PriorityUrgent} {
		check("priority", zh.priority(p), en.priority(p), string(p))
	}
	check("yes", zh.yesNo[0], en.yesNo[0], "yes")
	check("no", zh.yesNo[1], en.yesNo[1], "no")
}
