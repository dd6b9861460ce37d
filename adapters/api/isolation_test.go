package api_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/handoffbridge/handoff/adapters/api"
	"github.com/handoffbridge/handoff/adapters/api/apiclient"
)

// One integration's key cannot read or change another's conversation: to
// it, the conversation does not exist, and the same external id names a
// conversation of its own.
func TestKeyCannotReachAnotherIntegration(t *testing.T) {
	e := newEnv(t)
	h := e.start("shared-id", "")
	tries := map[string]func() error{
		"read":    func() error { _, err := e.other.Conversation(e.ctx, "shared-id"); return err },
		"history": func() error { _, err := e.other.Messages(e.ctx, "shared-id", "", 0); return err },
		"post": func() error {
			_, err := e.other.PostMessage(e.ctx, "shared-id", apiclient.MessageInput{Text: "injected"})
			return err
		},
		"handoff": func() error {
			_, _, err := e.other.RequestHandoff(e.ctx, "shared-id", apiclient.HandoffInput{})
			return err
		},
		"cancel": func() error { _, err := e.other.CancelHandoff(e.ctx, "shared-id"); return err },
		"stream": func() error { return e.other.Stream(e.ctx, "shared-id", func(apiclient.Event) error { return nil }) },
	}
	for name, try := range tries {
		var p *apiclient.Problem
		if err := try(); !errors.As(err, &p) || p.Status != http.StatusNotFound || p.Type != api.ProblemNotFound {
			t.Errorf("%s with the other key: %v, want 404 %s", name, err, api.ProblemNotFound)
		}
	}
	mine, created, err := e.other.UpsertConversation(e.ctx, apiclient.ConversationInput{ExternalID: "shared-id"})
	if err != nil || !created || mine.Handoff != nil {
		t.Errorf("the other integration's own shared-id = %+v, created %v, %v", mine, created, err)
	}
	conv, err := e.shop.Conversation(e.ctx, "shared-id")
	if err != nil || conv.Handoff == nil || conv.Handoff.ID != h.ID || conv.Handoff.State != "pending" {
		t.Errorf("the shop's conversation = %+v, %v", conv, err)
	}
	// The rotated key is the same integration.
	rotated := apiclient.New(e.srv.URL, shopKeyNext, &http.Client{Transport: e.contract})
	if conv, err := rotated.Conversation(e.ctx, "shared-id"); err != nil || conv.Handoff.ID != h.ID {
		t.Errorf("with the rotated key: %+v, %v", conv, err)
	}
	for _, key := range []string{"", "not-a-key-of-this-bridge-000000"} {
		_, err := apiclient.New(e.srv.URL, key, &http.Client{Transport: e.contract}).Conversation(e.ctx, "shared-id")
		var p *apiclient.Problem
		if !errors.As(err, &p) || p.Status != http.StatusUnauthorized || p.Type != api.ProblemUnauthorized {
			t.Errorf("key %q: %v, want 401", key, err)
		}
	}
}
