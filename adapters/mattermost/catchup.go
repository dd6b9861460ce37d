package mattermost

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/handoffbridge/handoff/bridge"
)

// Cursors are the create_at of the last post seen per channel, kept in
// the adapter's state, so that what was written while the WebSocket was
// down (or the bridge stopped) is read back after.
func cursorKey(channelID string) string { return "cursor:" + channelID }

// advanceCursor records the last post seen in a channel. It never moves a
// cursor back.
func (w *Workspace) advanceCursor(ctx context.Context, channelID string, createAt int64) {
	if channelID == "" || createAt == 0 {
		return
	}
	if v, ok := w.cursors.Load(channelID); ok && v.(int64) >= createAt {
		return
	}
	w.cursors.Store(channelID, createAt)
	if err := w.state.Put(ctx, cursorKey(channelID), strconv.FormatInt(createAt, 10)); err != nil && ctx.Err() == nil {
		w.log.Warn("save channel cursor", "channel", channelID, "err", err)
	}
}

// cursor is the create_at of the last post seen in a channel, 0 when none.
func (w *Workspace) cursor(ctx context.Context, channelID string) int64 {
	if v, ok := w.cursors.Load(channelID); ok {
		return v.(int64)
	}
	s, err := w.state.Get(ctx, cursorKey(channelID))
	if err != nil {
		w.log.Warn("read channel cursor", "channel", channelID, "err", err)
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// catchUp reads back the channels of open handoffs since the last post
// seen in each and hands over, in the order they were written, the
// replies, edits and deletions the WebSocket did not deliver. A channel
// never read before starts at its oldest open handoff's request. What was
// already handled comes back as a duplicate and changes nothing.
func (w *Workspace) catchUp(ctx context.Context) {
	open, err := w.opts.Core.Handoffs(ctx, []bridge.State{bridge.StatePending, bridge.StateActive, bridge.StateFallback}, "", 0)
	if err != nil {
		w.log.Error("catch up: list open handoffs", "err", err)
		return
	}
	from := map[string]int64{} // channel → where to start
	for _, h := range open {
		if h.Thread.Workspace != bridge.WorkspaceMattermost || h.Thread.Channel == "" {
			continue
		}
		at := h.CreatedAt.UnixMilli()
		if cur, ok := from[h.Thread.Channel]; !ok || at < cur {
			from[h.Thread.Channel] = at
		}
	}
	for ch, requested := range from {
		since := w.cursor(ctx, ch)
		if since == 0 {
			since = requested
		}
		if err := w.catchUpChannel(ctx, ch, since); err != nil && ctx.Err() == nil {
			w.log.Warn("catch up: read channel", "channel", ch, "err", err)
		}
	}
}

func (w *Workspace) catchUpChannel(ctx context.Context, channelID string, since int64) error {
	posts, err := w.api.postsSince(ctx, channelID, since)
	if err != nil {
		return err
	}
	for _, p := range posts {
		// Each post is offered as what may have happened to it since: the
		// engine drops what it has already seen (a post of the cursor's own
		// millisecond, an edit to the text it has, a deletion of a post it
		// never took).
		var events []string
		switch {
		case p.DeleteAt > 0:
			events = []string{"post_deleted"}
		case p.CreateAt >= since && p.EditAt >= since:
			events = []string{"posted", "post_edited"}
		case p.CreateAt >= since:
			events = []string{"posted"}
		case p.EditAt >= since:
			events = []string{"post_edited"}
		}
		for _, event := range events {
			if ev := w.translatePost(ctx, event, p); ev != nil {
				w.handle(ctx, ev)
			}
		}
		if p.CreateAt >= since {
			w.advanceCursor(ctx, channelID, p.CreateAt)
		}
	}
	return nil
}

func sortByCreation(ps []*Post) {
	slices.SortStableFunc(ps, func(a, b *Post) int {
		return cmp.Or(cmp.Compare(a.CreateAt, b.CreateAt), cmp.Compare(a.ID, b.ID))
	})
}
