package whatsappfake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Sign is the X-Hub-Signature-256 value of body.
func (s *Server) Sign(body []byte) string {
	mac := hmac.New(sha256.New, []byte(s.opts.AppSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func (s *Server) envelope(value map[string]any) []byte {
	value["messaging_product"] = "whatsapp"
	value["metadata"] = map[string]any{"display_phone_number": "15550783881", "phone_number_id": s.opts.PhoneNumberID}
	body, _ := json.Marshal(map[string]any{"object": "whatsapp_business_account", "entry": []any{
		map[string]any{"id": "102290129340398", "changes": []any{map[string]any{"value": value, "field": "messages"}}},
	}})
	return body
}

func (s *Server) inbound(waID, name string, msg map[string]any) (wamid string, body []byte) {
	s.mu.Lock()
	s.seq++
	wamid = fmt.Sprintf("wamid.IN%06d", s.seq)
	s.lastInbound[waID] = time.Now()
	s.received[wamid] = true
	s.mu.Unlock()
	msg["from"], msg["id"], msg["timestamp"] = waID, wamid, strconv.FormatInt(time.Now().Unix(), 10)
	return wamid, s.envelope(map[string]any{
		"contacts": []any{map[string]any{"profile": map[string]any{"name": name}, "wa_id": waID}},
		"messages": []any{msg},
	})
}

// UserText builds the webhook body of a text message from waID (and opens
// their 24-hour window).
func (s *Server) UserText(waID, name, text string) (wamid string, body []byte) {
	return s.inbound(waID, name, map[string]any{"type": "text", "text": map[string]any{"body": text}})
}

// UserButton builds the webhook body of a reply-button press.
func (s *Server) UserButton(waID, name, context, buttonID, title string) (wamid string, body []byte) {
	return s.inbound(waID, name, map[string]any{"type": "interactive",
		"context":     map[string]any{"from": "15550783881", "id": context},
		"interactive": map[string]any{"type": "button_reply", "button_reply": map[string]any{"id": buttonID, "title": title}}})
}

// UserImage builds the webhook body of a photo with a caption; mediaID is
// from AddMedia (or any id, for a file the fake does not serve).
func (s *Server) UserImage(waID, name, mediaID, caption string) (wamid string, body []byte) {
	return s.UserMedia(waID, name, "image", mediaID, caption, "")
}

// UserMedia builds the webhook body of a file message of kind image,
// document, video, audio or sticker; filename is for documents.
func (s *Server) UserMedia(waID, name, kind, mediaID, caption, filename string) (wamid string, body []byte) {
	s.mu.Lock()
	f := s.media[mediaID]
	s.mu.Unlock()
	if f.mimeType == "" {
		f.mimeType = map[string]string{"image": "image/jpeg", "document": "application/pdf", "video": "video/mp4", "audio": "audio/ogg", "sticker": "image/webp"}[kind]
	}
	m := map[string]any{"id": mediaID, "mime_type": f.mimeType, "sha256": f.sha256}
	if caption != "" && kind != "audio" && kind != "sticker" {
		m["caption"] = caption
	}
	if filename != "" && kind == "document" {
		m["filename"] = filename
	}
	return s.inbound(waID, name, map[string]any{"type": kind, kind: m})
}

// Status builds the webhook body of a status update; a failed status
// carries an error code and title.
func (s *Server) Status(wamid, status, recipient string, code int, title string) []byte {
	st := map[string]any{"id": wamid, "status": status, "timestamp": strconv.FormatInt(time.Now().Unix(), 10), "recipient_id": recipient}
	if status == "failed" {
		st["errors"] = []any{map[string]any{"code": code, "title": title}}
	}
	return s.envelope(map[string]any{"statuses": []any{st}})
}

// Deliver POSTs body to url signed with signature ("" signs it properly),
// as Meta does, and returns the status code.
func (s *Server) Deliver(ctx context.Context, url string, body []byte, signature string) (int, error) {
	if signature == "" {
		signature = s.Sign(body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", signature)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
