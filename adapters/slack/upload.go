package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// DefaultMaxUploadBytes bounds a user's file uploaded into a thread: the
// bridge holds it in memory between the download and the upload.
const DefaultMaxUploadBytes = 20 << 20

// downloadTimeout bounds fetching one user file.
const downloadTimeout = 2 * time.Minute

// uploadable says whether the bridge can fetch an attachment to upload it:
// the widget's are in the bridge's blob store, the other user channels give
// files as http(s) links (Telegram's signed /telegram/file links, Discord's
// CDN).
func uploadable(a bridge.Attachment) bool {
	return a.Blob != "" || strings.HasPrefix(a.URL, "http://") || strings.HasPrefix(a.URL, "https://")
}

// errNotUploadable is a file that no retry will fetch: gone, refused or too
// big. It is linked in the thread instead.
var errNotUploadable = errors.New("file cannot be uploaded")

// shareFile uploads a user's file into the thread (files.getUploadURLExternal,
// the upload, files.completeUploadExternal with channel_id and thread_ts).
// When the file cannot be fetched or Slack refuses it for good, a link to it
// is posted instead, saying why. Errors that may pass (a 5xx, a 429, the
// network) are returned for the outbox to retry.
func (w *Workspace) shareFile(ctx context.Context, ref bridge.ThreadRef, a bridge.Attachment) error {
	name := attachmentName(a)
	data, err := w.download(ctx, a)
	if err == nil {
		_, err = w.api.UploadFileContext(ctx, slackgo.UploadFileParameters{Reader: bytes.NewReader(data), FileSize: len(data),
			Filename: name, Title: name, Channel: ref.Channel, ThreadTimestamp: ref.ThreadID})
		err = classify("upload "+name+" to thread "+ref.ThreadID, err)
		if err == nil {
			return nil
		}
		var perm *bridge.PermanentError
		if !errors.As(err, &perm) {
			return err
		}
	} else if !errors.Is(err, errNotUploadable) {
		return err
	}
	w.log.Warn("slack: user file linked instead of uploaded", "file", name, "thread", ref.ThreadID, "err", err)
	text := fmt.Sprintf(":paperclip: <%s|%s> _(not uploaded: %s)_", linkTarget(a.URL), linkLabel(name), EscapeText(whyNotUploaded(err)))
	_, _, perr := w.api.PostMessageContext(ctx, ref.Channel, slackgo.MsgOptionTS(ref.ThreadID), slackgo.MsgOptionText(text, false),
		slackgo.MsgOptionDisableLinkUnfurl())
	return classify("link "+name+" in thread "+ref.ThreadID, perr)
}

// download fetches a user's file, at most MaxUploadBytes of it.
func (w *Workspace) download(ctx context.Context, a bridge.Attachment) ([]byte, error) {
	limit := w.opts.MaxUploadBytes
	if a.Size > limit {
		return nil, tooLarge(a.Size, limit)
	}
	if a.Blob != "" && w.opts.Blobs != nil {
		return w.readBlob(ctx, a, limit)
	}
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: bad link: %v", errNotUploadable, err)
	}
	client := w.opts.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", attachmentName(a), err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout:
		return nil, fmt.Errorf("download %s: HTTP %d", attachmentName(a), resp.StatusCode)
	default:
		return nil, fmt.Errorf("%w: the link answered HTTP %d", errNotUploadable, resp.StatusCode)
	}
	if resp.ContentLength > limit {
		return nil, tooLarge(resp.ContentLength, limit)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", attachmentName(a), err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(-1, limit)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", errNotUploadable)
	}
	return data, nil
}

func tooLarge(size, limit int64) error {
	if size < 0 {
		return fmt.Errorf("%w: larger than the %s limit", errNotUploadable, byteSize(limit))
	}
	return fmt.Errorf("%w: %s is larger than the %s limit", errNotUploadable, byteSize(size), byteSize(limit))
}

// whyNotUploaded is the reason shown next to the link.
func whyNotUploaded(err error) string {
	if errors.Is(err, errNotUploadable) {
		return strings.TrimPrefix(err.Error(), errNotUploadable.Error()+": ")
	}
	if code := slackCode(err); code != "" {
		return "Slack answered " + code
	}
	return "Slack refused it"
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func attachmentName(a bridge.Attachment) string {
	if a.Name == "" {
		return "attachment"
	}
	return a.Name
}

// linkLabel is a file name fit for the label of a <url|label> link.
func linkLabel(name string) string { return strings.ReplaceAll(EscapeText(name), "|", "¦") }
