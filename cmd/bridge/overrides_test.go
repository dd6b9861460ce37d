package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestCheckFailsOnAMisspeltOverride: an environment variable in the
// override namespace that overrides nothing fails `bridge check`, naming
// the variable and the one meant; secrets the config names are not
// overrides.
func TestCheckFailsOnAMisspeltOverride(t *testing.T) {
	for _, tc := range []struct {
		name, variable, want string
	}{
		{"a key", "BRIDGE_HANDOF_ENABLED", "did you mean BRIDGE_HANDOFF_ENABLED?"},
		{"a team name", "BRIDGE_TEAMS_SUPORT_SLA", "did you mean BRIDGE_TEAMS_SUPPORT_SLA?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.variable, "5m")
			t.Setenv("BRIDGE_SESSION_KEY", "a-secret-the-config-names-0123456789")
			path := writeConfig(t, minimalConfig+oneTeam+"channels: {web: {session_secret_env: BRIDGE_SESSION_KEY}}\n")
			var out bytes.Buffer
			err := run(t.Context(), []string{"check", "-config", path}, &out, &out, nil)
			if err == nil || !strings.Contains(err.Error(), tc.variable) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("check = %v, want an error naming %s and saying %q\n%s", err, tc.variable, tc.want, out.String())
			}
			if strings.Contains(err.Error(), "BRIDGE_SESSION_KEY") {
				t.Errorf("check flagged the secret the config names: %v", err)
			}
		})
	}
}

// TestStartWarnsOfAMisspeltOverride: the bridge starts (the override is
// not needed to run) but its log names the variable that does nothing.
func TestStartWarnsOfAMisspeltOverride(t *testing.T) {
	t.Setenv("BRIDGE_TEAMS_SUPORT_SLA", "5m")
	_, logs, stop := startBridge(t, writeConfig(t, infoConfig+oneTeam))
	stop()
	if !strings.Contains(logs.String(), "BRIDGE_TEAMS_SUPORT_SLA") || !strings.Contains(logs.String(), "did you mean BRIDGE_TEAMS_SUPPORT_SLA?") {
		t.Fatalf("the log does not warn of the misspelt override:\n%s", logs.String())
	}
}

// TestCheckReportsEveryProblemAtOnce: an unknown key does not hide the
// file's other problems, nor those found by building its parts (notifier
// templates, every notifier's, and the knowledge base): `bridge check`
// lists them all, each with its key.
func TestCheckReportsEveryProblemAtOnce(t *testing.T) {
	t.Setenv("BRIDGE_HANDOF_ENABLED", "false")
	dir := t.TempDir()
	kb := dir + "/kb.yaml"
	if err := os.WriteFile(kb, []byte("entries: [{question: [not, a, string]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := writeConfig(t, minimalConfig+`
handof: {enabled: false}
teams: {support: {workspace: console, sla: 3 minutes, hours: {open: "25:00", close: "17:00"}}}
responder: {kind: knowledge_base, knowledge_base: {file: '`+kb+`'}}
notifiers:
  ops: {kind: email, smtp: 'smtp.example.com:587', from: b@example.com, to: [o@example.com], subject_template: '{{.Event'}
  crm: {kind: email, smtp: 'smtp.example.com:587', from: b@example.com, to: [o@example.com], html_template: '<p>{{.Usr}}</p>'}
`)
	var out bytes.Buffer
	err := run(t.Context(), []string{"check", "-config", path}, &out, &out, nil)
	if err == nil {
		t.Fatalf("check passed:\n%s", out.String())
	}
	for _, want := range []string{"handof: unknown key", "teams.support.sla: bad duration", "responder.knowledge_base.file:",
		"notifiers.ops: email: subject template", "notifiers.crm: email: html template",
		"environment variable BRIDGE_HANDOF_ENABLED:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("check does not report %q:\n%v", want, err)
		}
	}
	// The hours are checked by the file's validation and again when the
	// settings are made: one report.
	if n := strings.Count(err.Error(), "teams.support.hours.open:"); n != 1 {
		t.Errorf("the bad opening time is reported %d times:\n%v", n, err)
	}
}
