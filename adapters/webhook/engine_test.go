package webhook_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/email"
	"github.com/handoffbridge/handoff/adapters/email/emailfake"
	"github.com/handoffbridge/handoff/adapters/webhook"
	"github.com/handoffbridge/handoff/adapters/webhook/webhookfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func link(n bridge.Notification) string {
	return bridge.HandoffLink("https://chat.example.com", n.Handoff)
}

func hook(t *testing.T, rcv *webhookfake.Receiver, clock bridge.Clock) bridge.Notifier {
	t.Helper()
	n, err := webhook.New(webhook.Options{URL: rcv.URL(), Secret: secret, Link: link, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Through the real engine and store: each of the six events reaches every
// notifier of the team exactly once, and a notifier filtered to one event
// gets only that one.
func TestEveryEventReachesEveryNotifierOnce(t *testing.T) {
	clock := bridgetest.NewClock(t0)
	crm := webhookfake.NewReceiver(secret, webhookfake.WithClock(clock.Now))
	defer crm.Close()
	leads := webhookfake.NewReceiver(secret, webhookfake.WithClock(clock.Now))
	defer leads.Close()
	smtpd, err := emailfake.Start("bridge@example.com", "pw", false)
	if err != nil {
		t.Fatal(err)
	}
	defer smtpd.Close()
	mailer, err := email.New(email.Options{Addr: smtpd.Addr(), TLSConfig: &tls.Config{RootCAs: smtpd.RootCAs},
		Username: "bridge@example.com", Password: "pw", From: "bridge@example.com", To: []string{"ops@example.com"}, Link: link, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, clock, 3*time.Minute,
		namedNotifier{"crm", hook(t, crm, clock)},
		namedNotifier{"ops", mailer},
		namedNotifier{"leads", bridge.OnlyEvents(hook(t, leads, clock), func(k bridge.HandoffEventKind) bool { return k == bridge.EventLead })},
	)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	// Handoff A: requested, joined, handed back, joined again, resolved.
	// The clock moves between actions: the core derives a notification's
	// id from the handoff, the event and the time, so two joins of one
	// handoff at the same instant would share an id.
	a := r.say("a", "a1", "talk to a human").Handoff
	for _, step := range []struct {
		agent string
		act   bridge.Action
	}{{"U-ANA", bridge.ActJoin}, {"U-ANA", bridge.ActReject}, {"U-BOB", bridge.ActJoin}, {"U-BOB", bridge.ActResolve}} {
		clock.Advance(time.Second)
		r.act(step.agent, a, step.act)
	}
	// Handoff B: nobody comes; the user leaves a lead.
	b := r.say("b", "b1", "talk to a human").Handoff
	if err := clock.WaitTimer(ctx, clock.Now().Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(3 * time.Minute)
	r.waitUser(ctx, "b", "What is your name?")
	r.say("b", "b2", "Uma Thurman")
	r.waitUser(ctx, "b", "email address or phone number")
	r.say("b", "b3", "uma@example.com")
	r.waitUser(ctx, "b", "help you with?")
	r.say("b", "b4", "Call me back")

	want := []string{
		fmt.Sprintf("%d handoff.requested", a), fmt.Sprintf("%d handoff.joined ana", a), fmt.Sprintf("%d handoff.rejected", a),
		fmt.Sprintf("%d handoff.joined bob", a), fmt.Sprintf("%d handoff.resolved bob", a),
		fmt.Sprintf("%d handoff.requested", b), fmt.Sprintf("%d handoff.fallback", b), fmt.Sprintf("%d lead.captured", b),
	}
	got, err := crm.WaitAccepted(ctx, len(want))
	if err != nil {
		t.Fatal(err)
	}
	mails, err := smtpd.WaitMessages(ctx, len(want))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leads.WaitAccepted(ctx, 1); err != nil {
		t.Fatal(err)
	}
	r.waitUntil(ctx, "the outbox drained", r.outboxEmpty) // then nothing more can arrive

	describe := func(p webhook.Payload) string {
		s := fmt.Sprintf("%d %s", p.Handoff, p.Event)
		if p.Event == bridge.EventJoined || p.Event == bridge.EventResolved {
			s += " " + string(p.Agent)
		}
		return s
	}
	byHandoff := func(ds []string) []string {
		out := slices.Clone(ds)
		slices.SortStableFunc(out, func(x, y string) int { // keep each handoff's order
			var hx, hy int
			fmt.Sscan(x, &hx)
			fmt.Sscan(y, &hy)
			return hx - hy
		})
		return out
	}
	var crmGot []string
	ids := map[string]bool{}
	for _, d := range crm.Accepted() {
		crmGot = append(crmGot, describe(d.Payload))
		ids[d.ID] = true
		if d.Payload.ThreadURL != link(d.Payload.Notification) {
			t.Errorf("%s has thread_url %q", d.ID, d.Payload.ThreadURL)
		}
	}
	if !slices.Equal(byHandoff(crmGot), want) || len(ids) != len(want) || crm.Stats().Duplicates != 0 {
		t.Errorf("webhook got %q (%d distinct ids, %d duplicates); want %q", crmGot, len(ids), crm.Stats().Duplicates, want)
	}
	if len(got) != len(want) {
		t.Errorf("webhook accepted %d; want %d", len(got), len(want))
	}
	if len(smtpd.Messages()) != len(want) {
		t.Errorf("email got %d messages; want %d", len(mails), len(want))
	}
	subjects := map[string]bool{}
	for _, m := range smtpd.Messages() {
		subjects[m.Header.Get("Message-ID")] = true
	}
	if len(subjects) != len(want) {
		t.Errorf("email Message-IDs %v are not one per event", subjects)
	}
	ld := leads.Accepted()
	if len(ld) != 1 || ld[0].Payload.Event != bridge.EventLead || ld[0].Payload.Lead == nil || ld[0].Payload.Lead.Email != "uma@example.com" {
		t.Errorf("filtered notifier got %+v; want only the lead, with its email", ld)
	}
}
