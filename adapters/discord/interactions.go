package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

// interactionTTL is how long an interaction token is kept for a private
// answer; Discord accepts followups for 15 minutes.
const interactionTTL = 10 * time.Minute

// pendingInteractions keeps recent clicks, by agent and card, so that the
// engine's answer to a click (a refusal, "already taken by") reaches the
// agent as an ephemeral message under the card they clicked.
type pendingInteractions struct {
	mu sync.Mutex
	m  map[string]pendingInteraction
}

type pendingInteraction struct {
	in *discordgo.Interaction
	at time.Time
}

func newPendingInteractions() *pendingInteractions {
	return &pendingInteractions{m: map[string]pendingInteraction{}}
}

func (p *pendingInteractions) put(userID, messageID string, in *discordgo.Interaction) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	for k, v := range p.m {
		if now.Sub(v.at) > interactionTTL {
			delete(p.m, k)
		}
	}
	p.m[userID+":"+messageID] = pendingInteraction{in: in, at: now}
	p.m[userID+":"] = pendingInteraction{in: in, at: now} // the latest, for a thread not yet recorded
}

func (p *pendingInteractions) take(userID, messageID string) *discordgo.Interaction {
	p.mu.Lock()
	defer p.mu.Unlock()
	// A click can come before the engine has stored the thread it opened
	// (the card is visible first): then the ref has no id, and the agent's
	// latest click is the one being answered.
	key := userID + ":" + messageID
	v, ok := p.m[key]
	if !ok || time.Since(v.at) > interactionTTL {
		return nil
	}
	delete(p.m, key)
	if latest := p.m[userID+":"]; latest.in == v.in {
		delete(p.m, userID+":")
	}
	if v.in.Message != nil {
		delete(p.m, userID+":"+v.in.Message.ID)
	}
	return v.in
}

// click is a parsed button press of ours.
type click struct {
	user    bool // an offer button pressed by a user
	choice  bridge.ChoiceID
	action  bridge.Action
	handoff bridge.HandoffID
}

// parseCustomID reads a custom_id the bridge made; ok is false for any
// other (another bot's button, or a forged or truncated id).
func parseCustomID(id string) (click, bool) {
	rest, ok := strings.CutPrefix(id, customIDPrefix)
	if !ok {
		return click{}, false
	}
	kind, arg, ok := strings.Cut(rest, ":")
	if !ok {
		return click{}, false
	}
	if kind == "user" {
		switch c := bridge.ChoiceID(arg); c {
		case bridge.ChoiceAccept, bridge.ChoiceDecline, bridge.ChoiceCancel:
			return click{user: true, choice: c}, true
		}
		return click{}, false
	}
	switch a := bridge.Action(kind); a {
	case bridge.ActJoin, bridge.ActReject, bridge.ActResolve:
		n, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || n <= 0 {
			return click{}, false
		}
		return click{action: a, handoff: bridge.HandoffID(n)}, true
	}
	return click{}, false
}

// clicker is who pressed: the member in a guild, the user in a DM.
func clicker(in *discordgo.Interaction) (u *discordgo.User, roles []string, name string) {
	if in.Member != nil && in.Member.User != nil {
		name = in.Member.Nick
		if name == "" {
			name = in.Member.User.DisplayName()
		}
		return in.Member.User, in.Member.Roles, name
	}
	if in.User != nil {
		return in.User, nil, in.User.DisplayName()
	}
	return nil, nil, ""
}

// onInteraction answers a gateway interaction at once and handles it after.
func (a *Adapter) onInteraction(in *discordgo.Interaction) {
	if in.Type == discordgo.InteractionApplicationCommand {
		a.onCommand(in)
		return
	}
	if in.Type == discordgo.InteractionApplicationCommandAutocomplete {
		go func() {
			ctx, cancel := context.WithTimeout(a.run.ctx(), 3*time.Second)
			defer cancel()
			if err := a.s.InteractionRespond(in, a.autocompleteResponse(in), discordgo.WithContext(ctx)); err != nil {
				a.log.Warn("answer autocomplete", "interaction", in.ID, "err", err)
			}
		}()
		return
	}
	if in.Type != discordgo.InteractionMessageComponent {
		return
	}
	// Acknowledge at once, beside the thread's queue: Discord gives 3
	// seconds, and messages queued before the click may take longer.
	acked := make(chan bool, 1)
	go func() {
		ctx, cancel := context.WithTimeout(a.run.ctx(), 30*time.Second)
		defer cancel()
		err := a.s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}, discordgo.WithContext(ctx))
		if err != nil {
			a.log.Warn("acknowledge interaction", "interaction", in.ID, "err", err)
		}
		acked <- err == nil
	}()
	// Handle it in the lane of its thread, in the gateway's order: an
	// agent's replies sent just before pressing Resolve are handled before
	// the Resolve, so they still reach the user.
	a.lanes.push(clickLane(in), func() {
		if !<-acked {
			return
		}
		ctx, cancel := context.WithTimeout(a.run.ctx(), 30*time.Second)
		defer cancel()
		a.handleClick(ctx, in)
	})
}

// clickLane is the lane a click is handled in: a card's buttons share the
// lane of the card's thread (the thread is started from the card, so it has
// the card's id); a user's buttons, the lane of the user's chat.
func clickLane(in *discordgo.Interaction) string {
	if data, ok := in.Data.(discordgo.MessageComponentInteractionData); ok {
		if c, ok := parseCustomID(data.CustomID); ok && !c.user && in.Message != nil {
			return in.Message.ID
		}
	}
	return in.ChannelID
}

// handleClick turns an acknowledged click into an engine event.
func (a *Adapter) handleClick(ctx context.Context, in *discordgo.Interaction) {
	data, ok := in.Data.(discordgo.MessageComponentInteractionData)
	if !ok {
		return
	}
	c, ok := parseCustomID(data.CustomID)
	u, roles, name := clicker(in)
	if !ok || u == nil {
		a.ephemeral(ctx, in, "This button is not one the bridge knows.")
		return
	}
	if c.user {
		addr, user := a.userAddress(in.ChannelID, in.GuildID, u)
		if _, err := a.handler.Handle(ctx, bridge.UserChoice{Address: addr, User: user, PlatformID: "interaction:" + in.ID, Choice: c.choice}); err != nil {
			a.log.Error("handle user choice", "interaction", in.ID, "err", err)
			a.ephemeral(ctx, in, "Sorry, that did not work. Please try again.")
		}
		return
	}
	cardID := ""
	if in.Message != nil {
		cardID = in.Message.ID
	}
	a.pending.put(u.ID, cardID, in)
	_, err := a.handler.Handle(ctx, bridge.AgentAction{
		Agent:   bridge.AgentRef{Workspace: bridge.WorkspaceDiscord, UserID: u.ID, DisplayName: name, Roles: roles},
		Handoff: c.handoff, ThreadID: cardID, Action: c.action, EventID: "interaction:" + in.ID,
	})
	switch {
	case err == nil, bridge.IsRefusal(err):
		// A refusal was told through TellAgent, on this interaction.
	case errors.Is(err, bridge.ErrNotHandoffThread):
		a.pending.take(u.ID, cardID)
		a.ephemeral(ctx, in, "This handoff no longer exists.")
	default:
		a.pending.take(u.ID, cardID)
		a.log.Error("handle agent action", "interaction", in.ID, "action", c.action, "handoff", c.handoff, "err", err)
		a.ephemeral(ctx, in, "Sorry, that did not work. Please try again.")
	}
}

func (a *Adapter) ephemeral(ctx context.Context, in *discordgo.Interaction, text string) {
	_, err := a.s.FollowupMessageCreate(in, true, &discordgo.WebhookParams{
		Content: text, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		a.log.Warn("ephemeral answer", "interaction", in.ID, "err", err)
	}
}

// maxInteractionBody bounds what /discord/interactions reads.
const maxInteractionBody = 1 << 20

// Mount serves Discord's HTTP interactions at /discord/interactions when
// the application's public key is configured.
func (a *Adapter) Mount(mux *http.ServeMux) {
	if len(a.cfg.PublicKey) == ed25519.PublicKeySize {
		mux.HandleFunc("POST /discord/interactions", a.serveInteractions)
	}
}

// maxInteractionAge is how far a signed interaction's timestamp may be
// from now, either way: an older one is a replay of a captured request.
const maxInteractionAge = 5 * time.Minute

// verifyInteraction checks Discord's signature: Ed25519 over the
// timestamp followed by the raw body, with the application's public key,
// and that the timestamp (Unix seconds) is within maxInteractionAge of
// now, so a captured request cannot be replayed later.
func verifyInteraction(key ed25519.PublicKey, r *http.Request, body []byte, now time.Time) bool {
	sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
	ts := r.Header.Get("X-Signature-Timestamp")
	if err != nil || len(sig) != ed25519.SignatureSize || ts == "" || len(key) != ed25519.PublicKeySize {
		return false
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	if age := now.Sub(time.Unix(secs, 0)); age > maxInteractionAge || age < -maxInteractionAge {
		return false
	}
	return ed25519.Verify(key, append([]byte(ts), body...), sig)
}

func (a *Adapter) serveInteractions(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxInteractionBody))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if !verifyInteraction(a.cfg.PublicKey, r, body, a.cfg.Clock.Now()) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	in, err := parseInteraction(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch in.Type {
	case discordgo.InteractionPing:
		_, _ = w.Write([]byte(`{"type":1}`))
	case discordgo.InteractionMessageComponent:
		// The answer in the body is the acknowledgement; work goes on after.
		_, _ = w.Write([]byte(`{"type":6}`))
		a.lanes.push(clickLane(in), func() {
			ctx, cancel := context.WithTimeout(a.life, 30*time.Second)
			defer cancel()
			a.handleClick(ctx, in)
		})
	case discordgo.InteractionApplicationCommand:
		// The answer goes in the body, so it is bounded well within
		// Discord's 3 seconds. (A deferred answer edited after could reach
		// Discord before the deferral itself.)
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		_ = json.NewEncoder(w).Encode(discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: a.commandText(ctx, in), Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()},
		})
	case discordgo.InteractionApplicationCommandAutocomplete:
		_ = json.NewEncoder(w).Encode(a.autocompleteResponse(in))
	default:
		_, _ = w.Write([]byte(`{"type":4,"data":{"content":"This command is not handled by the bridge.","flags":64,"allowed_mentions":{"parse":[]}}}`))
	}
}

// parseInteraction decodes an interaction payload, refusing the shapes the
// bridge cannot act on.
func parseInteraction(body []byte) (*discordgo.Interaction, error) {
	var in discordgo.Interaction
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("decode interaction: %w", err)
	}
	if in.Type != discordgo.InteractionPing && (in.ID == "" || in.Token == "") {
		return nil, errors.New("decode interaction: id and token are required")
	}
	return &in, nil
}
