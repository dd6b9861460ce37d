package webfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// Frame is one frame from the bridge, as the widget receives it.
type Frame struct {
	Type         string   `json:"type"`
	ID           int64    `json:"id,omitempty"`
	Session      string   `json:"session,omitempty"`
	Token        string   `json:"token,omitempty"`
	Resumed      bool     `json:"resumed,omitempty"`
	Role         string   `json:"role,omitempty"`
	Author       string   `json:"author,omitempty"`
	Text         string   `json:"text,omitempty"`
	HTML         string   `json:"html,omitempty"`
	Notice       string   `json:"notice,omitempty"`
	Position     int      `json:"queue_position,omitempty"`
	Choices      []Choice `json:"choices,omitempty"`
	Form         *Form    `json:"form,omitempty"`
	ClientID     string   `json:"client_id,omitempty"`
	At           int64    `json:"at,omitempty"`
	Handoff      string   `json:"handoff,omitempty"`
	Agent        string   `json:"agent,omitempty"`
	Cancel       *Choice  `json:"cancel,omitempty"`
	Code         string   `json:"code,omitempty"`
	RetryAfterMS int64    `json:"retry_after_ms,omitempty"`
	Attachments  []File   `json:"attachments,omitempty"`
	Uploads      *Limits  `json:"uploads,omitempty"`
}

// File is an attachment of a message, with the link the widget opens.
type File struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size,omitempty"`
	URL         string `json:"url"`
}

// Limits are the welcome frame's upload limits.
type Limits struct {
	MaxBytes     int64    `json:"max_bytes"`
	AllowedTypes []string `json:"allowed_types"`
}

// Choice is a button of an offer.
type Choice struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Form is the lead form, with the field the bridge refused, if any.
type Form struct {
	Field   string `json:"field,omitempty"`
	Problem string `json:"problem,omitempty"`
}

// Options of Dial.
type Options struct {
	Origin   string // the page's origin; empty sends none
	Token    string // a session token to resume; empty starts a session
	LastID   int64  // the last message id seen, for catch-up
	Page     string
	Referrer string
	Header   http.Header // extra handshake headers (X-Forwarded-For, …)
	// SkipHello connects without saying hello, to test the handshake.
	SkipHello bool
	// OnFrame, when set, sees each frame as it arrives (on the reading
	// goroutine), e.g. to time round trips.
	OnFrame func(Frame)
	// Discard keeps no frames (a load generator's idle sessions).
	Discard bool
}

// Client is one widget session's socket.
type Client struct {
	ws       *websocket.Conn
	seq      atomic.Int64
	prefix   string
	done     chan struct{}
	closeMu  sync.Mutex
	closeErr error

	onFrame func(Frame)
	discard bool

	mu      sync.Mutex
	frames  []Frame
	changes waitfor.Changes // told of every frame kept, and of the close
}

// Dial opens a socket to the bridge at url (ws://host/ws) and says hello.
func Dial(ctx context.Context, url string, o Options) (*Client, error) {
	h := http.Header{}
	for k, v := range o.Header {
		h[k] = v
	}
	if o.Origin != "" {
		h.Set("Origin", o.Origin)
	}
	ws, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		if resp != nil {
			return nil, &HandshakeError{Status: resp.StatusCode, Err: err}
		}
		return nil, fmt.Errorf("dial widget socket %s: %w", url, err)
	}
	ws.SetReadLimit(1 << 20)
	c := &Client{ws: ws, done: make(chan struct{}), prefix: "f" + strconv.FormatInt(time.Now().UnixNano(), 36),
		onFrame: o.OnFrame, discard: o.Discard}
	go c.read()
	if !o.SkipHello {
		hello := map[string]any{"type": "hello", "token": o.Token, "last_id": o.LastID, "page": o.Page, "referrer": o.Referrer, "lang": "en"}
		if err := c.sendJSON(ctx, hello); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// HandshakeError is a refused WebSocket upgrade.
type HandshakeError struct {
	Status int
	Err    error
}

func (e *HandshakeError) Error() string {
	return fmt.Sprintf("handshake refused with %d: %v", e.Status, e.Err)
}
func (e *HandshakeError) Unwrap() error { return e.Err }

func (c *Client) read() {
	defer func() {
		close(c.done)
		c.changes.Notify()
	}()
	for {
		_, data, err := c.ws.Read(context.Background())
		if err != nil {
			c.closeMu.Lock()
			c.closeErr = err
			c.closeMu.Unlock()
			return
		}
		var f Frame
		if err := json.Unmarshal(data, &f); err != nil {
			f = Frame{Type: "unparsable", Text: string(data)}
		}
		if c.onFrame != nil {
			c.onFrame(f)
		}
		if c.discard && f.Type != "welcome" && f.Type != "state" {
			continue
		}
		c.mu.Lock()
		c.frames = append(c.frames, f)
		c.mu.Unlock()
		c.changes.Notify()
	}
}

func (c *Client) sendJSON(ctx context.Context, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.SendRaw(ctx, data)
}

// SendRaw sends a text frame as is.
func (c *Client) SendRaw(ctx context.Context, data []byte) error {
	if err := c.ws.Write(ctx, websocket.MessageText, data); err != nil {
		return fmt.Errorf("send widget frame: %w", err)
	}
	return nil
}

// SendBinary sends a binary frame, which the protocol does not allow.
func (c *Client) SendBinary(ctx context.Context, data []byte) error {
	return c.ws.Write(ctx, websocket.MessageBinary, data)
}

// NextID returns a fresh client id for a frame.
func (c *Client) NextID() string { return c.prefix + "-" + strconv.FormatInt(c.seq.Add(1), 10) }

// Say sends a user message and returns its client id.
func (c *Client) Say(ctx context.Context, text string) (string, error) {
	id := c.NextID()
	return id, c.SayAs(ctx, id, text)
}

// SayAs sends a user message with a given client id (a resend).
func (c *Client) SayAs(ctx context.Context, clientID, text string) error {
	return c.sendJSON(ctx, map[string]string{"type": "message", "client_id": clientID, "text": text})
}

// SendFiles sends a message attaching uploaded files by their ids.
func (c *Client) SendFiles(ctx context.Context, clientID, text string, ids ...string) error {
	return c.sendJSON(ctx, map[string]any{"type": "message", "client_id": clientID, "text": text, "attachments": ids})
}

// Choose presses an offer's button.
func (c *Client) Choose(ctx context.Context, choice string) error {
	return c.sendJSON(ctx, map[string]string{"type": "choice", "client_id": c.NextID(), "choice": choice})
}

// SubmitLead sends the lead form.
func (c *Client) SubmitLead(ctx context.Context, name, contact, message string) error {
	return c.sendJSON(ctx, map[string]string{"type": "lead", "client_id": c.NextID(), "name": name, "contact": contact, "message": message})
}

// Typing says the user is typing.
func (c *Client) Typing(ctx context.Context) error {
	return c.sendJSON(ctx, map[string]string{"type": "typing"})
}

// Frames returns every frame received so far.
func (c *Client) Frames() []Frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.frames)
}

// Welcome returns the welcome frame, once received.
func (c *Client) Welcome() (Frame, bool) {
	for _, f := range c.Frames() {
		if f.Type == "welcome" {
			return f, true
		}
	}
	return Frame{}, false
}

// Messages returns the message frames as the widget shows them: each id
// once, in id order.
func Messages(frames []Frame) []Frame {
	seen := map[int64]bool{}
	var out []Frame
	for _, f := range frames {
		if f.Type == "message" && f.ID != 0 && !seen[f.ID] {
			seen[f.ID] = true
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b Frame) int { return int(a.ID - b.ID) })
	return out
}

// LastID is the highest message id received.
func (c *Client) LastID() int64 {
	var id int64
	for _, f := range c.Frames() {
		if f.Type == "message" {
			id = max(id, f.ID)
		}
	}
	return id
}

// WaitFor blocks until ok holds for the frames received, the socket
// closes, or ctx ends. Without a deadline on ctx it gives up after
// waitfor.DefaultBound: a guard against a hung test.
func (c *Client) WaitFor(ctx context.Context, what string, ok func([]Frame) bool) ([]Frame, error) {
	var (
		frames []Frame
		closed bool
	)
	err := c.changes.Until(ctx, what, func() bool {
		frames = c.Frames()
		if ok(frames) {
			return true
		}
		select {
		case <-c.done:
			// Every frame was kept before the close: look once more.
			frames = c.Frames()
			closed = !ok(frames)
			return true
		default:
			return false
		}
	})
	switch {
	case err != nil:
		return frames, fmt.Errorf("%w (have %d frames)", err, len(frames))
	case closed:
		return frames, fmt.Errorf("waiting for %s: socket closed: %w", what, c.CloseErr())
	}
	return frames, nil
}

// WaitClosed waits until the bridge closes the socket and returns its
// close status and reason.
func (c *Client) WaitClosed(ctx context.Context) (websocket.StatusCode, string, error) {
	select {
	case <-c.done:
	case <-ctx.Done():
		return 0, "", fmt.Errorf("waiting for the socket to close: %w", ctx.Err())
	}
	var ce websocket.CloseError
	if errors.As(c.CloseErr(), &ce) {
		return ce.Code, ce.Reason, nil
	}
	return -1, "", c.CloseErr()
}

// CloseErr is why the socket closed, once it has.
func (c *Client) CloseErr() error {
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	return c.closeErr
}

// Close closes the socket as a leaving tab does.
func (c *Client) Close() {
	_ = c.ws.Close(websocket.StatusNormalClosure, "bye")
	<-c.done
}

// Drop closes the socket without a close handshake, as a lost network does.
func (c *Client) Drop() {
	_ = c.ws.CloseNow()
	<-c.done
}
