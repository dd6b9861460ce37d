package slack

import (
	"context"
	"errors"
	"fmt"
	"io"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// Blobs is the part of the bridge's file store the workspace uses: it
// reads the widget's files to upload them into threads, and keeps the
// files agents share so that the bridge serves them itself.
type Blobs interface {
	Put(ctx context.Context, meta bridge.BlobMeta, limit int64, r io.Reader) (bridge.BlobMeta, error)
	Open(ctx context.Context, id bridge.BlobID) (io.ReadCloser, bridge.BlobMeta, error)
}

// blobOwner owns the agents' files kept from Slack.
const blobOwner = "slack"

// readBlob reads a user's file from the blob store, at most limit bytes.
func (w *Workspace) readBlob(ctx context.Context, a bridge.Attachment, limit int64) ([]byte, error) {
	rc, _, err := w.opts.Blobs.Open(ctx, a.Blob)
	if errors.Is(err, bridge.ErrNotFound) {
		return nil, fmt.Errorf("%w: the file is gone", errNotUploadable)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", attachmentName(a), err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", attachmentName(a), err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(-1, limit)
	}
	return data, nil
}

// keepFile copies a file an agent shared from Slack (url_private, with the
// bot token) into the blob store, so that the user's widget shows it from
// the bridge. It returns "" when the file is not kept: the user still gets
// the signed /slack/file link.
func (w *Workspace) keepFile(ctx context.Context, f slackgo.File) bridge.BlobID {
	if w.opts.Blobs == nil || f.ID == "" || int64(f.Size) > w.opts.MaxUploadBytes {
		return ""
	}
	src := f.URLPrivateDownload
	if src == "" {
		src = f.URLPrivate
	}
	if src == "" {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(w.api.GetFileContext(ctx, src, pw)) }()
	meta, err := w.opts.Blobs.Put(ctx, bridge.BlobMeta{Name: f.Name, ContentType: f.Mimetype, Owner: blobOwner}, w.opts.MaxUploadBytes, pr)
	pr.CloseWithError(errors.New("stored")) // ends the download if Put stopped early
	if err != nil {
		w.log.Warn("slack: agent file not kept; the user gets a link", "file", f.ID, "err", err)
		return ""
	}
	return meta.ID
}
