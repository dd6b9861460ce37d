package whatsapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/download"
)

// maxMediaBytes bounds a download: the Cloud API's largest media (a
// document) is 100 MB.
const maxMediaBytes = 100 << 20

// inboundMedia is a file a user sent, as the thread gets it.
type inboundMedia struct {
	Caption    string
	attachment bridge.Attachment
}

// mediaOf links the file of a message (image, document, video, audio,
// sticker) through the bridge's media route, or returns nil.
func (a *Adapter) mediaOf(m Message) *inboundMedia {
	kinds := []struct {
		kind string
		m    *Media
	}{{"image", m.Image}, {"document", m.Document}, {"video", m.Video}, {"audio", m.Audio}, {"sticker", m.Sticker}}
	for _, k := range kinds {
		if k.m == nil || k.m.ID == "" {
			continue
		}
		name := k.m.Filename
		if name == "" {
			kind := k.kind
			if k.m.Voice {
				kind = "voice"
			}
			name = kind + "-" + shortID(m.ID)
			if exts, _ := mime.ExtensionsByType(k.m.MimeType); len(exts) > 0 {
				name += exts[0]
			}
		}
		return &inboundMedia{Caption: k.m.Caption, attachment: bridge.Attachment{Name: name, ContentType: k.m.MimeType, URL: a.mediaLink(k.m.ID, name)}}
	}
	return nil
}

// shortID keeps the end of a wamid, enough to tell files apart in a name.
func shortID(wamid string) string {
	id := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, wamid)
	return id[max(0, len(id)-8):]
}

// mediaLink is the bridge's link to a user's file. Downloading Cloud API
// media needs the access token, so agents get this signed link instead,
// which the bridge serves by fetching the file with the token.
func (a *Adapter) mediaLink(mediaID, name string) string {
	q := url.Values{"sig": {a.signMedia(mediaID)}, "name": {name}}
	return a.opts.PublicURL + "/whatsapp/media/" + url.PathEscape(mediaID) + "?" + q.Encode()
}

func (a *Adapter) signMedia(mediaID string) string {
	mac := hmac.New(sha256.New, a.mediaKey)
	mac.Write([]byte(mediaID))
	return hex.EncodeToString(mac.Sum(nil))
}

// serveMedia answers GET /whatsapp/media/{id}: only links the bridge
// issued (signed) are served. The media id is resolved to a short-lived
// download URL (GET /{media-id}), which is fetched with the token.
func (a *Adapter) serveMedia(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !hmac.Equal([]byte(a.signMedia(id)), []byte(r.URL.Query().Get("sig"))) {
		http.Error(w, "bad or missing signature", http.StatusForbidden)
		return
	}
	raw, err := a.call(r.Context(), http.MethodGet, "/"+url.PathEscape(id)+"?phone_number_id="+url.QueryEscape(a.opts.PhoneNumberID), nil)
	if err != nil {
		a.log.Warn("whatsapp media lookup", "media", id, "err", err)
		http.Error(w, "file not available", http.StatusBadGateway)
		return
	}
	var meta struct {
		URL      string `json:"url"`
		MimeType string `json:"mime_type"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil || meta.URL == "" {
		a.log.Warn("whatsapp media lookup: no download URL", "media", id)
		http.Error(w, "file not available", http.StatusBadGateway)
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, meta.URL, nil)
	if err != nil {
		http.Error(w, "file not available", http.StatusBadGateway)
		return
	}
	req.Header.Set("Authorization", "Bearer "+a.opts.Token)
	resp, err := a.opts.HTTPClient.Do(req)
	if err != nil {
		a.log.Warn("whatsapp media download", "media", id, "err", err)
		http.Error(w, "file not available", http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		a.log.Warn("whatsapp media download", "media", id, "status", resp.Status)
		http.Error(w, "file not available", http.StatusBadGateway)
		return
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" || ct == "application/octet-stream" {
		ct = meta.MimeType
	}
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if name := r.URL.Query().Get("name"); name != "" {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name}))
	}
	if _, err := download.Copy(w, io.LimitReader(resp.Body, maxMediaBytes), 0); err != nil {
		a.log.Warn("whatsapp media download", "media", id, "err", fmt.Errorf("copy: %w", err))
	}
}
