package api

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// frame is one Server-Sent Event.
type frame struct {
	id, kind string
	data     []byte
}

// hub fans events out to the open streams of each conversation. A stream
// that falls behind is closed rather than sent a gap: the bot reconnects
// and reads the messages after its cursor.
type hub struct {
	mu   sync.Mutex
	subs map[string]map[chan frame]struct{}
}

func newHub() *hub { return &hub{subs: map[string]map[chan frame]struct{}{}} }

const streamBuffer = 256

func (h *hub) subscribe(key string) chan frame {
	ch := make(chan frame, streamBuffer)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[key] == nil {
		h.subs[key] = map[chan frame]struct{}{}
	}
	h.subs[key][ch] = struct{}{}
	return ch
}

func (h *hub) unsubscribe(key string, ch chan frame) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[key][ch]; ok {
		delete(h.subs[key], ch)
		close(ch)
	}
	if len(h.subs[key]) == 0 {
		delete(h.subs, key)
	}
}

func (h *hub) publish(key string, f frame) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[key] {
		select {
		case ch <- f:
		default:
			delete(h.subs[key], ch)
			close(ch)
		}
	}
}

// keepAlive is how often an idle stream gets a comment line, so proxies
// keep it open.
const keepAlive = 20 * time.Second

func (a *API) streamEvents(w http.ResponseWriter, r *http.Request, it *integration) {
	id, p := conversationID(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	ctx := r.Context()
	// Subscribed before the state is read: nothing falls between.
	key := it.Name + "/" + id
	ch := a.streams.subscribe(key)
	defer a.streams.unsubscribe(key, ch)
	st, p := a.statusOf(ctx, it, id)
	if p != nil {
		writeProblem(w, p)
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // the stream outlives the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	conv := conversationOf(id, st, a.profile(ctx, it, id))
	state := a.newEvent(it, id, randomEventID("evt_state_"), "conversation.state")
	state.Conversation = &conv
	if !writeFrame(w, rc, frame{id: state.ID, kind: state.Type, data: []byte(jsonString(state))}) {
		return
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case f, ok := <-ch:
			if !ok || !writeFrame(w, rc, f) {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

func writeFrame(w http.ResponseWriter, rc *http.ResponseController, f frame) bool {
	if _, err := fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", f.id, f.kind, f.data); err != nil {
		return false
	}
	return rc.Flush() == nil
}
