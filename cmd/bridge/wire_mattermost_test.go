package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/config"
)

// `bridge check` with Mattermost: the token and the team's channel are
// tested against the server; a channel the bot is not in, and a refused
// token, are problems that say what to do, and the token is never printed.
func TestCheckMattermost(t *testing.T) {
	f := mattermostfake.New(mattermostfake.Options{})
	defer f.Close()
	f.AddChannel("inchannel00000000000000000", "support-live", f.BotUserID())
	f.AddChannel("outchannel0000000000000000", "sales-live")
	t.Setenv("MATTERMOST_TOKEN", f.Token())
	load := func(channel string) *config.Config {
		conf := strings.Replace(minimalConfig, `http: {`, `http: {public_url: "https://bridge.example", `, 1)
		cfg, err := config.Load(writeConfig(t, conf+
			"mattermost: {enabled: true, url: '"+f.URL()+"'}\n"+
			"teams: {support: {workspace: mattermost, channel: "+channel+"}}\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	var out bytes.Buffer
	cfg := load("inchannel00000000000000000")
	s, _ := cfg.Settings()
	if problems := checkMattermost(t.Context(), cfg, s, &out); len(problems) != 0 {
		t.Fatalf("problems %q\n%s", problems, out.String())
	}
	if !strings.Contains(out.String(), "~support-live, the bot is a member") {
		t.Errorf("check said:\n%s", out.String())
	}
	cfg = load("outchannel0000000000000000")
	s, _ = cfg.Settings()
	if problems := checkMattermost(t.Context(), cfg, s, &out); len(problems) != 1 || !strings.Contains(problems[0], "/invite @handoff-bridge") {
		t.Errorf("problems %q, want the bot to be invited", problems)
	}
	t.Setenv("MATTERMOST_TOKEN", "stolen")
	cfg = load("inchannel00000000000000000")
	if problems := checkMattermost(t.Context(), cfg, s, &out); len(problems) != 1 || !strings.Contains(problems[0], "refused") {
		t.Errorf("problems %q, want the token refused", problems)
	}
	if strings.Contains(out.String(), f.Token()) {
		t.Errorf("check printed the token:\n%s", out.String())
	}
}

// TestRunWiresMattermost: `bridge run` with a Mattermost team connects
// to the server, opens a widget user's request as a card whose buttons
// call back to http.public_url, and Ana's Join there takes it.
func TestRunWiresMattermost(t *testing.T) {
	f := mattermostfake.New(mattermostfake.Options{})
	t.Cleanup(f.Close)
	const ana = "anaaaaaaaaaaaaaaaaaaaaaaaa"
	f.AddUser(mattermostfake.User{ID: ana, Username: "ana"})
	f.AddChannel("supportchannel0000000000aa", "support-live", f.BotUserID(), ana)
	t.Setenv("MATTERMOST_TOKEN", f.Token())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	conf := strings.Replace(minimalConfig, `http: {listen: "127.0.0.1:0"}`, fmt.Sprintf(`http: {listen: %q, public_url: "http://%s"}`, addr, addr), 1) +
		"mattermost: {enabled: true, url: '" + f.URL() + "'}\n" +
		"teams: {support: {workspace: mattermost, channel: supportchannel0000000000aa, sla: 1h}}\n" +
		"agents: [{name: ana, teams: [support], mattermost: " + ana + "}]\n" +
		"handoff: {triggers: [{name: human, phrases: ['talk to a human'], action: handoff, team: support}]}\n"
	got, logs, _ := startBridge(t, writeConfig(t, conf))
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	})
	if got != addr {
		t.Fatalf("listening on %s, want %s", got, addr)
	}
	if err := f.WaitConnected(t.Context()); err != nil {
		t.Fatal(err)
	}
	c, err := webfake.Dial(t.Context(), "ws://"+addr+"/ws", webfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Say(t.Context(), "talk to a human"); err != nil {
		t.Fatal(err)
	}
	var root string
	if err := f.WaitFor(t.Context(), "the card", func() bool {
		roots := f.Roots("supportchannel0000000000aa")
		if len(roots) == 1 && slices.Contains(roots[0].Buttons(), "join") {
			root = roots[0].ID
		}
		return root != ""
	}); err != nil {
		t.Fatal(err)
	}
	if res, err := f.Click(t.Context(), ana, root, "join"); err != nil || res.Status != http.StatusOK || res.Ephemeral != "" {
		t.Fatalf("Join: %+v %v", res, err)
	}
	if _, err := c.WaitFor(t.Context(), "the joined notice", func(fs []webfake.Frame) bool {
		return slices.ContainsFunc(webfake.Messages(fs), func(f webfake.Frame) bool { return strings.Contains(f.Text, "has joined") })
	}); err != nil {
		t.Fatal(err)
	}
}
