package handofflink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/adapters/console"
	"github.com/handoffbridge/handoff/bridge"
)

// Threads is what the links are resolved with: the engine.
type Threads interface {
	// HandoffThread is the handoff's thread, zero while not open yet, an
	// error wrapping bridge.ErrNotFound for an unknown handoff.
	HandoffThread(ctx context.Context, id bridge.HandoffID) (bridge.ThreadRef, error)
	// ThreadLinker is the workspace of kind, if it can link to threads.
	ThreadLinker(kind bridge.WorkspaceKind) (bridge.ThreadLinker, bool)
}

var _ Threads = (*bridge.Engine)(nil)

// DefaultTimeout bounds how long a click waits for the platform to say
// where the thread is before the console link is used instead.
const DefaultTimeout = 3 * time.Second

// Options configure a Handler.
type Options struct {
	Threads Threads
	// PublicURL is the bridge's address (http.public_url); links on the
	// bridge itself (the console) are made absolute with it. Empty leaves
	// them relative to the host the link was clicked on.
	PublicURL string
	// Console says whether the web agent console is served, the place to
	// go while the thread is not open. Without it such a click gets a short
	// page that retries by itself.
	Console bool
	// Timeout bounds a platform's answer; default DefaultTimeout.
	Timeout time.Duration
	Logger  *slog.Logger
}

// Handler answers GET /handoffs/{id}.
type Handler struct {
	opts Options
	log  *slog.Logger
}

var _ bridge.RouteMounter = (*Handler)(nil)

// New makes the handler.
func New(o Options) (*Handler, error) {
	if o.Threads == nil {
		return nil, errors.New("handofflink: the engine (Threads) is required")
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	return &Handler{opts: o, log: o.Logger.With("adapter", "handofflink")}, nil
}

// Mount serves the links at bridge.HandoffLinkPath.
func (h *Handler) Mount(mux *http.ServeMux) {
	mux.Handle("GET "+bridge.HandoffLinkPath+"{id}", h)
}

// retryAfterSeconds is how soon the "not open yet" page reloads itself.
const retryAfterSeconds = 5

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The answer changes when the thread opens: never keep it.
	w.Header().Set("Cache-Control", "no-store")
	raw := r.PathValue("id")
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		notFound(w)
		return
	}
	id := bridge.HandoffID(n)
	target, err := h.threadURL(r.Context(), id)
	switch {
	case errors.Is(err, bridge.ErrNotFound):
		notFound(w)
		return
	case err != nil:
		// The platform (or the store) could not say: the console still
		// shows the handoff, so the click is never a dead end.
		h.log.Warn("thread link: falling back to the console", "handoff", id, "err", err)
	}
	if target == "" && !h.opts.Console {
		h.notOpenYet(w, id)
		return
	}
	if target == "" {
		target = console.HandoffPath(id.String())
	}
	if strings.HasPrefix(target, "/") {
		target = h.opts.PublicURL + target
	}
	http.Redirect(w, r, target, http.StatusFound)
}

// threadURL is where the handoff's thread is; "" when it is not open yet
// or its workspace cannot link to it.
func (h *Handler) threadURL(ctx context.Context, id bridge.HandoffID) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, h.opts.Timeout)
	defer cancel()
	t, err := h.opts.Threads.HandoffThread(ctx, id)
	if err != nil || t.IsZero() {
		return "", err
	}
	linker, ok := h.opts.Threads.ThreadLinker(t.Workspace)
	if !ok {
		return "", nil
	}
	u, err := linker.ThreadURL(ctx, t)
	if err != nil {
		// Not ErrNotFound: the handoff exists even if its thread is gone.
		return "", fmt.Errorf("%s thread of handoff %d: %s", t.Workspace, id, err)
	}
	return u, nil
}

// notFound says plainly that there is no such handoff, without repeating
// what was asked for.
func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintln(w, "No such handoff on this bridge. The link may be mistyped, or come from another bridge.")
}

// notOpenYet answers a click that has nowhere to go: no console, and the
// thread not open (or its platform not answering). The page reloads itself.
func (h *Handler) notOpenYet(w http.ResponseWriter, id bridge.HandoffID) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Refresh", strconv.Itoa(retryAfterSeconds))
	w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	w.WriteHeader(http.StatusServiceUnavailable)
	fmt.Fprintf(w, "The thread of handoff #%d is not open yet. This page tries again in %d seconds.\n", id, retryAfterSeconds)
}
