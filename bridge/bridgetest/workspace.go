package bridgetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/handoffbridge/handoff/bridge"
)

// ThreadOp is one thing a workspace was asked to do.
type ThreadOp struct {
	Kind     string // "open", "update", "post", "note", "tell"
	Thread   string
	Channel  string
	Card     bridge.HandoffCard
	Posts    []bridge.ThreadPost
	AgentRef string
	Text     string
}

// Workspace is an agent workspace that records its threads. It marks notes
// with NoteMarker, like Slack's reaction.
type Workspace struct {
	kind bridge.WorkspaceKind
	ops  recorder[ThreadOp]
	fail failures
	seq  atomic.Int64

	mu      sync.Mutex
	threads map[bridge.HandoffID]string
}

var (
	_ bridge.AgentWorkspace = (*Workspace)(nil)
	_ bridge.NoteMarker     = (*Workspace)(nil)
)

// NewWorkspace makes a recording workspace of the given kind.
func NewWorkspace(kind bridge.WorkspaceKind) *Workspace {
	return &Workspace{kind: kind, threads: map[bridge.HandoffID]string{}}
}

// Kind is the workspace kind.
func (w *Workspace) Kind() bridge.WorkspaceKind { return w.kind }

// FailNext makes the next calls return these errors, one per call.
func (w *Workspace) FailNext(errs ...error) { w.fail.push(errs...) }

// OpenThread records a new thread, named T1, T2, …
func (w *Workspace) OpenThread(_ context.Context, channel string, card bridge.HandoffCard) (bridge.ThreadRef, error) {
	if err := w.fail.next(); err != nil {
		return bridge.ThreadRef{}, err
	}
	id := fmt.Sprintf("T%d", w.seq.Add(1))
	w.mu.Lock()
	w.threads[card.Handoff] = id
	w.mu.Unlock()
	w.ops.add(ThreadOp{Kind: "open", Thread: id, Channel: channel, Card: card})
	return bridge.ThreadRef{Workspace: w.kind, Channel: channel, ThreadID: id}, nil
}

// UpdateThread records a new state of the root message.
func (w *Workspace) UpdateThread(_ context.Context, ref bridge.ThreadRef, card bridge.HandoffCard) error {
	if err := w.fail.next(); err != nil {
		return err
	}
	w.ops.add(ThreadOp{Kind: "update", Thread: ref.ThreadID, Channel: ref.Channel, Card: card})
	return nil
}

// PostToThread records posts.
func (w *Workspace) PostToThread(_ context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) error {
	if err := w.fail.next(); err != nil {
		return err
	}
	w.ops.add(ThreadOp{Kind: "post", Thread: ref.ThreadID, Channel: ref.Channel, Posts: posts})
	return nil
}

// TellAgent records a private message.
func (w *Workspace) TellAgent(_ context.Context, ref bridge.ThreadRef, agent, text string) error {
	w.ops.add(ThreadOp{Kind: "tell", Thread: ref.ThreadID, AgentRef: agent, Text: text})
	return nil
}

// MarkNote records that a platform message was marked as a note.
func (w *Workspace) MarkNote(_ context.Context, ref bridge.ThreadRef, platformID string) error {
	w.ops.add(ThreadOp{Kind: "note", Thread: ref.ThreadID, Text: platformID})
	return nil
}

// ThreadOf returns the thread opened for a handoff, "" if none yet.
func (w *Workspace) ThreadOf(h bridge.HandoffID) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.threads[h]
}

// Ops returns every operation so far, in order.
func (w *Workspace) Ops() []ThreadOp { return w.ops.all() }

// WaitFor blocks until ok holds for the operations so far.
func (w *Workspace) WaitFor(ctx context.Context, what string, ok func([]ThreadOp) bool) ([]ThreadOp, error) {
	return w.ops.waitFor(ctx, what, ok)
}

// Posts flattens every post made into a thread, in order.
func Posts(ops []ThreadOp, thread string) []bridge.ThreadPost {
	var out []bridge.ThreadPost
	for _, op := range ops {
		if op.Kind == "post" && op.Thread == thread {
			out = append(out, op.Posts...)
		}
	}
	return out
}

// CountKind counts the operations of one kind ("open", "update", "post", "tell",
// …), in every thread.
func CountKind(ops []ThreadOp, kind string) int {
	n := 0
	for _, op := range ops {
		if op.Kind == kind {
			n++
		}
	}
	return n
}

// LastCard is the latest root message of a thread.
func LastCard(ops []ThreadOp, thread string) (bridge.HandoffCard, bool) {
	var card bridge.HandoffCard
	found := false
	for _, op := range ops {
		if (op.Kind == "open" || op.Kind == "update") && op.Thread == thread {
			card, found = op.Card, true
		}
	}
	return card, found
}

// Notifier records notifications.
type Notifier struct {
	got  recorder[bridge.Notification]
	fail failures
}

var _ bridge.Notifier = (*Notifier)(nil)

// Notify records n.
func (n *Notifier) Notify(_ context.Context, x bridge.Notification) error {
	if err := n.fail.next(); err != nil {
		return err
	}
	n.got.add(x)
	return nil
}

// FailNext makes the next calls return these errors.
func (n *Notifier) FailNext(errs ...error) { n.fail.push(errs...) }

// All returns the notifications so far.
func (n *Notifier) All() []bridge.Notification { return n.got.all() }

// WaitFor blocks until ok holds.
func (n *Notifier) WaitFor(ctx context.Context, what string, ok func([]bridge.Notification) bool) ([]bridge.Notification, error) {
	return n.got.waitFor(ctx, what, ok)
}
