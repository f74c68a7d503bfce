package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/appealbot/appealbot/cmd/internal/app"
)

// composeFile is what the test reads of compose.yaml.
type composeFile struct {
	Services map[string]struct {
		Environment map[string]string `yaml:"environment"`
		Secrets     []string          `yaml:"secrets"`
	} `yaml:"services"`
	Secrets map[string]struct {
		File string `yaml:"file"`
	} `yaml:"secrets"`
}

// interpolation is Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}.
var interpolation = regexp.MustCompile(`\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}`)

// TestComposeStartsABotItsAdminCanSetUp reads compose.yaml (docker is not
// needed): the appealbot service gets the Telegram token, the first admins
// and the API tokens from secret files that the file defines, every
// APPEALBOT_* variable it or the Dockerfile sets is a real setting, and
// the settings they make, read as serve reads them, are a Telegram bot
// with an admin and PostgreSQL, not an API-only process.
func TestComposeStartsABotItsAdminCanSetUp(t *testing.T) {
	raw, err := os.ReadFile("../../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	svc, ok := c.Services["appealbot"]
	if !ok {
		t.Fatalf("no appealbot service in %v", c.Services)
	}
	known := app.EnvVars()
	env := map[string]string{}
	for k, v := range dockerfileEnv(t) {
		env[k] = v
	}
	for k, v := range svc.Environment {
		env[k] = v
	}
	for k := range env {
		if strings.HasPrefix(k, "APPEALBOT_") && !slices.Contains(known, k) {
			t.Errorf("%s is set but is no setting of appealbot", k)
		}
	}

	secrets := t.TempDir()
	contents := map[string]string{
		"telegram_token": "123456789:" + strings.Repeat("A", 35) + "\n",
		"admins":         "424242\n",
		"api_tokens":     "0123456789abcdef0123456789abcdef\n",
	}
	for name, body := range contents {
		if !slices.Contains(svc.Secrets, name) {
			t.Errorf("the appealbot service does not mount the secret %s (it has %v)", name, svc.Secrets)
		}
		if f := c.Secrets[name].File; f != "./secrets/"+name {
			t.Errorf("secret %s comes from %q, want ./secrets/%s as the comments say", name, f, name)
		}
		if err := os.WriteFile(filepath.Join(secrets, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for k, want := range map[string]string{
		"APPEALBOT_TELEGRAM_TOKEN_FILE": "/run/secrets/telegram_token",
		"APPEALBOT_ADMINS_FILE":         "/run/secrets/admins",
		"APPEALBOT_API_TOKENS_FILE":     "/run/secrets/api_tokens",
	} {
		if env[k] != want {
			t.Errorf("%s = %q, want %q", k, env[k], want)
		}
	}

	// The settings as the container sees them: Compose's interpolation
	// from the shell (POSTGRES_PASSWORD), the secrets where Compose
	// mounts them.
	shell := map[string]string{"POSTGRES_PASSWORD": "pw0123456789"}
	getenv := func(k string) string {
		v := interpolation.ReplaceAllStringFunc(env[k], func(m string) string {
			p := interpolation.FindStringSubmatch(m)
			if s, ok := shell[p[1]]; ok && s != "" {
				return s
			}
			if p[2] == "?" {
				t.Errorf("%s needs %s: %s", k, p[1], p[3])
			}
			return p[3]
		})
		if name, ok := strings.CutPrefix(v, "/run/secrets/"); ok {
			return filepath.Join(secrets, name)
		}
		return v
	}
	cfg, err := app.ParseConfig("serve", nil, getenv, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("the settings of compose.yaml do not start appealbot: %v", err)
	}
	if cfg.TelegramToken != strings.TrimSpace(contents["telegram_token"]) {
		t.Errorf("no Telegram bot: token %q", cfg.TelegramToken)
	}
	if !slices.Equal(cfg.Admins, []string{"424242"}) {
		t.Errorf("admins %v, want the one in secrets/admins", cfg.Admins)
	}
	if len(cfg.APITokens) != 1 || !strings.HasPrefix(cfg.DatabaseURL, "postgres://appealbot:pw0123456789@postgres:5432/") {
		t.Errorf("API tokens %d, database %q", len(cfg.APITokens), cfg.DatabaseURL)
	}
	if cfg.HTTPAddr != "0.0.0.0:8080" || cfg.ChartFont == "" {
		t.Errorf("HTTP address %q, chart font %q (from the Dockerfile)", cfg.HTTPAddr, cfg.ChartFont)
	}
}

// dockerfileEnv reads the ENV lines of the runtime image (the last stage)
// of the Dockerfile.
func dockerfileEnv(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	// Join continued lines, then keep the ENV instructions after the last FROM.
	var lines []string
	cont := ""
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(l, "#") {
			continue
		}
		if s, ok := strings.CutSuffix(l, "\\"); ok {
			cont += s + " "
			continue
		}
		lines = append(lines, cont+l)
		cont = ""
	}
	env := map[string]string{}
	for _, l := range lines {
		switch f := strings.Fields(l); {
		case len(f) > 0 && f[0] == "FROM":
			clear(env)
		case len(f) > 1 && f[0] == "ENV":
			for _, kv := range f[1:] {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("Dockerfile: ENV %q is not KEY=VALUE", kv)
				}
				env[k] = v
			}
		}
	}
	if len(env) == 0 {
		t.Fatal("Dockerfile: no ENV in the runtime image")
	}
	return env
}
