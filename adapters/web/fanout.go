package web

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Several replicas may serve the widget (PostgreSQL): a session's sockets
// may be open on any of them, and what the engine sends it may be sent on
// another. So every frame for a session is pushed to its sockets here and
// published through the fan-out (Options.Fanout); the other replicas push
// it to the sockets they hold. The store stays the record: a replica whose
// listener was away catches its sockets up from it (Resync), as a widget
// that reconnects does.

// fanoutTopic names the widget's notices in the fan-out.
const fanoutTopic = "web"

// readTimeout bounds a read of the store made for a notice.
const readTimeout = 10 * time.Second

// notice is a frame for a session's sockets on other replicas.
type notice struct {
	Session string          `json:"s"`
	Frame   json.RawMessage `json:"f"`
	// Message is the frame's message id, for a message frame.
	Message bridge.MessageID `json:"m,omitempty"`
	// Refill says the frame's text and files were left out, the whole being
	// too large for a notice: the replica that pushes it reads them from
	// the store.
	Refill bool `json:"r,omitempty"`
}

// deliver pushes f to session's sockets here and tells the other replicas.
// An error means they may not have been told: the caller fails, and the
// outbox sends it again (the sockets here skip the repeat).
func (w *Widget) deliver(ctx context.Context, session string, f outFrame) error {
	q := encode(f)
	w.hub.pushQueued(session, q)
	if _, alone := w.fanout.(bridge.LocalFanout); alone {
		return nil // one process: no notice to make
	}
	if err := w.publish(ctx, session, f, q); err != nil {
		return fmt.Errorf("web: tell the other replicas: %w", err)
	}
	return nil
}

// publish sends the notice of a frame; one too large goes without its
// text and files, which the receiver reads from the store.
func (w *Widget) publish(ctx context.Context, session string, f outFrame, q queued) error {
	n := notice{Session: session, Frame: q.data, Message: q.message}
	p, err := json.Marshal(n)
	if err != nil {
		return err
	}
	if len(p) > bridge.MaxFanoutPayload && f.ID != 0 {
		f.Text, f.HTML, f.Files = "", "", nil
		n.Frame, n.Refill = encode(f).data, true
		if p, err = json.Marshal(n); err != nil {
			return err
		}
	}
	return w.fanout.Publish(ctx, fanoutTopic, p)
}

// fanoutSubscriber takes the other replicas' notices for the sockets here.
// It runs on the fan-out's goroutine, so that frames keep their order; the
// reads it makes there (a large frame's text, a resync) are rare.
type fanoutSubscriber struct{ w *Widget }

// Notice pushes another replica's frame to the session's sockets here, if
// any.
func (s fanoutSubscriber) Notice(payload []byte) {
	w := s.w
	var n notice
	if err := json.Unmarshal(payload, &n); err != nil || n.Session == "" {
		w.log.Warn("widget: malformed notice from another replica ignored", "err", err)
		return
	}
	if !w.hub.has(n.Session) {
		return
	}
	q := queued{message: n.Message, data: n.Frame}
	if n.Refill {
		var ok bool
		if q, ok = w.refill(n); !ok {
			w.resyncSession(n.Session)
			return
		}
	}
	w.hub.pushQueued(n.Session, q)
}

// Resync catches every session with a socket here up from the store:
// notices may have been lost.
func (s fanoutSubscriber) Resync() {
	for _, session := range s.w.hub.sessionIDs() {
		s.w.resyncSession(session)
	}
}

// refill reads the text and files of a frame sent without them.
func (w *Widget) refill(n notice) (queued, bool) {
	var f outFrame
	if err := json.Unmarshal(n.Frame, &f); err != nil || f.ID == 0 {
		w.log.Warn("widget: malformed notice from another replica", "session", n.Session, "err", err)
		return queued{}, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	hist, err := w.opts.History.ChatHistory(ctx, bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: n.Session},
		bridge.HistoryQuery{After: f.ID - 1, Page: 1, Max: 1})
	if err != nil || len(hist.Messages) == 0 || hist.Messages[0].ID != f.ID {
		w.log.Warn("widget: a message from another replica could not be read; its sockets resync", "session", n.Session, "message", f.ID, "err", err)
		return queued{}, false
	}
	m := hist.Messages[0]
	f.Text = m.Text
	if f.Role != bridge.RoleUser {
		f.HTML = renderMarkdown(m.Text)
	}
	if f.Type == outMessage {
		f.Files = w.userFiles(n.Session, m.Attachments)
	}
	return encode(f), true
}

// resyncSession sends session's sockets here what they miss of the store:
// the messages after the oldest each has, and the state. Each socket skips
// the messages it has.
func (w *Widget) resyncSession(session string) {
	clients := w.hub.clientsOf(session)
	if len(clients) == 0 {
		return
	}
	after := clients[0].seen.Load()
	for _, c := range clients[1:] {
		after = min(after, c.seen.Load())
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	frames, _, err := w.catchUpFrames(ctx, session, bridge.MessageID(after))
	if err != nil {
		// The sockets go: the widget reconnects and catches up then.
		w.log.Warn("widget: resync failed; closing the session's sockets here", "session", session, "err", err)
		for _, c := range clients {
			c.markSlow()
		}
		return
	}
	for _, f := range frames {
		q := encode(f)
		q.catchUp = true
		for _, c := range clients {
			c.offer(q)
		}
	}
}
