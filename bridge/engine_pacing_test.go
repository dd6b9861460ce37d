package bridge_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// pacedWorkspace is a workspace with a rate policy that lets everything
// through and keeps what it was told of each delivery.
type pacedWorkspace struct {
	*bridgetest.Workspace
	mu      sync.Mutex
	parcels []bridge.Parcel
}

func (w *pacedWorkspace) RatePolicy() bridge.RatePolicy { return w }

func (w *pacedWorkspace) Wait(_ context.Context, p bridge.Parcel) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.parcels = append(w.parcels, p)
	return nil
}

func (w *pacedWorkspace) told() []bridge.Parcel {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.parcels)
}

// A workspace's rate policy learns, before each delivery, the thread it is
// for: the channel a thread opens in, and the handoff of every thread
// operation, so that it can pace per channel without reading the outbox.
func TestRatePolicyLearnsTheThread(t *testing.T) {
	const paced bridge.WorkspaceKind = "paced"
	ws := &pacedWorkspace{Workspace: bridgetest.NewWorkspace(paced)}
	h := newTunedHarness(t, func(_ *bridge.Options, e *bridge.Engine) {
		if e != nil {
			e.RegisterWorkspace(ws)
		}
	}, func(s *bridge.Settings) { s.Teams["support"].Workspace = paced })

	out := h.say(webUser, "m1", "talk to a human")
	if _, err := ws.WaitFor(h.ctx, "thread with history", func(ops []bridgetest.ThreadOp) bool {
		id := ws.ThreadOf(out.Handoff)
		return id != "" && len(bridgetest.Posts(ops, id)) > 0
	}); err != nil {
		t.Fatal(err)
	}
	dest := bridge.WorkspaceDestination(paced)
	var opened, posted bool
	for _, p := range ws.told() {
		if p.Destination != dest || p.Stream == "" || p.Handoff != out.Handoff {
			t.Errorf("the policy was told %+v; want destination %s, a stream and handoff %d", p, dest, out.Handoff)
		}
		switch p.Op {
		case bridge.OpThreadOpen:
			opened = true
			if p.Channel != "C-SUPPORT" {
				t.Errorf("opening the thread, the policy was told channel %q, want the team's C-SUPPORT", p.Channel)
			}
		case bridge.OpThreadPost:
			posted = true
		}
	}
	if !opened || !posted {
		t.Errorf("the policy was told %+v; want the thread's opening and its first post", ws.told())
	}
}
