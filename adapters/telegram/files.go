package telegram

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/handoffbridge/handoff/internal/download"
)

// fileLink is the bridge's link to a file a user sent. Telegram's own link
// contains the bot token, so agents get this signed link instead, which the
// bridge serves by fetching the file.
func (a *Adapter) fileLink(fileID, name string) string {
	q := url.Values{"sig": {a.sign(fileID)}, "name": {name}}
	return a.opts.PublicURL + "/telegram/file/" + url.PathEscape(fileID) + "?" + q.Encode()
}

func (a *Adapter) sign(fileID string) string {
	mac := hmac.New(sha256.New, a.linkKey)
	mac.Write([]byte(fileID))
	return hex.EncodeToString(mac.Sum(nil))
}

// fileURL is where the Bot API serves a file's bytes.
func (a *Adapter) fileURL(path string) string {
	base := strings.Replace(a.opts.Endpoint, "/bot%s/%s", "/file/bot%s/%s", 1)
	return fmt.Sprintf(base, a.opts.Token, path)
}

// serveFile answers GET /telegram/file/{id}: a signed link to a file a user
// sent, fetched from Telegram with getFile.
func (a *Adapter) serveFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !hmac.Equal([]byte(a.sign(id)), []byte(r.URL.Query().Get("sig"))) {
		http.Error(w, "bad or missing signature", http.StatusForbidden)
		return
	}
	f, err := a.api(r.Context()).GetFile(tgbotapi.FileConfig{FileID: id})
	if err != nil {
		a.log.Warn("telegram getFile", "err", err)
		http.Error(w, "file not available", http.StatusBadGateway)
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, a.fileURL(f.FilePath), nil)
	if err != nil {
		http.Error(w, "file not available", http.StatusBadGateway)
		return
	}
	resp, err := a.http.Do(req)
	if err != nil {
		a.log.Warn("download telegram file", "err", redact(err, a.opts.Token))
		http.Error(w, "file not available", http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		http.Error(w, "file not available", http.StatusBadGateway)
		return
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if name := r.URL.Query().Get("name"); name != "" {
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", name))
	}
	_, _ = download.Copy(w, resp.Body, 0) // as long as the agent's browser reads
}

// redact keeps the bot token (part of Bot API URLs) out of logs.
func redact(err error, token string) string {
	return strings.ReplaceAll(err.Error(), token, "<token>")
}
