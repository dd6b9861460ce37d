package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/api"
	"github.com/handoffbridge/handoff/adapters/api/apiclient"
	"github.com/handoffbridge/handoff/adapters/api/apitest"
)

// raw sends a request as a bot might, through the contract checker;
// offContract says the request itself breaks the document.
func raw(e *apitest.Env, method, path, key, body string, offContract bool) (*http.Response, map[string]any) {
	e.T.Helper()
	req, err := http.NewRequestWithContext(e.Ctx, method, e.Server.URL+path, strings.NewReader(body))
	if err != nil {
		e.T.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if offContract {
		req.Header.Set(apitest.ContractHeader, "invalid")
	}
	resp, err := (&http.Client{Transport: e.Contract}).Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var v map[string]any
	_ = json.Unmarshal(data, &v)
	return resp, v
}

// Every refusal is problem details with a stable type per kind of error,
// the invalid field named, and the status the document promises.
func TestRefusalsAreProblemDetails(t *testing.T) {
	e := apitest.New(t, apitest.Options{})
	e.Start("conv-1", "")
	h := e.Start("conv-done", "")
	root := e.Thread(apitest.SupportChannel, h.ID)
	e.Click(apitest.SupportChannel, root, "handoff_join", h.ID)
	e.WaitType("conv-done", apiclient.EventJoined)
	active, _ := raw(e, "POST", "/api/v1/conversations/conv-done/handoff/cancel", apitest.ShopKey, "", false)
	e.Click(apitest.SupportChannel, root, "handoff_resolve", h.ID)
	e.WaitType("conv-done", apiclient.EventResolved)
	if _, _, err := e.Shop.UpsertConversation(e.Ctx, apiclient.ConversationInput{ExternalID: "conv-quiet"}); err != nil {
		t.Fatal(err)
	}
	if active.StatusCode != http.StatusConflict {
		t.Errorf("cancel of an active handoff: %d, want 409", active.StatusCode)
	}
	big := strings.Repeat("x", 2001)
	tests := []struct {
		name, method, path, key, body string
		offContract                   bool
		status                        int
		problem, field                string
	}{
		{"no key", "GET", "/api/v1/conversations/conv-1", "", "", false, 401, api.ProblemUnauthorized, ""},
		{"bad key", "GET", "/api/v1/conversations/conv-1", "wrong-key-000000000000000000", "", false, 401, api.ProblemUnauthorized, ""},
		{"not JSON", "POST", "/api/v1/conversations", apitest.ShopKey, `{"external_id": `, true, 400, api.ProblemMalformed, ""},
		{"unknown field", "POST", "/api/v1/conversations", apitest.ShopKey, `{"external_id":"a","colour":"red"}`, true, 422, api.ProblemInvalidField, "/colour"},
		{"bad external id", "POST", "/api/v1/conversations", apitest.ShopKey, `{"external_id":"a b"}`, true, 422, api.ProblemInvalidField, "/external_id"},
		{"bad email", "POST", "/api/v1/conversations", apitest.ShopKey, `{"external_id":"a","user":{"email":"nope"}}`, true, 422, api.ProblemInvalidField, "/user/email"},
		{"bad turn role", "POST", "/api/v1/conversations", apitest.ShopKey, `{"external_id":"a","transcript":[{"role":"agent","text":"x"}]}`, true, 422, api.ProblemInvalidField, "/transcript/0/role"},
		{"wrong type", "POST", "/api/v1/conversations/conv-1/handoff", apitest.ShopKey, `{"priority":3}`, true, 422, api.ProblemInvalidField, "/priority"},
		{"bad priority", "POST", "/api/v1/conversations/conv-1/handoff", apitest.ShopKey, `{"priority":"asap"}`, true, 422, api.ProblemInvalidField, "/priority"},
		{"team not allowed", "POST", "/api/v1/conversations/conv-1/handoff", apitest.ShopKey, `{"team":"vip"}`, false, 403, api.ProblemTeamNotAllowed, "/team"},
		{"unknown conversation", "GET", "/api/v1/conversations/nobody", apitest.ShopKey, "", false, 404, api.ProblemNotFound, ""},
		{"message to unknown conversation", "POST", "/api/v1/conversations/nobody/messages", apitest.ShopKey, `{"text":"hi"}`, false, 404, api.ProblemNotFound, ""},
		{"cancel without handoff", "POST", "/api/v1/conversations/conv-quiet/handoff/cancel", apitest.ShopKey, "", false, 404, api.ProblemNoHandoff, ""},
		{"cancel resolved", "POST", "/api/v1/conversations/conv-done/handoff/cancel", apitest.ShopKey, "", false, 409, api.ProblemHandoffClosed, ""},
		{"empty message", "POST", "/api/v1/conversations/conv-1/messages", apitest.ShopKey, `{"text":"  "}`, false, 422, api.ProblemInvalidField, "/text"},
		{"bad attachment", "POST", "/api/v1/conversations/conv-1/messages", apitest.ShopKey, `{"attachments":[{"url":"javascript:alert(1)"}]}`, true, 422, api.ProblemInvalidField, "/attachments/0/url"},
		{"text too large", "POST", "/api/v1/conversations/conv-1/messages", apitest.ShopKey, `{"text":"` + big + `"}`, false, 413, api.ProblemTooLarge, ""},
		{"body too large", "POST", "/api/v1/conversations/conv-1/messages", apitest.ShopKey, `{"text":"` + strings.Repeat("y", 3<<20) + `"}`, false, 413, api.ProblemTooLarge, ""},
		{"bad cursor", "GET", "/api/v1/conversations/conv-1/messages?after=x", apitest.ShopKey, "", true, 422, api.ProblemInvalidField, "after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, p := raw(e, tt.method, tt.path, tt.key, tt.body, tt.offContract)
			if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d %s %v, want %d problem+json", resp.StatusCode, resp.Header.Get("Content-Type"), p, tt.status)
			}
			if p["type"] != tt.problem || p["status"] != float64(tt.status) || p["title"] == "" {
				t.Errorf("problem = %v, want type %s", p, tt.problem)
			}
			if tt.field != "" && p["field"] != tt.field {
				t.Errorf("field = %v, want %s", p["field"], tt.field)
			}
			if tt.status == 401 && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: %v", resp.Header)
			}
		})
	}
}

// An integration over its rate gets 429 with Retry-After; other
// integrations are not slowed.
func TestRateLimitAnswers429(t *testing.T) {
	e := apitest.New(t, apitest.Options{ShopRate: 0.01, ShopBurst: 3})
	var last *http.Response
	var p map[string]any
	for range 4 {
		last, p = raw(e, "GET", "/api/v1/conversations/any", apitest.ShopKey, "", false)
	}
	secs, err := strconv.Atoi(last.Header.Get("Retry-After"))
	if last.StatusCode != http.StatusTooManyRequests || p["type"] != api.ProblemRateLimited || err != nil || secs < 1 {
		t.Fatalf("4th request: %d %v Retry-After %q, want 429 with a wait", last.StatusCode, p, last.Header.Get("Retry-After"))
	}
	if resp, _ := raw(e, "GET", "/api/v1/conversations/any", apitest.OtherKey, "", false); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the other integration got %d, want its own answer (404)", resp.StatusCode)
	}
}

// The document is served at /api/v1/openapi.json, without a key.
func TestDocumentIsServed(t *testing.T) {
	e := apitest.New(t, apitest.Options{})
	resp, doc := raw(e, "GET", "/api/v1/openapi.json", "", "", false)
	if resp.StatusCode != 200 || doc["openapi"] != "3.1.0" || doc["paths"] == nil || doc["webhooks"] == nil {
		t.Fatalf("%d %v", resp.StatusCode, doc["openapi"])
	}
	if e.Contract.Checked() == 0 {
		t.Error("the contract checker saw nothing")
	}
}
