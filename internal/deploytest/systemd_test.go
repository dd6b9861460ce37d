package deploytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSystemdUnitVerifies runs `systemd-analyze verify` on
// deploy/bridge.service and fails on any complaint about it: systemd only
// warns (and exits 0) on a misspelt key or a bad value, and then ignores the
// line, which would silently drop a sandbox setting.
func TestSystemdUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	unit, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "bridge.service"))
	if err != nil {
		t.Fatal(err)
	}
	const binary = "/usr/local/bin/bridge"
	if !strings.Contains(string(unit), "ExecStart="+binary+" ") {
		t.Fatalf("the unit does not start %s", binary)
	}
	// verify checks that the commands exist: point them at an executable
	// that does (this test's own binary).
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bridge.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(unit), binary, self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.Contains(line, "bridge.service") {
			t.Errorf("systemd-analyze: %s", line)
		} else if line != "" {
			t.Logf("systemd-analyze (other units): %s", line)
		}
	}

	for _, want := range []string{"DynamicUser=yes", "StateDirectory=bridge", "ProtectSystem=strict",
		"NoNewPrivileges=yes", "EnvironmentFile=", "Restart=on-failure", "Environment=BRIDGE_STORE_DSN=/var/lib/bridge/"} {
		if !strings.Contains(string(unit), "\n"+want) {
			t.Errorf("the unit lacks %q", want)
		}
	}
}
