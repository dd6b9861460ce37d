package mattermost

import (
	"context"
	"fmt"
	"net/url"

	"github.com/handoffbridge/handoff/bridge"
)

var _ bridge.ThreadLinker = (*Workspace)(nil)

// ThreadURL is the thread's permalink: <server>/<team name>/pl/<post id>,
// which opens the thread in the web and desktop apps. The team's name is
// looked up once per channel.
func (w *Workspace) ThreadURL(ctx context.Context, t bridge.ThreadRef) (string, error) {
	team, err := w.teamNameOf(ctx, t.Channel)
	if err != nil {
		return "", fmt.Errorf("link to thread %s: %w", t.ThreadID, err)
	}
	return w.permalink(team, t.ThreadID), nil
}

func (w *Workspace) permalink(teamName, postID string) string {
	return w.opts.URL + "/" + url.PathEscape(teamName) + "/pl/" + url.PathEscape(postID)
}

// teamNameOf is the name of the team a channel belongs to (remembered: a
// channel never changes team).
func (w *Workspace) teamNameOf(ctx context.Context, channelID string) (string, error) {
	if v, ok := w.teamNames.Load(channelID); ok {
		return v.(string), nil
	}
	ch, err := w.api.channel(ctx, channelID)
	if err != nil {
		return "", err
	}
	t, err := w.api.team(ctx, ch.TeamID)
	if err != nil {
		return "", err
	}
	w.teamNames.Store(channelID, t.Name)
	return t.Name, nil
}
