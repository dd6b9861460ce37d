package config

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

func TestDefaultIsValidAndSane(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("default config invalid: %v", err)
	}
	if c.HTTP.Listen != ":8080" || c.Store.Driver != "sqlite" || c.Store.DSN != "data/bridge.db" {
		t.Errorf("http/store = %+v %+v", c.HTTP, c.Store)
	}
	if !c.Channels.Web.Enabled || !c.Console.Enabled || c.Slack.Enabled || c.Discord.Enabled {
		t.Errorf("platforms: web %v console %v slack %v discord %v",
			c.Channels.Web.Enabled, c.Console.Enabled, c.Slack.Enabled, c.Discord.Enabled)
	}
	if c.Responder.Kind != "knowledge_base" || c.Responder.KnowledgeBase.File != "" || c.Responder.Timeout != 10*time.Second {
		t.Errorf("responder = %+v", c.Responder)
	}
	if c.PProf {
		t.Error("pprof on by default")
	}
	if c.Slack.StaleAfter != 2*time.Minute {
		t.Errorf("slack.stale_after = %v, want 2m", c.Slack.StaleAfter)
	}
	if c.Discord.StaleAfter != 2*time.Minute {
		t.Errorf("discord.stale_after = %v, want 2m", c.Discord.StaleAfter)
	}

	s, err := c.Settings()
	if err != nil {
		t.Fatalf("Settings: %v", err)
	}
	if !s.Enabled || s.NotePrefix != "//" || s.BotName != "Assistant" || s.DefaultTeam != "support" {
		t.Errorf("settings = enabled %v prefix %q bot %q default team %q", s.Enabled, s.NotePrefix, s.BotName, s.DefaultTeam)
	}
	if !slices.Equal(s.CancelPhrases, []string{"cancel", "stop waiting"}) {
		t.Errorf("cancel phrases = %q", s.CancelPhrases)
	}
	team := s.Team("support")
	if team == nil || len(s.Teams) != 1 {
		t.Fatalf("teams = %v", s.Teams)
	}
	if team.Workspace != bridge.WorkspaceConsole || team.SLA != 3*time.Minute || team.Fallback != bridge.FallbackLeadForm || team.Hours != nil {
		t.Errorf("support team = %+v", team)
	}
	if len(s.Triggers) != 2 {
		t.Fatalf("triggers = %+v", s.Triggers)
	}
	human, sales := s.Triggers[0], s.Triggers[1]
	for _, p := range []string{"talk to a human", "speak to an agent", "real person", "human please",
		"parler à un humain", "hablar con una persona", "mit einem menschen sprechen"} {
		if !slices.Contains(human.Phrases, p) {
			t.Errorf("human trigger lacks %q", p)
		}
	}
	if human.Name != "human" || human.Kind != bridge.TriggerRequest || human.Action != bridge.ActionHandoff || human.Team != "support" {
		t.Errorf("human trigger = %+v", human)
	}
	if sales.Name != "sales" || sales.Kind != bridge.TriggerTopic || sales.Action != bridge.ActionOffer ||
		sales.Priority != bridge.PriorityHigh || !slices.Contains(sales.Phrases, "book a demo") {
		t.Errorf("sales trigger = %+v", sales)
	}
	if s.AI.MinConfidence != 0.45 || s.AI.MissesBeforeOffer != 2 || s.AI.Action != bridge.ActionOffer || s.AI.Team != "support" {
		t.Errorf("AI = %+v", s.AI)
	}
	if s.Messages != bridge.DefaultMessages() {
		t.Error("messages differ from the defaults")
	}
}

func TestLoadWithoutFileIsDefaultPlusEnv(t *testing.T) {
	c, err := Load("", envOf("BRIDGE_HTTP_LISTEN=127.0.0.1:9999"))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP.Listen != "127.0.0.1:9999" {
		t.Errorf("listen = %q", c.HTTP.Listen)
	}
	if c.Teams["support"].SLA != 3*time.Minute {
		t.Errorf("support = %+v", c.Teams["support"])
	}
}

func TestMissingKeysTakeDefaults(t *testing.T) {
	c := mustLoad(t, "teams:\n  support: {}\n", NoEnv)
	if c.HTTP.Listen != ":8080" || c.Log.Level != "info" || !c.Handoff.Enabled || c.Handoff.AI.MinConfidence != 0.45 {
		t.Errorf("defaults not applied: %+v %+v %+v", c.HTTP, c.Log, c.Handoff)
	}
	if tm := c.Teams["support"]; tm.Workspace != "console" || tm.Fallback != "none" || tm.SLA != 0 {
		t.Errorf("team defaults = %+v", tm)
	}
	if c.Handoff.DefaultTeam != "support" {
		t.Errorf("default team = %q, want the only team", c.Handoff.DefaultTeam)
	}
}

func TestTriggerDefaults(t *testing.T) {
	c := mustLoad(t, `
teams: {support: {}}
handoff:
  triggers:
    - {name: human, phrases: [human]}
    - {name: legal, kind: topic, phrases: [lawyer]}
`, NoEnv)
	got := c.Handoff.Triggers
	if got[0].Kind != "request" || got[0].Action != "handoff" || got[0].Priority != "normal" {
		t.Errorf("request trigger = %+v", got[0])
	}
	if got[1].Action != "offer" {
		t.Errorf("topic trigger = %+v", got[1])
	}
}

func TestUnknownKeysAreRejected(t *testing.T) {
	tests := []struct {
		name, yaml, path string
	}{
		{"top level", "teams: {support: {}}\nhtpp: {listen: ':80'}\n", "htpp"},
		{"nested", "teams: {support: {}}\nhttp: {lisen: ':80'}\n", "http.lisen"},
		{"deeply nested", "teams: {support: {}}\nresponder: {openai: {modle: x}}\n", "responder.openai.modle"},
		{"map value", "teams: {support: {slaa: 3m}}\n", "teams.support.slaa"},
		{"inside a map value", "teams: {support: {hours: {open: '09:00', close: '17:00', colour: red}}}\n", "teams.support.hours.colour"},
		{"list item", "teams: {support: {}}\nhandoff: {triggers: [{name: a, phrase: [x]}]}\n", "handoff.triggers[0].phrase"},
		{"second list item", "teams: {support: {}}\nagents: [{name: a}, {name: b, team: [support]}]\n", "agents[1].team"},
		{"notifier", "teams: {support: {}}\nnotifiers: {ops: {kind: webhook, ur: x}}\n", "notifiers.ops.ur"},
		{"secret value in file", "teams: {support: {}}\nslack: {bot_token: xoxb-1}\n", "slack.bot_token"},
		{"message", "teams: {support: {}}\nmessages: {wating: hi}\n", "messages.wating"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadYAML(t, tt.yaml, NoEnv)
			if err == nil {
				t.Fatal("no error")
			}
			if !slices.Contains(fieldPaths(err), tt.path) {
				t.Errorf("error does not name %s:\n%v", tt.path, err)
			}
		})
	}
}

func TestEnvOverrides(t *testing.T) {
	const file = `
teams:
  support: {workspace: console, sla: 3m}
  sales-desk: {workspace: console}
notifiers:
  email-ops: {kind: email, smtp: "smtp.example.com:587", from: a@example.com, to: [b@example.com]}
handoff:
  default_team: support
`
	env := envOf(
		"BRIDGE_HTTP_LISTEN=:9000",
		"BRIDGE_HANDOFF_ENABLED=false",
		"BRIDGE_HANDOFF_AI_MIN_CONFIDENCE=0.7",
		"BRIDGE_TEAMS_SUPPORT_SLA=5m",
		"BRIDGE_TEAMS_SALES_DESK_FALLBACK=lead_form",
		"BRIDGE_TEAMS_SUPPORT_HOURS_OPEN=08:00",
		"BRIDGE_TEAMS_SUPPORT_HOURS_CLOSE=16:00",
		"BRIDGE_NOTIFIERS_EMAIL_OPS_TO=x@example.com, y@example.com",
		"BRIDGE_HTTP_TRUSTED_PROXIES=10.0.0.0/8,192.168.1.1",
		"BRIDGE_MESSAGES_WAITING=Hold on, {position} ahead.",
		"BRIDGE_LOG_FORMAT=", // empty counts as unset
		"BRIDGE_TEAMS_GHOST_SLA=1m",
	)
	c := mustLoad(t, file, env)
	if c.HTTP.Listen != ":9000" {
		t.Errorf("listen = %q", c.HTTP.Listen)
	}
	if c.Handoff.Enabled {
		t.Error("handoff.enabled not overridden")
	}
	if c.Handoff.AI.MinConfidence != 0.7 {
		t.Errorf("min_confidence = %v", c.Handoff.AI.MinConfidence)
	}
	if c.Teams["support"].SLA != 5*time.Minute {
		t.Errorf("support sla = %v", c.Teams["support"].SLA)
	}
	if c.Teams["sales-desk"].Fallback != "lead_form" {
		t.Errorf("sales-desk = %+v", c.Teams["sales-desk"])
	}
	if h := c.Teams["support"].Hours; h == nil || h.Open != "08:00" || h.Close != "16:00" {
		t.Errorf("support hours = %+v", h)
	}
	if got := c.Notifiers["email-ops"].To; !slices.Equal(got, []string{"x@example.com", "y@example.com"}) {
		t.Errorf("to = %q", got)
	}
	if got := c.HTTP.TrustedProxies; !slices.Equal(got, []string{"10.0.0.0/8", "192.168.1.1"}) {
		t.Errorf("trusted proxies = %q", got)
	}
	if c.Messages["waiting"] != "Hold on, {position} ahead." {
		t.Errorf("messages = %v", c.Messages)
	}
	if c.Log.Format != "text" {
		t.Errorf("log format = %q", c.Log.Format)
	}
	if _, ok := c.Teams["ghost"]; ok {
		t.Error("an environment variable created a team")
	}
	s, err := c.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if s.Messages.Waiting != "Hold on, {position} ahead." || s.Messages.Joined != bridge.DefaultMessages().Joined {
		t.Errorf("settings messages = %+v", s.Messages)
	}
}

func TestEnvOverrideIsValidated(t *testing.T) {
	_, err := loadYAML(t, "teams: {support: {}}\n", envOf("BRIDGE_TEAMS_SUPPORT_SLA=soon", "BRIDGE_HANDOFF_AI_PRIORITY=asap"))
	paths := fieldPaths(err)
	for _, want := range []string{"teams.support.sla", "handoff.ai.priority"} {
		if !slices.Contains(paths, want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}

func TestEveryLeafHasAnEnvName(t *testing.T) {
	v := newViperForTest(t, "teams: {support: {}}\nnotifiers: {ops: {}}\n")
	got := map[string]string{}
	for _, l := range leaves(v) {
		if prev, dup := got[l.env]; dup {
			t.Errorf("%s and %s share %s", prev, l.key, l.env)
		}
		got[l.env] = l.key
	}
	for env, key := range map[string]string{
		"BRIDGE_HTTP_LISTEN":                 "http.listen",
		"BRIDGE_HANDOFF_AI_MIN_CONFIDENCE":   "handoff.ai.min_confidence",
		"BRIDGE_TEAMS_SUPPORT_HOURS_DAYS":    "teams.support.hours.days",
		"BRIDGE_CHANNELS_WHATSAPP_TOKEN_ENV": "channels.whatsapp.token_env",
		"BRIDGE_NOTIFIERS_OPS_SECRET_ENV":    "notifiers.ops.secret_env",
		"BRIDGE_MESSAGES_LEAD_THANKS":        "messages.lead_thanks",
		"BRIDGE_PPROF":                       "pprof",
		"BRIDGE_SLACK_BOT_TOKEN_ENV":         "slack.bot_token_env",
	} {
		if got[env] != key {
			t.Errorf("%s → %q, want %q", env, got[env], key)
		}
	}
	for env := range got {
		if strings.HasPrefix(env, "BRIDGE_HANDOFF_TRIGGERS") || strings.HasPrefix(env, "BRIDGE_AGENTS") || strings.HasSuffix(env, "_BOT_TOKEN") {
			t.Errorf("unexpected variable %s", env)
		}
	}
}

func TestExampleIsValid(t *testing.T) {
	env := envOf("SLACK_BOT_TOKEN=xoxb-1", "SLACK_APP_TOKEN=xapp-1", "DISCORD_BOT_TOKEN=d", "MATTERMOST_TOKEN=m",
		"AGENT_ANA_TOKEN=a", "OPENAI_API_KEY=o", "BOT_WEBHOOK_SECRET=b", "BRIDGE_SESSION_SECRET=s",
		"SMTP_PASSWORD=p", "CRM_HOOK_SECRET=c", "TEAMS_APP_PASSWORD=t",
		"SHOP_BOT_API_KEY=shop-bot-key-0123456789abcdef", "SHOP_BOT_CALLBACK_SECRET=cb")
	c, err := Load("../config.example.yaml", env)
	if err != nil {
		t.Fatalf("example invalid: %v", err)
	}
	s, err := c.Settings()
	if err != nil {
		t.Fatal(err)
	}
	ana := s.Agent("ana")
	if ana == nil || ana.Name != "Ana" || !ana.Admin || ana.Identities[bridge.WorkspaceSlack] != "U01ABC" ||
		ana.Identities[bridge.WorkspaceConsole] != "ana" || !ana.InTeam("sales") {
		t.Errorf("ana = %+v", ana)
	}
	if s.AgentByIdentity(bridge.WorkspaceDiscord, "998877665544332211") != ana {
		t.Error("ana not found by Discord id")
	}
	if ben := s.Agent("ben"); ben == nil || ben.Identities[bridge.WorkspaceDiscord] != "" {
		t.Errorf("ben = %+v", ben)
	}
	h := s.Team("support").Hours
	if h == nil || h.Location.String() != "Europe/Paris" || !h.Days[time.Monday] || h.Days[time.Sunday] || h.Open != 9*time.Hour {
		t.Errorf("support hours = %+v", h)
	}
	if s.Team("sales").Workspace != bridge.WorkspaceDiscord {
		t.Errorf("sales = %+v", s.Team("sales"))
	}
	if s.Team("billing").Workspace != bridge.WorkspaceMattermost || s.AgentByIdentity(bridge.WorkspaceMattermost, "8u5ydqxb5tgsxqpbf3mfxacm8e") != ana {
		t.Errorf("billing = %+v, or ana not found by Mattermost id", s.Team("billing"))
	}
}

// TestExampleHasEveryKey checks that config.example.yaml documents every
// key: each struct field appears at least once at its place.
func TestExampleHasEveryKey(t *testing.T) {
	data, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	v := newViperForTest(t, string(data))
	for _, missing := range missingKeys(typeOfConfig, []any{v.AllSettings()}, "") {
		t.Errorf("config.example.yaml lacks %s", missing)
	}
	for _, k := range MessageKeys() {
		if !v.IsSet("messages." + k) {
			t.Errorf("config.example.yaml lacks messages.%s", k)
		}
	}
}
