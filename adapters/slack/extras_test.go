package slack_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/slack"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
)

// /handoffs lists the open handoffs of the asking agent's teams with links
// to their threads; a stranger is told they are not an agent.
func TestHandoffsCommand(t *testing.T) {
	for _, mode := range []string{slack.ModeSocket, slack.ModeHTTP} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, envOptions{mode: mode})
			id1, root1 := e.requestThread("w1")
			_, root2 := e.requestThread("w2")
			if _, err := e.fake.Click(e.ctx, "UANA", channel, root1, "handoff_join", id1.String()); err != nil {
				t.Fatal(err)
			}
			e.waitWeb("w1", "joined", hasMessage("has joined"))
			res, err := e.fake.Slash(e.ctx, "UBOB", channel, "/handoffs", "")
			if err != nil {
				t.Fatal(err)
			}
			var answer struct {
				ResponseType string `json:"response_type"`
				Text         string `json:"text"`
			}
			if err := json.Unmarshal(res.Response, &answer); err != nil {
				t.Fatalf("answer %s: %v", res.Response, err)
			}
			for _, want := range []string{"*active*", "*pending*", "with Ana S.",
				"/archives/" + channel + "/p" + strings.ReplaceAll(root1, ".", ""), strings.ReplaceAll(root2, ".", "")} {
				if !strings.Contains(answer.Text, want) {
					t.Errorf("answer lacks %q:\n%s", want, answer.Text)
				}
			}
			if answer.ResponseType != "ephemeral" {
				t.Errorf("response_type %q", answer.ResponseType)
			}
			res, err = e.fake.Slash(e.ctx, "UEVE", channel, "/handoffs", "")
			if err != nil || !strings.Contains(string(res.Response), "not a configured agent") {
				t.Fatalf("stranger got %s, %v", res.Response, err)
			}
		})
	}
}

func TestParseMention(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"@here", "<!here>"},
		{"@channel", "<!channel>"},
		{"S0123ABC", "<!subteam^S0123ABC>"},
		{"<!subteam^S0123ABC|@support>", "<!subteam^S0123ABC>"},
		{"U01ABC, U02DEF", "<@U01ABC> <@U02DEF>"},
		{"<@U01ABC>", "<@U01ABC>"},
	}
	for _, tt := range tests {
		got, err := slack.ParseMention(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseMention(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"everybody!", "<!channel> hi", "#general"} {
		if _, err := slack.ParseMention(bad); err == nil {
			t.Errorf("ParseMention(%q) accepted", bad)
		}
	}
}

// Alerts go to the team channel (or the configured one) with the mention
// and a link to the thread.
func TestNotifier(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.fake.AddChannel(slackfake.Channel{ID: "CALERTS", Name: "alerts", BotIsMember: true})
	_, root := e.requestThread("w1")
	thread := bridge.ThreadRef{Workspace: bridge.WorkspaceSlack, Channel: channel, ThreadID: root}
	tests := []struct {
		name, channel, mention, wantChannel, wantMention string
		thread                                           bridge.ThreadRef
		wantLink                                         string
	}{
		{"team channel, @here", "", "@here", channel, "<!here>", thread, strings.ReplaceAll(root, ".", "")},
		{"other channel, group", "CALERTS", "S0SUPPORT", "CALERTS", "<!subteam^S0SUPPORT>", thread, strings.ReplaceAll(root, ".", "")},
		{"thread not open yet: the handoff's link", "CALERTS", "@here", "CALERTS", "<!here>", bridge.ThreadRef{},
			"<" + e.bridgeURL + "/handoffs/1|open thread>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := e.ws.Notifier(slack.NotifierOptions{Channel: tt.channel, Mention: tt.mention})
			if err != nil {
				t.Fatal(err)
			}
			err = n.Notify(e.ctx, bridge.Notification{ID: "x", Event: bridge.EventRequested, Handoff: 1, Team: "support",
				Priority: bridge.PriorityHigh, UserName: "<!channel> Uma", Channel: bridge.ChannelWeb, Reason: "asked for a human",
				Thread: tt.thread})
			if err != nil {
				t.Fatal(err)
			}
			roots := e.fake.Roots(tt.wantChannel)
			got := roots[len(roots)-1].Text
			for _, want := range []string{tt.wantMention, "New handoff request #1", "&lt;!channel&gt; Uma", tt.wantLink} {
				if !strings.Contains(got, want) {
					t.Errorf("alert lacks %q: %s", want, got)
				}
			}
		})
	}
}

// bridge check: a good setup has no problems; a channel without the bot
// and a bad token are named.
func TestCheck(t *testing.T) {
	fake := slackfake.New(slackfake.Options{Scopes: []string{"chat:write", "channels:history"}})
	t.Cleanup(fake.Close)
	fake.AddChannel(slackfake.Channel{ID: "COK", Name: "support", BotIsMember: true})
	fake.AddChannel(slackfake.Channel{ID: "COUT", Name: "sales"})
	o := fake.Opts()
	opts := slack.Options{BotToken: o.BotToken, AppToken: o.AppToken, APIURL: fake.APIURL(), Mode: slack.ModeSocket}
	problems := slack.Check(t.Context(), opts, map[bridge.TeamID]string{"support": "COK", "sales": "COUT", "gone": "CNONE"})
	joined := strings.Join(problems, "\n")
	for _, want := range []string{"lacks the scopes", "reactions:write", "teams.sales.channel", "/invite", "teams.gone.channel"} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems lack %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "teams.support") {
		t.Errorf("a good channel reported:\n%s", joined)
	}
	opts.AppToken = "xapp-wrong"
	if p := strings.Join(slack.Check(t.Context(), opts, nil), "\n"); !strings.Contains(p, "slack.app_token_env") {
		t.Errorf("bad app token not reported: %s", p)
	}
	opts.BotToken = "xoxb-wrong"
	if p := slack.Check(t.Context(), opts, nil); len(p) != 1 || !strings.Contains(p[0], "slack.bot_token_env") {
		t.Errorf("bad bot token: %v", p)
	}
}
