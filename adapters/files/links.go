package files

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Path is where files are served: Path + "{blob id}?s=…&e=…&sig=…".
const Path = "/files/"

// scopeAgents signs the links put in attachments for the workspaces and
// for channels that fetch files by URL (Telegram, WhatsApp): they do not
// expire, as the stored message keeps them.
const scopeAgents = "agents"

// linkKeyName names the link secret among the bridge's keys.
const linkKeyName = "files.links"

// Keys gives the secret keys the bridge keeps (the *bridge.Engine).
type Keys interface {
	Key(ctx context.Context, name string) ([]byte, error)
}

// LoadSecret returns the key signing download links, made once and kept.
func LoadSecret(ctx context.Context, keys Keys) ([]byte, error) {
	k, err := keys.Key(ctx, linkKeyName)
	if err != nil {
		return nil, fmt.Errorf("files: load the link secret: %w", err)
	}
	return k, nil
}

// ChatScope is the scope of a user's links: their chat.
func ChatScope(a bridge.ChatAddress) string { return string(a.Channel) + ":" + a.ChatID }

// UserLink is a link to a blob for the user of chat, working for LinkTTL.
func (s *Service) UserLink(chat bridge.ChatAddress, id bridge.BlobID) string {
	return s.link(id, ChatScope(chat), s.opts.Clock.Now().Add(s.opts.LinkTTL))
}

// AgentLink is a workspace link to a blob, relative to the bridge.
func (s *Service) AgentLink(id bridge.BlobID) string { return s.link(id, scopeAgents, time.Time{}) }

// link signs id for scope until exp (zero: no end).
func (s *Service) link(id bridge.BlobID, scope string, exp time.Time) string {
	e := "0"
	if !exp.IsZero() {
		e = strconv.FormatInt(exp.Unix(), 10)
	}
	return Path + url.PathEscape(string(id)) + "?" + url.Values{"s": {scope}, "e": {e}, "sig": {s.sign(id, scope, e)}}.Encode()
}

func (s *Service) sign(id bridge.BlobID, scope, exp string) string {
	m := hmac.New(sha256.New, s.opts.Secret)
	fmt.Fprintf(m, "%s\x00%s\x00%s", id, scope, exp)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ErrNotRenewable is a link RenewUserLink refuses: not one of the bridge's
// file links, signed wrongly, or signed for another chat.
var ErrNotRenewable = errors.New("files: not a link this chat may renew")

// RenewUserLink returns a fresh link, working for LinkTTL, for the file a
// user link of chat names, expired or not: a page open longer than a
// link's life gets its files back. Only a link correctly signed for chat
// itself is renewed, so a chat's user reaches no other chat's files.
func (s *Service) RenewUserLink(chat bridge.ChatAddress, link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", ErrNotRenewable
	}
	id, ok := strings.CutPrefix(u.Path, Path)
	q := u.Query()
	scope, e, sig := q.Get("s"), q.Get("e"), q.Get("sig")
	if !ok || id == "" || strings.Contains(id, "/") || scope != ChatScope(chat) || sig == "" ||
		!hmac.Equal([]byte(sig), []byte(s.sign(bridge.BlobID(id), scope, e))) {
		return "", ErrNotRenewable
	}
	return s.UserLink(chat, bridge.BlobID(id)), nil
}

// linkProblem says why a link does not open the blob, "" when it does.
func (s *Service) linkProblem(id bridge.BlobID, q url.Values) string {
	scope, e, sig := q.Get("s"), q.Get("e"), q.Get("sig")
	if scope == "" || sig == "" || !hmac.Equal([]byte(sig), []byte(s.sign(id, scope, e))) {
		return "bad or missing signature"
	}
	exp, err := strconv.ParseInt(e, 10, 64)
	switch {
	case err != nil:
		return "bad expiry"
	case exp == 0 && scope == scopeAgents:
		return ""
	case exp == 0 || s.opts.Clock.Now().Unix() > exp:
		return "this link has expired; reopen the chat for a fresh one"
	}
	return ""
}
