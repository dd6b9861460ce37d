package slack

import (
	"context"
	"fmt"

	lru "github.com/hashicorp/golang-lru/v2"
	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// permalinkCacheSize bounds the permalinks kept in memory: the threads
// agents are likely to open again from their notifications.
const permalinkCacheSize = 4096

var _ bridge.ThreadLinker = (*Workspace)(nil)

// newPermalinkCache makes the cache of thread permalinks. A message's
// permalink never changes, so an entry is good until it is evicted.
func newPermalinkCache() *lru.Cache[bridge.ThreadRef, string] {
	c, err := lru.New[bridge.ThreadRef, string](permalinkCacheSize)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return c
}

// ThreadURL is the thread's permalink from chat.getPermalink, remembered so
// that a click on a notification does not always call Slack.
func (w *Workspace) ThreadURL(ctx context.Context, t bridge.ThreadRef) (string, error) {
	if link, ok := w.permalinks.Get(t); ok {
		return link, nil
	}
	link, err := w.api.GetPermalinkContext(ctx, &slackgo.PermalinkParameters{Channel: t.Channel, Ts: t.ThreadID})
	if err != nil {
		return "", classify(fmt.Sprintf("permalink of thread %s in %s", t.ThreadID, t.Channel), err)
	}
	if link == "" {
		return "", fmt.Errorf("slack permalink of thread %s in %s: Slack answered no link", t.ThreadID, t.Channel)
	}
	w.permalinks.Add(t, link)
	return link, nil
}
