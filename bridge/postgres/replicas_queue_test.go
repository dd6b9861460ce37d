package postgres

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// queueSettings are replicaSettings with an agent to join, a cancel
// phrase, and the text rule without its interval: a message for every
// gain of two places.
func queueSettings() bridge.Settings {
	s := replicaSettings(time.Hour)
	s.CancelPhrases = []string{"cancel"}
	s.Agents = []*bridge.Agent{{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support"},
		Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "U-ANA"}}}
	s.QueueUpdates = bridge.QueueUpdates{MinInterval: time.Nanosecond, MinGain: 2}
	return s
}

func (r *replica) handOff(t *testing.T, chat string) bridge.HandoffID {
	t.Helper()
	out, err := r.engine.Handle(t.Context(), bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat},
		User: bridge.User{DisplayName: "Uma"}, PlatformID: chat + "-human", Text: "talk to a human"})
	if err != nil || out.Handoff == 0 {
		t.Fatalf("%s: %s asks for a human: %+v, %v", r.name, chat, out, err)
	}
	return out.Handoff
}

func (r *replica) join(t *testing.T, h bridge.HandoffID) {
	t.Helper()
	_, err := r.engine.Handle(t.Context(), bridge.AgentAction{Handoff: h, Action: bridge.ActJoin,
		Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U-ANA", DisplayName: "Ana"}})
	if err != nil {
		t.Fatalf("%s: join handoff %d: %v", r.name, h, err)
	}
}

// TestQueueUpdateToldOnceAcrossReplicas: what a waiting user was told of
// their place is the store's, not a replica's: a change on replica b that
// leaves u6 at the place replica a told it sends nothing, and b's next
// message counts the gain from a's.
func TestQueueUpdateToldOnceAcrossReplicas(t *testing.T) {
	dsn := schema.NewDatabase(t)
	a := startReplicaWith(t, dsn, "a", echoAI(), queueSettings())
	a.obs.waitHeld(t, webLease) // a sends to web users, whichever replica enqueued
	b := startReplicaWith(t, dsn, "b", echoAI(), queueSettings())

	var ids []bridge.HandoffID
	for _, chat := range []string{"u1", "u2", "u3", "u4", "u5", "u6", "u7"} {
		ids = append(ids, b.handOff(t, chat))
	}
	a.handOff(t, "u8")                    // behind u6: both replicas have seen u6 at place 6
	a.join(t, ids[0])                     // u6: 6 → 5
	a.join(t, ids[1])                     // 5 → 4: told by a
	b.say(t, "u7", "u7-cancel", "cancel") // behind u6: still 4
	b.join(t, ids[2])                     // 4 → 3
	b.join(t, ids[3])                     // 3 → 2: told by b

	// The conversation's messages go out in order: once the last is
	// sent, so is every one before it.
	const last = "You are now number 2 in the queue."
	_, err := a.web.WaitFor(t.Context(), "u6", last, func(ds []bridgetest.Delivery) bool {
		return slices.ContainsFunc(ds, func(d bridgetest.Delivery) bool { return d.Message.Text == last })
	})
	if err != nil {
		t.Fatal(err)
	}
	var told []string
	for _, d := range append(a.web.To("u6"), b.web.To("u6")...) {
		if strings.HasPrefix(d.Message.Text, "You are now number") {
			told = append(told, d.Message.Text)
		}
	}
	if want := []string{"You are now number 4 in the queue.", last}; !slices.Equal(told, want) {
		t.Errorf("u6 was sent %q, want %q", told, want)
	}
}
