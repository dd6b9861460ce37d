package mattermost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/handoffbridge/handoff/bridge"
)

// OpenThread posts the card in channel; its post id is the thread.
func (w *Workspace) OpenThread(ctx context.Context, channel string, card bridge.HandoffCard) (bridge.ThreadRef, error) {
	p, err := w.api.createPost(ctx, w.cardPost(channel, card))
	if err != nil {
		return bridge.ThreadRef{}, fmt.Errorf("open thread of handoff %d in %s: %w", card.Handoff, channel, err)
	}
	return bridge.ThreadRef{Workspace: bridge.WorkspaceMattermost, Channel: channel, ThreadID: p.ID}, nil
}

// UpdateThread patches the card for the handoff's state.
func (w *Workspace) UpdateThread(ctx context.Context, ref bridge.ThreadRef, card bridge.HandoffCard) error {
	p := w.cardPost(ref.Channel, card)
	if _, err := w.api.patchPost(ctx, ref.ThreadID, postPatch{Message: &p.Message, Props: p.Props}); err != nil {
		return fmt.Errorf("update card of handoff %d: %w", card.Handoff, err)
	}
	return nil
}

// PostToThread posts the entries as replies, in as few posts as
// Mattermost's limit allows.
func (w *Workspace) PostToThread(ctx context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) error {
	_, err := w.PostToThreadCopies(ctx, ref, posts)
	return err
}

// PostToThreadCopies is PostToThread telling the id of a post that went
// alone in one Mattermost post (a user's message arriving live, the usual
// case), so that the user's later edit can change it. A batch cut off by
// an error is retried whole by the outbox: the posts already made are
// remembered and not made again.
func (w *Workspace) PostToThreadCopies(ctx context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) (map[bridge.MessageID]string, error) {
	chunks := packPosts(posts)
	var last string
	for i, c := range chunks {
		// A chunk is known by the entries it carries, so that a retry
		// carrying more entries (the outbox merges those queued behind)
		// skips the chunks already posted.
		h := sha256.New()
		_ = json.NewEncoder(h).Encode(posts[c.first : c.last+1])
		key := ref.ThreadID + "/" + hex.EncodeToString(h.Sum(nil)) + "/" + strconv.Itoa(c.piece)
		if w.posted.Contains(key) {
			last = ""
			continue
		}
		p, err := w.api.createPost(ctx, &Post{ChannelID: ref.Channel, RootID: ref.ThreadID, Message: c.text})
		if err != nil {
			return nil, fmt.Errorf("post %d of %d to thread %s: %w", i+1, len(chunks), ref.ThreadID, err)
		}
		w.posted.Add(key, struct{}{})
		last = p.ID
	}
	if len(posts) == 1 && posts[0].MessageID != 0 && len(chunks) == 1 && last != "" {
		return map[bridge.MessageID]string{posts[0].MessageID: last}, nil
	}
	return nil, nil
}

// EditPost rewrites a user's post after their edit, marked as edited;
// after a deletion only a line saying so stays.
func (w *Workspace) EditPost(ctx context.Context, ref bridge.ThreadRef, postID string, post bridge.ThreadPost) error {
	text := "🗑️ _" + EscapeText(post.Author) + " deleted this message._"
	if !post.Deleted {
		text = clip(renderPost(post), maxMessage-12) + " _(edited)_"
	}
	if _, err := w.api.patchPost(ctx, postID, postPatch{Message: &text}); err != nil {
		return fmt.Errorf("edit post %s in thread %s: %w", postID, ref.ThreadID, err)
	}
	return nil
}

// TellAgent tells one agent something only they see. During their click
// it becomes the action's ephemeral answer; otherwise an ephemeral post in
// the thread, or, when the bot may not post those, a reply mentioning
// them.
func (w *Workspace) TellAgent(ctx context.Context, ref bridge.ThreadRef, agentUserID, text string) error {
	if agentUserID == "" {
		return nil
	}
	if w.clicks.tell(agentUserID, ref.ThreadID, text) {
		return nil
	}
	err := w.api.ephemeral(ctx, agentUserID, &Post{ChannelID: ref.Channel, RootID: ref.ThreadID, Message: text})
	if status(err) != http.StatusForbidden {
		if err != nil {
			return fmt.Errorf("tell agent %s: %w", agentUserID, err)
		}
		return nil
	}
	w.log.Warn("the bot may not post ephemeral messages (create_post_ephemeral); telling the agent in the thread", "err", err)
	u := w.userOf(ctx, agentUserID)
	mention := "@" + u.Username
	if u.Username == "" {
		mention = ""
	}
	if _, err := w.api.createPost(ctx, &Post{ChannelID: ref.Channel, RootID: ref.ThreadID, Message: mention + " " + text}); err != nil {
		return fmt.Errorf("tell agent %s in thread %s: %w", agentUserID, ref.ThreadID, err)
	}
	return nil
}

// MarkNote marks an agent's reply as an internal note with a reaction.
func (w *Workspace) MarkNote(ctx context.Context, ref bridge.ThreadRef, postID string) error {
	if err := w.api.react(ctx, reaction{UserID: w.bot(), PostID: postID, EmojiName: w.opts.NoteEmoji}); err != nil {
		return fmt.Errorf("mark note %s: %w", postID, err)
	}
	return nil
}
