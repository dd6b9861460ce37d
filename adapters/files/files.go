package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/bridge"
)

// Options configure the file service.
type Options struct {
	Blobs bridge.Blobs
	// Secret signs download links (see LoadSecret).
	Secret []byte
	// MaxBytes caps one upload. Default 10 MiB.
	MaxBytes int64
	// AllowedTypes are the media types users and agents may upload:
	// "image/png", or "image/*" for a family. Default DefaultAllowedTypes.
	AllowedTypes []string
	// PublicURL prefixes the links put in attachments for other platforms;
	// empty gives links relative to the bridge.
	PublicURL string
	// LinkTTL is how long a user's download link works. Default 1 h.
	LinkTTL time.Duration
	Clock   bridge.Clock
	Logger  *slog.Logger
}

// DefaultAllowedTypes are images, PDF and plain text and CSV: what support
// conversations share, and nothing a browser runs.
var DefaultAllowedTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv"}

// Service stores, checks and serves files.
type Service struct {
	opts Options
	log  *slog.Logger
}

// New makes the file service.
func New(opts Options) (*Service, error) {
	if opts.Blobs == nil {
		return nil, errors.New("files: a blob store is required")
	}
	if len(opts.Secret) < 16 {
		return nil, errors.New("files: the link secret must be at least 16 bytes")
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 10 << 20
	}
	if len(opts.AllowedTypes) == 0 {
		opts.AllowedTypes = DefaultAllowedTypes
	}
	if opts.LinkTTL <= 0 {
		opts.LinkTTL = time.Hour
	}
	if opts.Clock == nil {
		opts.Clock = bridge.SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	opts.PublicURL = strings.TrimSuffix(opts.PublicURL, "/")
	return &Service{opts: opts, log: opts.Logger.With("adapter", "files")}, nil
}

// Limits are what a client is told before it uploads.
type Limits struct {
	MaxBytes     int64    `json:"max_bytes"`
	AllowedTypes []string `json:"allowed_types"`
}

// Limits returns the upload limits.
func (s *Service) Limits() Limits {
	return Limits{MaxBytes: s.opts.MaxBytes, AllowedTypes: s.opts.AllowedTypes}
}

// RefusedError is an upload the limits refuse; Error is the sentence the
// uploader is shown, Code what a client may test.
type RefusedError struct {
	Code string // "too_large", "type_refused", "bad_name", "empty"
	Msg  string
}

func (e *RefusedError) Error() string { return e.Msg }

// maxName bounds a file name, in bytes.
const maxName = 200

// Upload checks and stores one file for owner. size is the length the
// client announced, -1 when unknown; the stream is cut at the limit either
// way.
func (s *Service) Upload(ctx context.Context, owner, name, contentType string, size int64, r io.Reader) (bridge.Attachment, error) {
	name, err := cleanName(name)
	if err != nil {
		return bridge.Attachment{}, err
	}
	ctype, err := s.checkType(contentType)
	if err != nil {
		return bridge.Attachment{}, err
	}
	if size > s.opts.MaxBytes {
		return bridge.Attachment{}, s.tooLarge()
	}
	meta, err := s.opts.Blobs.Put(ctx, bridge.BlobMeta{Name: name, ContentType: ctype, Owner: owner}, s.opts.MaxBytes, r)
	if errors.Is(err, bridge.ErrBlobTooLarge) {
		return bridge.Attachment{}, s.tooLarge()
	}
	if err != nil {
		return bridge.Attachment{}, fmt.Errorf("files: upload: %w", err)
	}
	if meta.Size == 0 {
		_ = s.opts.Blobs.Delete(ctx, meta.ID)
		return bridge.Attachment{}, &RefusedError{Code: "empty", Msg: "That file is empty."}
	}
	return s.attachment(meta), nil
}

func (s *Service) tooLarge() error {
	return &RefusedError{Code: "too_large", Msg: "That file is too large: at most " + ByteSize(s.opts.MaxBytes) + ", please."}
}

// Attachment turns a blob the owner stored into an attachment of their
// message; a blob of anyone else is ErrNotFound, as if it did not exist.
func (s *Service) Attachment(ctx context.Context, owner string, id bridge.BlobID) (bridge.Attachment, error) {
	rc, meta, err := s.opts.Blobs.Open(ctx, id)
	if err != nil {
		return bridge.Attachment{}, err
	}
	rc.Close()
	if meta.Owner != owner {
		return bridge.Attachment{}, fmt.Errorf("files: blob %s: %w", id, bridge.ErrNotFound)
	}
	return s.attachment(meta), nil
}

// attachment describes a stored blob, with the workspaces' link to it.
func (s *Service) attachment(meta bridge.BlobMeta) bridge.Attachment {
	return bridge.Attachment{Name: meta.Name, ContentType: meta.ContentType, Size: meta.Size, Blob: meta.ID,
		URL: s.opts.PublicURL + s.link(meta.ID, scopeAgents, time.Time{})}
}

// checkType returns the upload's media type if the limits allow it.
func (s *Service) checkType(contentType string) (string, error) {
	ctype, _, err := mime.ParseMediaType(contentType)
	if contentType == "" || err != nil {
		ctype = "application/octet-stream"
	}
	ctype = strings.ToLower(ctype)
	for _, allowed := range s.opts.AllowedTypes {
		allowed = strings.ToLower(allowed)
		if allowed == ctype || strings.HasSuffix(allowed, "/*") && strings.HasPrefix(ctype, strings.TrimSuffix(allowed, "*")) {
			return ctype, nil
		}
	}
	return "", &RefusedError{Code: "type_refused", Msg: "Files of this type (" + ctype + ") cannot be sent here."}
}

// cleanName keeps the last element of a name, without control characters.
func cleanName(name string) (string, error) {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if !utf8.ValidString(name) {
		return "", &RefusedError{Code: "bad_name", Msg: "That file name is not valid text."}
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	if len(name) > maxName {
		cut := maxName
		for !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut]
	}
	return name, nil
}

// ByteSize is n for people: "3.2 MiB".
func ByteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MiB"
	case n >= 1<<10:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<10)), ".0") + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
}
