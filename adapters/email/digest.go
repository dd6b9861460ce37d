package email

import (
	"bytes"
	"cmp"
	"fmt"
	htmltemplate "html/template"
	"slices"
	texttemplate "text/template"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// digest decides, event by event, whether to send now or hold for a
// digest. Events past the threshold within a window are held: Notify
// answers their delivery with "retry at the end of the window", so that
// they stay in the durable outbox. The first of them to come back sends
// every held event in one message; the others then find themselves sent.
// Only the Notifier's turn holder calls it.
type digest struct {
	threshold int
	window    time.Duration

	windowStart time.Time
	sentInWin   int
	held        []bridge.Notification
	holdUntil   time.Time
	// delivered lists events sent in a digest whose own delivery has not
	// come back yet, with when they were sent.
	delivered map[string]time.Time
}

type action int

const (
	sendNow action = iota
	hold
	alreadySent
)

type plan struct {
	action action
	batch  []bridge.Notification // to send, oldest first
	wait   time.Duration         // for hold
	held   int
	self   string // the id of the event being delivered
}

func newDigest(threshold int, window time.Duration) digest {
	return digest{threshold: threshold, window: window, delivered: map[string]time.Time{}}
}

// forgetAfter bounds how long a sent-in-digest mark is kept: past the
// outbox's 24 hours its entry is given up anyway.
const forgetAfter = 25 * time.Hour

func (d *digest) plan(x bridge.Notification, now time.Time) plan {
	if _, ok := d.delivered[x.ID]; ok {
		delete(d.delivered, x.ID)
		return plan{action: alreadySent}
	}
	if d.threshold <= 0 {
		return plan{action: sendNow, batch: []bridge.Notification{x}}
	}
	isHeld := slices.ContainsFunc(d.held, func(h bridge.Notification) bool { return h.ID == x.ID })
	if len(d.held) > 0 {
		if !isHeld {
			d.held = append(d.held, x)
		}
		if now.Before(d.holdUntil) {
			return plan{action: hold, wait: d.holdUntil.Sub(now), held: len(d.held)}
		}
		batch := slices.Clone(d.held)
		slices.SortStableFunc(batch, func(a, b bridge.Notification) int { return a.At.Compare(b.At) })
		return plan{action: sendNow, batch: batch, self: x.ID}
	}
	if !now.Before(d.windowStart.Add(d.window)) {
		d.windowStart, d.sentInWin = now, 0
	}
	if d.sentInWin >= d.threshold {
		d.held = []bridge.Notification{x}
		d.holdUntil = d.windowStart.Add(d.window)
		return plan{action: hold, wait: d.holdUntil.Sub(now), held: 1}
	}
	return plan{action: sendNow, batch: []bridge.Notification{x}}
}

// sent records that p's message went out; the caller's own event is
// acknowledged by its return, the others of a digest when they come back.
func (d *digest) sent(p plan, now time.Time) {
	if d.threshold <= 0 {
		return
	}
	if len(p.batch) > 1 || len(d.held) > 0 {
		for _, x := range p.batch {
			// The event whose delivery sent the digest is acknowledged by
			// this delivery: no retry of it will come to clear a mark.
			if x.ID != p.self {
				d.delivered[x.ID] = now
			}
		}
		d.held = nil
		d.windowStart, d.sentInWin = now, 1
		for id, at := range d.delivered {
			if now.Sub(at) > forgetAfter {
				delete(d.delivered, id)
			}
		}
		return
	}
	d.sentInWin++
}

type digestItem struct {
	At      time.Time
	Subject string
	Link    string
}

var (
	digestText = texttemplate.Must(texttemplate.New("digest").Parse(`{{len .}} handoff events:
{{range .}}
- {{.At.Format "15:04:05 MST"}}  {{.Subject}}{{with .Link}}
  {{.}}{{end}}{{end}}
`))
	digestHTML = htmltemplate.Must(htmltemplate.New("digest").Parse(`<!DOCTYPE html>
<html><body style="font-family: sans-serif">
<h2>{{len .}} handoff events</h2>
<ul>{{range .}}
<li>{{.At.Format "15:04:05 MST"}} {{if .Link}}<a href="{{.Link}}">{{.Subject}}</a>{{else}}{{.Subject}}{{end}}</li>{{end}}
</ul>
</body></html>
`))
)

func renderDigest(items []digestItem) (text, html string, err error) {
	slices.SortStableFunc(items, func(a, b digestItem) int { return cmp.Compare(a.At.UnixNano(), b.At.UnixNano()) })
	var t, h bytes.Buffer
	if err := digestText.Execute(&t, items); err != nil {
		return "", "", fmt.Errorf("email: digest text: %w", err)
	}
	if err := digestHTML.Execute(&h, items); err != nil {
		return "", "", fmt.Errorf("email: digest html: %w", err)
	}
	return t.String(), h.String(), nil
}
