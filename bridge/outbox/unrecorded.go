package outbox

import (
	"time"
)

// maxRecordBackoff caps the wait between tries to record a delivery's
// result: once the disk has room again, the senders catch up within it.
const maxRecordBackoff = 30 * time.Second

// unrecorded holds the results of sends that the store refused to record
// (a full disk, an I/O error). Their streams stay in flight meanwhile: an
// entry that went out but is not marked delivered would otherwise look due
// at once and be sent again in a loop. They are recorded again after a
// backoff, like a failed send is retried.
type unrecorded struct {
	clock Clock
	items []delivery
	// tries counts the retries since the store last recorded everything.
	tries int
	timer Timer
}

// hold keeps results for a later try; the first one held arms the timer.
func (u *unrecorded) hold(rs []delivery) {
	u.items = append(u.items, rs...)
	if u.timer == nil {
		u.timer = u.clock.NewTimer(min(backoff(u.tries), maxRecordBackoff))
	}
}

// due fires when the held results are to be recorded again; nil (never)
// while nothing is held.
func (u *unrecorded) due() <-chan time.Time {
	if u.timer == nil {
		return nil
	}
	return u.timer.C()
}

// take hands the held results over for another try.
func (u *unrecorded) take() []delivery {
	u.stop()
	u.tries++
	rs := u.items
	u.items = nil
	return rs
}

// recorded notes that a try recorded its results; when nothing is held
// any more, the next failure starts its backoff afresh.
func (u *unrecorded) recorded() bool {
	if len(u.items) > 0 {
		return false
	}
	u.tries = 0
	return true
}

func (u *unrecorded) stop() {
	if u.timer != nil {
		u.timer.Stop()
		u.timer = nil
	}
}
