package main

import (
	"bytes"
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
