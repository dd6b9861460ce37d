package bridge

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

// The live queue: whenever a team's queue of pending handoffs moves (a
// request, a join, a cancel, a fallback, a requeue), the waiting users of
// that team are told their new place. Channels that show state (the widget)
// get every change as a QueueStatus; text channels get a message only when
// the place improved markedly, and not more often than QueueUpdates allows.

// OpUserQueue shows a waiting user their place (QueueShower channels only).
const OpUserQueue Op = "user.queue"

// Defaults of QueueUpdates.
const (
	DefaultQueueMinInterval = 3 * time.Minute
	DefaultQueueMinGain     = 2
)

const (
	// queueLiveLimit bounds the handoffs of one team told their place at
	// each change: places beyond it are not updated live.
	queueLiveLimit = 200
	// joinWaitSample is how many of the team's latest joins the estimate
	// is made from.
	joinWaitSample = 20
)

// QueueUpdates paces the queue messages of text channels: a new message
// only when the place improved by at least MinGain places or halved, and
// at least MinInterval after the previous one. Zero fields take the
// defaults.
type QueueUpdates struct {
	MinInterval time.Duration
	MinGain     int
}

func (q QueueUpdates) minInterval() time.Duration {
	if q.MinInterval > 0 {
		return q.MinInterval
	}
	return DefaultQueueMinInterval
}

func (q QueueUpdates) minGain() int {
	if q.MinGain > 0 {
		return q.MinGain
	}
	return DefaultQueueMinGain
}

// QueueStatus is a waiting user's place in their team's queue.
type QueueStatus struct {
	Handoff  HandoffID `json:"handoff"`
	Position int       `json:"position"` // 1 = next
	// EstimatedWait is how much longer the user may wait: the median time
	// to join of the team's latest handoffs less what this user has waited
	// already, at least a minute; zero when the team has no joins to go by.
	EstimatedWait time.Duration `json:"estimated_wait,omitempty"`
}

// QueueShower is a channel that shows the queue place as state beside the
// chat (the widget's status line), so that it can be told every change.
// Other channels get a text message under the QueueUpdates rule.
type QueueShower interface {
	ShowQueue(ctx context.Context, to ChatAddress, q QueueStatus) error
}

// JoinWaitsTx is what a store offers for the wait estimate: the times to
// join (request to first join) of a team's latest joined handoffs, newest
// first. A store without it gives no estimate.
type JoinWaitsTx interface {
	RecentJoinWaits(ctx context.Context, team TeamID, limit int) ([]time.Duration, error)
}

// UserQueuePayload is the payload of OpUserQueue.
type UserQueuePayload struct {
	To     ChatAddress `json:"to"`
	Status QueueStatus `json:"status"`
}

// QueueTold is what a waiting user was last told of their place. It is
// kept with the handoff in the store (HandoffTx.QueueTold), claimed by a
// compare-and-set in the transaction that tells the change: the rule
// holds across restarts, and of replicas sharing a store only one tells a
// change.
type QueueTold struct {
	Place     int       // the last place told, on any channel; 0: none yet
	TextPlace int       // the last place a text message (or the waiting message) told
	TextAt    time.Time // when that message went
}

// queueTold is a stored QueueTold as this replica last saw it, with the
// user's conversation and address, kept so that a move of the queue reads
// nothing but the queue.
type queueTold struct {
	QueueTold
	conv ConversationID
	to   ChatAddress
}

// queueBook caches, per pending handoff, what its user was told. The
// store keeps the record; the book saves reading it back at every move of
// the queue. A stale entry (a rolled-back transaction, another replica's
// claim) makes the compare-and-set fail, and the entry is dropped: that
// change is told by whoever claimed it, or at the next one.
type queueBook struct {
	mu   sync.Mutex
	told map[HandoffID]queueTold
}

func (b *queueBook) get(id HandoffID) (queueTold, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, ok := b.told[id]
	return t, ok
}

func (b *queueBook) put(id HandoffID, t queueTold) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.told == nil {
		b.told = map[HandoffID]queueTold{}
	}
	b.told[id] = t
}

func (b *queueBook) forget(id HandoffID) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.told, id)
}

// queueMoved marks a team whose queue changed in this transaction; its
// waiting users are told once fn is done (see Engine.update).
func (w *work) queueMoved(team TeamID) {
	if !slices.Contains(w.movedQueues, team) {
		w.movedQueues = append(w.movedQueues, team)
	}
}

// transitionMovesQueue marks the team when a handoff enters or leaves the
// queue, and forgets what the user of a handoff leaving it was told: back
// in the queue, they are told afresh.
func (w *work) transitionMovesQueue(ctx context.Context, h *Handoff, tr Transition) error {
	if tr.From != StatePending && tr.To != StatePending {
		return nil
	}
	w.queueMoved(h.Team)
	if tr.To == StatePending {
		return nil
	}
	w.e.queue.forget(h.ID)
	told, err := w.tx.QueueTold(ctx, h.ID)
	if err != nil || told == (QueueTold{}) {
		return err
	}
	_, err = w.tx.SetQueueTold(ctx, h.ID, told, QueueTold{})
	return err
}

// tellQueues tells the waiting users of every team marked by queueMoved
// their new place: text channels in this transaction, channels that show
// the place as state once it commits (see queueShows).
func (w *work) tellQueues(ctx context.Context) error {
	for _, team := range w.movedQueues {
		if err := w.tellQueue(ctx, team); err != nil {
			return fmt.Errorf("tell queue of team %s: %w", team, err)
		}
	}
	w.movedQueues = nil
	if shows := w.queueShows; len(shows) > 0 {
		w.queueShows = nil
		w.after = append(w.after, func() { w.e.shows.add(shows) })
	}
	return nil
}

func (w *work) tellQueue(ctx context.Context, team TeamID) error {
	pending, err := queuedHandoffs(ctx, w.tx, team, queueLiveLimit)
	if err != nil {
		return err
	}
	for i := range pending {
		if err := w.tellPlace(ctx, &pending[i], i+1); err != nil {
			return err
		}
	}
	return nil
}

// tellPlace tells h's user that they are at place, if that is news. What
// they were told is claimed in the store (a compare-and-set) before the
// update is enqueued or shown: a claim another transaction made first
// (another replica told the same change) leaves nothing to tell here.
func (w *work) tellPlace(ctx context.Context, h *QueuedHandoff, place int) error {
	told, known := w.e.queue.get(h.ID)
	if !known {
		stored, err := w.tx.QueueTold(ctx, h.ID)
		if err != nil {
			return err
		}
		c, err := w.tx.Conversation(ctx, h.ConversationID)
		if err != nil {
			return err
		}
		told = queueTold{QueueTold: stored, conv: c.ID, to: c.Address}
		w.e.queue.put(h.ID, told)
	}
	if told.Place == place {
		return nil
	}
	next := told
	next.Place = place
	_, shows := w.e.channels[told.to.Channel].(QueueShower)
	texted := false
	switch {
	case shows:
	case told.Place == 0:
		// A new request (its waiting message told the place) or one from
		// before places were kept: the next message waits for a marked gain.
		next.TextPlace, next.TextAt = place, w.now
	case w.s.QueueUpdates.worthTelling(told.QueueTold, place, w.now):
		next.TextPlace, next.TextAt = place, w.now
		texted = true
	}
	claimed, err := w.tx.SetQueueTold(ctx, h.ID, told.QueueTold, next.QueueTold)
	if err != nil {
		return err
	}
	if !claimed {
		w.e.queue.forget(h.ID)
		return nil
	}
	w.e.queue.put(h.ID, next)
	if shows {
		w.queueShows = append(w.queueShows, queueShow{handoff: h.ID, team: h.Team, conv: told.conv, to: told.to, place: place, requested: h.CreatedAt})
		return nil
	}
	if !texted {
		return nil
	}
	c, err := w.tx.Conversation(ctx, told.conv)
	if err != nil {
		return err
	}
	text := fill(w.s.Messages.QueueMoved, "{position}", strconv.Itoa(place), "{team}", string(h.Team))
	_, err = w.say(ctx, c, h.ID, RoleSystem, text, "", place)
	return err
}

// worthTelling is the text channels' rule: a marked gain (MinGain places,
// or half the place) since the last message, and not sooner than
// MinInterval after it. A place that got worse is never texted.
func (q QueueUpdates) worthTelling(told QueueTold, place int, now time.Time) bool {
	gain := told.TextPlace - place
	marked := gain >= q.minGain() || (gain > 0 && place*2 <= told.TextPlace)
	return marked && now.Sub(told.TextAt) >= q.minInterval()
}

// typicalJoinWait is the median time to join of the team's latest joined
// handoffs; zero when there are none or the store cannot say.
func typicalJoinWait(ctx context.Context, tx Tx, team TeamID) (time.Duration, error) {
	jt, ok := tx.(JoinWaitsTx)
	if !ok {
		return 0, nil
	}
	waits, err := jt.RecentJoinWaits(ctx, team, joinWaitSample)
	if err != nil {
		return 0, fmt.Errorf("recent join waits: %w", err)
	}
	return median(waits), nil
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// estimateWait is what remains of the typical wait after waited, at least
// a minute; zero without a typical wait.
func estimateWait(typical, waited time.Duration) time.Duration {
	if typical <= 0 {
		return 0
	}
	return max(typical-waited, time.Minute).Round(time.Minute)
}

// sendQueue delivers an OpUserQueue entry. A channel that no longer shows
// the queue (reconfigured) simply skips it: the place is state, not a
// message, and the next change tells it again.
func (e *Engine) sendQueue(ctx context.Context, kind ChannelKind, entry *OutboxEntry) error {
	var p UserQueuePayload
	if err := decode(entry, &p); err != nil {
		return err
	}
	ch := e.channels[kind]
	if ch == nil {
		return fmt.Errorf("no user channel %q is running", kind)
	}
	if qs, ok := ch.(QueueShower); ok {
		return qs.ShowQueue(ctx, p.To, p.Status)
	}
	return nil
}

// QueuedHandoff is what a place in the queue needs of a pending handoff.
type QueuedHandoff struct {
	ID             HandoffID
	ConversationID ConversationID
	Team           TeamID
	CreatedAt      time.Time
}

// QueueTx is what a store offers to read a team's queue at every move of
// it without decoding whole handoffs: its pending handoffs in queue order,
// at most limit. A store without it is read with Handoffs.
type QueueTx interface {
	QueuedHandoffs(ctx context.Context, team TeamID, limit int) ([]QueuedHandoff, error)
}

// queuedHandoffs reads team's queue, at most limit.
func queuedHandoffs(ctx context.Context, tx Tx, team TeamID, limit int) ([]QueuedHandoff, error) {
	if qt, ok := tx.(QueueTx); ok {
		return qt.QueuedHandoffs(ctx, team, limit)
	}
	pending, err := tx.Handoffs(ctx, []State{StatePending}, team, limit)
	if err != nil {
		return nil, err
	}
	out := make([]QueuedHandoff, len(pending))
	for i, h := range pending {
		out[i] = QueuedHandoff{ID: h.ID, ConversationID: h.ConversationID, Team: h.Team, CreatedAt: h.CreatedAt}
	}
	return out, nil
}
