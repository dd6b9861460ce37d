package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/internal/pgtest"
)

// TestCopyStoreMovesAnInstall: a widget user's conversation on the
// SQLite store, copied with `bridge copy-store`, is where the user left it
// when the bridge starts on PostgreSQL: the same session resumes, with its
// history and its waiting request. A second copy changes nothing; once
// the bridge wrote to the database a copy is refused, unless -force.
func TestCopyStoreMovesAnInstall(t *testing.T) {
	// The SQLite file from the environment: a dsn in the file is refused
	// with store.driver postgres.
	t.Setenv("BRIDGE_STORE_DSN", filepath.Join(t.TempDir(), "data", "bridge.db"))
	path := writeConfig(t, strings.Replace(minimalConfig, `store: {dsn: "DIR/data/bridge.db"}`, "", 1)+oneTeam+
		"handoff: {triggers: [{name: human, kind: request, action: handoff, team: support, phrases: [talk to a human]}]}\n")
	addr, _, stop := startBridge(t, path)
	widget, err := webfake.Dial(t.Context(), "ws://"+addr+"/ws", webfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := widget.Say(t.Context(), "How do I reset my password?"); err != nil {
		t.Fatal(err)
	}
	waitWidget(t, widget, "the knowledge base's answer", hasMessage("ai", "Forgot password?"))
	if _, err := widget.Say(t.Context(), "talk to a human"); err != nil {
		t.Fatal(err)
	}
	waitWidget(t, widget, "the request waiting", hasQueuePlace(1))
	welcome, _ := widget.Welcome()
	widget.Close()
	stop()

	t.Setenv("BRIDGE_STORE_DRIVER", "postgres")
	t.Setenv("DATABASE_URL", pgtest.NewDatabase(t))
	// A cluster shares the console admin's token (see TestRunOnPostgres).
	t.Setenv("BRIDGE_CONSOLE_ADMIN_TOKEN_ENV", "CONSOLE_ADMIN_TOKEN")
	t.Setenv("CONSOLE_ADMIN_TOKEN", adminToken)
	out := copyStoreOK(t, path)
	if !strings.Contains(out, "conversations   1") || !strings.Contains(out, "done") {
		t.Errorf("first copy said:\n%s\nwant one conversation copied, and done", out)
	}
	if out := copyStoreOK(t, path); !strings.Contains(out, "nothing changed") {
		t.Errorf("second copy said:\n%s\nwant nothing changed", out)
	}

	addr, _, stop = startBridge(t, path)
	back, err := webfake.Dial(t.Context(), "ws://"+addr+"/ws", webfake.Options{Token: welcome.Token})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	waitWidget(t, back, "the history on PostgreSQL", hasMessage("ai", "Forgot password?"))
	waitWidget(t, back, "the waiting notice in the history", hasMessage("", "number 1 in the queue"))
	waitWidget(t, back, "the request still pending", hasState("pending"))
	if w, _ := back.Welcome(); w.Token != welcome.Token {
		t.Errorf("the session did not resume: token %q, was %q", w.Token, welcome.Token)
	}
	if _, err := back.Say(t.Context(), "still there?"); err != nil {
		t.Fatal(err)
	}
	waitWidget(t, back, "the new message kept", hasMessage("user", "still there?"))
	stop()

	var stdout bytes.Buffer
	err = run(t.Context(), []string{"copy-store", "-config", path}, &stdout, &stdout, nil)
	if err == nil || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "-force") {
		t.Errorf("copy into the database the bridge wrote to = %v, want a refusal naming -force", err)
	}
	if out := copyStoreOK(t, path, "-force"); !strings.Contains(out, "done") {
		t.Errorf("copy with -force said:\n%s", out)
	}
}

func copyStoreOK(t *testing.T, config string, flags ...string) string {
	t.Helper()
	var stdout bytes.Buffer
	if err := run(t.Context(), append([]string{"copy-store", "-config", config}, flags...), &stdout, &stdout, nil); err != nil {
		t.Fatalf("bridge copy-store: %v\n%s", err, stdout.String())
	}
	return stdout.String()
}

func waitWidget(t *testing.T, c *webfake.Client, what string, ok func([]webfake.Frame) bool) {
	t.Helper()
	if fs, err := c.WaitFor(t.Context(), what, ok); err != nil {
		for _, f := range fs {
			t.Logf("frame %s %q handoff=%q notice=%q", f.Type, f.Text, f.Handoff, f.Notice)
		}
		t.Fatal(err)
	}
}

// hasMessage: a message frame of role (any when "") holding text.
func hasMessage(role, text string) func([]webfake.Frame) bool {
	return func(fs []webfake.Frame) bool {
		for _, f := range webfake.Messages(fs) {
			if (role == "" || f.Role == role) && strings.Contains(f.Text, text) {
				return true
			}
		}
		return false
	}
}

func hasQueuePlace(place int) func([]webfake.Frame) bool {
	return func(fs []webfake.Frame) bool {
		for _, f := range fs {
			if f.Type == "queue" && f.Position == place {
				return true
			}
		}
		return false
	}
}

func hasState(handoff string) func([]webfake.Frame) bool {
	return func(fs []webfake.Frame) bool {
		for _, f := range fs {
			if f.Type == "state" && f.Handoff == handoff {
				return true
			}
		}
		return false
	}
}
