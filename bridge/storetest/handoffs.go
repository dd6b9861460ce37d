package storetest

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var handoffContracts = []contract{
	{"HandoffRoundTrip", testHandoffRoundTrip},
	{"UpdateHandoffWritesEveryMutableField", testUpdateHandoffFields},
	{"UpdateHandoffCompareAndSet", testUpdateHandoffCompareAndSet},
	{"FirstJoinWins", testFirstJoinWins},
	{"OpenHandoffAndByThread", testOpenHandoffAndByThread},
	{"QueueOrderAndPosition", testQueueOrderAndPosition},
	{"ClosedHandoffsNewestFirst", testClosedHandoffs},
	{"Deadlines", testDeadlines},
	{"HandoffCounts", testHandoffCounts},
	{"QueueToldCompareAndSet", testQueueTold},
}

// fullHandoff has every field set.
func fullHandoff(conv bridge.ConversationID, prev bridge.HandoffID) bridge.Handoff {
	return bridge.Handoff{
		ConversationID: conv, Team: "sales", State: bridge.StateFallback,
		Owner: "ana", OwnerName: "Ana", OwnerRef: "U01ABC", Priority: bridge.PriorityUrgent,
		Trigger: "sales", Reason: "asked for pricing", Previous: prev, Deadline: t0.Add(3 * time.Minute),
		Thread:   bridge.ThreadRef{Workspace: bridge.WorkspaceSlack, Channel: "C0123", ThreadID: "1712.0001"},
		LeadStep: bridge.LeadContact,
		LeadDraft: bridge.Lead{HandoffID: 7, ConversationID: conv, Team: "sales", Name: "Zoë",
			Email: "z@example.com", Phone: "+351", Message: "call me", CreatedAt: t0},
		Declined:  []bridge.AgentID{"bob", "carol"},
		Summary:   "Wants the enterprise price.\nAsked twice.",
		CreatedAt: t0.Add(-time.Hour), UpdatedAt: t0.Add(-time.Minute), ClosedAt: t0.Add(time.Hour),
	}
}

func testHandoffRoundTrip(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	conv := seedConversation(t, s, "h")
	prev := &bridge.Handoff{ConversationID: conv, State: bridge.StateResolved}
	seedHandoff(t, s, prev)
	for _, tt := range []struct {
		name string
		in   bridge.Handoff
	}{
		{"zero values", bridge.Handoff{ConversationID: conv}},
		{"every field set", fullHandoff(conv, prev.ID)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.in
			update(t, s, func(tx bridge.Tx) error { return tx.CreateHandoff(ctx, &h) })
			if h.ID == 0 {
				t.Fatal("CreateHandoff did not set the id")
			}
			if tt.in.CreatedAt.IsZero() && (!h.CreatedAt.Equal(clock.Now()) || !h.UpdatedAt.Equal(clock.Now())) {
				t.Errorf("zero times filled with %v, %v; want the clock's", h.CreatedAt, h.UpdatedAt)
			}
			view(t, s, func(tx bridge.Tx) error {
				got, err := tx.Handoff(ctx, h.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(*got, h) {
					t.Errorf("Handoff =\n%+v\nwant\n%+v", *got, h)
				}
				return nil
			})
		})
	}
	view(t, s, func(tx bridge.Tx) error {
		if _, err := tx.Handoff(ctx, 9999); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("Handoff(missing) = %v, want ErrNotFound", err)
		}
		return nil
	})
}

// testUpdateHandoffFields: UpdateHandoff writes every field but the id,
// the conversation, the trigger, the predecessor and the creation time,
// and fills a zero UpdatedAt from the clock.
func testUpdateHandoffFields(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	conv := seedConversation(t, s, "u")
	orig := &bridge.Handoff{ConversationID: conv, Team: "support", State: bridge.StatePending,
		Priority: bridge.PriorityLow, Trigger: "human", Reason: "r"}
	seedHandoff(t, s, orig)

	full := fullHandoff(conv, 0)
	full.ID, full.Trigger, full.Previous, full.CreatedAt = orig.ID, orig.Trigger, orig.Previous, orig.CreatedAt
	cleared := *orig
	cleared.State, cleared.UpdatedAt = bridge.StateResolved, time.Time{}
	steps := []struct {
		name        string
		h           bridge.Handoff
		state       bridge.State
		owner       bridge.AgentID
		wantUpdated time.Time
	}{
		{name: "set", h: full, state: bridge.StatePending, owner: "", wantUpdated: full.UpdatedAt},
		{name: "clear", h: cleared, state: bridge.StateFallback, owner: "ana", wantUpdated: t0.Add(2 * time.Second)}, // a second per step
	}
	for _, st := range steps {
		clock.Advance(time.Second)
		h := st.h
		sneaky := h
		sneaky.Trigger, sneaky.CreatedAt = "changed", t0.Add(time.Hour)
		var ok bool
		update(t, s, func(tx bridge.Tx) (err error) {
			ok, err = tx.UpdateHandoff(ctx, &sneaky, st.state, st.owner)
			return err
		})
		if !ok {
			t.Fatalf("%s: UpdateHandoff lost", st.name)
		}
		if !sneaky.UpdatedAt.Equal(st.wantUpdated) {
			t.Errorf("%s: UpdatedAt after UpdateHandoff = %v, want %v", st.name, sneaky.UpdatedAt, st.wantUpdated)
		}
		want := st.h
		want.UpdatedAt = st.wantUpdated
		view(t, s, func(tx bridge.Tx) error {
			got, err := tx.Handoff(ctx, h.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("%s: stored =\n%+v\nwant\n%+v", st.name, *got, want)
			}
			return nil
		})
	}
}

func testUpdateHandoffCompareAndSet(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	h := &bridge.Handoff{State: bridge.StateActive, Owner: "ana", Team: "support", Reason: "orig"}
	seedHandoff(t, s, h)
	tests := []struct {
		name   string
		state  bridge.State
		owner  bridge.AgentID
		wantOK bool
	}{
		{"state differs", bridge.StatePending, "ana", false},
		{"owner differs", bridge.StateActive, "bob", false},
		{"owner empty", bridge.StateActive, "", false},
		{"both match", bridge.StateActive, "ana", true},
		{"stale after the change", bridge.StateActive, "ana", false},
	}
	for i, tt := range tests {
		next := *h
		next.State, next.Owner, next.Reason = bridge.StateResolved, "ana", fmt.Sprint("try ", i)
		var ok bool
		update(t, s, func(tx bridge.Tx) (err error) {
			ok, err = tx.UpdateHandoff(ctx, &next, tt.state, tt.owner)
			return err
		})
		if ok != tt.wantOK {
			t.Errorf("%s: UpdateHandoff = %v, want %v", tt.name, ok, tt.wantOK)
		}
	}
	view(t, s, func(tx bridge.Tx) error {
		got, err := tx.Handoff(ctx, h.ID)
		if err != nil {
			return err
		}
		if got.State != bridge.StateResolved || got.Reason != "try 3" {
			t.Errorf("stored state %s reason %q; want only the matching write", got.State, got.Reason)
		}
		return nil
	})
	err := s.Update(ctx, func(tx bridge.Tx) error {
		_, err := tx.UpdateHandoff(ctx, &bridge.Handoff{ID: 9999}, bridge.StatePending, "")
		return err
	})
	if !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("UpdateHandoff(missing) = %v, want ErrNotFound", err)
	}
}

func testFirstJoinWins(t *testing.T, s bridge.Store, _ *bridgetest.Clock) { RaceJoins(t, s) }

// RaceJoins races agents who all saw one pending handoff and all press
// Join at once, each in an Update of its own, spread over stores (which
// share one database: several processes, or a store opened twice): exactly
// one may win, and the stored owner is the winner. The suite runs it on one
// store; an implementation that can open a database twice runs it on two.
func RaceJoins(t *testing.T, stores ...bridge.Store) {
	t.Helper()
	ctx := t.Context()
	h := &bridge.Handoff{State: bridge.StatePending, Team: "support"}
	seedHandoff(t, stores[0], h)
	var seen *bridge.Handoff
	view(t, stores[len(stores)-1], func(tx bridge.Tx) (err error) {
		seen, err = tx.Handoff(ctx, h.ID)
		return err
	})

	const agents = 50
	var (
		start   = make(chan struct{})
		done    sync.WaitGroup
		mu      sync.Mutex
		winners []bridge.AgentID
	)
	for i := range agents {
		done.Go(func() {
			s := stores[i%len(stores)]
			agent := bridge.AgentID(fmt.Sprint("agent-", i))
			tr, err := bridge.Decide(seen, bridge.ActJoin, bridge.Actor{Agent: agent})
			if err != nil {
				t.Error(err)
				return
			}
			next := *seen
			next.State, next.Owner = tr.To, tr.Owner
			<-start
			err = s.Update(ctx, func(tx bridge.Tx) error {
				ok, err := tx.UpdateHandoff(ctx, &next, tr.From, seen.Owner)
				if ok {
					mu.Lock()
					winners = append(winners, agent)
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	close(start)
	done.Wait()

	if len(winners) != 1 {
		t.Fatalf("winners = %v, want exactly one", winners)
	}
	for _, s := range stores {
		view(t, s, func(tx bridge.Tx) error {
			got, err := tx.Handoff(ctx, h.ID)
			if err != nil {
				return err
			}
			if got.State != bridge.StateActive || got.Owner != winners[0] {
				t.Errorf("stored %s owned by %q, want active owned by %q", got.State, got.Owner, winners[0])
			}
			return nil
		})
	}
}

func testOpenHandoffAndByThread(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	conv, other := seedConversation(t, s, "o"), seedConversation(t, s, "other")
	resolved := &bridge.Handoff{ConversationID: conv, State: bridge.StateResolved,
		Thread: bridge.ThreadRef{Workspace: bridge.WorkspaceSlack, Channel: "C1", ThreadID: "t1"}}
	abandoned := &bridge.Handoff{ConversationID: conv, State: bridge.StateAbandoned}
	seedHandoff(t, s, resolved)
	seedHandoff(t, s, abandoned)
	view(t, s, func(tx bridge.Tx) error {
		if h, err := tx.OpenHandoff(ctx, conv); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("OpenHandoff with only closed handoffs = %v, %v; want ErrNotFound", h, err)
		}
		return nil
	})
	for _, state := range []bridge.State{bridge.StatePending, bridge.StateActive, bridge.StateFallback} {
		h := &bridge.Handoff{ConversationID: conv, State: state}
		seedHandoff(t, s, h)
		view(t, s, func(tx bridge.Tx) error {
			got, err := tx.OpenHandoff(ctx, conv)
			if err != nil || got.ID != h.ID {
				t.Errorf("OpenHandoff with a %s one = %v, %v; want %d (the newest)", state, got, err, h.ID)
			}
			if _, err := tx.OpenHandoff(ctx, other); !errors.Is(err, bridge.ErrNotFound) {
				t.Errorf("OpenHandoff of another conversation = %v, want ErrNotFound", err)
			}
			return nil
		})
	}

	fresh := &bridge.Handoff{ConversationID: other, State: bridge.StatePending}
	seedHandoff(t, s, fresh)
	ref := bridge.ThreadRef{Workspace: bridge.WorkspaceDiscord, Channel: "112233", ThreadID: "998877"}
	update(t, s, func(tx bridge.Tx) error { return tx.SetHandoffThread(ctx, fresh.ID, ref) })
	view(t, s, func(tx bridge.Tx) error {
		for _, tt := range []struct {
			w    bridge.WorkspaceKind
			id   string
			want bridge.HandoffID
		}{
			{bridge.WorkspaceSlack, "t1", resolved.ID},
			{bridge.WorkspaceDiscord, "998877", fresh.ID},
			{bridge.WorkspaceSlack, "998877", 0},
			{bridge.WorkspaceDiscord, "", 0},
			{"", "", 0}, // handoffs without a thread are not found by one
		} {
			got, err := tx.HandoffByThread(ctx, tt.w, tt.id)
			if tt.want == 0 {
				if !errors.Is(err, bridge.ErrNotFound) {
					t.Errorf("HandoffByThread(%s, %q) = %v, %v; want ErrNotFound", tt.w, tt.id, got, err)
				}
			} else if err != nil || got.ID != tt.want {
				t.Errorf("HandoffByThread(%s, %q) = %v, %v; want %d", tt.w, tt.id, got, err, tt.want)
			}
		}
		got, err := tx.Handoff(ctx, fresh.ID)
		if err != nil || got.Thread != ref {
			t.Errorf("thread after SetHandoffThread = %+v, %v; want %+v", got.Thread, err, ref)
		}
		return nil
	})
	err := s.Update(ctx, func(tx bridge.Tx) error { return tx.SetHandoffThread(ctx, 9999, ref) })
	if !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("SetHandoffThread(missing) = %v, want ErrNotFound", err)
	}
}

func testQueueOrderAndPosition(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	at := func(d time.Duration) time.Time { return t0.Add(d * time.Second) }
	mk := func(team bridge.TeamID, state bridge.State, p bridge.Priority, created time.Time) *bridge.Handoff {
		h := &bridge.Handoff{Team: team, State: state, Priority: p, CreatedAt: created}
		seedHandoff(t, s, h)
		return h
	}
	normal0 := mk("support", bridge.StatePending, bridge.PriorityNormal, at(0))
	high1 := mk("support", bridge.StatePending, bridge.PriorityHigh, at(1))
	normal1 := mk("support", bridge.StatePending, bridge.PriorityNormal, at(1))
	urgent2 := mk("support", bridge.StatePending, bridge.PriorityUrgent, at(2))
	low0 := mk("support", bridge.StatePending, bridge.PriorityLow, at(0))
	unknown0 := mk("support", bridge.StatePending, "", at(0)) // ranks as normal; same time as normal0, later id
	sales := mk("sales", bridge.StatePending, bridge.PriorityUrgent, at(0))
	active := mk("support", bridge.StateActive, bridge.PriorityUrgent, at(0))
	// Within one nanosecond of normal0: the order must still hold.
	normal0b := mk("support", bridge.StatePending, bridge.PriorityNormal, at(0).Add(1))

	queue := []*bridge.Handoff{urgent2, high1, normal0, unknown0, normal0b, normal1, low0}
	want := func(hs ...*bridge.Handoff) []bridge.HandoffID {
		var out []bridge.HandoffID
		for _, h := range hs {
			out = append(out, h.ID)
		}
		return out
	}
	view(t, s, func(tx bridge.Tx) error {
		for i, h := range queue {
			pos, err := tx.QueuePosition(ctx, h)
			if err != nil {
				return err
			}
			if pos != i+1 {
				t.Errorf("QueuePosition(%s created %v) = %d, want %d", h.Priority, h.CreatedAt.Sub(t0), pos, i+1)
			}
		}
		if pos, err := tx.QueuePosition(ctx, sales); err != nil || pos != 1 {
			t.Errorf("QueuePosition alone in its team = %d, %v; want 1", pos, err)
		}
		for _, tt := range []struct {
			name   string
			states []bridge.State
			team   bridge.TeamID
			limit  int
			want   []bridge.HandoffID
		}{
			{"pending support", []bridge.State{bridge.StatePending}, "support", 0, want(queue...)},
			{"limit", []bridge.State{bridge.StatePending}, "support", 2, want(urgent2, high1)},
			{"two states", []bridge.State{bridge.StatePending, bridge.StateActive}, "support", 3, want(active, urgent2, high1)},
			{"all teams", []bridge.State{bridge.StatePending}, "", 2, want(sales, urgent2)},
			{"everything", nil, "", 0, want(sales, active, urgent2, high1, normal0, unknown0, normal0b, normal1, low0)},
			{"no match", []bridge.State{bridge.StateResolved}, "", 0, nil},
		} {
			hs, err := tx.Handoffs(ctx, tt.states, tt.team, tt.limit)
			if err != nil {
				return err
			}
			if got := ids(hs, handoffID); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Handoffs %s = %v, want %v", tt.name, got, tt.want)
			}
		}
		return nil
	})
	// Where a handoff not yet stored would stand: behind every pending
	// handoff of its team with its priority or a higher one.
	view(t, s, func(tx bridge.Tx) error {
		newcomer := &bridge.Handoff{Team: "support", State: bridge.StatePending, Priority: bridge.PriorityHigh, CreatedAt: at(3)}
		if pos, err := tx.QueuePosition(ctx, newcomer); err != nil || pos != 3 {
			t.Errorf("QueuePosition of an unstored high one = %d, %v; want 3", pos, err)
		}
		return nil
	})
}

func testClosedHandoffs(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	mk := func(team bridge.TeamID, state bridge.State, closed int) bridge.HandoffID {
		h := &bridge.Handoff{Team: team, State: state, Priority: bridge.PriorityNormal, CreatedAt: t0}
		if closed > 0 {
			h.ClosedAt = t0.Add(time.Duration(closed) * time.Second)
		}
		seedHandoff(t, s, h)
		return h.ID
	}
	old := mk("support", bridge.StateResolved, 1)
	newest := mk("support", bridge.StateAbandoned, 3)
	mk("support", bridge.StatePending, 0)
	middle := mk("support", bridge.StateResolved, 2)
	sales := mk("sales", bridge.StateResolved, 4)
	view(t, s, func(tx bridge.Tx) error {
		for _, tt := range []struct {
			team  bridge.TeamID
			limit int
			want  []bridge.HandoffID
		}{
			{"support", 0, []bridge.HandoffID{newest, middle, old}},
			{"support", 2, []bridge.HandoffID{newest, middle}},
			{"", 2, []bridge.HandoffID{sales, newest}},
			{"nobody", 0, nil},
		} {
			hs, err := tx.ClosedHandoffs(ctx, tt.team, tt.limit)
			if err != nil {
				return err
			}
			if got := ids(hs, handoffID); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ClosedHandoffs(%q, %d) = %v, want %v", tt.team, tt.limit, got, tt.want)
			}
		}
		return nil
	})
}

func testDeadlines(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	view(t, s, func(tx bridge.Tx) error {
		if d, ok, err := tx.NextDeadline(ctx); ok || err != nil {
			t.Errorf("NextDeadline of an empty store = %v, %v, %v; want none", d, ok, err)
		}
		return nil
	})
	d1, d2 := t0.Add(time.Minute), t0.Add(2*time.Minute)
	late := &bridge.Handoff{State: bridge.StatePending, Deadline: d2}
	early := &bridge.Handoff{State: bridge.StatePending, Deadline: d1}
	noTimer := &bridge.Handoff{State: bridge.StatePending}
	joined := &bridge.Handoff{State: bridge.StateActive, Owner: "ana", Deadline: t0}
	for _, h := range []*bridge.Handoff{late, early, noTimer, joined} {
		seedHandoff(t, s, h)
	}
	view(t, s, func(tx bridge.Tx) error {
		d, ok, err := tx.NextDeadline(ctx)
		if err != nil || !ok || !d.Equal(d1) {
			t.Errorf("NextDeadline = %v, %v, %v; want %v", d, ok, err, d1)
		}
		for _, tt := range []struct {
			now   time.Time
			limit int
			want  []bridge.HandoffID
		}{
			{t0, 0, nil},
			{d1.Add(-1), 0, nil},
			{d1, 0, []bridge.HandoffID{early.ID}},
			{d2, 0, []bridge.HandoffID{early.ID, late.ID}},
			{d2.Add(time.Hour), 1, []bridge.HandoffID{early.ID}},
		} {
			hs, err := tx.DueHandoffs(ctx, tt.now, tt.limit)
			if err != nil {
				return err
			}
			if got := ids(hs, handoffID); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DueHandoffs(%v, %d) = %v, want %v", tt.now.Sub(t0), tt.limit, got, tt.want)
			}
		}
		return nil
	})
	// Expiring the early one moves the next deadline on.
	next := *early
	next.State, next.Deadline = bridge.StateFallback, time.Time{}
	update(t, s, func(tx bridge.Tx) error {
		_, err := tx.UpdateHandoff(ctx, &next, bridge.StatePending, "")
		return err
	})
	view(t, s, func(tx bridge.Tx) error {
		if d, ok, err := tx.NextDeadline(ctx); err != nil || !ok || !d.Equal(d2) {
			t.Errorf("NextDeadline after expiry = %v, %v, %v; want %v", d, ok, err, d2)
		}
		return nil
	})
}

func testHandoffCounts(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	conv := seedConversation(t, s, "c")
	update(t, s, func(tx bridge.Tx) error {
		for _, h := range []bridge.Handoff{
			{Team: "support", State: bridge.StateResolved},
			{Team: "sales", State: bridge.StatePending},
			{Team: "support", State: bridge.StateResolved},
			{Team: "support", State: bridge.StateActive},
		} {
			h.ConversationID = conv
			if err := tx.CreateHandoff(ctx, &h); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx bridge.Tx) error {
		got, err := tx.HandoffCounts(ctx)
		if err != nil {
			return err
		}
		// In no particular order.
		slices.SortFunc(got, func(a, b bridge.HandoffCount) int {
			return cmp.Or(cmp.Compare(a.Team, b.Team), cmp.Compare(a.State, b.State))
		})
		want := []bridge.HandoffCount{
			{Team: "sales", State: bridge.StatePending, N: 1},
			{Team: "support", State: bridge.StateActive, N: 1},
			{Team: "support", State: bridge.StateResolved, N: 2},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("HandoffCounts = %+v, want %+v", got, want)
		}
		return nil
	})
}
