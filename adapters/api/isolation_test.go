package api_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/handoffbridge/handoff/adapters/api"
	"github.com/handoffbridge/handoff/adapters/api/apiclient"
	"github.com/handoffbridge/handoff/adapters/api/apitest"
)

// One integration's key cannot read or change another's conversation: to
// it, the conversation does not exist, and the same external id names a
// conversation of its own.
func TestKeyCannotReachAnotherIntegration(t *testing.T) {
	e := apitest.New(t, apitest.Options{})
	h := e.Start("shared-id", "")
	tries := map[string]func() error{
		"read":    func() error { _, err := e.Other.Conversation(e.Ctx, "shared-id"); return err },
		"history": func() error { _, err := e.Other.Messages(e.Ctx, "shared-id", "", 0); return err },
		"post": func() error {
			_, err := e.Other.PostMessage(e.Ctx, "shared-id", apiclient.MessageInput{Text: "injected"})
			return err
		},
		"handoff": func() error {
			_, _, err := e.Other.RequestHandoff(e.Ctx, "shared-id", apiclient.HandoffInput{})
			return err
		},
		"cancel": func() error { _, err := e.Other.CancelHandoff(e.Ctx, "shared-id"); return err },
		"stream": func() error { return e.Other.Stream(e.Ctx, "shared-id", func(apiclient.Event) error { return nil }) },
	}
	for name, try := range tries {
		var p *apiclient.Problem
		if err := try(); !errors.As(err, &p) || p.Status != http.StatusNotFound || p.Type != api.ProblemNotFound {
			t.Errorf("%s with the other key: %v, want 404 %s", name, err, api.ProblemNotFound)
		}
	}
	mine, created, err := e.Other.UpsertConversation(e.Ctx, apiclient.ConversationInput{ExternalID: "shared-id"})
	if err != nil || !created || mine.Handoff != nil {
		t.Errorf("the other integration's own shared-id = %+v, created %v, %v", mine, created, err)
	}
	conv, err := e.Shop.Conversation(e.Ctx, "shared-id")
	if err != nil || conv.Handoff == nil || conv.Handoff.ID != h.ID || conv.Handoff.State != "pending" {
		t.Errorf("the shop's conversation = %+v, %v", conv, err)
	}
	// The rotated key is the same integration.
	rotated := apiclient.New(e.Server.URL, apitest.ShopKeyNext, &http.Client{Transport: e.Contract})
	if conv, err := rotated.Conversation(e.Ctx, "shared-id"); err != nil || conv.Handoff.ID != h.ID {
		t.Errorf("with the rotated key: %+v, %v", conv, err)
	}
	for _, key := range []string{"", "not-a-key-of-this-bridge-000000"} {
		_, err := apiclient.New(e.Server.URL, key, &http.Client{Transport: e.Contract}).Conversation(e.Ctx, "shared-id")
		var p *apiclient.Problem
		if !errors.As(err, &p) || p.Status != http.StatusUnauthorized || p.Type != api.ProblemUnauthorized {
			t.Errorf("key %q: %v, want 401", key, err)
		}
	}
}
