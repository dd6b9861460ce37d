package discord

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

// Workspace is the agent side: each handoff is a message with buttons in
// the team's channel and a thread started from it. The thread has the
// message's id, so a ThreadRef's ThreadID is both.
type Workspace struct{ a *Adapter }

var (
	_ bridge.AgentWorkspace = (*Workspace)(nil)
	_ bridge.NoteMarker     = (*Workspace)(nil)
)

// Workspace returns the agent workspace to register with the engine.
func (a *Adapter) Workspace() *Workspace { return &Workspace{a: a} }

// Kind is discord.
func (w *Workspace) Kind() bridge.WorkspaceKind { return bridge.WorkspaceDiscord }

// OpenThread posts the card and starts its thread. Retried after a partial
// success, it finds the same card (by nonce) and the thread already there.
func (w *Workspace) OpenThread(ctx context.Context, channel string, card bridge.HandoffCard) (bridge.ThreadRef, error) {
	m, err := w.a.post(ctx, channel, &discordgo.MessageSend{
		Embeds: []*discordgo.MessageEmbed{cardEmbed(card)}, Components: cardButtons(card),
	}, "card:"+card.Handoff.String())
	if err != nil {
		return bridge.ThreadRef{}, fmt.Errorf("open thread for handoff %d: %w", card.Handoff, err)
	}
	_, err = w.a.s.MessageThreadStartComplex(channel, m.ID, &discordgo.ThreadStart{
		Name: threadName(card), AutoArchiveDuration: 10080, Type: discordgo.ChannelTypeGuildPublicThread,
	}, discordgo.WithContext(ctx))
	if err != nil && !isCode(err, discordgo.ErrCodeThreadAlreadyCreatedForThisMessage) {
		return bridge.ThreadRef{}, fmt.Errorf("open thread for handoff %d: %w", card.Handoff, classify("start thread", err))
	}
	return bridge.ThreadRef{Workspace: bridge.WorkspaceDiscord, Channel: channel, ThreadID: m.ID}, nil
}

// UpdateThread edits the card in place; on resolve it renames the thread
// and archives it after the configured delay, and a thread that opens
// again is unarchived.
func (w *Workspace) UpdateThread(ctx context.Context, ref bridge.ThreadRef, card bridge.HandoffCard) error {
	embeds := []*discordgo.MessageEmbed{cardEmbed(card)}
	comps := cardButtons(card)
	_, err := w.a.s.ChannelMessageEditComplex(&discordgo.MessageEdit{
		ID: ref.ThreadID, Channel: ref.Channel, Embeds: &embeds, Components: &comps, AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("update card of handoff %d: %w", card.Handoff, classify("edit message", err))
	}
	if card.State.Open() {
		// Only a thread this bridge closed is touched again: Discord allows
		// two renames of a channel per 10 minutes.
		if _, closed := w.a.closed.LoadAndDelete(ref.ThreadID); !closed {
			return nil
		}
		if t, ok := w.a.archives.LoadAndDelete(ref.ThreadID); ok {
			t.(*time.Timer).Stop()
		}
		archived := false
		_, err = w.a.s.ChannelEditComplex(ref.ThreadID, &discordgo.ChannelEdit{Name: threadName(card), Archived: &archived}, discordgo.WithContext(ctx))
		if err != nil {
			w.a.closed.Store(ref.ThreadID, true)
			return fmt.Errorf("reopen thread of handoff %d: %w", card.Handoff, classify("edit thread", err))
		}
		return nil
	}
	if _, already := w.a.closed.Load(ref.ThreadID); already {
		return nil
	}
	edit := &discordgo.ChannelEdit{Name: threadName(card)}
	if w.a.cfg.ArchiveAfter == 0 {
		yes := true
		edit.Archived = &yes // renamed and archived in one call
	}
	if _, err := w.a.s.ChannelEditComplex(ref.ThreadID, edit, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("close thread of handoff %d: %w", card.Handoff, classify("edit thread", err))
	}
	w.a.closed.Store(ref.ThreadID, true)
	if w.a.cfg.ArchiveAfter > 0 {
		w.a.scheduleArchive(ref.ThreadID)
	}
	return nil
}

// scheduleArchive archives a closed thread after ArchiveAfter. The timer
// is in memory: after a restart Discord's own auto-archive (7 days of
// inactivity) still closes it.
func (a *Adapter) scheduleArchive(threadID string) {
	archive := func() {
		a.archives.Delete(threadID)
		yes := true
		if _, err := a.s.ChannelEditComplex(threadID, &discordgo.ChannelEdit{Archived: &yes}, discordgo.WithContext(a.life)); err != nil {
			a.log.Warn("archive thread", "thread", threadID, "err", err)
		}
	}
	t := time.AfterFunc(a.cfg.ArchiveAfter, archive)
	if old, loaded := a.archives.Swap(threadID, t); loaded {
		old.(*time.Timer).Stop()
	}
}

// PostToThread posts entries in as few messages as Discord's 2,000
// characters allow.
func (w *Workspace) PostToThread(ctx context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) error {
	_, err := w.PostToThreadCopies(ctx, ref, posts)
	return err
}

// PostToThreadCopies is PostToThread telling the id of a post that went
// alone in one Discord message, so that the user's later edit changes it.
func (w *Workspace) PostToThreadCopies(ctx context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) (map[bridge.MessageID]string, error) {
	key := ref.ThreadID
	if len(posts) > 0 {
		key += ":" + posts[0].MessageID.String() + ":" + strconv.FormatInt(posts[0].At.UnixNano(), 10)
	}
	chunks := pack(postBlocks(posts), maxContent)
	var last string
	for i, chunk := range chunks {
		msg, err := w.a.post(ctx, ref.ThreadID, &discordgo.MessageSend{Content: chunk}, fmt.Sprintf("%s:%d", key, i))
		if err != nil {
			return nil, fmt.Errorf("post to thread %s: %w", ref.ThreadID, err)
		}
		last = msg.ID
	}
	if len(posts) == 1 && posts[0].MessageID != 0 && len(chunks) == 1 {
		return map[bridge.MessageID]string{posts[0].MessageID: last}, nil
	}
	return nil, nil
}

// EditPost rewrites a user's post after their edit, marked as edited; after
// a deletion only a line saying so stays.
func (w *Workspace) EditPost(ctx context.Context, ref bridge.ThreadRef, messageID string, post bridge.ThreadPost) error {
	content := "🗑️ _" + escapeMarkdown(post.Author) + " deleted this message._"
	if !post.Deleted {
		content = truncate(postBlocks([]bridge.ThreadPost{post})[0], maxContent-12) + " _(edited)_"
	}
	_, err := w.a.s.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: messageID, Channel: ref.ThreadID, Content: &content,
		AllowedMentions: noMentions()}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("edit post in thread %s: %w", ref.ThreadID, classify("edit post", err))
	}
	return nil
}

// TellAgent answers the agent privately when they just clicked (an
// ephemeral followup to their interaction); otherwise it mentions them in
// the thread, pinging only them.
func (w *Workspace) TellAgent(ctx context.Context, ref bridge.ThreadRef, agentUserID, text string) error {
	if in := w.a.pending.take(agentUserID, ref.ThreadID); in != nil {
		_, err := w.a.s.FollowupMessageCreate(in, true, &discordgo.WebhookParams{
			Content: truncate(neutralize(text), maxContent), Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
		}, discordgo.WithContext(ctx))
		if err == nil {
			return nil
		}
		w.a.log.Warn("ephemeral answer failed; telling the agent in the thread", "err", err)
	}
	if ref.ThreadID == "" {
		return bridge.Permanent(fmt.Errorf("tell agent %s: the handoff's thread is not open yet", agentUserID))
	}
	content := truncate(neutralize(text), maxContent-30)
	var mentions *discordgo.MessageAllowedMentions
	if agentUserID != "" {
		content = "<@" + agentUserID + "> " + content
		mentions = onlyMentions([]string{agentUserID}, nil)
	}
	// The nonce is made of what is said to whom where: a retry of the
	// same telling (an outbox retry after a lost answer) finds the message
	// already posted. The same words told again within Discord's nonce
	// window show once, which the agent sees just above anyway.
	_, err := w.a.post(ctx, ref.ThreadID, &discordgo.MessageSend{Content: content, AllowedMentions: mentions},
		"tell:"+ref.ThreadID+":"+agentUserID+":"+text)
	if err != nil {
		return fmt.Errorf("tell agent in thread %s: %w", ref.ThreadID, err)
	}
	return nil
}

// MarkNote reacts to an agent's message that stays internal.
func (w *Workspace) MarkNote(ctx context.Context, ref bridge.ThreadRef, platformID string) error {
	if err := w.a.s.MessageReactionAdd(ref.ThreadID, platformID, w.a.cfg.NoteEmoji, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("mark note %s: %w", platformID, classify("add reaction", err))
	}
	return nil
}
