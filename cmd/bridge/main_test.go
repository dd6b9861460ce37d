package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "bridge.yaml")
	yaml = strings.ReplaceAll(yaml, "DIR", dir)
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const minimalConfig = `
http: {listen: "127.0.0.1:0"}
store: {dsn: "DIR/data/bridge.db"}
log: {level: warn}
`

const oneTeam = "teams: {support: {workspace: console, sla: 3m}}\n"

func TestRunServesHealthAndStopsOnCancel(t *testing.T) {
	path := writeConfig(t, minimalConfig+oneTeam)
	ctx, cancel := context.WithCancel(t.Context())
	addrC := make(chan string, 1)
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"run", "-config", path}, &bytes.Buffer{}, &stderr, func(a string) { addrC <- a })
	}()

	var addr string
	select {
	case addr = <-addrC:
	case err := <-done:
		t.Fatalf("bridge exited before listening: %v\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("bridge did not start listening")
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/debug/pprof/": 404} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
		if path == "/readyz" {
			var body map[string]string
			json.NewDecoder(resp.Body).Decode(&body)
			if body["store"] != "ok" {
				t.Errorf("readyz = %v", body)
			}
		}
		resp.Body.Close()
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "data", "bridge.db")); err != nil {
		t.Errorf("store file not created: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("bridge did not stop after cancel")
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		config  string
		wantErr string
		wantOut string
	}{
		{name: "embedded default", wantOut: "config: embedded default: OK"},
		{name: "misspelt key", config: minimalConfig + oneTeam + "handof: {enabled: false}\n", wantErr: "handof"},
		{name: "unknown team in trigger", config: minimalConfig + oneTeam + "handoff:\n  triggers:\n    - {name: x, phrases: [help me], action: handoff, team: nowhere}\n", wantErr: "nowhere"},
		{name: "bad duration", config: minimalConfig + "teams:\n  support: {workspace: console, sla: 3 minutes}\n", wantErr: "teams.support.sla"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"check"}
			if tt.config != "" {
				args = append(args, "-config", writeConfig(t, tt.config))
			}
			var out, errOut bytes.Buffer
			err := run(t.Context(), args, &out, &errOut, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("check = %v, want an error naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !strings.Contains(out.String(), tt.wantOut) {
				t.Fatalf("check = %v, output:\n%s", err, out.String())
			}
		})
	}
}

func TestVersionAndBadCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"version"}, &out, &out, nil); err != nil || !strings.HasPrefix(out.String(), "bridge ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	if err := run(t.Context(), []string{"frobnicate"}, &out, &out, nil); err == nil {
		t.Fatal("an unknown command was accepted")
	}
}
