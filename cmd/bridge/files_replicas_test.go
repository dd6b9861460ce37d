package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/internal/pgtest"
)

// TestFileUploadedOnOneReplicaDownloadsFromAnother: two replicas on one
// PostgreSQL database. A widget user uploads files through replica A and
// sends them; the signed links the widget gets open on replica B (behind
// a load balancer the next request may go anywhere) with the same bytes
// and the same safe headers.
func TestFileUploadedOnOneReplicaDownloadsFromAnother(t *testing.T) {
	t.Setenv("DATABASE_URL", pgtest.NewDatabase(t))
	t.Setenv("BRIDGE_CONSOLE_ADMIN_TOKEN_ENV", "CONSOLE_ADMIN_TOKEN")
	t.Setenv("CONSOLE_ADMIN_TOKEN", adminToken)
	cfg := strings.Replace(minimalConfig, `store: {dsn: "DIR/data/bridge.db"}`, `store: {driver: postgres}`, 1)
	path := writeConfig(t, cfg+oneTeam)
	// Each replica has a data directory of its own, as on two machines:
	// only the database is shared.
	t.Setenv("BRIDGE_STORE_DSN", filepath.Join(t.TempDir(), "data", "bridge.db"))
	addrA, _, _ := startBridge(t, path)
	t.Setenv("BRIDGE_STORE_DSN", filepath.Join(t.TempDir(), "data", "bridge.db"))
	addrB, _, _ := startBridge(t, path)

	ctx := t.Context()
	widget, token := widgetSession(t, addrA)
	picture := make([]byte, 300<<10) // a few of PostgreSQL's pages and of the socket's buffers
	_, _ = rand.Read(picture)
	copy(picture, "\x89PNG\r\n\x1a\n")
	files := []struct{ name, ctype, disposition, servedAs string }{
		{"diagram.png", "image/png", "inline; filename=diagram.png", "image/png"},
		{"notes.txt", "text/plain", "attachment; filename=notes.txt", "application/octet-stream"},
	}
	bodies := map[string][]byte{"diagram.png": picture, "notes.txt": []byte("call back on Monday\n")}
	var ids []string
	for _, f := range files {
		ids = append(ids, uploadTo(t, addrA, token, f.name, f.ctype, bodies[f.name]))
	}
	if err := widget.SendFiles(ctx, "c-files", "two files", ids...); err != nil {
		t.Fatal(err)
	}
	frames, err := widget.WaitFor(ctx, "the user's message with its files", func(fs []webfake.Frame) bool {
		for _, f := range webfake.Messages(fs) {
			if len(f.Attachments) == 2 {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
	links := map[string]string{}
	for _, m := range webfake.Messages(frames) {
		for _, a := range m.Attachments {
			links[a.Name] = a.URL
		}
	}
	for _, f := range files {
		resp, err := http.Get("http://" + addrB + links[f.name])
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(got, bodies[f.name]) {
			t.Fatalf("%s from replica B: HTTP %d, %d bytes (%v); want the %d bytes uploaded to A", f.name, resp.StatusCode, len(got), err, len(bodies[f.name]))
		}
		for k, want := range map[string]string{"Content-Type": f.servedAs, "Content-Disposition": f.disposition,
			"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"} {
			if v := resp.Header.Get(k); v != want {
				t.Errorf("%s from replica B: %s = %q, want %q", f.name, k, v, want)
			}
		}
	}
}

// uploadTo posts a file to a bridge's widget upload route, as widget.js
// does, and returns the file's id.
func uploadTo(t *testing.T, addr, token, name, ctype string, body []byte) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.WithoutCancel(t.Context()), http.MethodPost,
		"http://"+addr+web.UploadPath+"?name="+url.QueryEscape(name), bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var up struct {
		ID      string `json:"id"`
		Message string `json:"message"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&up)
	if resp.StatusCode != http.StatusCreated || up.ID == "" {
		t.Fatalf("upload %s to %s: HTTP %d %q", name, addr, resp.StatusCode, up.Message)
	}
	return up.ID
}

// widgetSession opens a widget socket on a bridge and returns it with its
// session token, once welcomed.
func widgetSession(t *testing.T, addr string) (*webfake.Client, string) {
	t.Helper()
	widget, err := webfake.Dial(t.Context(), "ws://"+addr+"/ws", webfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(widget.Drop)
	var welcome webfake.Frame
	if _, err := widget.WaitFor(t.Context(), "the welcome frame", func([]webfake.Frame) bool {
		welcome, _ = widget.Welcome()
		return welcome.Token != ""
	}); err != nil {
		t.Fatal(err)
	}
	return widget, welcome.Token
}
