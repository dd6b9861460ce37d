package telegram

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// recentWebhookError is how recent Telegram's last webhook delivery error
// must be for Check to call it a problem rather than history.
const recentWebhookError = time.Hour

// Check tests the bot's credentials and update path for `bridge check`:
// getMe (the token), then getWebhookInfo. In webhook mode the webhook must
// point at PublicURL/telegram/webhook, and Telegram must not report recent
// delivery errors; in polling mode a leftover webhook is only noted (the
// poller deletes it at start). With apply, the webhook is set (webhook
// mode, with the secret token, which Telegram never shows back) or
// deleted (polling mode). Lines are for the operator; problems fail the
// check. Only Token, Endpoint, HTTPClient, Mode, PublicURL and
// WebhookSecret of opts are used; the token never appears in either.
func Check(ctx context.Context, opts Options, apply bool) (lines, problems []string) {
	if opts.Token == "" {
		return nil, []string{"channels.telegram.token_env: no bot token"}
	}
	if opts.Endpoint == "" {
		opts.Endpoint = tgbotapi.APIEndpoint
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if opts.Mode == "" {
		opts.Mode = ModePolling
	}
	bot, err := tgbotapi.NewBotAPIWithClient(opts.Token, opts.Endpoint, ctxClient{ctx, opts.HTTPClient, opts.Token})
	switch {
	case err == nil:
	case tokenRefused(err):
		return nil, []string{"channels.telegram.token_env: getMe: the bot token was refused (" + redact(err, opts.Token) + "): check the token @BotFather gave"}
	case unreachable(err):
		return nil, []string{fmt.Sprintf("telegram: getMe: cannot reach %s (%s): check the network, DNS and any proxy between the bridge and Telegram (channels.telegram.api_url)",
			endpointHost(opts.Endpoint), redact(err, opts.Token))}
	default:
		return nil, []string{"telegram: getMe failed: " + redact(err, opts.Token)}
	}
	lines = append(lines, fmt.Sprintf("telegram: bot @%s (id %d), mode %s", bot.Self.UserName, bot.Self.ID, opts.Mode))
	info, err := bot.GetWebhookInfo()
	if err != nil {
		return lines, append(problems, "telegram: getWebhookInfo failed: "+redact(err, opts.Token))
	}
	if opts.Mode == ModePolling {
		switch {
		case info.URL == "":
			lines = append(lines, "telegram: no webhook set, long polling can run")
		case apply:
			if _, err := bot.MakeRequest("deleteWebhook", nil); err != nil {
				return lines, append(problems, "telegram: deleteWebhook failed: "+redact(err, opts.Token))
			}
			lines = append(lines, fmt.Sprintf("telegram: deleted the webhook %s (polling mode)", info.URL))
		default:
			lines = append(lines, fmt.Sprintf("telegram: a webhook is set (%s); polling deletes it at start, or run with --apply", info.URL))
		}
		return lines, problems
	}

	want := strings.TrimRight(opts.PublicURL, "/") + "/telegram/webhook"
	switch {
	case opts.PublicURL == "" || opts.WebhookSecret == "":
		return lines, append(problems, "channels.telegram.mode is webhook: http.public_url and the webhook secret are required")
	case apply:
		if err := setWebhook(bot, want, opts.WebhookSecret); err != nil {
			return lines, append(problems, redact(err, opts.Token))
		}
		lines = append(lines, fmt.Sprintf("telegram: webhook set to %s with the secret token", want))
		info.LastErrorMessage = "" // an error of the old webhook is history now
	case info.URL != want:
		got := info.URL
		if got == "" {
			got = "not set"
		}
		problems = append(problems, fmt.Sprintf("telegram: the webhook is %s, want %s: run `bridge check --apply` (or start the bridge, which sets it)", got, want))
	default:
		lines = append(lines, fmt.Sprintf("telegram: webhook %s (Telegram does not show the secret token; --apply sets it again)", want))
	}
	if info.PendingUpdateCount > 0 {
		lines = append(lines, fmt.Sprintf("telegram: %d updates wait for delivery", info.PendingUpdateCount))
	}
	if info.LastErrorMessage != "" {
		at := time.Unix(int64(info.LastErrorDate), 0)
		msg := fmt.Sprintf("telegram: the last webhook delivery failed at %s: %s", at.UTC().Format(time.RFC3339), info.LastErrorMessage)
		if time.Since(at) < recentWebhookError {
			problems = append(problems, msg+" (is http.public_url reachable from the internet, and the secret the same?)")
		} else {
			lines = append(lines, msg)
		}
	}
	return lines, problems
}
