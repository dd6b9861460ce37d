package telegram

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// maxUpdateBytes bounds a webhook body; real updates are a few kilobytes.
const maxUpdateBytes = 1 << 20

// Mount serves the file links and, in webhook mode, the webhook.
func (a *Adapter) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /telegram/file/{id}", a.serveFile)
	if a.opts.Mode == ModeWebhook {
		mux.HandleFunc("POST /telegram/webhook", a.serveWebhook)
	}
}

// serveWebhook checks the secret token before reading anything, hands the
// update to the engine, and answers 200 once it is stored; any other answer
// makes Telegram deliver the update again.
func (a *Adapter) serveWebhook(w http.ResponseWriter, r *http.Request) {
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(a.opts.WebhookSecret)) != 1 {
		a.log.Warn("telegram webhook with a wrong secret token", "remote", r.RemoteAddr)
		http.Error(w, "wrong secret token", http.StatusUnauthorized)
		return
	}
	if a.self.Load() == nil {
		// Who the bot is decides whether a group message is for it; until
		// getMe has answered, Telegram is asked to deliver again later.
		http.Error(w, "not connected to the Bot API yet", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	u, err := ParseUpdate(body)
	if err != nil {
		a.log.Warn("telegram webhook: bad update", "err", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := a.handleUpdate(r.Context(), u); err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, bridge.ErrShuttingDown) {
			status = http.StatusServiceUnavailable
		}
		a.log.Error("telegram webhook", "update", u.UpdateID, "err", err)
		http.Error(w, "try again", status)
		return
	}
	a.health.ok()
	w.WriteHeader(http.StatusOK)
}

// ParseUpdate decodes one update as the Bot API sends it.
func ParseUpdate(body []byte) (tgbotapi.Update, error) {
	var u tgbotapi.Update
	if err := json.Unmarshal(body, &u); err != nil {
		return tgbotapi.Update{}, errors.New("telegram update: malformed JSON: " + err.Error())
	}
	if u.UpdateID <= 0 {
		return tgbotapi.Update{}, errors.New("telegram update: missing update_id")
	}
	return u, nil
}
