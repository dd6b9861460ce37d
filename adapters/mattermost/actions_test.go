package mattermost_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/handoffbridge/handoff/adapters/mattermost"
	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// Ana and Bob press Join at the same moment: one owns the handoff, the
// other is told privately, as the click's ephemeral answer, who has it.
func TestJoinRace(t *testing.T) {
	e := newEnv(t, mattermostfake.Options{})
	id, root := e.requestThread("w1")
	results := make(map[string]mattermostfake.ClickResult)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, who := range []string{anaID, bobID} {
		wg.Go(func() {
			res, err := e.mm.Click(e.ctx, who, root, "join")
			if err != nil || res.Status != http.StatusOK {
				t.Errorf("click as %s: %+v %v", who, res, err)
			}
			mu.Lock()
			results[who] = res
			mu.Unlock()
		})
	}
	wg.Wait()
	h, err := e.engine.Handoff(e.ctx, id)
	if err != nil || h.State != bridge.StateActive {
		t.Fatalf("handoff after the race: %+v %v", h, err)
	}
	winner, loser := anaID, bobID
	if h.Owner == "bob" {
		winner, loser = bobID, anaID
	}
	if results[winner].Ephemeral != "" {
		t.Errorf("the winner was told %q", results[winner].Ephemeral)
	}
	if got := results[loser].Ephemeral; !strings.Contains(got, "Already taken") || !strings.Contains(got, h.OwnerName) {
		t.Errorf("the loser was told %q, want who took it (%s)", got, h.OwnerName)
	}
	eph := e.mm.Ephemerals()
	if len(eph) != 1 || eph[0].UserID != loser || eph[0].RootID != root {
		t.Errorf("ephemerals = %+v, want one to the loser in the thread", eph)
	}
	for _, p := range e.mm.Replies(channel, root) {
		if strings.Contains(p.Message, "Already taken") {
			t.Errorf("the refusal was posted in the thread for all to see: %q", p.Message)
		}
	}
}

// Eve, in the channel but no agent, presses Join: she alone is told no,
// and nothing changes.
func TestNonAgentClickRefusedPrivately(t *testing.T) {
	e := newEnv(t, mattermostfake.Options{})
	id, root := e.requestThread("w1")
	before := e.card(root)
	res := e.click(eveID, root, "join")
	if !strings.Contains(res.Ephemeral, "permission") {
		t.Errorf("Eve was told %q", res.Ephemeral)
	}
	if eph := e.mm.Ephemerals(); len(eph) != 1 || eph[0].UserID != eveID {
		t.Errorf("ephemerals = %+v, want one to Eve", eph)
	}
	if h, _ := e.engine.Handoff(e.ctx, id); h.State != bridge.StatePending || h.Owner != "" {
		t.Errorf("handoff after Eve's click: %+v", h)
	}
	// The card is as it was: Ana can still join.
	if after := e.card(root); after.Message != before.Message || !slices.Equal(after.Buttons(), []string{"join", "reject"}) {
		t.Errorf("card changed:\n%s\n%v", after.Message, after.Buttons())
	}
	e.click(anaID, root, "join")
	e.waitWeb("w1", "Ana's join", bridgetest.HasMessage("Ana S. has joined"))
}

// Requests to the actions URL that Mattermost did not make are refused
// with 401 and change nothing: no secret, a made-up one, a real secret
// replayed for another action or another handoff, a body that is not
// even JSON.
func TestForgedActionRefused(t *testing.T) {
	e := newEnv(t, mattermostfake.Options{})
	id, root := e.requestThread("w1")
	other, _ := e.requestThread("w2")
	var joinSecret string
	for _, a := range e.card(root).Attachments()[0].Actions {
		if a.ID == "join" {
			joinSecret, _ = a.Integration.Context["secret"].(string)
		}
	}
	if joinSecret == "" {
		t.Fatal("the Join button has no secret in its context")
	}
	forge := func(ctx map[string]any) mattermost.ActionRequest {
		return mattermost.ActionRequest{UserID: anaID, UserName: "ana", ChannelID: channel, PostID: root, TriggerID: "t", Type: "button", Context: ctx}
	}
	cases := map[string]any{
		"no secret":         forge(map[string]any{"handoff": id.String(), "action": "join"}),
		"made-up secret":    forge(map[string]any{"handoff": id.String(), "action": "join", "secret": "c2VjcmV0"}),
		"another action":    forge(map[string]any{"handoff": id.String(), "action": "resolve", "secret": joinSecret}),
		"another handoff":   forge(map[string]any{"handoff": other.String(), "action": "join", "secret": joinSecret}),
		"secret not text":   forge(map[string]any{"handoff": id.String(), "action": "join", "secret": 42}),
		"no context at all": forge(nil),
	}
	for name, body := range cases {
		b, _ := json.Marshal(body)
		resp, err := http.Post(e.bridge+mattermost.ActionsPath, "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, resp.StatusCode)
		}
	}
	resp, err := http.Post(e.bridge+mattermost.ActionsPath, "application/json", strings.NewReader("{not json"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a body that is not JSON: status %d", resp.StatusCode)
	}
	for _, h := range []bridge.HandoffID{id, other} {
		if got, _ := e.engine.Handoff(e.ctx, h); got.State != bridge.StatePending {
			t.Errorf("handoff %d is %s after forged clicks", h, got.State)
		}
	}
	if eph := e.mm.Ephemerals(); len(eph) != 0 {
		t.Errorf("forged clicks were answered: %+v", eph)
	}
	if th := e.threadText(root); strings.Contains(th, "joined") {
		t.Errorf("thread after forged clicks:\n%s", th)
	}
	// The real click still works.
	e.click(anaID, root, "join")
	e.waitWeb("w1", "Ana's join", bridgetest.HasMessage("Ana S. has joined"))
}
