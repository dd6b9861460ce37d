package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/handoffbridge/handoff/bridge"
)

// Error codes the widget understands.
const (
	codeTooLong     = "too_long"
	codeRateLimited = "rate_limited"
	codeUnavailable = "unavailable"
	codeRefused     = "refused"
)

// readLoop takes the widget's frames until the socket closes. A malformed
// frame closes this socket with the reason; everything else the user did
// wrong gets an error frame and the socket stays. ctx is not cancelled when
// the socket closes: an event being handled is handled to the end.
func (c *conn) readLoop(ctx context.Context) error {
	for {
		f, err := c.readFrame()
		var bad *errFrame
		switch {
		case errors.As(err, &bad):
			return c.closeWith(websocket.StatusPolicyViolation, bad.reason)
		case errors.Is(err, errTooLong):
			if err := c.write(outFrame{Type: outError, Code: codeTooLong, ClientID: f.ClientID,
				Text: fmt.Sprintf("That message is too long: at most %d characters, please.", c.w.opts.MaxMessageBytes)}); err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		case f.Type == frameHello:
			return c.closeWith(websocket.StatusPolicyViolation, "hello sent twice")
		}
		if err := c.handle(ctx, f); err != nil {
			return err
		}
	}
}

// frameBuffers hold frames while they are decoded: the decoded strings are
// copies, so a buffer serves the next frame.
var frameBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readFrame reads and decodes the next frame. The read has no context that
// can end (one would cost a timer per frame): closing the socket, at
// shutdown or when a write fails, ends it.
func (c *conn) readFrame() (inFrame, error) {
	typ, r, err := c.ws.Reader(context.Background())
	if err != nil {
		return inFrame{}, c.readFailed(err)
	}
	buf := frameBuffers.Get().(*bytes.Buffer)
	defer frameBuffers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return inFrame{}, c.readFailed(err)
	}
	if typ != websocket.MessageText {
		return inFrame{}, c.closeWith(websocket.StatusUnsupportedData, "frames must be JSON text")
	}
	return parseFrame(buf.Bytes(), c.w.opts.MaxMessageBytes)
}

func (c *conn) readFailed(err error) error {
	if errors.Is(err, websocket.ErrMessageTooBig) {
		return c.closeWith(websocket.StatusMessageTooBig, "frame too big")
	}
	return err
}

// handle passes one frame to the engine.
func (c *conn) handle(ctx context.Context, f inFrame) error {
	addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: c.session.ID}
	if f.Type == frameTyping {
		now := c.w.clock.Now()
		if now.Sub(c.typed) < typingEvery {
			return nil
		}
		c.typed = now
		_, err := c.w.opts.Handler.Handle(ctx, bridge.UserTyping{Address: addr})
		if err != nil {
			c.w.log.Debug("user typing not passed on", "err", err)
		}
		return nil
	}
	if wait, ok := c.allow(); !ok {
		return c.write(outFrame{Type: outError, Code: codeRateLimited, ClientID: f.ClientID, RetryAfterMS: max(wait.Milliseconds(), 1),
			Text: "You're sending messages too quickly; this one will be sent in a moment."})
	}
	if f.ClientID == "" {
		f.ClientID = "s-" + newSessionID() // without an id a resend cannot be recognised
	}
	var ev bridge.Event
	var files []bridge.Attachment
	switch f.Type {
	case frameMessage:
		if strings.TrimSpace(f.Text) == "" && len(f.Attachments) == 0 {
			return nil
		}
		atts, err := c.attachmentsOf(ctx, f.Attachments)
		if err != nil {
			c.w.log.Info("widget message with a file it cannot attach", "session", c.session.ID, "err", err)
			return c.write(outFrame{Type: outError, Code: codeRefused, ClientID: f.ClientID,
				Text: "That file is no longer available; please attach it again."})
		}
		ev = bridge.UserMessage{Address: addr, User: c.user, Context: c.userContext(), PlatformID: f.ClientID, Text: f.Text, Attachments: atts}
		files = atts
	case frameChoice:
		ev = bridge.UserChoice{Address: addr, User: c.user, PlatformID: f.ClientID, Choice: f.Choice}
	case frameLead:
		ev = bridge.UserLeadForm{Address: addr, PlatformID: f.ClientID, Name: f.Name, Contact: f.Contact, Message: f.Message}
	}
	hctx, cancel := context.WithTimeout(ctx, handleTimeout)
	out, err := c.w.opts.Handler.Handle(hctx, ev)
	cancel()
	switch {
	case errors.Is(err, bridge.ErrShuttingDown):
		return c.write(outFrame{Type: outError, Code: codeUnavailable, ClientID: f.ClientID, RetryAfterMS: 2000,
			Text: "The chat is restarting; your message will be sent when it is back."})
	case errors.Is(err, bridge.ErrNoLeadForm):
		return c.write(outFrame{Type: outError, Code: codeRefused, ClientID: f.ClientID, Text: "This form is closed."})
	case err != nil:
		c.w.log.Error("widget event failed", "session", c.session.ID, "type", f.Type, "err", err)
		return c.write(outFrame{Type: outError, Code: codeUnavailable, ClientID: f.ClientID, RetryAfterMS: 5000,
			Text: "Sorry, something went wrong; retrying."})
	}
	if f.Type == frameMessage && out.Message != 0 {
		// Every tab of the session shows the user's message, under its
		// stored id; for the sending tab it is also the acknowledgement.
		pctx, cancel := context.WithTimeout(ctx, handleTimeout)
		err := c.w.deliver(pctx, c.session.ID, outFrame{Type: outMessage, ID: out.Message, Role: bridge.RoleUser, Text: f.Text,
			ClientID: f.ClientID, Files: c.w.userFiles(c.session.ID, files), At: c.w.clock.Now().UnixMilli()})
		cancel()
		if err != nil {
			// Stored and shown here; the session's tabs on other replicas
			// show it at their next catch-up.
			c.w.log.Warn("widget: the user's message was not shown in the session's tabs elsewhere", "session", c.session.ID, "err", err)
		}
		return nil
	}
	return c.write(outFrame{Type: "ack", ClientID: f.ClientID})
}

// allow spends a token of the session's and of the IP's bucket.
func (c *conn) allow() (time.Duration, bool) {
	now := c.w.clock.Now()
	rs := c.sess.lim.ReserveN(now, 1)
	if d := rs.DelayFrom(now); d > 0 {
		rs.CancelAt(now)
		return d, false
	}
	ri := c.ipb.lim.ReserveN(now, 1)
	if d := ri.DelayFrom(now); d > 0 {
		ri.CancelAt(now)
		rs.CancelAt(now)
		return d, false
	}
	return 0, true
}

func (c *conn) userContext() bridge.UserContext {
	return bridge.UserContext{IP: c.ip, UserAgent: c.ua, PageURL: c.hello.Page, Referrer: c.hello.Referrer,
		Language: c.hello.Lang}
}
