package bridge

import (
	"errors"
	"testing"
)

func TestDecide(t *testing.T) {
	ana := Actor{Agent: "ana"}
	bob := Actor{Agent: "bob"}
	admin := Actor{Agent: "carol", Admin: true}
	pending := Handoff{State: StatePending}
	active := Handoff{State: StateActive, Owner: "ana", OwnerName: "Ana"}
	fallback := Handoff{State: StateFallback}
	declined := Handoff{State: StatePending, Declined: []AgentID{"bob"}}
	var taken *AlreadyTakenError

	tests := []struct {
		name      string
		h         Handoff
		act       Action
		by        Actor
		to        State
		owner     AgentID
		event     HandoffEventKind
		isDecline bool
		err       error
		errTaken  bool
	}{
		{name: "join pending", h: pending, act: ActJoin, by: ana, to: StateActive, owner: "ana", event: EventJoined},
		{name: "late join of fallback", h: fallback, act: ActJoin, by: bob, to: StateActive, owner: "bob", event: EventJoined},
		{name: "join active", h: active, act: ActJoin, by: bob, errTaken: true},
		{name: "join resolved", h: Handoff{State: StateResolved}, act: ActJoin, by: ana, err: ErrHandoffClosed},
		{name: "join abandoned", h: Handoff{State: StateAbandoned}, act: ActJoin, by: ana, err: ErrHandoffClosed},
		{name: "decline pending", h: pending, act: ActReject, by: bob, to: StatePending, event: EventRejected, isDecline: true},
		{name: "decline twice", h: declined, act: ActReject, by: bob, err: ErrBadAction},
		{name: "decline fallback", h: fallback, act: ActReject, by: bob, to: StateFallback, event: EventRejected, isDecline: true},
		{name: "owner hands back", h: active, act: ActReject, by: ana, to: StatePending, owner: "", event: EventRejected},
		{name: "non-owner rejects active", h: active, act: ActReject, by: bob, err: ErrNotOwner},
		{name: "reject resolved", h: Handoff{State: StateResolved}, act: ActReject, by: ana, err: ErrHandoffClosed},
		{name: "owner resolves", h: active, act: ActResolve, by: ana, to: StateResolved, owner: "ana", event: EventResolved},
		{name: "admin resolves another's", h: active, act: ActResolve, by: admin, to: StateResolved, owner: "ana", event: EventResolved},
		{name: "non-owner resolves", h: active, act: ActResolve, by: bob, err: ErrNotOwner},
		{name: "agent resolves pending", h: pending, act: ActResolve, by: ana, err: ErrBadAction},
		{name: "admin closes pending", h: pending, act: ActResolve, by: admin, to: StateResolved, event: EventResolved},
		{name: "agent closes fallback", h: fallback, act: ActResolve, by: bob, to: StateResolved, event: EventResolved},
		{name: "resolve resolved", h: Handoff{State: StateResolved}, act: ActResolve, by: admin, err: ErrHandoffClosed},
		{name: "user cancels pending", h: pending, act: ActCancel, to: StateAbandoned, event: EventAbandoned},
		{name: "user cancels fallback", h: fallback, act: ActCancel, to: StateAbandoned, event: EventAbandoned},
		{name: "user cancels active", h: active, act: ActCancel, err: ErrBadAction},
		{name: "cancel abandoned", h: Handoff{State: StateAbandoned}, act: ActCancel, err: ErrHandoffClosed},
		{name: "SLA expires pending", h: pending, act: ActExpire, to: StateFallback, event: EventFallback},
		{name: "SLA on active", h: active, act: ActExpire, err: ErrBadAction},
		{name: "SLA on fallback", h: fallback, act: ActExpire, err: ErrBadAction},
		{name: "unknown action", h: pending, act: "dance", by: ana, err: ErrBadAction},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.h
			tr, err := Decide(&h, tt.act, tt.by)
			switch {
			case tt.errTaken:
				if !errors.As(err, &taken) || taken.Owner != "ana" || err.Error() != "already taken by Ana" {
					t.Fatalf("err = %v, want already taken by Ana", err)
				}
				return
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			case err != nil:
				t.Fatalf("unexpected refusal: %v", err)
			}
			if tr.To != tt.to || tr.Owner != tt.owner || tr.Event != tt.event || tr.Declined != tt.isDecline || tr.From != tt.h.State {
				t.Fatalf("transition = %+v, want to=%s owner=%q event=%s declined=%v", tr, tt.to, tt.owner, tt.event, tt.isDecline)
			}
			if h.State != tt.h.State {
				t.Fatal("Decide changed the handoff: it must be pure")
			}
		})
	}
}

func TestStateOpen(t *testing.T) {
	for s, open := range map[State]bool{StatePending: true, StateActive: true, StateFallback: true, StateResolved: false, StateAbandoned: false} {
		if s.Open() != open {
			t.Errorf("%s.Open() = %v", s, !open)
		}
	}
}

func TestParseContact(t *testing.T) {
	tests := []struct {
		in           string
		email, phone string
		ok           bool
	}{
		{"uma@example.com", "uma@example.com", "", true},
		{"  Uma@Example.org ", "Uma@Example.org", "", true},
		{"uma@localhost", "", "", false},
		{"Uma <uma@example.com>", "", "", false},
		{"+33 6 12 34 56 78", "", "+33612345678", true},
		{"(555) 123-4567", "", "5551234567", true},
		{"12345", "", "", false},
		{"call me maybe", "", "", false},
		{"+1 234 567 890 123 456 7", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		email, phone, ok := parseContact(tt.in)
		if email != tt.email || phone != tt.phone || ok != tt.ok {
			t.Errorf("parseContact(%q) = %q, %q, %v; want %q, %q, %v", tt.in, email, phone, ok, tt.email, tt.phone, tt.ok)
		}
	}
}

func TestDecideTransfer(t *testing.T) {
	ana, bob, admin := Actor{Agent: "ana"}, Actor{Agent: "bob"}, Actor{Agent: "carol", Admin: true}
	active := Handoff{State: StateActive, Owner: "ana", Team: "support"}
	tests := []struct {
		name  string
		h     Handoff
		by    Actor
		to    TransferTo
		state State
		owner AgentID
		err   error
	}{
		{"owner to an agent", active, ana, TransferTo{Agent: "bob"}, StateActive, "bob", nil},
		{"owner to a team", active, ana, TransferTo{Team: "billing"}, StateResolved, "ana", nil},
		{"admin to an agent", active, admin, TransferTo{Agent: "bob"}, StateActive, "bob", nil},
		{"colleague", active, bob, TransferTo{Agent: "bob"}, "", "", ErrNotOwner},
		{"to the owner", active, ana, TransferTo{Agent: "ana"}, "", "", ErrBadAction},
		{"to its own team", active, ana, TransferTo{Team: "support"}, "", "", ErrBadAction},
		{"pending", Handoff{State: StatePending}, ana, TransferTo{Agent: "bob"}, "", "", ErrBadAction},
		{"resolved", Handoff{State: StateResolved, Owner: "ana"}, ana, TransferTo{Agent: "bob"}, "", "", ErrHandoffClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := DecideTransfer(&tt.h, tt.by, tt.to)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || tr.To != tt.state || tr.Owner != tt.owner || tr.Event != EventTransferred {
				t.Fatalf("DecideTransfer = %+v, %v; want %s owned by %q", tr, err, tt.state, tt.owner)
			}
		})
	}
}
