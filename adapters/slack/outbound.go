package slack

import (
	"context"
	"fmt"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// OpenThread posts the request's root message in channel; its ts is the
// thread.
func (w *Workspace) OpenThread(ctx context.Context, channel string, card bridge.HandoffCard) (bridge.ThreadRef, error) {
	text, blocks := cardMessage(card)
	_, ts, err := w.api.PostMessageContext(ctx, channel, slackgo.MsgOptionText(text, false), slackgo.MsgOptionBlocks(blocks...),
		slackgo.MsgOptionDisableLinkUnfurl())
	if err != nil {
		return bridge.ThreadRef{}, classify(fmt.Sprintf("open thread of handoff %d in %s", card.Handoff, channel), err)
	}
	w.channels.Store(card.Handoff, channel)
	return bridge.ThreadRef{Workspace: bridge.WorkspaceSlack, Channel: channel, ThreadID: ts}, nil
}

// UpdateThread rewrites the root message for the card's state.
func (w *Workspace) UpdateThread(ctx context.Context, ref bridge.ThreadRef, card bridge.HandoffCard) error {
	text, blocks := cardMessage(card)
	_, _, _, err := w.api.UpdateMessageContext(ctx, ref.Channel, ref.ThreadID, slackgo.MsgOptionText(text, false), slackgo.MsgOptionBlocks(blocks...))
	return classify(fmt.Sprintf("update thread of handoff %d", card.Handoff), err)
}

// PostToThread posts the entries into the thread in as few messages as
// Slack allows, each user's file uploaded right after its message. A batch
// cut off by an error is retried whole by the outbox: the steps already
// done are remembered and not done again.
func (w *Workspace) PostToThread(ctx context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) error {
	_, err := w.PostToThreadCopies(ctx, ref, posts)
	return err
}

// PostToThreadCopies is PostToThread telling the ts of a post that went
// alone in one Slack message (a user's message arriving live, the usual
// case), so that the user's later edit can change it with chat.update.
func (w *Workspace) PostToThreadCopies(ctx context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) (map[bridge.MessageID]string, error) {
	steps := planThread(posts)
	var messages []string // the ts of each message step
	for i, st := range steps {
		key := ref.Channel + "/" + ref.ThreadID + "/" + st.key
		if w.posted.has(key) {
			if st.file == nil {
				messages = append(messages, "") // posted by an earlier try: its ts is not known
			}
			continue
		}
		if i > 0 {
			if err := w.waitChannel(ctx, ref.Channel); err != nil {
				return nil, err
			}
		}
		if st.file != nil {
			if err := w.shareFile(ctx, ref, *st.file); err != nil {
				return nil, err
			}
			w.posted.add(key)
			continue
		}
		_, ts, err := w.api.PostMessageContext(ctx, ref.Channel, slackgo.MsgOptionTS(ref.ThreadID), slackgo.MsgOptionText(st.msg.text, false),
			slackgo.MsgOptionBlocks(st.msg.blocks...), slackgo.MsgOptionDisableLinkUnfurl())
		if err != nil {
			return nil, classify(fmt.Sprintf("post %d of %d to thread %s", i+1, len(steps), ref.ThreadID), err)
		}
		w.posted.add(key)
		messages = append(messages, ts)
	}
	if len(posts) == 1 && posts[0].MessageID != 0 && len(messages) == 1 && messages[0] != "" {
		return map[bridge.MessageID]string{posts[0].MessageID: messages[0]}, nil
	}
	return nil, nil
}

// EditPost rewrites a user's post after their edit, marked as edited; after
// a deletion only a line saying so stays, so that what the user took back
// is no longer shown.
func (w *Workspace) EditPost(ctx context.Context, ref bridge.ThreadRef, ts string, post bridge.ThreadPost) error {
	var text string
	if post.Deleted {
		text = fmt.Sprintf(":wastebasket: _%s deleted this message._", EscapeText(post.Author))
	} else {
		text = renderPost(post) + " _(edited)_"
	}
	blocks := []slackgo.Block{slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, clip(text, maxSectionText), false, true), nil, nil)}
	_, _, _, err := w.api.UpdateMessageContext(ctx, ref.Channel, ts, slackgo.MsgOptionText(clip(text, 300), false), slackgo.MsgOptionBlocks(blocks...))
	return classify("edit post "+ts+" in thread "+ref.ThreadID, err)
}

// TellAgent shows one agent a message only they see, in the thread.
func (w *Workspace) TellAgent(ctx context.Context, ref bridge.ThreadRef, agentUserID, text string) error {
	if agentUserID == "" {
		return nil
	}
	opts := []slackgo.MsgOption{slackgo.MsgOptionText(ToMrkdwn(text), false)}
	if ref.ThreadID != "" {
		opts = append(opts, slackgo.MsgOptionTS(ref.ThreadID))
	}
	_, err := w.api.PostEphemeralContext(ctx, ref.Channel, agentUserID, opts...)
	return classify("tell agent "+agentUserID, err)
}

// MarkNote marks an agent's reply as an internal note with a reaction;
// nothing is posted.
func (w *Workspace) MarkNote(ctx context.Context, ref bridge.ThreadRef, platformID string) error {
	err := w.api.AddReactionContext(ctx, w.opts.NoteReaction, slackgo.NewRefToMessage(ref.Channel, platformID))
	if slackCode(err) == "already_reacted" {
		return nil // a retry of a mark that went through
	}
	return classify("mark note "+platformID, err)
}
