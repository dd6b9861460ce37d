package mattermost

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// CheckResult is what `bridge check` prints and the problems it found,
// each saying what to do.
type CheckResult struct {
	Lines    []string
	Problems []string
}

// Check tests the credentials and the channels for `bridge check`: the
// token (GET /users/me, which must be a bot account), and for each team's
// channel that it exists and the bot is a member.
func Check(ctx context.Context, serverURL, token string, hc *http.Client, channels map[bridge.TeamID]string) CheckResult {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	c := &client{base: strings.TrimRight(serverURL, "/"), token: token, http: hc}
	var r CheckResult
	me, err := c.me(ctx)
	switch {
	case err == nil:
	case status(err) == http.StatusUnauthorized:
		r.Problems = append(r.Problems, "mattermost.token_env: GET /users/me: the token was refused: use the bot account's personal access token (System Console > Integrations > Bot Accounts)")
		return r
	case status(err) == 0 || status(err) >= 500:
		r.Problems = append(r.Problems, fmt.Sprintf("mattermost.url: cannot reach %s (%v): check the address, the network and any proxy", c.base, err))
		return r
	default:
		r.Problems = append(r.Problems, fmt.Sprintf("mattermost.token_env: GET /users/me failed (%v)", err))
		return r
	}
	r.Lines = append(r.Lines, fmt.Sprintf("mattermost: signed in as @%s (%s)", me.Username, me.ID))
	if !me.IsBot {
		r.Lines = append(r.Lines, "mattermost: note: the token is a person's, not a bot account's; the cards will be posted in their name")
	}
	teams := make([]bridge.TeamID, 0, len(channels))
	for t := range channels {
		teams = append(teams, t)
	}
	slices.Sort(teams)
	for _, team := range teams {
		id := channels[team]
		key := "teams." + string(team) + ".channel"
		ch, err := c.channel(ctx, id)
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: GET /channels/%s failed (%v): use the channel's id (26 characters), not its name, and add the bot to the channel", key, id, err))
			continue
		}
		if _, err := c.channelMember(ctx, id, me.ID); err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: the bot @%s is not a member of ~%s (%v): add it with /invite @%s there", key, me.Username, ch.Name, err, me.Username))
			continue
		}
		r.Lines = append(r.Lines, fmt.Sprintf("mattermost: %s: ~%s, the bot is a member", key, ch.Name))
	}
	return r
}
