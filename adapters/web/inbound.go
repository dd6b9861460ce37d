package web

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
// wrong gets an error frame and the socket stays.
func (c *conn) readLoop(ctx context.Context) error {
	for {
		typ, data, err := c.ws.Read(ctx)
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) {
				return c.closeWith(websocket.StatusMessageTooBig, "frame too big")
			}
			return err
		}
		if typ != websocket.MessageText {
			return c.closeWith(websocket.StatusUnsupportedData, "frames must be JSON text")
		}
		f, err := parseFrame(data, c.w.opts.MaxMessageBytes)
		var bad *errFrame
		switch {
		case errors.As(err, &bad):
			return c.closeWith(websocket.StatusPolicyViolation, bad.reason)
		case errors.Is(err, errTooLong):
			if err := c.write(ctx, outFrame{Type: outError, Code: codeTooLong, ClientID: f.ClientID,
				Text: fmt.Sprintf("That message is too long: at most %d characters, please.", c.w.opts.MaxMessageBytes)}); err != nil {
				return err
			}
			continue
		case f.Type == frameHello:
			return c.closeWith(websocket.StatusPolicyViolation, "hello sent twice")
		}
		if err := c.handle(ctx, f); err != nil {
			return err
		}
	}
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
		return c.write(ctx, outFrame{Type: outError, Code: codeRateLimited, ClientID: f.ClientID, RetryAfterMS: max(wait.Milliseconds(), 1),
			Text: "You're sending messages too quickly; this one will be sent in a moment."})
	}
	if f.ClientID == "" {
		f.ClientID = "s-" + newSessionID() // without an id a resend cannot be recognised
	}
	var ev bridge.Event
	switch f.Type {
	case frameMessage:
		if strings.TrimSpace(f.Text) == "" {
			return nil
		}
		ev = bridge.UserMessage{Address: addr, User: c.user(), Context: c.userContext(), PlatformID: f.ClientID, Text: f.Text}
	case frameChoice:
		ev = bridge.UserChoice{Address: addr, User: c.user(), PlatformID: f.ClientID, Choice: f.Choice}
	case frameLead:
		ev = bridge.UserLeadForm{Address: addr, PlatformID: f.ClientID, Name: f.Name, Contact: f.Contact, Message: f.Message}
	}
	// The event is stored and answered even if the tab goes away meanwhile:
	// the user finds the answer when they come back.
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
	out, err := c.w.opts.Handler.Handle(hctx, ev)
	cancel()
	switch {
	case errors.Is(err, bridge.ErrShuttingDown):
		return c.write(ctx, outFrame{Type: outError, Code: codeUnavailable, ClientID: f.ClientID, RetryAfterMS: 2000,
			Text: "The chat is restarting; your message will be sent when it is back."})
	case errors.Is(err, bridge.ErrNoLeadForm):
		return c.write(ctx, outFrame{Type: outError, Code: codeRefused, ClientID: f.ClientID, Text: "This form is closed."})
	case err != nil:
		c.w.log.Error("widget event failed", "session", c.session.ID, "type", f.Type, "err", err)
		return c.write(ctx, outFrame{Type: outError, Code: codeUnavailable, ClientID: f.ClientID, RetryAfterMS: 5000,
			Text: "Sorry, something went wrong; retrying."})
	}
	if f.Type == frameMessage && out.Message != 0 {
		// Every tab of the session shows the user's message, under its
		// stored id; for the sending tab it is also the acknowledgement.
		c.w.hub.push(c.session.ID, outFrame{Type: outMessage, ID: out.Message, Role: bridge.RoleUser, Text: f.Text,
			ClientID: f.ClientID, At: c.w.clock.Now().UnixMilli()})
		return nil
	}
	return c.write(ctx, outFrame{Type: "ack", ClientID: f.ClientID})
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

func (c *conn) user() bridge.User {
	return bridge.User{ID: c.session.ID, DisplayName: "Visitor " + c.session.ID[:6]}
}

func (c *conn) userContext() bridge.UserContext {
	return bridge.UserContext{IP: c.ip, UserAgent: c.ua, PageURL: c.hello.Page, Referrer: c.hello.Referrer,
		Language: c.hello.Lang, SessionStart: c.session.Start}
}
