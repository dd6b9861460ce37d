package discord

import (
	"context"
	"errors"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

func (a *Adapter) addHandlers() {
	a.s.AddHandler(func(_ *discordgo.Session, ev any) { a.onAnyEvent(ev) })
	a.s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Connect) { a.connected.Store(true) })
	a.s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) { a.connected.Store(false) })
	// Both a fresh session and a resumed one may have missed messages: a
	// new session everything since the bot went away, a resumed one what
	// Discord did not replay.
	a.s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		if r.User != nil {
			a.botID.Store(r.User.ID)
		}
		if r.Application != nil && r.Application.ID != "" {
			a.readyApp.Store(r.Application.ID)
		}
		a.catchUp(a.run.ctx())
	})
	a.s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { a.catchUp(a.run.ctx()) })
	a.s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { a.onMessage(m.Message) })
	a.s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageUpdate) { a.onEdit(m.Message, false) })
	a.s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageDelete) { a.onEdit(m.Message, true) })
	a.s.AddHandler(func(_ *discordgo.Session, t *discordgo.TypingStart) { a.onTyping(t) })
	a.s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { a.onInteraction(i.Interaction) })
}

// fromOthers reports whether a message was written by a person: not by the
// bridge's own bot (its posts must never echo back), another bot or a
// webhook.
func (a *Adapter) fromOthers(m *discordgo.Message) bool {
	return m != nil && m.Author != nil && m.Author.ID != a.bot() && !m.Author.Bot && m.WebhookID == ""
}

// userSide reports whether a channel is where users talk to the bot.
func (a *Adapter) userSide(channelID, guildID string) bool {
	if guildID == "" {
		return a.cfg.Users
	}
	return a.isSupportChannel(channelID)
}

func (a *Adapter) onMessage(m *discordgo.Message) {
	if !a.fromOthers(m) {
		return
	}
	if m.Member != nil {
		a.roles.Store(m.Author.ID, m.Member.Roles)
	}
	if a.userSide(m.ChannelID, m.GuildID) {
		a.lanes.push(m.ChannelID, func() { a.relayUserMessage(m) })
		return
	}
	if m.GuildID != "" {
		a.lanes.push(m.ChannelID, func() { a.relayAgentMessage(m) })
	}
}

func (a *Adapter) agentRef(u *discordgo.User, member *discordgo.Member) bridge.AgentRef {
	ref := bridge.AgentRef{Workspace: bridge.WorkspaceDiscord, UserID: u.ID, DisplayName: u.DisplayName()}
	if member != nil {
		if member.Nick != "" {
			ref.DisplayName = member.Nick
		}
		ref.Roles = member.Roles
	} else if r, ok := a.roles.Load(u.ID); ok {
		ref.Roles = r.([]string)
	}
	return ref
}

// handle hands an event to the engine, retrying store trouble a few times:
// the event came over the gateway and will not come again unless a
// catch-up reads it back.
func (a *Adapter) handle(ctx context.Context, ev bridge.Event) (bridge.Outcome, error) {
	var out bridge.Outcome
	var err error
	for attempt := range 4 {
		out, err = a.handler.Handle(ctx, ev)
		if err == nil || bridge.IsRefusal(err) || errors.Is(err, bridge.ErrNotHandoffThread) || errors.Is(err, bridge.ErrShuttingDown) {
			return out, err
		}
		select {
		case <-ctx.Done():
			return out, err
		case <-time.After(time.Duration(attempt+1) * 200 * time.Millisecond):
		}
	}
	return out, err
}

func (a *Adapter) relayAgentMessage(m *discordgo.Message) {
	ctx := a.run.ctx()
	_, err := a.handle(ctx, bridge.AgentMessage{
		Agent: a.agentRef(m.Author, m.Member), ThreadID: m.ChannelID, PlatformID: m.ID,
		Text: m.Content, Attachments: a.keepFiles(ctx, m.ChannelID, fromDiscordAttachments(m.Attachments)),
	})
	switch {
	case errors.Is(err, bridge.ErrNotHandoffThread):
		return // a channel the bridge does not manage
	case err != nil:
		a.log.Error("relay agent message", "thread", m.ChannelID, "message", m.ID, "err", err)
		return // the cursor stays behind it: the next catch-up tries again
	}
	a.advanceCursor(ctx, threadCursor(m.ChannelID), m.ChannelID, m.ID)
}

func (a *Adapter) relayUserMessage(m *discordgo.Message) {
	addr, user := a.userAddress(m.ChannelID, m.GuildID, m.Author)
	uc := bridge.UserContext{Username: m.Author.Username, ChatType: "direct message"}
	if m.GuildID != "" {
		uc.ChatType = "support channel"
	}
	ctx := a.run.ctx()
	text, atts, ok := userContent(m)
	var err error
	if ok {
		_, err = a.handle(ctx, bridge.UserMessage{
			Address: addr, User: user, Context: uc, PlatformID: m.ID, Text: text, Attachments: atts,
		})
	}
	if err != nil {
		a.log.Error("relay user message", "chat", addr.ChatID, "message", m.ID, "err", err)
		return // the cursor stays behind it: the next catch-up tries again
	}
	a.advanceCursor(ctx, userCursor(m.ChannelID), m.ChannelID, m.ID)
	if m.GuildID == "" {
		a.dms.remember(ctx, a.state, m.ChannelID, a.log)
	} else {
		a.authors.Add(m.ID, m.Author.ID)
	}
}

func (a *Adapter) onEdit(m *discordgo.Message, deleted bool) {
	if m == nil {
		return
	}
	if a.userSide(m.ChannelID, m.GuildID) {
		a.onUserEdit(m, deleted)
		return
	}
	if m.GuildID == "" {
		return // a DM while users are not served here
	}
	if !deleted && !a.fromOthers(m) {
		return // an update without author is Discord filling in a link preview
	}
	ev := bridge.AgentEdit{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceDiscord}, ThreadID: m.ChannelID, PlatformID: m.ID, Deleted: deleted}
	if !deleted {
		ev.Agent, ev.Text = a.agentRef(m.Author, m.Member), m.Content
	}
	a.lanes.push(m.ChannelID, func() {
		if _, err := a.handle(a.run.ctx(), ev); err != nil && !errors.Is(err, bridge.ErrNotHandoffThread) {
			a.log.Error("relay agent edit", "thread", m.ChannelID, "message", m.ID, "err", err)
		}
	})
}

// maxAuthorsKept bounds the support-channel messages whose author is
// remembered for a later deletion.
const maxAuthorsKept = 10000

// onUserEdit relays a user's edit or deletion. A DM is the user's chat
// whoever wrote; in a support channel the chat is the author's, which a
// deletion does not name: it is remembered from the message.
func (a *Adapter) onUserEdit(m *discordgo.Message, deleted bool) {
	if !deleted && !a.fromOthers(m) {
		return // an update without author is Discord filling in a link preview
	}
	addr := bridge.ChatAddress{Channel: bridge.ChannelDiscord, ChatID: m.ChannelID}
	if m.GuildID != "" {
		author, ok := "", false
		if m.Author != nil {
			author, ok = m.Author.ID, true
		} else {
			author, ok = a.authors.Get(m.ID)
		}
		if !ok {
			a.log.Info("a support channel message was deleted, but whose is no longer known; not relayed", "message", m.ID)
			return
		}
		addr.ChatID = m.ChannelID + "/" + author
	}
	ev := bridge.UserEdit{Address: addr, PlatformID: m.ID, Deleted: deleted}
	if !deleted {
		ev.Text, _, _ = userContent(m)
	}
	a.lanes.push(m.ChannelID, func() {
		if _, err := a.handle(a.run.ctx(), ev); err != nil {
			a.log.Error("relay user edit", "chat", addr.ChatID, "message", m.ID, "err", err)
		}
	})
}

func (a *Adapter) onTyping(t *discordgo.TypingStart) {
	if t.UserID == a.bot() {
		return
	}
	var ev bridge.Event
	if a.userSide(t.ChannelID, t.GuildID) {
		addr, _ := a.userAddress(t.ChannelID, t.GuildID, &discordgo.User{ID: t.UserID})
		ev = bridge.UserTyping{Address: addr}
	} else if t.GuildID != "" {
		ev = bridge.AgentTyping{Agent: a.agentRef(&discordgo.User{ID: t.UserID}, nil), ThreadID: t.ChannelID}
	} else {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(a.run.ctx(), 10*time.Second)
		defer cancel()
		if _, err := a.handler.Handle(ctx, ev); err != nil && !errors.Is(err, bridge.ErrNotHandoffThread) {
			a.log.Debug("relay typing", "channel", t.ChannelID, "err", err)
		}
	}()
}
