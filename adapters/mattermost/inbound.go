package mattermost

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/handoffbridge/handoff/bridge"
)

// onEvent handles one WebSocket event, in the order they arrive: a reply
// in a thread, its edit or deletion, or someone typing in a thread.
func (w *Workspace) onEvent(ctx context.Context, ev wsEvent) {
	var be bridge.Event
	switch ev.Event {
	case "posted", "post_edited", "post_deleted":
		p, err := eventPost(ev.Data)
		if err != nil {
			w.log.Warn("mattermost event with a post that does not parse", "event", ev.Event, "err", err)
			return
		}
		if ev.Event == "posted" {
			defer w.advanceCursor(ctx, p.ChannelID, p.CreateAt)
		}
		be = w.translatePost(ctx, ev.Event, p)
	case "typing":
		var d struct {
			ParentID string `json:"parent_id"`
			UserID   string `json:"user_id"`
		}
		if json.Unmarshal(ev.Data, &d) != nil || d.ParentID == "" || d.UserID == "" || d.UserID == w.bot() {
			return
		}
		be = bridge.AgentTyping{Agent: w.agentRef(ctx, d.UserID), ThreadID: d.ParentID}
	}
	if be != nil {
		w.handle(ctx, be)
	}
}

// eventPost reads the post of a posted, post_edited or post_deleted
// event: Mattermost sends it as a JSON string inside data.
func eventPost(data json.RawMessage) (*Post, error) {
	var d struct {
		Post string `json:"post"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, err
	}
	var p Post
	if err := json.Unmarshal([]byte(d.Post), &p); err != nil {
		return nil, err
	}
	if p.ID == "" {
		return nil, errors.New("post without an id")
	}
	return &p, nil
}

// translatePost turns a post event into the bridge event it means, or nil
// for what the bridge ignores: the bot's own posts, root posts, and the
// server's system messages.
func (w *Workspace) translatePost(ctx context.Context, event string, p *Post) bridge.Event {
	if p.RootID == "" || p.UserID == "" || p.UserID == w.bot() || p.Type != "" || p.Props["from_bot"] == "true" || p.Props["from_webhook"] == "true" {
		return nil
	}
	agent := w.agentRef(ctx, p.UserID)
	switch event {
	case "posted":
		return bridge.AgentMessage{Agent: agent, ThreadID: p.RootID, PlatformID: p.ID, Text: p.Message}
	case "post_edited":
		return bridge.AgentEdit{Agent: agent, ThreadID: p.RootID, PlatformID: p.ID, Text: p.Message}
	case "post_deleted":
		return bridge.AgentEdit{Agent: agent, ThreadID: p.RootID, PlatformID: p.ID, Deleted: true}
	}
	return nil
}

// handle hands an event to the engine. Posts outside handoff threads and
// refusals are expected. A fault (the store busy or down) is retried a few
// times with backoff before it is logged: the read loop waits meanwhile,
// so later posts do not overtake it.
func (w *Workspace) handle(ctx context.Context, ev bridge.Event) {
	for attempt := 0; ; attempt++ {
		_, err := w.opts.Handler.Handle(ctx, ev)
		switch {
		case err == nil, errors.Is(err, bridge.ErrNotHandoffThread), bridge.IsRefusal(err), ctx.Err() != nil:
			return
		case attempt == handleAttempts-1:
			w.log.Error("mattermost event not handled", "event", describe(ev), "err", err)
			return
		}
		w.log.Warn("mattermost event not handled; retrying", "event", describe(ev), "err", err, "attempt", attempt+1)
		if !w.opts.Reconnect.Wait(ctx, attempt) {
			return
		}
	}
}

// handleAttempts is how many times an event is offered to the engine.
const handleAttempts = 5

func describe(ev bridge.Event) string {
	switch ev.(type) {
	case bridge.AgentMessage:
		return "reply"
	case bridge.AgentEdit:
		return "edit"
	case bridge.AgentTyping:
		return "typing"
	}
	return "event"
}
