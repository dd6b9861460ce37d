package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/handoffbridge/handoff/adapters/api/apiclient"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// The binary serves the handoff API for the configured integrations: a bot
// with its key opens a handoff and gets the signed pending callback, and a
// POST retried with the same Idempotency-Key after a restart still returns
// the first answer (the record is in the store, not in memory).
func TestWireAPIServesIntegrations(t *testing.T) {
	const key = "terminal-key-0123456789abcdef"
	secret := []byte("callback-secret-for-the-test")
	var (
		mu      sync.Mutex
		got     []apiclient.Event
		changes waitfor.Changes
	)
	receiver := httptest.NewServer(apiclient.CallbackHandler(secret, func(_ context.Context, ev apiclient.Event) error {
		mu.Lock()
		got = append(got, ev)
		mu.Unlock()
		changes.Notify()
		return nil
	}))
	defer receiver.Close()
	t.Setenv("TERM_BOT_KEY", key)
	t.Setenv("TERM_BOT_SECRET", string(secret))
	path := writeConfig(t, minimalConfig+oneTeam+`
integrations:
  term:
    api_keys_env: [TERM_BOT_KEY]
    callback_url: "`+receiver.URL+`/callback"
    callback_secret_env: TERM_BOT_SECRET
`)
	addr, logs, stop := startBridge(t, path)
	c := apiclient.New("http://"+addr, key, nil)
	ctx := t.Context()
	if _, _, err := c.UpsertConversation(ctx, apiclient.ConversationInput{ExternalID: "t-1"}); err != nil {
		t.Fatal(err)
	}
	h, _, err := c.RequestHandoff(ctx, "t-1", apiclient.HandoffInput{})
	if err != nil || h.Team != "support" || h.State != "pending" {
		t.Fatalf("handoff = %+v, %v", h, err)
	}
	if err := changes.Until(ctx, "the signed pending callback", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) > 0 && got[0].Type == apiclient.EventPending && got[0].HandoffID == h.ID
	}); err != nil {
		t.Fatal(err)
	}
	first, err := c.PostMessage(ctx, "t-1", apiclient.MessageInput{Text: "once"}, apiclient.WithIdempotencyKey("k-1"))
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if strings.Contains(logs.String(), key) || strings.Contains(logs.String(), string(secret)) {
		t.Errorf("the log shows a secret:\n%s", logs.String())
	}

	addr, _, _ = startBridge(t, path)
	c = apiclient.New("http://"+addr, key, nil)
	again, err := c.PostMessage(ctx, "t-1", apiclient.MessageInput{Text: "once"}, apiclient.WithIdempotencyKey("k-1"))
	if err != nil || again != first {
		t.Errorf("retry after restart = %+v, %v; want the first answer %+v", again, err, first)
	}
	page, err := c.Messages(ctx, "t-1", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range page.Messages {
		if m.Text == "once" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d copies of the message, want 1", n)
	}
	if resp, err := http.Get("http://" + addr + "/api/v1/openapi.json"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("openapi.json: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}
