package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// RequiredScopes are the bot token scopes the bridge uses.
var RequiredScopes = []string{"chat:write", "channels:history", "groups:history", "channels:read", "groups:read",
	"users:read", "reactions:write", "files:read", "files:write", "commands"}

// Check tests the credentials and the channels for `bridge check`: the
// bot token (auth.test) and its scopes, the app token in Socket Mode, and
// that the bot is a member of each team's channel. It returns what is
// wrong, each problem saying what to do; none means ready.
func Check(ctx context.Context, o Options, channels map[bridge.TeamID]string) []string {
	var problems []string
	var mu sync.Mutex
	var scopes string
	api := slackgo.New(o.BotToken, append(clientOptions(o), slackgo.OptionOnResponseHeaders(func(path string, h http.Header) {
		if path == "auth.test" {
			mu.Lock()
			scopes = h.Get("X-OAuth-Scopes")
			mu.Unlock()
		}
	}))...)
	auth, err := api.AuthTestContext(ctx)
	switch {
	case err == nil:
	case unreachable(err):
		return []string{fmt.Sprintf("slack: auth.test: cannot reach %s (%v): check the network, DNS and any proxy between the bridge and Slack (slack.api_url)", apiHost(o), err)}
	case tokenRefused(err):
		return []string{fmt.Sprintf("slack.bot_token_env: auth.test: the token was refused (%v): check the Bot User OAuth Token (xoxb-…)", err)}
	default:
		return []string{fmt.Sprintf("slack.bot_token_env: auth.test failed (%v)", err)}
	}
	mu.Lock()
	have := strings.Split(strings.ReplaceAll(scopes, " ", ""), ",")
	mu.Unlock()
	if scopes != "" {
		var missing []string
		for _, s := range RequiredScopes {
			if !slices.Contains(have, s) {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			problems = append(problems, fmt.Sprintf("slack: the bot token lacks the scopes %s: add them (see adapters/slack/manifest.yaml) and reinstall the app",
				strings.Join(missing, ", ")))
		}
	}
	if o.Mode == ModeSocket || o.Mode == "" {
		switch _, _, err := api.StartSocketModeContext(ctx); {
		case err == nil:
		case unreachable(err):
			problems = append(problems, fmt.Sprintf("slack: apps.connections.open: cannot reach %s (%v)", apiHost(o), err))
		default:
			problems = append(problems, fmt.Sprintf("slack.app_token_env: apps.connections.open failed (%v): check the app-level token (xapp-…, scope connections:write) and that Socket Mode is on", err))
		}
	}
	teams := make([]bridge.TeamID, 0, len(channels))
	for t := range channels {
		teams = append(teams, t)
	}
	slices.Sort(teams)
	for _, team := range teams {
		id := channels[team]
		ch, err := api.GetConversationInfoContext(ctx, &slackgo.GetConversationInfoInput{ChannelID: id})
		switch {
		case err != nil && unreachable(err):
			problems = append(problems, fmt.Sprintf("teams.%s.channel: conversations.info %s: cannot reach %s (%v)", team, id, apiHost(o), err))
		case err != nil:
			problems = append(problems, fmt.Sprintf("teams.%s.channel: conversations.info %s failed (%v): use the channel id (C…), not its name", team, id, err))
		case !ch.IsMember:
			problems = append(problems, fmt.Sprintf("teams.%s.channel: the bot (%s) is not in #%s (%s): type /invite @%s there", team, auth.User, ch.Name, id, auth.User))
		}
	}
	return problems
}

func clientOptions(o Options) []slackgo.Option {
	opts := []slackgo.Option{slackgo.OptionAppLevelToken(o.AppToken)}
	if o.APIURL != "" {
		opts = append(opts, slackgo.OptionAPIURL(o.APIURL))
	}
	if o.HTTPClient != nil {
		opts = append(opts, slackgo.OptionHTTPClient(o.HTTPClient))
	}
	return opts
}

// unreachable reports a call that did not get Slack's answer: the network
// failed, or Slack (or a proxy) answered with a server error.
func unreachable(err error) bool {
	var sc slackgo.StatusCodeError
	switch {
	case bridge.Unreachable(err), errors.As(err, &sc) && sc.Code >= http.StatusInternalServerError:
		return true
	}
	switch slackCode(err) {
	case "internal_error", "fatal_error", "service_unavailable", "request_timeout":
		return true
	}
	return false
}

// apiHost is the host the Web API calls go to.
func apiHost(o Options) string {
	if u, err := url.Parse(o.APIURL); err == nil && u.Host != "" {
		return u.Host
	}
	return "slack.com"
}
