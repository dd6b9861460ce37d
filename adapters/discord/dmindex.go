package discord

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
)

// dmIndexCursor names the stored list of DM channels to read back after
// a reconnect. Discord cannot list a bot's DM channels, so the bridge
// remembers those it has relayed messages from.
const dmIndexCursor = "dm-index"

// maxIndexedDMs bounds the list; the least recently active DMs leave it
// first.
const maxIndexedDMs = 1000

// dmIndex is the list of known DM channels, least recently active first,
// loaded from the adapter's state on first use.
type dmIndex struct {
	mu     sync.Mutex
	loaded bool
	ids    []string
}

func (d *dmIndex) loadLocked(ctx context.Context, state State) error {
	if d.loaded {
		return nil
	}
	raw, err := state.Get(ctx, dmIndexCursor)
	if err != nil {
		return err
	}
	d.ids, d.loaded = strings.Fields(raw), true
	return nil
}

// list returns the known DM channels.
func (d *dmIndex) list(ctx context.Context, state State) ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.loadLocked(ctx, state); err != nil {
		return nil, err
	}
	return slices.Clone(d.ids), nil
}

// remember notes activity in a DM channel. It writes the state only when
// the channel is new or has fallen into the older half of the list, so a
// busy DM costs no write per message.
func (d *dmIndex) remember(ctx context.Context, state State, channelID string, log *slog.Logger) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.loadLocked(ctx, state); err != nil {
		log.Warn("load the direct message index", "err", err)
		return
	}
	i := slices.Index(d.ids, channelID)
	if i >= 0 && i >= len(d.ids)-maxIndexedDMs/2 {
		return
	}
	if i >= 0 {
		d.ids = slices.Delete(d.ids, i, i+1)
	}
	d.ids = append(d.ids, channelID)
	if n := len(d.ids) - maxIndexedDMs; n > 0 {
		d.ids = slices.Delete(d.ids, 0, n)
	}
	value := strings.Join(d.ids, " ")
	if err := state.Put(ctx, dmIndexCursor, value); err != nil {
		log.Warn("save the direct message index", "err", err)
	}
}
