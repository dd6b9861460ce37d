package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/adapters/email"
	"github.com/handoffbridge/handoff/adapters/webhook"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// Email digest defaults, when digest_threshold is not set.
const (
	defaultDigestThreshold = 10
	defaultDigestWindow    = time.Minute
)

// wireNotifiers serves the handoffs' links and registers the email and
// webhook notifiers of the config, each behind the filter of its `events`.
// Notifiers of kind slack and discord post through their workspace's
// client and are registered by wireSlack and wireDiscord (with
// bridge.OnlyEvents as well).
func wireNotifiers(w *wiring) error {
	if err := wireLinks(w); err != nil {
		return fmt.Errorf("handoff links: %w", err)
	}
	link := handoffLink(w.cfg.HTTP.PublicURL)
	for _, name := range sortedNames(w.cfg.Notifiers) {
		nc := w.cfg.Notifiers[name]
		n, err := newNotifier(nc, link)
		if err != nil {
			return fmt.Errorf("notifier %s: %w", name, err)
		}
		if n == nil {
			continue
		}
		w.engine.RegisterNotifier(name, bridge.OnlyEvents(n, nc.Wants))
		w.log.Info("notifier ready", "name", name, "kind", nc.Kind, "events", eventsOf(nc))
	}
	return nil
}

// checkNotifier builds the notifier called name (of kind email or
// webhook; the others are left to their workspace) without connecting
// anywhere, so that `bridge check` reports what would stop the bridge at
// start: a template that does not parse or fails on a sample event, a bad
// address.
func checkNotifier(cfg *config.Config, name string) error {
	if _, err := newNotifier(cfg.Notifiers[name], handoffLink(cfg.HTTP.PublicURL)); err != nil {
		return &config.FieldError{Path: "notifiers." + name, Err: err}
	}
	return nil
}

// newNotifier makes the notifier of an email or webhook entry; nil for
// the kinds wired elsewhere.
func newNotifier(nc config.Notifier, link func(bridge.Notification) string) (bridge.Notifier, error) {
	switch nc.Kind {
	case "email":
		tpl, err := email.ParseTemplates(nc.SubjectTemplate, nc.TextTemplate, nc.HTMLTemplate)
		if err != nil {
			return nil, err
		}
		threshold, window := defaultDigestThreshold, cmp.Or(nc.DigestWindow, defaultDigestWindow)
		if nc.DigestThreshold != nil {
			threshold = *nc.DigestThreshold
		}
		return email.New(email.Options{
			Addr: nc.SMTP, TLS: email.TLSMode(nc.TLS), Username: nc.Username, Password: nc.Password.Reveal(),
			From: nc.From, To: nc.To, Templates: tpl, Link: link,
			DigestThreshold: threshold, DigestWindow: window,
		})
	case "webhook":
		return webhook.New(webhook.Options{URL: nc.URL, Secret: []byte(nc.Secret.Reveal()), Link: link})
	}
	return nil, nil
}

func eventsOf(nc config.Notifier) string {
	if len(nc.Events) == 0 {
		return "all"
	}
	return strings.Join(nc.Events, ",")
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
