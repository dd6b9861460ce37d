package mattermost_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// What Ana writes while the bridge's WebSocket is down reaches the user
// once it is back, read from the channel since the last post seen: a new
// reply, an edit of an earlier one; a reply written and deleted while
// away never does. Nothing arrives twice, and live relaying goes on.
func TestReconnectCatchUp(t *testing.T) {
	e := newEnv(t, mattermostfake.Options{})
	const chat = "w1"
	_, root := e.requestThread(chat)
	e.click(anaID, root, "join")
	e.waitWeb(chat, "joined", bridgetest.HasMessage("has joined"))
	before, _ := e.mm.PostAsUser(anaID, channel, root, "first answer")
	e.waitWeb(chat, "live reply", bridgetest.HasMessage("first answer"))

	e.mm.RefuseSockets(true)
	e.mm.DropSockets()
	if err := e.health.Until(e.ctx, "the workspace down", func() bool { return e.ws.Health(e.ctx).State != bridge.HealthUp }); err != nil {
		t.Fatal(err)
	}
	if _, err := e.mm.PostAsUser(anaID, channel, root, "written while you were away"); err != nil {
		t.Fatal(err)
	}
	if err := e.mm.EditAsUser(anaID, before, "first answer, corrected"); err != nil {
		t.Fatal(err)
	}
	gone, _ := e.mm.PostAsUser(anaID, channel, root, "taken back at once")
	if err := e.mm.DeleteAsUser(anaID, gone); err != nil {
		t.Fatal(err)
	}
	delivered := len(e.web.To(chat))
	e.mm.RefuseSockets(false)
	e.waitHealthUp() // up only once the catch-up is done
	ds := e.waitWeb(chat, "the reply and the edit written while away", func(ds []bridgetest.Delivery) bool {
		return bridgetest.HasMessage("written while you were away")(ds) && slices.ContainsFunc(ds, func(d bridgetest.Delivery) bool {
			return d.Kind == "edit" && d.Message.Text == "first answer, corrected"
		})
	})
	for _, d := range ds {
		if strings.Contains(d.Message.Text, "taken back") {
			t.Errorf("a reply deleted while away reached the user: %+v", d)
		}
	}
	if n := countText(ds, "written while you were away"); n != 1 {
		t.Errorf("the reply written while away arrived %d times", n)
	}
	if e.mm.Calls("GET /api/v4/channels/{id}/posts") == 0 {
		t.Error("the channel was not read back")
	}
	if len(ds) <= delivered {
		t.Fatal("nothing new delivered")
	}

	// Live again.
	if _, err := e.mm.PostAsUser(anaID, channel, root, "and now live"); err != nil {
		t.Fatal(err)
	}
	e.waitWeb(chat, "live after reconnect", bridgetest.HasMessage("and now live"))
}

func countText(ds []bridgetest.Delivery, text string) int {
	n := 0
	for _, d := range ds {
		if d.Kind == "message" && strings.Contains(d.Message.Text, text) {
			n++
		}
	}
	return n
}
