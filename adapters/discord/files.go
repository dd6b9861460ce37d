package discord

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Files keeps the files agents share in handoff threads in the bridge's
// own store (the *files.Service, with the widget's size and type limits).
// Discord's attachment links are signed and expire after about a day, so
// the users' channels show the bridge's copy instead: the widget and the
// console by its blob, Telegram and WhatsApp by the bridge's link.
type Files interface {
	Upload(ctx context.Context, owner, name, contentType string, size int64, r io.Reader) (bridge.Attachment, error)
}

// fileOwner owns the agents' files kept from Discord.
const fileOwner = "discord"

// keepTimeout bounds copying one file from Discord's CDN.
const keepTimeout = 2 * time.Minute

// cdnHosts are where Discord serves attachments; nothing else is fetched.
var cdnHosts = []string{"cdn.discordapp.com", "media.discordapp.net"}

// keepFiles copies the files of an agent's message in a handoff thread
// into the bridge (see Files). A file that cannot be kept (too large, a
// refused type, the CDN failing) keeps Discord's link, and the message is
// relayed either way.
func (a *Adapter) keepFiles(ctx context.Context, threadID string, atts []bridge.Attachment) []bridge.Attachment {
	if a.cfg.Files == nil || len(atts) == 0 {
		return atts
	}
	if _, err := a.core.HandoffByThread(ctx, bridge.WorkspaceDiscord, threadID); err != nil {
		if !errors.Is(err, bridge.ErrNotFound) {
			a.log.Warn("agent files not kept: thread unknown", "thread", threadID, "err", err)
		}
		return atts // not a handoff's thread: not the bridge's to keep
	}
	out := make([]bridge.Attachment, len(atts))
	for i, at := range atts {
		kept, err := a.keepFile(ctx, at)
		if err != nil {
			a.log.Warn("agent file not kept; users get Discord's link", "thread", threadID, "file", at.Name, "err", err)
			kept = at
		}
		out[i] = kept
	}
	return out
}

// keepFile downloads one attachment from Discord's CDN into Files.
func (a *Adapter) keepFile(ctx context.Context, at bridge.Attachment) (bridge.Attachment, error) {
	u, err := url.Parse(at.URL)
	if err != nil || u.Scheme != "https" || !isCDNHost(u.Hostname()) {
		return at, fmt.Errorf("not a Discord CDN link: %q", at.URL)
	}
	ctx, cancel := context.WithTimeout(ctx, keepTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, at.URL, nil)
	if err != nil {
		return at, err
	}
	resp, err := a.downloads.Do(req)
	if err != nil {
		return at, fmt.Errorf("download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return at, fmt.Errorf("download: HTTP %d", resp.StatusCode)
	}
	kept, err := a.cfg.Files.Upload(ctx, fileOwner, at.Name, at.ContentType, at.Size, resp.Body)
	if err != nil {
		return at, fmt.Errorf("store: %w", err)
	}
	if !strings.HasPrefix(kept.URL, "https://") && !strings.HasPrefix(kept.URL, "http://") {
		// Without a public URL the bridge's link is relative: the channels
		// that fetch files by link (Telegram, WhatsApp) keep Discord's.
		kept.URL = at.URL
	}
	return kept, nil
}

func isCDNHost(host string) bool {
	for _, h := range cdnHosts {
		if strings.EqualFold(host, h) {
			return true
		}
	}
	return false
}

// downloadClient fetches attachments: the REST client's transport (a test
// fake's, or a proxy's), without its 20 s timeout, which keepTimeout
// replaces for files.
func downloadClient(rest *http.Client) *http.Client {
	if rest == nil {
		return &http.Client{}
	}
	return &http.Client{Transport: rest.Transport, CheckRedirect: rest.CheckRedirect, Jar: rest.Jar}
}
