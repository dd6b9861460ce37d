package discord

import (
	"context"
	"fmt"

	"github.com/handoffbridge/handoff/bridge"
)

var _ bridge.ThreadLinker = (*Workspace)(nil)

// ThreadURL is the thread's address in Discord's app and web client:
// discord.com/channels/<guild>/<thread>. The guild is learnt once per
// channel (remembered, as for the /handoffs command).
func (w *Workspace) ThreadURL(ctx context.Context, t bridge.ThreadRef) (string, error) {
	guild, err := w.a.guildOf(ctx, t.Channel)
	if err != nil {
		return "", fmt.Errorf("link to thread %s: %w", t.ThreadID, err)
	}
	if guild == "" {
		return "", fmt.Errorf("link to thread %s: channel %s is in no guild", t.ThreadID, t.Channel)
	}
	return ThreadURL(guild, t.ThreadID), nil
}

// ThreadURL is the address of a thread (or any channel) of a guild.
func ThreadURL(guildID, threadID string) string {
	return "https://discord.com/channels/" + guildID + "/" + threadID
}
