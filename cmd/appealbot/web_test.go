package main

import (
	"fmt"
	"html"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/appealbot/appealbot/bot/botapitest"
	"github.com/appealbot/appealbot/internal/browsertest"
)

// webDept is a department of the browser test and what happens to its
// appeals: how many arrive, are answered, closed resolved and unresolved,
// and get a satisfied or unsatisfied verdict.
type webDept struct {
	code, name, group              string
	chat                           int64
	received, answered             int
	resolved, unresolved, sat, uns int
}

var webDepts = []webDept{
	{"roads", "道路管理处", "道路", -3001, 6, 5, 3, 1, 3, 1},
	{"water", "供水集团", "供水", -3002, 5, 4, 3, 0, 3, 0},
	{"parks", "园林绿化局", "园林", -3003, 4, 2, 1, 1, 1, 1},
	{"health", "卫生健康委", "卫健", -3004, 4, 3, 2, 0, 2, 0},
	{"transit", "公交集团", "公交", -3005, 5, 1, 0, 1, 0, 1},
	{"housing", "住房建设局", "住建", -3006, 3, 0, 0, 0, 0, 0},
}

var hrefPattern = regexp.MustCompile(`href="([^"]+)"`)

// TestWebViewInBrowser drives the whole program: departments and appeals
// arrive over the API and are worked in chat through the Bot API test
// server; the admin sends /web in a private chat and opens the link the
// bot answered in headless Chromium; the ranking shows, a department's
// trend chart draws, an appeal's timeline and the printable bulletin
// open; logging out ends the session, and the used link and /web logout
// leave no way back in. Each page is saved as a screenshot; with
// APPEALBOT_WRITE_DOCS=1 the overview and the bulletin also replace
// docs/web-overview.png and docs/web-bulletin.png.
func TestWebViewInBrowser(t *testing.T) {
	b := browsertest.New(t)
	tg := botapitest.New(t)
	webAddr := freeAddr(t)
	site := "http://" + webAddr
	base, log, _ := startServe(t, map[string]string{
		"APPEALBOT_DATA_DIR":                   t.TempDir(),
		"APPEALBOT_TELEGRAM_TOKEN":             botapitest.Token,
		"APPEALBOT_TELEGRAM_API_URL":           tg.URL(),
		"APPEALBOT_ADMINS":                     "100",
		"APPEALBOT_LANGUAGE":                   "zh",
		"APPEALBOT_WEB_ADDR":                   webAddr,
		"APPEALBOT_TELEGRAM_CHAT_INTERVAL":     "0s",
		"APPEALBOT_TELEGRAM_CHAT_TOLERANCE":    "0s",
		"APPEALBOT_TELEGRAM_GROUP_PER_MINUTE":  "1000",
		"APPEALBOT_TELEGRAM_GLOBAL_PER_SECOND": "1000",
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log)
			for _, m := range tg.Sent() {
				t.Logf("sent to %d: %s", m.ChatID, m.Plain)
			}
		}
	})
	admin := botapitest.User{ID: 100, Username: "boss", FirstName: "王", LastName: "主任"}
	resp := botapitest.User{ID: 200, Username: "li", FirstName: "李", LastName: "办"}

	categories := []string{"市容环境", "公共设施", "交通出行", "供水供电"}
	sources := []string{"12345", "12345", "web", "wechat"}
	id := 0
	for _, d := range webDepts {
		put(t, base+"/api/v1/departments/"+d.code, `{"name":"`+d.name+`"}`)
		command(t, tg, d.chat, admin, "/dept bind "+d.code, d.code)
		command(t, tg, d.chat, admin, "/role add "+d.code+" responder 200", "承办人")
		for i := range d.received {
			id++
			st, m := postJSON(t, base+"/api/v1/appeals", "", fmt.Sprintf(`{"source":%q,"external_id":"W-%d",
				"title":"%s：诉求 %d","body":"市民反映的问题 %d。","department":%q,"category":%q,
				"citizen":{"name":"张三","phone":"13812345678"}}`,
				sources[id%len(sources)], id, d.group, i+1, id, d.code, categories[id%len(categories)]))
			if st != 201 {
				t.Fatalf("intake: %d %v", st, m)
			}
			n := fmt.Sprint(id)
			if i < d.answered {
				command(t, tg, d.chat, resp, "/answer "+n+" 已处理完毕。", "#"+n)
			}
			switch {
			case i < d.resolved:
				command(t, tg, d.chat, resp, "/close "+n+" resolved 已解决", "#"+n)
			case i < d.resolved+d.unresolved:
				command(t, tg, d.chat, resp, "/close "+n+" unresolved 部分解决", "#"+n)
			}
			switch {
			case i < d.sat:
				postJSON(t, base+"/api/v1/appeals/"+n+"/feedback", "", `{"result":"satisfied"}`)
			case i < d.sat+d.uns:
				postJSON(t, base+"/api/v1/appeals/"+n+"/feedback", "", `{"result":"unsatisfied"}`)
			}
		}
	}
	// One appeal waits for dispatch.
	postJSON(t, base+"/api/v1/appeals", "", `{"source":"12345","external_id":"W-x","title":"无法确定承办单位的诉求","body":"内容"}`)

	link := webLink(t, tg, admin)
	if !strings.HasPrefix(link, site+"/login/") {
		t.Fatalf("the link %q does not point at the web view %s", link, site)
	}

	b.Do(chromedp.Navigate(link), chromedp.WaitVisible("#login"))
	b.Screenshot("1-login")
	b.Do(chromedp.Click("#login"), chromedp.WaitVisible("#ranking"), chromedp.WaitVisible("#scores[data-drawn]"))
	ranking := b.Text("#ranking")
	for _, d := range webDepts {
		if !strings.Contains(ranking, d.name) {
			t.Errorf("the ranking lacks %s:\n%s", d.name, ranking)
		}
	}
	if !strings.Contains(ranking, "红榜") || !strings.Contains(ranking, "黑榜") {
		t.Errorf("the ranking marks no top or bottom:\n%s", ranking)
	}
	overview := b.Screenshot("2-overview")

	b.Do(chromedp.Click(`#ranking a[href^="/dept/roads"]`), chromedp.WaitVisible("#trend[data-drawn]"),
		chromedp.WaitVisible("#backlog[data-drawn]"))
	if n := browsertest.Run(b, browsertest.CanvasInk("#trend")); n < 500 {
		t.Errorf("the trend chart painted %d pixels", n)
	}
	b.Screenshot("3-department")

	b.Do(chromedp.Navigate(site+"/appeal/1"), chromedp.WaitVisible("#timeline"))
	if got := b.Text("main"); !strings.Contains(got, "道路：诉求 1") || !strings.Contains(got, "已处理完毕。") {
		t.Errorf("appeal page:\n%s", got)
	}
	b.Screenshot("4-appeal")

	b.Do(chromedp.Navigate(site+"/dispatch"), chromedp.WaitVisible("#queue"))
	if got := b.Text("#queue"); !strings.Contains(got, "无法确定承办单位的诉求") {
		t.Errorf("dispatch queue:\n%s", got)
	}
	b.Screenshot("5-dispatch")

	month := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")
	b.Do(chromedp.Navigate(site+"/bulletin?month="+month), chromedp.WaitVisible("#ranking"), browsertest.Media("print"))
	if got := b.Text("main"); !strings.Contains(got, "诉求办理考核通报") || !strings.Contains(got, "失分项") {
		t.Errorf("bulletin:\n%s", got)
	}
	bulletin := b.Screenshot("6-bulletin-print")
	pdf := browsertest.Run(b, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
	if err := os.WriteFile(strings.TrimSuffix(bulletin, ".png")+".pdf", pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	b.Do(browsertest.Media(""))
	if os.Getenv("APPEALBOT_WRITE_DOCS") == "1" {
		for from, to := range map[string]string{overview: "../../docs/web-overview.png", bulletin: "../../docs/web-bulletin.png"} {
			data, err := os.ReadFile(from)
			if err == nil {
				err = os.WriteFile(to, data, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}

	b.Do(chromedp.Navigate(site+"/"), chromedp.WaitVisible("#logout"), chromedp.Click("#logout"),
		chromedp.WaitNotPresent("#logout"), chromedp.WaitVisible(".message h1"))
	if got := b.Text(".message"); !strings.Contains(got, "已退出登录") {
		t.Errorf("after logout: %q", got)
	}
	b.Screenshot("7-logged-out")
	b.Do(chromedp.Navigate(site+"/"), chromedp.WaitVisible(".message h1"))
	if got := b.Text(".message"); !strings.Contains(got, "/web") || strings.Contains(got, "道路管理处") {
		t.Errorf("the overview after logout: %q", got)
	}
	// The link opened a session once; it opens none again.
	b.Do(chromedp.Navigate(link), chromedp.WaitVisible("#login"), chromedp.Click("#login"),
		chromedp.WaitNotPresent("#login"), chromedp.WaitVisible(".message h1"))
	if got := b.Text(".message"); !strings.Contains(got, "已被使用") {
		t.Errorf("the link used again: %q", got)
	}

	// /web logout in chat ends a session opened from a new link.
	b.Do(chromedp.Navigate(webLink(t, tg, admin)), chromedp.WaitVisible("#login"), chromedp.Click("#login"),
		chromedp.WaitVisible("#ranking"))
	command(t, tg, admin.ID, admin, "/web logout", "已退出 1 个网页登录")
	b.Do(chromedp.Reload(), chromedp.WaitVisible(".message h1"))
	if got := b.Text(".message"); !strings.Contains(got, "/web") {
		t.Errorf("after /web logout the page says %q", got)
	}
	b.NoConsoleErrors()
}

// webLink sends /web as user in their private chat and returns the link
// the bot answered with.
func webLink(t *testing.T, tg *botapitest.Server, user botapitest.User) string {
	t.Helper()
	before := len(tg.Messages(user.ID))
	command(t, tg, user.ID, user, "/web", "打开网页视图")
	ms := tg.Messages(user.ID)
	for _, m := range ms[before:] {
		if h := hrefPattern.FindStringSubmatch(m.Text); h != nil {
			return html.UnescapeString(h[1])
		}
	}
	t.Fatalf("no link in the bot's answer to /web: %+v", ms[before:])
	return ""
}

func put(t *testing.T, url, body string) {
	t.Helper()
	req, _ := http.NewRequest("PUT", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("PUT %s: %d", url, resp.StatusCode)
	}
}
