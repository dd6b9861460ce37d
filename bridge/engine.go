package bridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/handoffbridge/handoff/bridge/outbox"
	"github.com/handoffbridge/handoff/bridge/phrase"
)

// ErrShuttingDown is returned by Handle once the engine stops taking input.
var ErrShuttingDown = errors.New("the bridge is shutting down")

// Options configure an Engine.
type Options struct {
	Store     Store
	Responder Responder
	Settings  Settings
	Clock     Clock        // default SystemClock
	Logger    *slog.Logger // default slog.Default()
	// ResponderTimeout bounds one responder call; past it the call counts as
	// a miss and the user still gets an answer. Default 15s.
	ResponderTimeout time.Duration
	// DrainTimeout bounds how long Run keeps delivering the outbox after its
	// context is cancelled. Default 10s.
	DrainTimeout time.Duration
	// DeliveryConcurrency is how many entries one destination sends at once
	// (each of a different stream). Default 16.
	DeliveryConcurrency int
	// MaxDeliveryAge is how long an entry is retried before it is given up.
	// Default 24h.
	MaxDeliveryAge time.Duration
	// NotifyYield bounds how long notifications wait for a gap between
	// the events being written (see writeActivity): during a burst of
	// handoffs, agents still hear of a waiting user within seconds.
	// Default 2s.
	NotifyYield time.Duration
	// Observer is told about transitions and deliveries, for metrics.
	Observer Observer
	// Replicas, when set, makes the engine one of several processes
	// sharing the store (see Replicas). Nil: it is alone.
	Replicas *Replicas
}

// Engine is the bridge's core: it takes every inbound event through Handle,
// applies the handoff state machine, writes history and outbox in one
// transaction, and delivers the outbox to the registered adapters.
type Engine struct {
	store     Store
	responder Responder
	// summarizer is the responder when it can summarise, else nil.
	summarizer Summarizer
	clock      Clock
	log        *slog.Logger
	obs        Observer
	opts       Options

	settings atomic.Pointer[compiledSettings]
	lanes    *lanes
	convIDs  addressCache
	threads  cache[HandoffID, ThreadRef]

	mu         sync.Mutex
	channels   map[ChannelKind]UserChannel
	workspaces map[WorkspaceKind]AgentWorkspace
	notifiers  map[string]Notifier
	outbox     *outbox.Outbox
	running    bool

	// closing stops new input; handlers counts events being handled. Both
	// change under gate, so that Run's Wait cannot race a late Add.
	gate     sync.Mutex
	closing  bool
	handlers sync.WaitGroup
	slaWake  chan struct{}
	// storeFaults says why the store refuses delivery results, if it does.
	storeFaults storeFaults
	// probe keeps the last readiness check of the store.
	probe storeProbe
	// writing tells notifications when events are being written.
	writing writeActivity
	// yielding, when set (by tests), is called when a notifier starts
	// waiting for a gap.
	yielding func()
	// queue caches what waiting users were told of their place.
	queue queueBook
	// leases are the singletons of a replica (see Replicas).
	leases leaseBook
	// shows are the places due to users whose channel shows them.
	shows *queueShows
	// wakeups carry the outbox's wake-ups between replicas, if they
	// share a Fanout.
	wakeups *outboxWakeups
}

// compiledSettings are Settings with their trigger matcher built once.
type compiledSettings struct {
	Settings
	triggers *phrase.Matcher
	cancel   *phrase.Matcher
}

// New makes an engine. Register adapters, then call Run.
func New(opts Options) (*Engine, error) {
	if opts.Store == nil {
		return nil, errors.New("bridge: new engine: a store is required")
	}
	if opts.Responder == nil {
		return nil, errors.New("bridge: new engine: a responder is required")
	}
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ResponderTimeout <= 0 {
		opts.ResponderTimeout = 15 * time.Second
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 10 * time.Second
	}
	if opts.DeliveryConcurrency <= 0 {
		opts.DeliveryConcurrency = 16
	}
	if opts.NotifyYield <= 0 {
		opts.NotifyYield = 2 * time.Second
	}
	if opts.MaxDeliveryAge <= 0 {
		opts.MaxDeliveryAge = 24 * time.Hour
	}
	if opts.Observer == nil {
		opts.Observer = noObserver{}
	}
	if opts.Replicas != nil {
		if opts.Replicas.Leases == nil || opts.Replicas.Holder == "" {
			return nil, errors.New("bridge: new engine: replicas need leases and a holder name")
		}
		opts.Replicas = opts.Replicas.withDefaults()
	}
	e := &Engine{
		store:      opts.Store,
		responder:  opts.Responder,
		clock:      opts.Clock,
		log:        opts.Logger,
		obs:        opts.Observer,
		opts:       opts,
		lanes:      newLanes(),
		channels:   make(map[ChannelKind]UserChannel),
		workspaces: make(map[WorkspaceKind]AgentWorkspace),
		notifiers:  make(map[string]Notifier),
		slaWake:    make(chan struct{}, 1),
		shows:      newQueueShows(),
	}
	e.summarizer, _ = opts.Responder.(Summarizer)
	e.outbox = e.newOutbox()
	e.Apply(opts.Settings)
	return e, nil
}

// Apply replaces the reloadable settings (triggers, teams, agents, texts).
// Events already being handled finish with the settings they started with.
func (e *Engine) Apply(s Settings) {
	if s.BotName == "" {
		s.BotName = "Assistant"
	}
	if s.Messages == (Messages{}) {
		s.Messages = DefaultMessages()
	}
	sets := make([][]string, len(s.Triggers))
	for i, t := range s.Triggers {
		sets[i] = t.Phrases
	}
	e.settings.Store(&compiledSettings{
		Settings: s,
		triggers: phrase.NewMatcher(sets),
		cancel:   phrase.NewMatcher([][]string{s.CancelPhrases}),
	})
	e.wakeSLA() // a team's SLA may have changed
}

func (e *Engine) current() *compiledSettings { return e.settings.Load() }

// Settings returns the settings in force (after the last Apply), for
// adapters that show configured texts themselves. Treat it as read-only.
func (e *Engine) Settings() Settings { return e.current().Settings }

// RegisterUserChannel plugs in a user channel. Call before Run.
func (e *Engine) RegisterUserChannel(c UserChannel) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.channels[c.Kind()] = c
	e.addDestinationLocked(UserDestination(c.Kind()), c)
}

// RegisterWorkspace plugs in an agent workspace. Call before Run.
func (e *Engine) RegisterWorkspace(w AgentWorkspace) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.workspaces[w.Kind()] = w
	e.addDestinationLocked(WorkspaceDestination(w.Kind()), w)
}

// RegisterNotifier plugs in a notifier under the name teams refer to it by.
// Call before Run.
func (e *Engine) RegisterNotifier(name string, n Notifier) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.notifiers[name] = n
	e.addDestinationLocked(NotifierDestination(name), n)
}

func (e *Engine) addDestinationLocked(d Destination, adapter any) {
	if e.running {
		panic("bridge: adapters must be registered before Run")
	}
	s := destinationSender{e: e}
	if rl, ok := adapter.(RateLimited); ok {
		s.policy = rl.RatePolicy()
	}
	e.outbox.Add(d, s)
}

// Run delivers the outbox and fires SLA timers until ctx is cancelled. Then
// it stops taking input, waits for events being handled, and keeps
// delivering what is due for at most DrainTimeout before returning.
func (e *Engine) Run(ctx context.Context) error {
	e.mu.Lock()
	if e.running {
		e.mu.Unlock()
		return errors.New("bridge: engine already running")
	}
	e.running = true
	e.mu.Unlock()

	deliverCtx, stopDelivering := context.WithCancel(context.WithoutCancel(ctx))
	defer stopDelivering()
	drained := make(chan struct{})
	go func() { defer close(drained); e.outbox.Run(deliverCtx) }()
	// Answering what the AI owed before a restart is work in flight like
	// a handler's: shutdown waits for it.
	timersDone := make(chan struct{})
	go func() { defer close(timersDone); e.runTimers(ctx) }()
	// Queue places are shown until the last event that may move a queue
	// (a handler's, an SLA fallback's) is done.
	stopShows, showsDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(showsDone); e.runQueueShows(deliverCtx, stopShows) }()
	if e.wakeups != nil {
		// Until the outbox has drained: a sender draining here may still
		// be woken by the others.
		go e.wakeups.run(deliverCtx)
	}

	<-ctx.Done()
	e.gate.Lock()
	e.closing = true
	e.gate.Unlock()
	e.handlers.Wait()
	<-timersDone
	close(stopShows)
	<-showsDone
	e.log.Info("draining outbox", "timeout", e.opts.DrainTimeout)
	e.outbox.Drain()
	select {
	case <-drained:
	case <-time.After(e.opts.DrainTimeout):
		e.log.Warn("drain timeout: undelivered entries stay in the outbox for the next start")
		stopDelivering()
		<-drained
	}
	return nil
}

// Handle is the one entry point for adapters. It processes ev in order with
// the other events of the same conversation and returns when the event's
// effects are stored (deliveries happen after, from the outbox).
//
// Refusals of agent actions (already taken, not allowed, not the owner) are
// returned as errors; the engine has also told the agent privately.
func (e *Engine) Handle(ctx context.Context, ev Event) (Outcome, error) {
	if !e.enter() {
		return Outcome{}, ErrShuttingDown
	}
	defer e.handlers.Done()
	switch ev := ev.(type) {
	case UserMessage:
		return e.handleUserMessage(ctx, ev)
	case UserChoice:
		return e.handleUserChoice(ctx, ev)
	case UserEdit:
		return e.handleUserEdit(ctx, ev)
	case UserLeadForm:
		return e.handleUserLeadForm(ctx, ev)
	case UserTyping:
		return Outcome{}, e.handleUserTyping(ctx, ev)
	case AgentAction:
		return e.handleAgentAction(ctx, ev)
	case AgentMessage:
		return e.handleAgentMessage(ctx, ev)
	case AgentEdit:
		return e.handleAgentEdit(ctx, ev)
	case AgentTyping:
		return Outcome{}, e.handleAgentTyping(ctx, ev)
	case AgentCannedReply:
		return e.handleAgentCannedReply(ctx, ev)
	case HandoffRequest:
		return e.handleHandoffRequest(ctx, ev)
	case AgentTransfer:
		return e.handleAgentTransfer(ctx, ev)
	case AgentStatusChange:
		return e.handleAgentStatus(ctx, ev)
	case UserTranscript:
		return e.handleUserTranscript(ctx, ev)
	}
	return Outcome{}, fmt.Errorf("bridge: handle: unknown event %T", ev)
}

// enter counts one more event being handled, unless the engine is closing.
// A true result must be paired with handlers.Done.
func (e *Engine) enter() bool {
	e.gate.Lock()
	defer e.gate.Unlock()
	if e.closing {
		return false
	}
	e.handlers.Add(1)
	return true
}

// Outcome is what handling an event did.
type Outcome struct {
	Conversation ConversationID
	Handoff      HandoffID
	Message      MessageID
	// Duplicate is set when the event had been handled before.
	Duplicate bool
	// HandoffOpen is set when a user message leaves its conversation with
	// an open handoff (one it went to, or one it started).
	HandoffOpen bool
	// Relayed is set when an agent's reply was sent to the user (false for
	// internal notes).
	Relayed bool
}

// inLane runs fn in conversation id's lane: one event of a conversation
// at a time in this process and, with Replicas, across the replicas (see
// holdConversation). fn gets the context its writes must use.
func (e *Engine) inLane(ctx context.Context, id ConversationID, fn func(ctx context.Context) error) error {
	if err := e.lanes.acquire(ctx, id); err != nil {
		return fmt.Errorf("wait for conversation %d: %w", id, err)
	}
	defer e.lanes.release(id)
	if e.opts.Replicas == nil {
		return fn(ctx)
	}
	return e.holdConversation(ctx, id, fn)
}

func (e *Engine) wakeSLA() {
	select {
	case e.slaWake <- struct{}{}:
	default:
	}
}
