package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/appealbot/appealbot/api/open311"
	"github.com/appealbot/appealbot/appeal"
	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/kpi"
	"github.com/appealbot/appealbot/netguard"
	"github.com/appealbot/appealbot/reminders/digest"
)

// maxAttachmentBytes is the most APPEALBOT_ATTACHMENT_MAX_BYTES may be: a
// photo is read into memory whole, and stored in one row.
const maxAttachmentBytes = 50 << 20

// setting is one configuration value: a flag, an APPEALBOT_* variable and,
// for secrets and what else a container's secrets may hold (the first
// admins), an APPEALBOT_*_FILE variable naming a file that holds it.
type setting struct {
	flag   string
	def    string
	secret bool
	// file allows the _FILE variant for a value that is no secret.
	file  bool
	usage string
}

func (s setting) env() string {
	return "APPEALBOT_" + strings.ToUpper(strings.ReplaceAll(s.flag, "-", "_"))
}

// fromFile reports whether the setting has a _FILE variant.
func (s setting) fromFile() bool { return s.secret || s.file }

// EnvVars lists every environment variable the settings read, _FILE
// variants included.
func EnvVars() []string {
	var out []string
	for _, s := range settings {
		out = append(out, s.env())
		if s.fromFile() {
			out = append(out, s.env()+"_FILE")
		}
	}
	return out
}

// settings lists every setting of `serve` and `migrate`; the README's table
// is written from it.
var settings = []setting{
	{flag: "http-addr", def: "127.0.0.1:8080", usage: "address the HTTP API listens on"},
	{flag: "database-url", secret: true, usage: "PostgreSQL URL; empty uses the embedded SQLite file in the data dir"},
	{flag: "data-dir", def: "./data", usage: "directory of the embedded SQLite database"},
	{flag: "api-tokens", secret: true, usage: "comma-separated bearer tokens accepted by the API; empty allows only a loopback address"},
	{flag: "timezone", def: "Asia/Shanghai", usage: "IANA timezone given to departments created without one"},
	{flag: "working-hours", def: "09:00-12:00,13:30-18:00", usage: "working hours of every working day, in each department's timezone: comma-separated HH:MM-HH:MM intervals"},
	{flag: "working-days", def: "mon-fri", usage: "working days of the week: comma-separated days or ranges (mon, tue, wed, thu, fri, sat, sun)"},
	{flag: "log-level", def: "info", usage: "debug, info, warn or error"},
	{flag: "log-format", def: "text", usage: "text or json"},
	{flag: "shutdown-timeout", def: "15s", usage: "how long shutdown waits for requests in flight"},
	{flag: "language", def: "zh", usage: "default language of chat messages: zh or en"},
	{flag: "admins", file: true, usage: "comma-separated chat user ids (Telegram user ids, Matrix ids like @boss:gov.example) who are admins from the start"},
	{flag: "telegram-token", secret: true, usage: "Telegram bot token; empty runs the console chat instead"},
	{flag: "telegram-api-url", usage: "Bot API server URL, for a self-hosted one; empty is Telegram's"},
	{flag: "telegram-webhook-url", usage: "public HTTPS URL Telegram posts updates to; empty uses long polling"},
	{flag: "telegram-webhook-listen", def: "127.0.0.1:8443", usage: "address the webhook receiver listens on (behind the TLS proxy that serves the webhook URL)"},
	{flag: "telegram-webhook-secret", secret: true, usage: "secret_token Telegram sends with every webhook request; required with a webhook URL"},
	{flag: "matrix-homeserver", usage: "Matrix homeserver URL (client-server API); with the user id and access token, connects the bot to Matrix"},
	{flag: "matrix-user-id", usage: "the bot's Matrix user id, e.g. @appealbot:gov.example"},
	{flag: "matrix-access-token", secret: true, usage: "access token of the bot's Matrix account"},
	{flag: "webhook-secret", secret: true, usage: "HMAC-SHA256 key that signs answers posted to appeals' callback URLs"},
	{flag: "callback-events", def: "answered", usage: "events posted to the callback URL of an appeal whose intake names none: comma-separated names (assigned, claimed, returned, transferred, extended, answered, closed, reopened, urged) or all; kept with each appeal at intake"},
	{flag: "urge-interval", def: "1h", usage: "least time between two urges (催办) of one appeal through POST /api/v1/appeals/{id}/urge; a sooner one gets 429"},
	{flag: "callback-allow", usage: "where callback URLs may lead besides public addresses: comma-separated host names, domains (.gov.example or *.gov.example) and address ranges (10.20.0.0/16)"},
	{flag: "telegram-chat-interval", def: "1s", usage: "a Telegram chat gets one message per this interval on average"},
	{flag: "telegram-chat-tolerance", def: "100ms", usage: "how far ahead of its slot in that schedule a message to a Telegram chat may go, after one that left late (less than the interval)"},
	{flag: "telegram-group-per-minute", def: "20", usage: "most messages to one Telegram group in any minute"},
	{flag: "telegram-global-per-second", def: "25", usage: "most Telegram messages in any second, all chats together"},
	{flag: "coalesce-after", def: "6s", usage: "a group whose backlog would take longer than this to send gets its new appeals as one digest"},
	{flag: "scan-schedule", def: "* * * * *", usage: "cron schedule of the reminder scan (five fields, or @every 30s)"},
	{flag: "quiet-hours", def: "22:00-08:00", usage: "daily window, in each department's timezone, that holds reminders of normal appeals until it ends; off for none"},
	{flag: "nudge-share", def: "0.5", usage: "share of the claim time after which an unclaimed appeal is nudged in its department's chat"},
	{flag: "supervision-after", def: "24h", usage: "how long past the answer, decision and resolve deadlines an appeal is escalated to the supervision chat"},
	{flag: "dispatch-sla", def: "2wh", usage: "time dispatch has to give an unassigned or returned appeal to a department, a span in the default calendar (30m, 2wh, 1wd)"},
	{flag: "decision-sla", def: "1wd", usage: "time a leader has to decide on an answer awaiting approval or a request for more time, a span in the department's calendar"},
	{flag: "bounce-limit", def: "2", usage: "how many returns and transfers an appeal may have before the next one waits for supervision's ruling; 0 for no limit"},
	{flag: "extension-cap", def: "10wd", usage: "most time extensions may add to one appeal in all, a span in its department's calendar (10wd, 40wh); 0 for no cap"},
	{flag: "repeat-schedule", def: "workdays", usage: "when an appeal past the last stage of its status is chased again: workdays (each working day at the start of working hours), workdays HH:MM, or a span such as 4h or 2wh"},
	{flag: "digest-schedule", def: digest.DefaultDaily, usage: "when leaders get the daily digest of departments that set no schedule: a cron spec (minute hour day month weekday) in the department's timezone"},
	{flag: "weekly-digest-schedule", def: digest.DefaultWeekly, usage: "when leaders get the weekly digest of departments that set no schedule, as above"},
	{flag: "kpi-weights", def: "30,35,35", usage: "weights of the response, resolution and satisfaction rates in the departments' composite score: three numbers, none negative, not all 0"},
	{flag: "figures-max-readers", def: "4", usage: "how many figures requests (GET /api/v1/stats, /stats, digests) read the database at once; more wait up to a second, then get 503 with Retry-After (API) or a busy message (chat)"},
	{flag: "attachment-max-bytes", def: "10485760", usage: "largest photo an answer may carry, in bytes (1 to 52428800; Telegram serves bots files up to 20 MB); a larger one is refused and the answer not taken"},
	{flag: "attachment-max-count", def: "10", usage: "most photos one answer, and most links one intake, may carry (1 to 100)"},
	{flag: "open311-keys", secret: true, usage: "API keys of Open311 GeoReport clients, comma-separated NAME=KEY pairs (keys of 16 characters or more); empty serves no Open311"},
	{flag: "open311-services", usage: "JSON file of what Open311 services add to their departments: description, keywords, group, category and extra questions (attributes)"},
	{flag: "web-addr", usage: "address the leaders' web view listens on (behind the TLS proxy that serves the web URL); empty serves no web view"},
	{flag: "web-url", usage: "public URL of the web view, where /web's login links point (https makes its cookie Secure); empty is http:// and the web address"},
	{flag: "web-public", def: "off", usage: "on publishes the monthly figures and ranking at /public without login (no appeal text, no citizen's or staff member's name)"},
	{flag: "autoroute-min-confidence", def: "off", usage: "assign an appeal that no routing rule takes to the learned router's top department when its confidence reaches this (a number above 0 up to 1, such as 0.9); off never assigns automatically"},
	{flag: "router-interval", def: "1m", usage: "how often the learned router checks for new labels to retrain on, and every instance for a newer model"},
	{flag: "router-retrain-after", def: "20", usage: "how many new answers, returns, transfers and imported examples make the router train again"},
	{flag: "chart-font", usage: "TTF/OTF/TTC font file with Chinese glyphs for the digest charts; empty searches the usual Debian paths (fonts-wqy-microhei, fonts-noto-cjk)"},
}

// Config is the parsed, validated configuration, passed down as plain values.
type Config struct {
	HTTPAddr    string
	DatabaseURL string
	DataDir     string
	APITokens   []string
	Timezone    string
	// WorkingHours and WorkingDays make the working week deadlines in
	// working time count in; holidays and make-up days come from storage.
	WorkingHours    []appeal.Interval
	WorkingDays     [7]bool
	LogLevel        slog.Level
	LogFormat       string
	ShutdownTimeout time.Duration

	Language string
	Admins   []string

	TelegramToken         string
	TelegramAPIURL        string
	TelegramWebhookURL    string
	TelegramWebhookListen string
	TelegramWebhookSecret string

	MatrixHomeserver  string
	MatrixUserID      string
	MatrixAccessToken string

	WebhookSecret string
	// CallbackAllow is where callbacks may go besides public addresses.
	CallbackAllow netguard.Policy
	// CallbackEvents are the events posted to the callback URL of an
	// intake that names none.
	CallbackEvents []string
	// UrgeInterval is the least time between two urges of one appeal.
	UrgeInterval time.Duration

	TelegramLimits bot.Limits
	CoalesceAfter  time.Duration

	ScanSchedule string
	Reminders    appeal.ReminderPolicy
	// Process are the limits of the 12345 loop: bounces before
	// supervision rules, extensions in all.
	Process      appeal.Process
	DigestDaily  string
	DigestWeekly string
	ChartFont    string
	KPIWeights   kpi.Weights
	// FiguresMaxReaders bounds concurrent figures requests.
	FiguresMaxReaders int
	// Attachments bound the photos of an answer and the links of an
	// intake.
	Attachments appeal.AttachmentLimits
	// AutorouteMin is the confidence from which intake assigns by the
	// learned router; 0 is off.
	AutorouteMin float64
	// RouterInterval and RouterRetrainAfter tune the learned router's
	// training and loading (dispatch.Config).
	RouterInterval     time.Duration
	RouterRetrainAfter int64
	// Location is Timezone loaded: the zone of periods and dates that
	// belong to no department (/stats rankings, GET /api/v1/stats).
	Location *time.Location

	// WebAddr is where the web view listens, "" for none; WebURL is
	// where people reach it; WebPublic serves /public without login.
	WebAddr   string
	WebURL    string
	WebPublic bool

	// Open311Keys are the Open311 clients' keys; with none, /open311/v2/
	// is not served.
	Open311Keys []open311.Key
	// Open311Services are what services add to their departments.
	Open311Services map[string]open311.ServiceSettings
}

// ParseConfig reads flags from args and APPEALBOT_* variables through getenv
// (a flag wins over its variable) and reports every problem at once.
func ParseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("appealbot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := make(map[string]*string, len(settings))
	for _, s := range settings {
		help := s.usage + " (" + s.env()
		if s.fromFile() {
			help += " or " + s.env() + "_FILE"
		}
		help += ")"
		if s.def != "" {
			help += ", default " + s.def
		}
		vals[s.flag] = fs.String(s.flag, "", help)
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var errs []error
	get := map[string]string{}
	for _, s := range settings {
		v, err := lookup(s, *vals[s.flag], set[s.flag], getenv)
		if err != nil {
			errs = append(errs, err)
		}
		get[s.flag] = v
	}

	c := Config{
		HTTPAddr:    get["http-addr"],
		DatabaseURL: get["database-url"],
		DataDir:     get["data-dir"],
		Timezone:    get["timezone"],
		LogFormat:   get["log-format"],
		Language:    get["language"],

		TelegramToken:         get["telegram-token"],
		TelegramAPIURL:        get["telegram-api-url"],
		TelegramWebhookURL:    get["telegram-webhook-url"],
		TelegramWebhookListen: get["telegram-webhook-listen"],
		TelegramWebhookSecret: get["telegram-webhook-secret"],
		WebhookSecret:         get["webhook-secret"],
		MatrixHomeserver:      get["matrix-homeserver"],
		MatrixUserID:          get["matrix-user-id"],
		MatrixAccessToken:     get["matrix-access-token"],
	}
	for _, a := range strings.Split(get["admins"], ",") {
		if a = strings.TrimSpace(a); a != "" {
			c.Admins = append(c.Admins, a)
		}
	}
	c.TelegramLimits = bot.TelegramLimits()
	if d, err := time.ParseDuration(get["telegram-chat-interval"]); err != nil || d < 0 {
		errs = append(errs, fmt.Errorf("APPEALBOT_TELEGRAM_CHAT_INTERVAL: %q is not a duration such as 1s", get["telegram-chat-interval"]))
	} else {
		c.TelegramLimits.PerChat = d
	}
	if d, err := time.ParseDuration(get["telegram-chat-tolerance"]); err != nil || d < 0 || c.TelegramLimits.PerChat > 0 && d >= c.TelegramLimits.PerChat {
		errs = append(errs, fmt.Errorf("APPEALBOT_TELEGRAM_CHAT_TOLERANCE: %q is not a duration from 0 to less than the chat interval (%v), such as 100ms", get["telegram-chat-tolerance"], c.TelegramLimits.PerChat))
	} else {
		c.TelegramLimits.PerChatTolerance = d
	}
	if n, err := strconv.Atoi(get["telegram-group-per-minute"]); err != nil || n < 1 {
		errs = append(errs, fmt.Errorf("APPEALBOT_TELEGRAM_GROUP_PER_MINUTE: %q is not a whole number of at least 1", get["telegram-group-per-minute"]))
	} else {
		c.TelegramLimits.PerGroup = n
	}
	if n, err := strconv.Atoi(get["telegram-global-per-second"]); err != nil || n < 1 {
		errs = append(errs, fmt.Errorf("APPEALBOT_TELEGRAM_GLOBAL_PER_SECOND: %q is not a whole number of at least 1", get["telegram-global-per-second"]))
	} else {
		c.TelegramLimits.Global = n
	}
	if v := strings.ToLower(strings.TrimSpace(get["autoroute-min-confidence"])); v != "off" && v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f > 0 && f <= 1) {
			errs = append(errs, fmt.Errorf("APPEALBOT_AUTOROUTE_MIN_CONFIDENCE: %q is not a number above 0 up to 1, such as 0.9, or off", get["autoroute-min-confidence"]))
		}
		c.AutorouteMin = f
	}
	if d, err := time.ParseDuration(get["router-interval"]); err != nil || d < time.Second {
		errs = append(errs, fmt.Errorf("APPEALBOT_ROUTER_INTERVAL: %q is not a duration of at least 1s, such as 1m", get["router-interval"]))
	} else {
		c.RouterInterval = d
	}
	if n, err := strconv.ParseInt(get["router-retrain-after"], 10, 64); err != nil || n < 1 {
		errs = append(errs, fmt.Errorf("APPEALBOT_ROUTER_RETRAIN_AFTER: %q is not a whole number of at least 1", get["router-retrain-after"]))
	} else {
		c.RouterRetrainAfter = n
	}
	if d, err := time.ParseDuration(get["coalesce-after"]); err != nil || d <= 0 {
		errs = append(errs, fmt.Errorf("APPEALBOT_COALESCE_AFTER: %q is not a positive duration such as 6s", get["coalesce-after"]))
	} else {
		c.CoalesceAfter = d
	}
	c.ScanSchedule = get["scan-schedule"]
	if _, err := cron.ParseStandard(c.ScanSchedule); err != nil {
		errs = append(errs, fmt.Errorf("APPEALBOT_SCAN_SCHEDULE: %q is not a cron schedule such as \"* * * * *\" or @every 1m", c.ScanSchedule))
	}
	if q, err := appeal.ParseQuietHours(get["quiet-hours"]); err != nil {
		errs = append(errs, fmt.Errorf("APPEALBOT_QUIET_HOURS: %q is not HH:MM-HH:MM or off", get["quiet-hours"]))
	} else {
		c.Reminders.Quiet = q
	}
	if f, err := strconv.ParseFloat(get["nudge-share"], 64); err != nil || !(f > 0 && f < 1) {
		errs = append(errs, fmt.Errorf("APPEALBOT_NUDGE_SHARE: %q is not a number between 0 and 1 such as 0.5", get["nudge-share"]))
	} else {
		c.Reminders.NudgeShare = f
	}
	if d, err := time.ParseDuration(get["supervision-after"]); err != nil || d < 0 {
		errs = append(errs, fmt.Errorf("APPEALBOT_SUPERVISION_AFTER: %q is not a duration such as 24h", get["supervision-after"]))
	} else {
		c.Reminders.SupervisionAfter = d
	}
	for _, sp := range []struct {
		env, flag string
		dst       *appeal.Span
	}{{"APPEALBOT_DISPATCH_SLA", "dispatch-sla", &c.Reminders.DispatchSLA}, {"APPEALBOT_DECISION_SLA", "decision-sla", &c.Reminders.DecisionSLA}} {
		if v, err := appeal.ParseSpan(get[sp.flag]); err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a span such as 30m, 2wh or 1wd: %w", sp.env, get[sp.flag], err))
		} else {
			*sp.dst = v
		}
	}
	if n, err := strconv.Atoi(get["bounce-limit"]); err != nil || n < 0 {
		errs = append(errs, fmt.Errorf("APPEALBOT_BOUNCE_LIMIT: %q is not a whole number of 0 or more such as 2", get["bounce-limit"]))
	} else {
		c.Process.BounceLimit = n
	}
	if v := get["extension-cap"]; v != "0" {
		if sp, err := appeal.ParseSpan(v); err != nil {
			errs = append(errs, fmt.Errorf("APPEALBOT_EXTENSION_CAP: %q is not a span such as 10wd or 40wh, or 0: %w", v, err))
		} else {
			c.Process.ExtensionCap = sp
		}
	}
	if r, err := appeal.ParseRepeat(get["repeat-schedule"]); err != nil {
		errs = append(errs, fmt.Errorf("APPEALBOT_REPEAT_SCHEDULE: %w", err))
	} else {
		c.Reminders.Repeat = r
	}
	for _, d := range []struct {
		env string
		dst *string
		val string
	}{{"APPEALBOT_DIGEST_SCHEDULE", &c.DigestDaily, get["digest-schedule"]}, {"APPEALBOT_WEEKLY_DIGEST_SCHEDULE", &c.DigestWeekly, get["weekly-digest-schedule"]}} {
		if _, tidy, err := digest.ParseSpec(d.val); err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a cron spec such as \"30 8 * * 1-5\": %w", d.env, d.val, err))
		} else {
			*d.dst = tidy
		}
	}
	c.ChartFont = get["chart-font"]
	c.WebAddr, c.WebURL = strings.TrimSpace(get["web-addr"]), strings.TrimRight(strings.TrimSpace(get["web-url"]), "/")
	if c.WebAddr != "" {
		if _, _, err := net.SplitHostPort(c.WebAddr); err != nil {
			errs = append(errs, fmt.Errorf("APPEALBOT_WEB_ADDR: %q is not host:port", c.WebAddr))
		}
		if c.WebURL == "" {
			c.WebURL = "http://" + c.WebAddr
		}
	}
	if c.WebURL != "" {
		if p, err := url.Parse(c.WebURL); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.RawQuery != "" {
			errs = append(errs, fmt.Errorf("APPEALBOT_WEB_URL: %q is not an http(s) URL", c.WebURL))
		} else if p.Path != "" {
			errs = append(errs, fmt.Errorf("APPEALBOT_WEB_URL: %q has a path: the web view is served at the root of its host name", c.WebURL))
		} else if c.WebAddr == "" {
			errs = append(errs, errors.New("APPEALBOT_WEB_URL: needs APPEALBOT_WEB_ADDR, the address the web view listens on"))
		}
	}
	switch strings.ToLower(strings.TrimSpace(get["web-public"])) {
	case "on", "true", "1", "yes":
		c.WebPublic = true
	case "off", "false", "0", "no", "":
	default:
		errs = append(errs, fmt.Errorf("APPEALBOT_WEB_PUBLIC: %q is not on or off", get["web-public"]))
	}
	if p, err := netguard.Parse(get["callback-allow"]); err != nil {
		errs = append(errs, fmt.Errorf("APPEALBOT_CALLBACK_ALLOW: %w", err))
	} else {
		c.CallbackAllow = p
	}
	if evs, err := appeal.ParseCallbackEvents(strings.Split(get["callback-events"], ",")); err != nil {
		errs = append(errs, fmt.Errorf("APPEALBOT_CALLBACK_EVENTS: %w", err))
	} else {
		c.CallbackEvents = evs
	}
	if d, err := time.ParseDuration(get["urge-interval"]); err != nil || d < 0 {
		errs = append(errs, fmt.Errorf("APPEALBOT_URGE_INTERVAL: %q is not a duration such as 1h or 30m (0 allows every urge)", get["urge-interval"]))
	} else {
		c.UrgeInterval = d
	}
	if w, err := kpi.ParseWeights(get["kpi-weights"]); err != nil {
		errs = append(errs, fmt.Errorf("APPEALBOT_KPI_WEIGHTS: %v", err))
	} else {
		c.KPIWeights = w
	}
	if n, err := strconv.Atoi(get["figures-max-readers"]); err != nil || n < 1 {
		errs = append(errs, fmt.Errorf("APPEALBOT_FIGURES_MAX_READERS: %q is not a number of at least 1", get["figures-max-readers"]))
	} else {
		c.FiguresMaxReaders = n
	}
	if n, err := strconv.ParseInt(get["attachment-max-bytes"], 10, 64); err != nil || n < 1 || n > maxAttachmentBytes {
		errs = append(errs, fmt.Errorf("APPEALBOT_ATTACHMENT_MAX_BYTES: %q is not a number of bytes from 1 to %d", get["attachment-max-bytes"], maxAttachmentBytes))
	} else {
		c.Attachments.MaxBytes = n
	}
	if n, err := strconv.Atoi(get["attachment-max-count"]); err != nil || n < 1 || n > 100 {
		errs = append(errs, fmt.Errorf("APPEALBOT_ATTACHMENT_MAX_COUNT: %q is not a number from 1 to 100", get["attachment-max-count"]))
	} else {
		c.Attachments.MaxCount = n
	}
	if k, err := open311.ParseKeys(get["open311-keys"]); err != nil {
		errs = append(errs, fmt.Errorf("APPEALBOT_OPEN311_KEYS: %w", err))
	} else {
		c.Open311Keys = k
	}
	if file := get["open311-services"]; file != "" {
		b, err := os.ReadFile(file)
		if err == nil {
			c.Open311Services, err = open311.ParseServiceSettings(b)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("APPEALBOT_OPEN311_SERVICES: %s: %w", file, err))
		}
	}
	if c.Language != "zh" && c.Language != "en" {
		errs = append(errs, fmt.Errorf("APPEALBOT_LANGUAGE: %q is not zh or en", c.Language))
	}
	if c.TelegramToken != "" && !telegramToken.MatchString(c.TelegramToken) {
		errs = append(errs, errors.New("APPEALBOT_TELEGRAM_TOKEN: not a bot token (digits, a colon and 35 letters, digits, '_' or '-')"))
	}
	for name, u := range map[string]string{"APPEALBOT_TELEGRAM_API_URL": c.TelegramAPIURL, "APPEALBOT_TELEGRAM_WEBHOOK_URL": c.TelegramWebhookURL} {
		if u == "" {
			continue
		}
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("%s: %q is not an http(s) URL", name, u))
		}
	}
	if c.TelegramWebhookURL != "" {
		if c.TelegramToken == "" {
			errs = append(errs, errors.New("APPEALBOT_TELEGRAM_WEBHOOK_URL: needs APPEALBOT_TELEGRAM_TOKEN"))
		}
		if len(c.TelegramWebhookSecret) < 16 || !webhookSecret.MatchString(c.TelegramWebhookSecret) {
			errs = append(errs, errors.New("APPEALBOT_TELEGRAM_WEBHOOK_SECRET: required with a webhook URL: 16-256 letters, digits, '_' or '-'"))
		}
		if _, _, err := net.SplitHostPort(c.TelegramWebhookListen); err != nil {
			errs = append(errs, fmt.Errorf("APPEALBOT_TELEGRAM_WEBHOOK_LISTEN: %q is not host:port", c.TelegramWebhookListen))
		}
	}
	if c.MatrixHomeserver != "" || c.MatrixUserID != "" || c.MatrixAccessToken != "" {
		if p, err := url.Parse(c.MatrixHomeserver); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("APPEALBOT_MATRIX_HOMESERVER: %q is not an http(s) URL; Matrix needs the homeserver, user id and access token", c.MatrixHomeserver))
		}
		if !matrixUserID.MatchString(c.MatrixUserID) {
			errs = append(errs, fmt.Errorf("APPEALBOT_MATRIX_USER_ID: %q is not a Matrix user id such as @appealbot:gov.example", c.MatrixUserID))
		}
		if c.MatrixAccessToken == "" {
			errs = append(errs, errors.New("APPEALBOT_MATRIX_ACCESS_TOKEN: required with a Matrix homeserver"))
		}
	}
	for _, t := range strings.Split(get["api-tokens"], ",") {
		if t = strings.TrimSpace(t); t != "" {
			c.APITokens = append(c.APITokens, t)
		}
	}
	for _, t := range c.APITokens {
		if len(t) < 16 {
			errs = append(errs, errors.New("APPEALBOT_API_TOKENS: every token must be at least 16 characters"))
			break
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(get["log-level"])); err != nil {
		errs = append(errs, fmt.Errorf("APPEALBOT_LOG_LEVEL: %q is not debug, info, warn or error", get["log-level"]))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("APPEALBOT_LOG_FORMAT: %q is not text or json", c.LogFormat))
	}
	if hs, err := appeal.ParseWorkingHours(get["working-hours"]); err != nil {
		errs = append(errs, fmt.Errorf("APPEALBOT_WORKING_HOURS: %q: %v; write e.g. 09:00-12:00,13:30-18:00", get["working-hours"], err))
	} else {
		c.WorkingHours = hs
	}
	if ds, err := appeal.ParseWorkingDays(get["working-days"]); err != nil {
		errs = append(errs, fmt.Errorf("APPEALBOT_WORKING_DAYS: %q: %v; write e.g. mon-fri", get["working-days"], err))
	} else {
		c.WorkingDays = ds
	}
	if loc, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		errs = append(errs, fmt.Errorf("APPEALBOT_TIMEZONE: %q is not a known IANA timezone", c.Timezone))
	} else {
		c.Location = loc
	}
	d, err := time.ParseDuration(get["shutdown-timeout"])
	if err != nil || d <= 0 {
		errs = append(errs, fmt.Errorf("APPEALBOT_SHUTDOWN_TIMEOUT: %q is not a positive duration such as 15s", get["shutdown-timeout"]))
	}
	c.ShutdownTimeout = d
	if c.DatabaseURL == "" && c.DataDir == "" {
		errs = append(errs, errors.New("APPEALBOT_DATA_DIR: must not be empty when APPEALBOT_DATABASE_URL is unset"))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("APPEALBOT_DATABASE_URL: must be a postgres:// or postgresql:// URL"))
	}
	if err := checkAddr(c.HTTPAddr, len(c.APITokens) > 0); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

var (
	telegramToken = regexp.MustCompile(`^\d+:[\w-]{35}$`)
	webhookSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	matrixUserID  = regexp.MustCompile(`^@[a-z0-9._=/+-]+:[A-Za-z0-9.:\[\]-]+$`)
)

// lookup resolves one setting: the flag if given, else VAR, else VAR_FILE
// (where the setting has one), else the default.
func lookup(s setting, flagVal string, flagSet bool, getenv func(string) string) (string, error) {
	if flagSet {
		return flagVal, nil
	}
	env := getenv(s.env())
	if s.fromFile() {
		if file := getenv(s.env() + "_FILE"); file != "" {
			if env != "" {
				return "", fmt.Errorf("%s and %s_FILE are both set: use one", s.env(), s.env())
			}
			b, err := os.ReadFile(file)
			if err != nil {
				return "", fmt.Errorf("%s_FILE: %w", s.env(), err)
			}
			return strings.TrimSpace(string(b)), nil
		}
	}
	if env != "" {
		return env, nil
	}
	return s.def, nil
}

// checkAddr refuses an address that is not host:port, and an API without
// tokens on anything but a loopback address.
func checkAddr(addr string, haveTokens bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("APPEALBOT_HTTP_ADDR: %q is not host:port", addr)
	}
	if haveTokens {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("APPEALBOT_HTTP_ADDR: %q is not a loopback address; set APPEALBOT_API_TOKENS to expose the API", addr)
}

// newLogger builds the process logger. Secrets never reach it: config
// values are logged only through logValue.
func newLogger(c Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// logValue describes the configuration for the start-up log line, with
// secrets reduced to whether they are set.
func (c Config) logValue() slog.Value {
	store := "sqlite"
	if c.DatabaseURL != "" {
		store = "postgres"
	}
	return slog.GroupValue(
		slog.String("http_addr", c.HTTPAddr),
		slog.String("store", store),
		slog.String("data_dir", c.DataDir),
		slog.Int("api_tokens", len(c.APITokens)),
		slog.Int("open311_clients", len(c.Open311Keys)),
		slog.String("timezone", c.Timezone),
		slog.String("language", c.Language),
		slog.Int("admins", len(c.Admins)),
		slog.Bool("telegram", c.TelegramToken != ""),
		slog.Bool("telegram_webhook", c.TelegramWebhookURL != ""),
		slog.String("matrix_user", c.MatrixUserID),
		slog.Bool("callbacks_signed", c.WebhookSecret != ""),
		slog.String("callback_allow", c.CallbackAllow.String()),
		slog.String("callback_events", strings.Join(c.CallbackEvents, ",")),
		slog.Duration("urge_interval", c.UrgeInterval),
		slog.String("digest_schedule", c.DigestDaily),
		slog.String("weekly_digest_schedule", c.DigestWeekly),
		slog.String("kpi_weights", c.KPIWeights.String()),
		slog.Int("figures_max_readers", c.FiguresMaxReaders),
		slog.Int64("attachment_max_bytes", c.Attachments.MaxBytes),
		slog.Int("attachment_max_count", c.Attachments.MaxCount),
		slog.String("scan_schedule", c.ScanSchedule),
		slog.String("dispatch_sla", c.Reminders.DispatchSLA.String()),
		slog.String("decision_sla", c.Reminders.DecisionSLA.String()),
		slog.String("repeat_schedule", c.Reminders.Repeat.String()),
		slog.String("web_addr", c.WebAddr),
		slog.String("web_url", c.WebURL),
		slog.Bool("web_public", c.WebPublic),
		slog.Float64("autoroute_min_confidence", c.AutorouteMin),
	)
}
