package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// Engines sharing one PostgreSQL database, as replicas do: each with its
// own store (its own pool), its own fakes and its own holder name.

// replicaObserver records what a replica's engine tells its metrics: the
// leases it takes and loses, and the entries it delivered.
type replicaObserver struct {
	changes   waitfor.Changes
	mu        sync.Mutex
	held      map[string]bridge.Lease
	lost      []bridge.Lease
	delivered int
}

var _ bridge.LeaseObserver = (*replicaObserver)(nil)

func (o *replicaObserver) LeaseAcquired(l bridge.Lease) {
	o.mu.Lock()
	o.held[l.Name] = l
	o.mu.Unlock()
	o.changes.Notify()
}

func (o *replicaObserver) LeaseLost(l bridge.Lease) {
	o.mu.Lock()
	delete(o.held, l.Name)
	o.lost = append(o.lost, l)
	o.mu.Unlock()
	o.changes.Notify()
}

func (o *replicaObserver) Delivered(bridge.Destination, bridge.Op, time.Duration) {
	o.mu.Lock()
	o.delivered++
	o.mu.Unlock()
	o.changes.Notify()
}

func (o *replicaObserver) DeliveryFailed(bridge.Destination, bridge.Op, string)     {}
func (o *replicaObserver) HandoffChanged(bridge.TeamID, bridge.State, bridge.State) {}
func (o *replicaObserver) HandoffJoined(bridge.TeamID, time.Duration)               {}
func (o *replicaObserver) HandoffResolved(bridge.TeamID, time.Duration)             {}
func (o *replicaObserver) LeadCaptured(bridge.TeamID)                               {}

// waitHeld waits until the replica holds lease name, and returns it.
func (o *replicaObserver) waitHeld(t *testing.T, name string) bridge.Lease {
	t.Helper()
	var l bridge.Lease
	if err := o.changes.Until(t.Context(), "lease "+name, func() bool {
		o.mu.Lock()
		defer o.mu.Unlock()
		var ok bool
		l, ok = o.held[name]
		return ok
	}); err != nil {
		t.Fatal(err)
	}
	return l
}

// waitLost waits until the replica lost lease name at epoch.
func (o *replicaObserver) waitLost(t *testing.T, name string, epoch int64) {
	t.Helper()
	if err := o.changes.Until(t.Context(), "the loss of lease "+name, func() bool {
		o.mu.Lock()
		defer o.mu.Unlock()
		return slices.Contains(o.lost, bridge.Lease{Name: name, Holder: "", Epoch: 0}) ||
			slices.ContainsFunc(o.lost, func(l bridge.Lease) bool { return l.Name == name && l.Epoch == epoch })
	}); err != nil {
		t.Fatal(err)
	}
}

func (o *replicaObserver) waitDelivered(t *testing.T, n int) {
	t.Helper()
	if err := o.changes.Until(t.Context(), fmt.Sprintf("%d deliveries", n), func() bool {
		o.mu.Lock()
		defer o.mu.Unlock()
		return o.delivered >= n
	}); err != nil {
		t.Fatal(err)
	}
}

// replicaChannel is the web channel of one replica: platform ids name the
// replica, and sends can be held at a gate (a replica frozen mid-send).
type replicaChannel struct {
	*bridgetest.UserChannel
	name    string
	mu      sync.Mutex
	gate    chan struct{} // while set, Send waits for it to close
	started waitfor.Changes
	waiting int
}

func (c *replicaChannel) Send(ctx context.Context, to bridge.ChatAddress, m bridge.OutgoingMessage) (string, error) {
	c.mu.Lock()
	gate := c.gate
	if gate != nil {
		c.waiting++
	}
	c.mu.Unlock()
	if gate != nil {
		c.started.Notify()
		<-gate
	}
	id, err := c.UserChannel.Send(ctx, to, m)
	return c.name + "/" + id, err
}

// replica is one engine of the cluster.
type replica struct {
	name    string
	store   *Store
	engine  *bridge.Engine
	web     *replicaChannel
	obs     *replicaObserver
	leases  *pausableLeases
	stop    context.CancelFunc
	stopped chan struct{}
}

// pausableLeases is a replica's Leases whose renewals can be frozen: the
// replica goes on working as if it held its leases, as a process does
// that paused past their expiry.
type pausableLeases struct {
	bridge.Leases
	mu     sync.Mutex
	frozen chan struct{}
	// dead: the replica was killed, it releases nothing.
	dead bool
	// refused counts the acquisitions refused because another holder had
	// the lease, by name prefix ("conversation/").
	refused map[string]int
	changes waitfor.Changes
}

func (p *pausableLeases) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bridge.Lease, bool, error) {
	l, ok, err := p.Leases.Acquire(ctx, name, holder, ttl)
	if !ok && err == nil {
		p.mu.Lock()
		prefix, _, _ := strings.Cut(name, "/")
		p.refused[prefix]++
		p.mu.Unlock()
		p.changes.Notify()
	}
	return l, ok, err
}

func (p *pausableLeases) Release(ctx context.Context, l bridge.Lease) error {
	p.mu.Lock()
	dead := p.dead
	p.mu.Unlock()
	if dead {
		return nil
	}
	return p.Leases.Release(ctx, l)
}

// kill stops the replica as SIGKILL would, for its leases: nothing is
// released, the others take over once they expire.
func (r *replica) kill() {
	r.leases.mu.Lock()
	r.leases.dead = true
	r.leases.mu.Unlock()
	r.stop()
	<-r.stopped
}

func (p *pausableLeases) Renew(ctx context.Context, l bridge.Lease, ttl time.Duration) error {
	p.mu.Lock()
	frozen := p.frozen
	p.mu.Unlock()
	if frozen != nil {
		select {
		case <-frozen:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return p.Leases.Renew(ctx, l, ttl)
}

func (p *pausableLeases) freeze() {
	p.mu.Lock()
	p.frozen = make(chan struct{})
	p.mu.Unlock()
}

func (p *pausableLeases) thaw() {
	p.mu.Lock()
	close(p.frozen)
	p.frozen = nil
	p.mu.Unlock()
}

// replicaTTL is short, so that takeovers after a freeze come within the
// test's time; replicas stopping release their leases at once anyway.
const replicaTTL = time.Second

func echoAI() bridge.Responder {
	return bridge.ResponderFunc(func(_ context.Context, q bridge.Question) (bridge.Reply, error) {
		return bridge.Reply{Text: "re: " + q.Text, Confidence: 0.9}, nil
	})
}

// replicaSettings: "talk to a human" hands off to the support team, on
// the recording Slack workspace, with sla.
func replicaSettings(sla time.Duration) bridge.Settings {
	return bridge.Settings{Enabled: true, BotName: "Bot", Messages: bridge.DefaultMessages(), DefaultTeam: "support",
		Triggers: []bridge.Trigger{{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"}, Action: bridge.ActionHandoff, Team: "support"}},
		Teams:    map[bridge.TeamID]*bridge.Team{"support": {ID: "support", Workspace: bridge.WorkspaceSlack, Channel: "C-SUPPORT", SLA: sla, Fallback: bridge.FallbackNone}},
	}
}

// startReplica runs an engine named name on dsn until the test ends (or
// r.stop), with the echo AI and an SLA of an hour.
func startReplica(t *testing.T, dsn, name string) *replica {
	t.Helper()
	return startReplicaWith(t, dsn, name, echoAI(), replicaSettings(time.Hour))
}

func startReplicaWith(t *testing.T, dsn, name string, ai bridge.Responder, settings bridge.Settings, tune ...func(*bridge.Replicas)) *replica {
	t.Helper()
	s := openAt(t, dsn, bridge.SystemClock{})
	r := &replica{name: name, store: s, obs: &replicaObserver{held: map[string]bridge.Lease{}},
		web:     &replicaChannel{UserChannel: bridgetest.NewUserChannel(bridge.ChannelWeb), name: name},
		leases:  &pausableLeases{Leases: s, refused: map[string]int{}},
		stopped: make(chan struct{})}
	replicas := &bridge.Replicas{Leases: r.leases, Holder: name, TTL: replicaTTL, Poll: 20 * time.Millisecond}
	for _, f := range tune {
		f(replicas)
	}
	e, err := bridge.New(bridge.Options{Store: s, Responder: ai, Observer: r.obs, Settings: settings, Replicas: replicas})
	if err != nil {
		t.Fatal(err)
	}
	e.RegisterUserChannel(r.web)
	e.RegisterWorkspace(bridgetest.NewWorkspace(bridge.WorkspaceSlack))
	r.engine = e
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	r.stop = cancel
	go func() { defer close(r.stopped); _ = e.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-r.stopped })
	return r
}

func (r *replica) say(t *testing.T, chat, id, text string) {
	t.Helper()
	_, err := r.engine.Handle(t.Context(), bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat},
		User: bridge.User{DisplayName: "Uma"}, PlatformID: id, Text: text})
	if err != nil {
		t.Fatalf("%s: user says %q: %v", r.name, text, err)
	}
}

const webLease = "outbox/user:web"

// TestOneSenderPerDestinationAcrossReplicas: of two replicas, only the one
// holding the web channel's outbox lease sends to web users, whichever
// replica took the messages, in order per conversation; when it stops, it
// releases the lease and the other sends from then on.
func TestOneSenderPerDestinationAcrossReplicas(t *testing.T) {
	dsn := schema.NewDatabase(t)
	a := startReplica(t, dsn, "a")
	first := a.obs.waitHeld(t, webLease)
	b := startReplica(t, dsn, "b")

	const perChat = 5
	chats := []string{"c1", "c2", "c3"}
	for i := range perChat {
		for j, chat := range chats {
			[]*replica{a, b}[(i+j)%2].say(t, chat, fmt.Sprint(chat, "-", i), fmt.Sprint("q", i))
		}
	}
	for _, chat := range chats {
		if _, err := a.web.WaitCount(t.Context(), chat, perChat); err != nil {
			t.Fatal(err)
		}
		got := a.web.To(chat)
		if len(got) != perChat {
			t.Errorf("%s got %d answers, want %d", chat, len(got), perChat)
		}
		for i, d := range got {
			if want := fmt.Sprint("re: q", i); d.Message.Text != want {
				t.Errorf("%s: answer %d = %q, want %q (in order)", chat, i, d.Message.Text, want)
			}
		}
	}
	if got := b.web.Deliveries(); len(got) != 0 {
		t.Errorf("the replica without the lease sent %d messages to web users: %+v", len(got), got)
	}
	if held := b.engine.HeldLeases(); slices.ContainsFunc(held, func(l bridge.Lease) bool { return l.Name == webLease }) {
		t.Errorf("both replicas hold %s: %+v", webLease, held)
	}

	a.stop()
	<-a.stopped
	taken := b.obs.waitHeld(t, webLease)
	if taken.Epoch <= first.Epoch {
		t.Errorf("the takeover's epoch = %d, want above %d", taken.Epoch, first.Epoch)
	}
	b.say(t, "c1", "c1-after", "after")
	if _, err := b.web.WaitFor(t.Context(), "c1", "the answer after the takeover", func(ds []bridgetest.Delivery) bool {
		return len(ds) == 1 && ds[0].Message.Text == "re: after"
	}); err != nil {
		t.Fatal(err)
	}
}

// TestStaleSenderCannotRecordAfterTakeover: a replica that froze while
// sending (its lease renewals stuck) loses the destination to another,
// which sends the entry again and records it; when the frozen one wakes,
// its send returns, and the store refuses its result: what the new holder
// recorded (the platform id later edits must reach) stands.
func TestStaleSenderCannotRecordAfterTakeover(t *testing.T) {
	dsn := schema.NewDatabase(t)
	a := startReplica(t, dsn, "a")
	held := a.obs.waitHeld(t, webLease)
	b := startReplica(t, dsn, "b")

	gate := make(chan struct{})
	a.web.mu.Lock()
	a.web.gate = gate
	a.web.mu.Unlock()
	a.leases.freeze()
	out, err := a.engine.Handle(t.Context(), bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "c1"},
		User: bridge.User{DisplayName: "Uma"}, PlatformID: "m1", Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.web.started.Until(t.Context(), "a's send", func() bool {
		a.web.mu.Lock()
		defer a.web.mu.Unlock()
		return a.web.waiting > 0
	}); err != nil {
		t.Fatal(err)
	}

	b.obs.waitHeld(t, webLease) // a's lease ran out while it was frozen
	b.obs.waitDelivered(t, 1)
	answer := lastMessageOf(t, b.store, out.Conversation)
	copyOf := func() string {
		var id string
		if err := b.store.View(t.Context(), func(tx bridge.Tx) error {
			var err error
			id, err = tx.MessageCopy(t.Context(), answer, bridge.UserDestination(bridge.ChannelWeb))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	if got := copyOf(); got != "b/web-1" {
		t.Fatalf("the answer's copy after the takeover = %q, want b's", got)
	}

	close(gate)     // a wakes: its send returns, its result goes to the store
	a.leases.thaw() // and its next renewal finds the lease gone
	a.obs.waitLost(t, webLease, held.Epoch)
	if got := copyOf(); got != "b/web-1" {
		t.Errorf("the answer's copy after the stale holder woke = %q, want b's b/web-1: the stale result was recorded", got)
	}
}

// lastMessageOf is the id of a conversation's last message.
func lastMessageOf(t *testing.T, s *Store, c bridge.ConversationID) bridge.MessageID {
	t.Helper()
	var id bridge.MessageID
	if err := s.View(t.Context(), func(tx bridge.Tx) error {
		ms, err := tx.RecentMessages(t.Context(), c, 1)
		if err == nil && len(ms) == 1 {
			id = ms[0].ID
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestSLADeadlineFiresOnceAfterItsReplicaDied: a handoff requested on a
// replica that then dies; the replica watching the timers was never told
// of its deadline, finds it in the store and fires it, once.
func TestSLADeadlineFiresOnceAfterItsReplicaDied(t *testing.T) {
	dsn := schema.NewDatabase(t)
	const sla = time.Second
	b := startReplicaWith(t, dsn, "b", echoAI(), replicaSettings(sla))
	b.obs.waitHeld(t, "timers")
	b.obs.waitHeld(t, webLease)
	a := startReplicaWith(t, dsn, "a", echoAI(), replicaSettings(sla))

	out, err := a.engine.Handle(t.Context(), bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "c1"},
		User: bridge.User{DisplayName: "Uma"}, PlatformID: "m1", Text: "talk to a human"})
	if err != nil || out.Handoff == 0 {
		t.Fatalf("handoff request = %+v, %v", out, err)
	}
	a.kill()

	if _, err := b.web.WaitFor(t.Context(), "c1", "the no-agents notice", func(ds []bridgetest.Delivery) bool {
		return slices.ContainsFunc(ds, func(d bridgetest.Delivery) bool { return d.Message.Notice == bridge.NoticeNoAgents })
	}); err != nil {
		t.Fatal(err)
	}
	b.stop()
	<-b.stopped
	var fallbacks int
	if err := b.store.View(t.Context(), func(tx bridge.Tx) error {
		evs, err := tx.HandoffEvents(t.Context(), out.Handoff)
		for _, ev := range evs {
			if ev.To == bridge.StateFallback {
				fallbacks++
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	notices := 0
	for _, d := range b.web.To("c1") {
		if d.Message.Notice == bridge.NoticeNoAgents {
			notices++
		}
	}
	if fallbacks != 1 || notices != 1 {
		t.Errorf("the deadline fired %d times, the user was told %d times; want once", fallbacks, notices)
	}
}

// gatedAI answers like echoAI, but holds the first question until open
// is closed, telling started once it is asked.
type gatedAI struct {
	open    chan struct{}
	started waitfor.Changes
	mu      sync.Mutex
	asked   []string
}

func (g *gatedAI) Respond(ctx context.Context, q bridge.Question) (bridge.Reply, error) {
	g.mu.Lock()
	g.asked = append(g.asked, q.Text)
	first := len(g.asked) == 1
	g.mu.Unlock()
	g.started.Notify()
	if first {
		<-g.open
	}
	return bridge.Reply{Text: "re: " + q.Text, Confidence: 0.9}, nil
}

// waitAsked waits until the AI was asked a question.
func (g *gatedAI) waitAsked(t *testing.T, what string) {
	t.Helper()
	if err := g.started.Until(t.Context(), what, func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return len(g.asked) > 0
	}); err != nil {
		t.Fatal(err)
	}
}

// TestConversationTurnsInOrderAcrossReplicas: a conversation's first
// message is on one replica, its AI call slow; the second arrives on the
// other replica meanwhile. The second waits for the first's turn (the AI
// call included), so both are answered, in order.
func TestConversationTurnsInOrderAcrossReplicas(t *testing.T) {
	dsn := schema.NewDatabase(t)
	slow := &gatedAI{open: make(chan struct{})}
	a := startReplicaWith(t, dsn, "a", slow, replicaSettings(time.Hour))
	a.obs.waitHeld(t, webLease)
	seen := &gatedAI{open: make(chan struct{})}
	close(seen.open)
	b := startReplicaWith(t, dsn, "b", seen, replicaSettings(time.Hour))
	addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "c1"}

	firstDone := make(chan error, 1)
	go func() {
		_, err := a.engine.Handle(t.Context(), bridge.UserMessage{Address: addr, User: bridge.User{DisplayName: "Uma"}, PlatformID: "m1", Text: "first"})
		firstDone <- err
	}()
	slow.waitAsked(t, "the first question at the AI")
	secondDone := make(chan error, 1)
	go func() {
		_, err := b.engine.Handle(t.Context(), bridge.UserMessage{Address: addr, User: bridge.User{DisplayName: "Uma"}, PlatformID: "m2", Text: "second"})
		secondDone <- err
	}()
	// Let the first answer come once the second is either waiting for the
	// conversation or (without per-conversation order) handled already.
	var second error
	secondReturned := false
	if err := b.leases.changes.Until(t.Context(), "the second turn waiting or done", func() bool {
		select {
		case second = <-secondDone:
			secondReturned = true
		default:
		}
		b.leases.mu.Lock()
		defer b.leases.mu.Unlock()
		return secondReturned || b.leases.refused["conversation"] > 0
	}); err != nil {
		t.Fatal(err)
	}
	close(slow.open)
	if err := <-firstDone; err != nil {
		t.Fatalf("first message: %v", err)
	}
	if !secondReturned {
		second = <-secondDone
	}
	if second != nil {
		t.Fatalf("second message: %v", second)
	}
	got, err := a.web.WaitCount(t.Context(), "c1", 2)
	if err != nil {
		t.Fatal(err)
	}
	got = a.web.To("c1")
	var texts []string
	for _, d := range got {
		texts = append(texts, d.Message.Text)
	}
	if want := []string{"re: first", "re: second"}; !slices.Equal(texts, want) {
		t.Errorf("the user got %q, want %q", texts, want)
	}
}

// TestAnswerOwedByADeadReplicaIsRecovered: a replica dies in the middle
// of a turn, its AI call unanswered; once its conversation lease expires,
// the replica watching the timers answers the message, once, and the dead
// replica's late answer, should it still come, is refused.
func TestAnswerOwedByADeadReplicaIsRecovered(t *testing.T) {
	dsn := schema.NewDatabase(t)
	b := startReplica(t, dsn, "b")
	b.obs.waitHeld(t, "timers")
	b.obs.waitHeld(t, webLease)
	stuck := &gatedAI{open: make(chan struct{})}
	a := startReplicaWith(t, dsn, "a", stuck, replicaSettings(time.Hour))

	done := make(chan error, 1)
	go func() {
		_, err := a.engine.Handle(t.Context(), bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "c1"},
			User: bridge.User{DisplayName: "Uma"}, PlatformID: "m1", Text: "hello"})
		done <- err
	}()
	stuck.waitAsked(t, "the question at a's AI")
	a.leases.freeze() // a is gone: its conversation lease runs out

	if _, err := b.web.WaitFor(t.Context(), "c1", "the recovered answer", func(ds []bridgetest.Delivery) bool {
		return len(ds) == 1 && ds[0].Message.Text == "re: hello"
	}); err != nil {
		t.Fatal(err)
	}
	close(stuck.open) // a's AI answers after all, too late
	if err := <-done; !errors.Is(err, bridge.ErrLeaseLost) {
		t.Errorf("the dead replica's late turn = %v, want refused (ErrLeaseLost)", err)
	}
	a.leases.thaw()
	var answers int
	if err := b.store.View(t.Context(), func(tx bridge.Tx) error {
		c, err := tx.ConversationByAddress(t.Context(), bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "c1"})
		if err != nil {
			return err
		}
		ms, err := tx.Messages(t.Context(), c.ID, 0, 0)
		for _, m := range ms {
			if m.Role == bridge.RoleAI {
				answers++
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if answers != 1 {
		t.Errorf("the conversation has %d AI answers, want 1", answers)
	}
}

// TestWakeUpReachesTheHolder: with a poll too slow to matter, an answer
// enqueued on a replica that does not send for the web channel reaches
// the user through the wake-up port: Replicas.Tell on the enqueuing
// replica, Engine.WakeOutbox on the holder.
func TestWakeUpReachesTheHolder(t *testing.T) {
	dsn := schema.NewDatabase(t)
	slowPoll := func(r *bridge.Replicas) { r.Poll = time.Hour }
	a := startReplicaWith(t, dsn, "a", echoAI(), replicaSettings(time.Hour), slowPoll)
	a.obs.waitHeld(t, webLease)
	var told sync.Map
	b := startReplicaWith(t, dsn, "b", echoAI(), replicaSettings(time.Hour), slowPoll, func(r *bridge.Replicas) {
		r.Tell = func(d bridge.Destination) {
			told.Store(d, true)
			a.engine.WakeOutbox(d)
		}
	})
	b.say(t, "c1", "m1", "hello")
	waitAnswer(t, a, "c1", "re: hello")
	if _, ok := told.Load(bridge.UserDestination(bridge.ChannelWeb)); !ok {
		t.Error("b did not tell of the entry it left to a")
	}
}

// TestWakeUpCrossesTheFanout: the same over the replicas' real fan-outs
// (LISTEN/NOTIFY), as cmd/bridge wires them: an answer enqueued on the
// replica that does not hold the web channel's outbox lease goes out from
// the holder without waiting for its poll (an hour here).
func TestWakeUpCrossesTheFanout(t *testing.T) {
	dsn := schema.NewDatabase(t)
	withFanout := func(r *bridge.Replicas) {
		r.Poll = time.Hour
		r.Fanout, _, _ = runFanout(t, openAt(t, dsn, bridge.SystemClock{}))
	}
	a := startReplicaWith(t, dsn, "a", echoAI(), replicaSettings(time.Hour), withFanout)
	a.obs.waitHeld(t, webLease)
	b := startReplicaWith(t, dsn, "b", echoAI(), replicaSettings(time.Hour), withFanout)
	b.say(t, "c1", "m1", "hello")
	waitAnswer(t, a, "c1", "re: hello")
	b.say(t, "c1", "m2", "again")
	waitAnswer(t, a, "c1", "re: hello", "re: again")
}

// waitAnswer waits until r delivered exactly texts to chat's user.
func waitAnswer(t *testing.T, r *replica, chat string, texts ...string) {
	t.Helper()
	if _, err := r.web.WaitFor(t.Context(), chat, fmt.Sprintf("answers %q", texts), func(ds []bridgetest.Delivery) bool {
		if len(ds) != len(texts) {
			return false
		}
		for i, d := range ds {
			if d.Message.Text != texts[i] {
				return false
			}
		}
		return true
	}); err != nil {
		t.Fatal(err)
	}
}
