package main

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
)

// TestCheckTellsUnreachableFromRefused: `bridge check` says a platform
// cannot be reached (nothing listening, a 5xx) without blaming the token,
// and says a token is refused only when the platform refuses it.
func TestCheckTellsUnreachableFromRefused(t *testing.T) {
	closed := closedURL(t)
	closedHost := strings.TrimPrefix(closed, "http://")
	slack := slackfake.New(slackfake.Options{})
	t.Cleanup(slack.Close)
	tg := telegramfake.New(telegramfake.Options{})
	t.Cleanup(tg.Close)
	dc := discordfake.New(discordfake.Options{})
	t.Cleanup(dc.Close)
	host := func(u string) string { p, _ := url.Parse(u); return p.Host }

	for _, tc := range []struct {
		name, config string
		env          map[string]string
		before       func()
		want, never  []string
	}{
		{name: "slack unreachable", config: "slack: {enabled: true, api_url: '" + closed + "/api/'}",
			env:  map[string]string{"SLACK_BOT_TOKEN": "xoxb-fake", "SLACK_APP_TOKEN": "xapp-fake"},
			want: []string{"auth.test: cannot reach " + closedHost}, never: []string{"OAuth Token", "app-level token"}},
		{name: "slack 5xx", config: "slack: {enabled: true, api_url: '" + slack.APIURL() + "'}",
			env:    map[string]string{"SLACK_BOT_TOKEN": "xoxb-fake", "SLACK_APP_TOKEN": "xapp-fake"},
			before: func() { slack.FailNext("auth.test", 503) },
			want:   []string{"auth.test: cannot reach " + host(slack.URL())}, never: []string{"OAuth Token"}},
		{name: "slack token refused", config: "slack: {enabled: true, api_url: '" + slack.APIURL() + "'}",
			env:  map[string]string{"SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_APP_TOKEN": "xapp-fake"},
			want: []string{"slack.bot_token_env: auth.test: the token was refused (invalid_auth)", "OAuth Token"}, never: []string{"cannot reach"}},

		{name: "telegram unreachable", config: "channels: {telegram: {enabled: true, api_url: '" + closed + "'}}",
			env:  map[string]string{"TELEGRAM_BOT_TOKEN": tg.Token()},
			want: []string{"getMe: cannot reach " + closedHost}, never: []string{"refused (", "token_env"}},
		{name: "telegram 5xx", config: "channels: {telegram: {enabled: true, api_url: '" + tg.URL() + "'}}",
			env: map[string]string{"TELEGRAM_BOT_TOKEN": tg.Token()}, before: func() { tg.FailAll(true) },
			want: []string{"getMe: cannot reach " + host(tg.URL())}, never: []string{"token_env"}},
		{name: "telegram token refused", config: "channels: {telegram: {enabled: true, api_url: '" + tg.URL() + "'}}",
			env: map[string]string{"TELEGRAM_BOT_TOKEN": "123:WRONG"}, before: func() { tg.FailAll(false) },
			want: []string{"channels.telegram.token_env: getMe: the bot token was refused (Unauthorized)"}, never: []string{"cannot reach"}},

		{name: "discord unreachable", config: "discord: {enabled: true, api_url: '" + closed + "/'}",
			env:  map[string]string{"DISCORD_BOT_TOKEN": "fake-token"},
			want: []string{"users/@me: cannot reach " + closedHost}, never: []string{"refused ("}},
		{name: "discord token refused", config: "discord: {enabled: true, api_url: '" + dc.URL() + "/'}",
			env:  map[string]string{"DISCORD_BOT_TOKEN": "nope"},
			want: []string{"discord.bot_token_env: users/@me: the bot token was refused"}, never: []string{"cannot reach"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			if tc.before != nil {
				tc.before()
			}
			var out bytes.Buffer
			err := run(t.Context(), []string{"check", "-config", writeConfig(t, minimalConfig+oneTeam+tc.config+"\n")}, &out, &out, nil)
			if err == nil {
				t.Fatalf("check passed:\n%s", out.String())
			}
			problems := problemLines(out.String())
			for _, w := range tc.want {
				if !strings.Contains(problems, w) {
					t.Errorf("check does not say %q:\n%s", w, problems)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(problems, n) {
					t.Errorf("check says %q, which misleads here:\n%s", n, problems)
				}
			}
		})
	}
}

// problemLines is what check printed as problems.
func problemLines(out string) string {
	var b strings.Builder
	for l := range strings.Lines(out) {
		if strings.HasPrefix(l, "problem: ") {
			b.WriteString(l)
		}
	}
	return b.String()
}
