package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/signing"
)

// Headers of a callback beside the signature's.
const (
	HeaderEvent    = "X-Bridge-Event"    // the event type
	HeaderDelivery = "X-Bridge-Delivery" // the event id: the same on every retry
)

// Send delivers a message the engine sends the user as a callback (and to
// open streams). The outbox calls it in order per conversation and retries
// it on error, so the callback's answer decides: 2xx is delivered, 429
// waits for Retry-After, anything else is retried with backoff except a
// refusal of the payload itself (400, 410, 413, 422).
func (a *API) Send(ctx context.Context, to bridge.ChatAddress, m bridge.OutgoingMessage) (string, error) {
	it, conversation, err := a.parseAddress(to)
	if err != nil {
		return "", err
	}
	if m.Role == bridge.RoleUser {
		return m.MessageID.String(), nil // the bot wrote it: nothing to tell it
	}
	return m.MessageID.String(), a.deliver(ctx, it, a.messageEvent(ctx, it, to, conversation, m))
}

// SendTyping tells the bot an agent is typing. Typing is not retried.
func (a *API) SendTyping(ctx context.Context, to bridge.ChatAddress, author string) error {
	it, conversation, err := a.parseAddress(to)
	if err != nil {
		return err
	}
	ev := a.newEvent(it, conversation, randomEventID("evt_typing_"), "agent.typing")
	ev.Agent = &agentOut{Name: author}
	return a.deliver(ctx, it, ev)
}

// EditMessage tells the bot an agent changed a delivered reply.
func (a *API) EditMessage(ctx context.Context, to bridge.ChatAddress, platformID string, m bridge.OutgoingMessage) error {
	it, conversation, err := a.parseAddress(to)
	if err != nil {
		return err
	}
	ev := a.messageEvent(ctx, it, to, conversation, m)
	ev.ID, ev.Type = editEventID(platformID, m.Text), "message.edited"
	ev.Message.ID = platformID
	return a.deliver(ctx, it, ev)
}

// DeleteMessage tells the bot an agent withdrew a delivered reply.
func (a *API) DeleteMessage(ctx context.Context, to bridge.ChatAddress, platformID string) error {
	it, conversation, err := a.parseAddress(to)
	if err != nil {
		return err
	}
	ev := a.newEvent(it, conversation, "evt_"+platformID+"_deleted", "message.deleted")
	ev.Message = &eventMessage{ID: platformID, Role: "agent"}
	return a.deliver(ctx, it, ev)
}

// ShowLeadForm asks the bot to show one step of the lead form; the user's
// answer comes back as a message.
func (a *API) ShowLeadForm(ctx context.Context, to bridge.ChatAddress, s bridge.LeadFormStep) (string, error) {
	it, conversation, err := a.parseAddress(to)
	if err != nil {
		return "", err
	}
	ev := a.newEvent(it, conversation, "evt_"+s.MessageID.String(), "lead_form.step")
	paused := true // the user's answers go to the form, not the bot
	ev.State, ev.BotPaused = bridge.StateFallback, &paused
	ev.LeadForm = &eventLeadForm{Field: string(s.Field), Prompt: s.Prompt, Problem: s.Problem}
	return s.MessageID.String(), a.deliver(ctx, it, ev)
}

// deliver sends ev to the callback URL, if any, then to the open streams.
func (a *API) deliver(ctx context.Context, it *integration, ev Event) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return bridge.Permanent(fmt.Errorf("api: encode %s: %w", ev.Type, err))
	}
	if it.CallbackURL != "" {
		if err := a.post(ctx, it, ev, body); err != nil {
			return err
		}
	}
	a.streams.publish(it.Name+"/"+ev.ConversationID, frame{id: ev.ID, kind: ev.Type, data: body})
	return nil
}

func (a *API) post(ctx context.Context, it *integration, ev Event, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, it.CallbackURL, bytes.NewReader(body))
	if err != nil {
		return bridge.Permanent(fmt.Errorf("api: callback of %s: %w", it.Name, err))
	}
	now := a.clock.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "handoff-bridge-api")
	req.Header.Set(HeaderEvent, ev.Type)
	req.Header.Set(HeaderDelivery, ev.ID)
	req.Header.Set(signing.HeaderTimestamp, ts)
	req.Header.Set(signing.HeaderSignature, signing.Sign(it.CallbackSecret, ts, body))
	resp, err := a.opts.Client.Do(req)
	if err != nil {
		return fmt.Errorf("api: callback of %s: %w", it.Name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil
	}
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	err = fmt.Errorf("api: callback of %s answered %s: %s", it.Name, resp.Status, strings.Join(strings.Fields(string(excerpt)), " "))
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return &bridge.RetryAfterError{After: retryAfter(resp.Header.Get("Retry-After"), now), Err: err}
	case http.StatusBadRequest, http.StatusGone, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return bridge.Permanent(err)
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return bridge.Permanent(fmt.Errorf("%w (redirects are not followed: configure the final URL)", err))
	}
	return err
}

// retryAfter reads a Retry-After (seconds or an HTTP date), kept between a
// second and an hour; unreadable means 30 seconds.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	d := 30 * time.Second
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		d = time.Duration(min(secs, 3600)) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now)
	}
	return min(max(d, time.Second), time.Hour)
}
