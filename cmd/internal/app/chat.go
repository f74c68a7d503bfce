package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/appealbot/appealbot/bot"
	"github.com/appealbot/appealbot/bot/console"
	"github.com/appealbot/appealbot/bot/matrix"
	"github.com/appealbot/appealbot/bot/telegram"
	"github.com/appealbot/appealbot/commands"
)

// stdin is where the console chat reads; a variable so that tests can
// leave it alone, or give the console their own input (any reader but a
// file counts as a terminal).
var stdin io.Reader = os.Stdin

// transports returns the chat networks to connect: Telegram when a token is
// set and Matrix when a homeserver is (both at once work), else the console
// chat when standard input is a terminal, else none (a service manager or
// container: the API and the outbox keep working).
func transports(ctx context.Context, cfg Config, state matrix.StateStore, in io.Reader, out io.Writer, log *slog.Logger) ([]bot.Transport, error) {
	var trs []bot.Transport
	if cfg.MatrixHomeserver != "" {
		mx, err := matrix.New(matrix.Config{Homeserver: cfg.MatrixHomeserver, UserID: cfg.MatrixUserID,
			AccessToken: cfg.MatrixAccessToken, State: state, MaxPhotoBytes: cfg.Attachments.MaxBytes}, log)
		if err != nil {
			return nil, err
		}
		if err := mx.Check(ctx); err != nil {
			if kind, _ := bot.Classify(err); kind == bot.Permanent {
				return nil, fmt.Errorf("matrix: %w", err)
			}
			log.Warn("matrix: homeserver not reachable at start; will keep trying", "err", err)
		}
		log.Info("chat: connected to Matrix", "homeserver", cfg.MatrixHomeserver, "user", cfg.MatrixUserID)
		trs = append(trs, mx)
	}
	if cfg.TelegramToken != "" {
		var menu []telegram.CommandInfo
		for _, c := range commands.Commands() {
			menu = append(menu, telegram.CommandInfo{Name: c.Name, Description: c.Help})
		}
		tg, err := telegram.New(ctx, telegram.Config{
			Token: cfg.TelegramToken, APIURL: cfg.TelegramAPIURL,
			WebhookURL: cfg.TelegramWebhookURL, WebhookSecret: cfg.TelegramWebhookSecret,
			WebhookListen: cfg.TelegramWebhookListen, Commands: menu, DefaultLanguage: cfg.Language,
			Limits: cfg.TelegramLimits, MaxPhotoBytes: cfg.Attachments.MaxBytes,
		}, log)
		if err != nil {
			return nil, fmt.Errorf("telegram: %w", err)
		}
		log.Info("chat: connected to Telegram", "bot", tg.Username(), "webhook", cfg.TelegramWebhookURL != "")
		trs = append(trs, tg)
	}
	if len(trs) > 0 {
		return trs, nil
	}
	if f, ok := in.(*os.File); in != nil && (!ok || f != nil && term.IsTerminal(int(f.Fd()))) {
		log.Info("chat: console chat on this terminal (no APPEALBOT_TELEGRAM_TOKEN set)")
		return []bot.Transport{console.New(in, out, time.Now)}, nil
	}
	log.Warn("chat: no chat network is connected: set APPEALBOT_TELEGRAM_TOKEN or APPEALBOT_MATRIX_HOMESERVER; " +
		"the console chat needs a terminal. The API and the outbox keep running")
	return nil, nil
}
