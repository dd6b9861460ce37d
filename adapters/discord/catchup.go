package discord

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

// Cursors are the last message handled per channel, kept in the adapter's
// state so that what was written while the gateway was down (or the
// bridge was stopped) is read back after: per handoff thread, per DM and
// support channel.
func threadCursor(threadID string) string { return "thread:" + threadID }
func userCursor(channelID string) string  { return "user:" + channelID }

// advanceCursor records the last message handled in a channel, for the
// catch-up after the next reconnect. It never moves a cursor back.
func (a *Adapter) advanceCursor(ctx context.Context, name, channelID, messageID string) {
	if v, ok := a.cursors.Load(channelID); ok && !snowflakeLess(v.(string), messageID) {
		return
	}
	a.cursors.Store(channelID, messageID)
	if err := a.state.Put(ctx, name, messageID); err != nil {
		a.log.Warn("save channel cursor", "channel", channelID, "err", err)
	}
}

// cursor is the last message handled in a channel, "" when none.
func (a *Adapter) cursor(ctx context.Context, name, channelID string) (string, error) {
	if v, ok := a.cursors.Load(channelID); ok {
		return v.(string), nil
	}
	return a.state.Get(ctx, name)
}

func snowflakeLess(x, y string) bool {
	if len(x) != len(y) {
		return len(x) < len(y)
	}
	return x < y
}

// discordEpoch is the first millisecond of 2015, where snowflakes start.
const discordEpoch = 1420070400000

// snowflakeAt is the smallest snowflake of an instant: a message id
// "after" it is a message written after it.
func snowflakeAt(t time.Time) string {
	return strconv.FormatUint(uint64(t.UnixMilli()-discordEpoch)<<22, 10)
}

// catchUpParallel bounds the channels read back at once, so that a
// catch-up of many channels stays within Discord's global rate limit.
const catchUpParallel = 4

// catchUp reads back, from the last message seen, the threads of open
// handoffs, the support channels and the DMs of known users, and relays
// what the gateway did not deliver. It runs in the gateway's read loop,
// on READY or RESUMED, and queues each channel's read-back in the
// channel's lane ahead of any later live message, so messages are
// relayed in the order they were written. Duplicates (a message both
// replayed by a RESUME and read back) are harmless: the engine drops a
// message id it has seen.
func (a *Adapter) catchUp(ctx context.Context) {
	open, err := a.core.Handoffs(ctx, []bridge.State{bridge.StatePending, bridge.StateActive, bridge.StateFallback}, "", 0)
	if err != nil {
		a.log.Error("catch up: list open handoffs", "err", err)
	}
	for _, h := range open {
		if h.Thread.Workspace != bridge.WorkspaceDiscord || h.Thread.IsZero() {
			continue
		}
		thread, id := h.Thread.ThreadID, h.ID
		a.lanes.push(thread, func() {
			if err := a.limitCatchUp(ctx, func() error { return a.catchUpThread(ctx, thread) }); err != nil {
				a.log.Warn("catch up thread", "thread", thread, "handoff", id, "err", err)
			}
		})
	}
	if !a.cfg.Users {
		return
	}
	for _, ch := range a.cfg.SupportChannels {
		a.lanes.push(ch, func() {
			if err := a.limitCatchUp(ctx, func() error { return a.catchUpUserChannel(ctx, ch, true) }); err != nil {
				a.log.Warn("catch up support channel", "channel", ch, "err", err)
			}
		})
	}
	dms, err := a.dms.list(ctx, a.state)
	if err != nil {
		a.log.Error("catch up: list known direct messages", "err", err)
	}
	for _, ch := range dms {
		a.lanes.push(ch, func() {
			if err := a.limitCatchUp(ctx, func() error { return a.catchUpUserChannel(ctx, ch, false) }); err != nil {
				a.log.Warn("catch up direct messages", "channel", ch, "err", err)
			}
		})
	}
}

// limitCatchUp runs one channel's read-back when a slot is free, and
// tries it again after a 429 (a catch-up that gave up would lose what it
// had not read).
func (a *Adapter) limitCatchUp(ctx context.Context, read func() error) error {
	select {
	case a.catchUpSlots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-a.catchUpSlots }()
	for attempt := 1; ; attempt++ {
		err := read()
		var ra *bridge.RetryAfterError
		if err == nil || !errors.As(err, &ra) || attempt == 10 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(ra.After):
		}
	}
}

// missed reads a channel's messages after a message id, oldest first, a
// page at a time, and hands each to relay.
func (a *Adapter) missed(ctx context.Context, channelID, after string, relay func(*discordgo.Message)) error {
	for {
		page, err := a.s.ChannelMessages(channelID, 100, "", after, "", discordgo.WithContext(ctx))
		if err != nil {
			return classify("read missed messages", err)
		}
		// Discord answers newest first; relay oldest first.
		slices.SortFunc(page, func(x, y *discordgo.Message) int {
			switch {
			case snowflakeLess(x.ID, y.ID):
				return -1
			case snowflakeLess(y.ID, x.ID):
				return 1
			}
			return 0
		})
		for _, m := range page {
			relay(m)
			after = m.ID
		}
		if len(page) < 100 {
			return nil
		}
	}
}

func (a *Adapter) catchUpThread(ctx context.Context, threadID string) error {
	after, err := a.cursor(ctx, threadCursor(threadID), threadID)
	if err != nil {
		return err
	}
	if after == "" {
		after = threadID // a thread's id is its first message's: read it all
	}
	return a.missed(ctx, threadID, after, func(m *discordgo.Message) {
		if a.fromOthers(m) {
			a.relayAgentMessage(m) // already in the thread's lane
		}
	})
}

// catchUpUserChannel reads back a DM or support channel. A support channel
// never read before starts now: its history is not the bridge's to relay.
func (a *Adapter) catchUpUserChannel(ctx context.Context, channelID string, support bool) error {
	after, err := a.cursor(ctx, userCursor(channelID), channelID)
	if err != nil {
		return err
	}
	if after == "" {
		if support {
			a.advanceCursor(ctx, userCursor(channelID), channelID, snowflakeAt(a.cfg.Clock.Now()))
		}
		return nil
	}
	guildID := ""
	if support {
		// Messages read over REST carry no guild id; the conversation's
		// address needs to know it is a guild channel.
		if guildID, err = a.guildOf(ctx, channelID); err != nil {
			return err
		}
	}
	return a.missed(ctx, channelID, after, func(m *discordgo.Message) {
		if a.fromOthers(m) {
			m.GuildID = guildID
			a.relayUserMessage(m) // already in the channel's lane
		}
	})
}
