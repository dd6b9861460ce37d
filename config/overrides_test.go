package config

import (
	"strings"
	"testing"
)

func TestUnusedOverrides(t *testing.T) {
	const file = `
teams:
  support: {workspace: console, sla: 3m}
channels:
  web: {session_secret_env: BRIDGE_WIDGET_KEY}
`
	c := mustLoad(t, file, envOf("BRIDGE_WIDGET_KEY=0123456789abcdef0123"))
	for _, tc := range []struct {
		variable string
		want     string // "" when it is not reported
	}{
		{"BRIDGE_HANDOFF_ENABLED=false", ""},
		{"BRIDGE_TEAMS_SUPPORT_SLA=5m", ""},
		{"BRIDGE_MESSAGES_WAITING=hold on", ""},
		{"BRIDGE_WIDGET_KEY=0123456789abcdef0123", ""}, // a secret the file names
		{"BRIDGE_E2E=require", ""},                     // the test tools' own
		{"SLACK_BOT_TOKEN=xoxb", ""},                   // not in the namespace
		{"BRIDGE_HANDOF_ENABLED=false", "did you mean BRIDGE_HANDOFF_ENABLED?"},
		{"BRIDGE_TEAMS_SUPORT_SLA=5m", "did you mean BRIDGE_TEAMS_SUPPORT_SLA?"},
		{"BRIDGE_HTTP_LISTN=:9000", "did you mean BRIDGE_HTTP_LISTEN?"},
		{"BRIDGE_WIDGET_KYE=x", "did you mean BRIDGE_WIDGET_KEY?"},
		{"BRIDGE_TEAMS_GHOST_SLA=1m", "overrides no key"}, // no such team, nothing near
	} {
		got := c.UnusedOverrides([]string{tc.variable})
		name, _, _ := strings.Cut(tc.variable, "=")
		switch {
		case tc.want == "" && len(got) != 0:
			t.Errorf("%s reported: %v", name, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0].Error(), name) || !strings.Contains(got[0].Error(), tc.want)):
			t.Errorf("%s: got %v, want one problem saying %q", name, got, tc.want)
		case tc.want == "overrides no key" && strings.Contains(got[0].Error(), "did you mean"):
			t.Errorf("%s: a far-fetched suggestion: %v", name, got)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"HANDOF", "HANDOFF", 1}, {"KYE", "KEY", 2}, {"kitten", "sitting", 3}} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestUnknownKeysSuggestTheKeyMeant: a misspelt key is reported with the
// key meant, next to the file's other problems.
func TestUnknownKeysSuggestTheKeyMeant(t *testing.T) {
	_, err := loadYAML(t, `
handof: {enabled: false}
http: {listn: ":9000"}
teams:
  support: {workspace: console, sla: 3 minutes, slaa: 4m}
log: {fromat: json, xyz: 1}
`, NoEnv)
	for _, want := range []string{
		"handof: unknown key; did you mean handoff?",
		"http.listn: unknown key; did you mean listen?",
		"teams.support.slaa: unknown key; did you mean sla?",
		"log.fromat: unknown key; did you mean format?",
		"log.xyz: unknown key\n",
		"teams.support.sla: bad duration",
	} {
		if err == nil || !strings.Contains(err.Error()+"\n", want) {
			t.Errorf("error %v\ndoes not say %q", err, want)
		}
	}
}
