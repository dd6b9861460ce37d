package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// identify asks getMe who the bot is, retrying with backoff while the Bot
// API cannot be reached; meanwhile Health says down with the last error.
// A refused token is an error at once: trying again would not help.
func (a *Adapter) identify(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		me, err := a.api(ctx).GetMe()
		if err == nil {
			a.self.Store(&me)
			a.log.Info("connected", "bot", me.UserName, "mode", a.opts.Mode)
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		if tokenRefused(err) {
			msg := "getMe: the bot token was refused: " + redact(err, a.opts.Token)
			a.health.failed(msg)
			return errors.New(msg)
		}
		msg := "getMe: " + redact(err, a.opts.Token)
		a.health.failed(msg)
		a.log.Warn("cannot reach the Bot API; retrying", "err", msg, "attempt", attempt+1)
		if !bridge.ConnectBackoff.Wait(ctx, attempt) {
			return nil
		}
	}
}

// tokenRefused reports the Bot API refusing the bot token: 401, or 404,
// which it answers for a token that is not even well-formed.
func tokenRefused(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && (te.Code == http.StatusUnauthorized || te.Code == http.StatusNotFound)
}

// unreachable reports a call that did not get the Bot API's answer: the
// network failed, a server error (5xx), or an answer that is not the Bot
// API's at all (a proxy's error page).
func unreachable(err error) bool {
	var te *tgbotapi.Error
	var se *json.SyntaxError
	return bridge.Unreachable(err) || errors.As(err, &te) && te.Code >= http.StatusInternalServerError || errors.As(err, &se)
}

// endpointHost is the host of an endpoint format such as
// "https://api.telegram.org/bot%s/%s".
func endpointHost(endpoint string) string {
	_, rest, ok := strings.Cut(endpoint, "://")
	if !ok {
		rest = endpoint
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}
