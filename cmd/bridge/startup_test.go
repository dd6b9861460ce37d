package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// readyz returns /readyz's status code and its per-component states.
func readyz(t *testing.T, addr string) (int, map[string]string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var states map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&states); err != nil {
		t.Fatalf("readyz body: %v", err)
	}
	return resp.StatusCode, states
}

// widgetAnswers has a widget user ask the knowledge base a question and
// waits for the answer: the bridge serves its users.
func widgetAnswers(t *testing.T, addr string) {
	t.Helper()
	c, err := webfake.Dial(t.Context(), "ws://"+addr+"/ws", webfake.Options{})
	if err != nil {
		t.Fatalf("the widget does not answer: %v", err)
	}
	defer c.Close()
	if _, err := c.Say(t.Context(), "How do I reset my password?"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitFor(t.Context(), "the knowledge base's answer", func(fs []webfake.Frame) bool {
		return slices.ContainsFunc(webfake.Messages(fs), func(f webfake.Frame) bool { return strings.Contains(f.Text, "Forgot password?") })
	}); err != nil {
		t.Fatal(err)
	}
}

// waitTelegram waits until cond holds, checked at each call the fake
// takes; the deadline only bounds a failing test.
func waitTelegram(t *testing.T, f *telegramfake.Server, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := f.WaitChange(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// TestStartsWhileTelegramIsUnreachable: the Bot API answering 502 at
// start does not stop the bridge. The widget serves, /readyz is 503 naming
// telegram and its error, and once Telegram answers the bridge connects by
// itself: /readyz turns 200 and a Telegram user is answered.
func TestStartsWhileTelegramIsUnreachable(t *testing.T) {
	f := telegramfake.New(telegramfake.Options{})
	t.Cleanup(f.Close) // after the bridge stops (cleanups run last first)
	f.FailAll(true)
	t.Setenv("TELEGRAM_BOT_TOKEN", f.Token())
	path := writeConfig(t, minimalConfig+oneTeam+"channels: {telegram: {enabled: true, api_url: '"+f.URL()+"'}}\n")
	addr, logs, _ := startBridge(t, path)

	// A second attempt means the first one's failure is recorded.
	waitTelegram(t, f, "a retry of getMe", func() bool { return f.Stats().Requests >= 2 })
	code, states := readyz(t, addr)
	if code != http.StatusServiceUnavailable || !strings.HasPrefix(states["telegram"], "down") ||
		!strings.Contains(states["telegram"], "getMe") || !strings.Contains(states["telegram"], "Bad Gateway") {
		t.Errorf("readyz while Telegram is unreachable = %d %q, want 503 with telegram down and its error", code, states)
	}
	if strings.Contains(states["telegram"], f.Token()) {
		t.Errorf("readyz shows the bot token: %q", states["telegram"])
	}
	if states["store"] != "ok" {
		t.Errorf("readyz store = %q", states["store"])
	}
	widgetAnswers(t, addr)

	f.FailAll(false)
	// The poller's first getUpdates comes after the calls that make the
	// adapter ready.
	waitTelegram(t, f, "the poller started", func() bool { return f.Stats().UpdateCalls >= 1 })
	if code, states := readyz(t, addr); code != http.StatusOK || states["telegram"] != "up" {
		t.Errorf("readyz once Telegram answers = %d %q, want 200 with telegram up", code, states)
	}
	hana := telegramfake.User{ID: 4242, FirstName: "Hana"}
	f.UserSays(hana, "How do I reset my password?")
	if _, err := f.WaitSent(t.Context(), hana.ID, "the knowledge base's answer", func(s []telegramfake.Sent) bool {
		return slices.ContainsFunc(s, func(m telegramfake.Sent) bool { return strings.Contains(m.Visible, "Forgot password?") })
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), f.Token()) {
		t.Errorf("the log shows the bot token:\n%s", logs.String())
	}
}

// closedURL is the address of a server that is gone: connections to it
// are refused.
func closedURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

// waitLog waits until the bridge's log contains text (each write wakes
// the wait).
func waitLog(t *testing.T, logs *syncBuffer, text string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := logs.waitFor(ctx, text); err != nil {
		t.Fatalf("the log never said %q: %v\n%s", text, err, logs.String())
	}
}

// TestStartsWhileAPlatformIsUnreachable: Slack or Discord out of reach at
// start does not stop the bridge either; /readyz is 503 naming the
// platform and why, and the widget serves.
func TestStartsWhileAPlatformIsUnreachable(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		env          map[string]string
		want         []string
	}{
		{name: "slack", config: "slack: {enabled: true, api_url: 'URL/api/'}\n",
			env:  map[string]string{"SLACK_BOT_TOKEN": "xoxb-fake", "SLACK_APP_TOKEN": "xapp-fake"},
			want: []string{"down: not connected yet: auth.test: ", "connection refused"}},
		{name: "discord", config: "discord: {enabled: true, api_url: 'URL/'}\n",
			env:  map[string]string{"DISCORD_BOT_TOKEN": "fake-token"},
			want: []string{"down: not connected yet: read the bot user: ", "connection refused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			path := writeConfig(t, infoConfig+oneTeam+strings.ReplaceAll(tc.config, "URL", closedURL(t)))
			addr, logs, _ := startBridge(t, path)
			waitLog(t, logs, "connection refused") // a first attempt failed
			code, states := readyz(t, addr)
			if code != http.StatusServiceUnavailable {
				t.Errorf("readyz = %d %q, want 503", code, states)
			}
			for _, w := range tc.want {
				if !strings.Contains(states[tc.name], w) {
					t.Errorf("readyz %s = %q, want it to say %q", tc.name, states[tc.name], w)
				}
			}
			widgetAnswers(t, addr)
		})
	}
}

// TestWiringErrorsNameEachLayerOnce: an adapter that cannot be made stops
// the start with an error naming the adapter once.
func TestWiringErrorsNameEachLayerOnce(t *testing.T) {
	cfg, err := config.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Channels.Web.Enabled, cfg.Console.Enabled = false, false
	cfg.Channels.Telegram.Enabled = true // and no token: what validation would have refused
	w := &wiring{cfg: cfg, mux: http.NewServeMux(), health: map[string]bridge.HealthChecker{}}
	if err := w.wireAll(); err == nil || err.Error() != "telegram: a bot token is required" {
		t.Fatalf("wireAll = %v, want %q", err, "telegram: a bot token is required")
	}
}

// TestRefusedTokenAtStart: a token the platform refuses is not retried;
// the bridge serves on, /readyz naming the platform and the refusal.
func TestRefusedTokenAtStart(t *testing.T) {
	slack := slackfake.New(slackfake.Options{})
	t.Cleanup(slack.Close)
	dc := discordfake.New(discordfake.Options{})
	t.Cleanup(dc.Close)
	tg := telegramfake.New(telegramfake.Options{})
	t.Cleanup(tg.Close)
	for _, tc := range []struct {
		name, config string
		env          map[string]string
	}{
		{"slack", "slack: {enabled: true, api_url: '" + slack.APIURL() + "'}", map[string]string{"SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_APP_TOKEN": "xapp-fake"}},
		{"discord", "discord: {enabled: true, api_url: '" + dc.URL() + "/'}", map[string]string{"DISCORD_BOT_TOKEN": "wrong"}},
		{"telegram", "channels: {telegram: {enabled: true, api_url: '" + tg.URL() + "'}}", map[string]string{"TELEGRAM_BOT_TOKEN": "123:WRONG"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			addr, logs, _ := startBridge(t, writeConfig(t, infoConfig+oneTeam+tc.config+"\n"))
			waitLog(t, logs, `msg="connection stopped" adapter=`+tc.name)
			code, states := readyz(t, addr)
			if code != http.StatusServiceUnavailable || !strings.HasPrefix(states[tc.name], "down") || !strings.Contains(states[tc.name], "token was refused") {
				t.Errorf("readyz = %d %q, want 503 with %s down for its token", code, states, tc.name)
			}
			widgetAnswers(t, addr)
		})
	}
}
