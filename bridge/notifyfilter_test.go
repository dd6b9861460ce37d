package bridge_test

import (
	"context"
	"slices"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

type pacedNotifier struct{ bridgetest.Notifier }

func (*pacedNotifier) RatePolicy() bridge.RatePolicy { return &bridge.KeyedLimit{} }

func TestOnlyEventsPassesWantedEventsAndKeepsPacing(t *testing.T) {
	all := []bridge.HandoffEventKind{bridge.EventRequested, bridge.EventJoined, bridge.EventRejected,
		bridge.EventResolved, bridge.EventFallback, bridge.EventLead}
	tests := []struct {
		name  string
		wants func(bridge.HandoffEventKind) bool
		want  []bridge.HandoffEventKind
	}{
		{"no filter", nil, all},
		{"requested and leads", func(k bridge.HandoffEventKind) bool {
			return k == bridge.EventRequested || k == bridge.EventLead
		}, []bridge.HandoffEventKind{bridge.EventRequested, bridge.EventLead}},
		{"nothing", func(bridge.HandoffEventKind) bool { return false }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := &pacedNotifier{}
			n := bridge.OnlyEvents(inner, tt.wants)
			if _, ok := n.(bridge.RateLimited); !ok {
				t.Error("the filter hid the notifier's rate policy")
			}
			for _, k := range all {
				if err := n.Notify(context.Background(), bridge.Notification{Event: k}); err != nil {
					t.Fatal(err)
				}
			}
			var got []bridge.HandoffEventKind
			for _, x := range inner.All() {
				got = append(got, x.Event)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("notified %v; want %v", got, tt.want)
			}
		})
	}
	if _, ok := bridge.OnlyEvents(&bridgetest.Notifier{}, nil).(bridge.RateLimited); ok {
		t.Error("a notifier without pacing got some")
	}
}
