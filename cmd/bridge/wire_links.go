package main

import (
	"github.com/handoffbridge/handoff/adapters/handofflink"
	"github.com/handoffbridge/handoff/bridge"
)

// wireLinks serves the stable links of handoffs that notifications carry
// (/handoffs/{id}), redirecting to each handoff's thread wherever it is
// opened. The route is public: it reveals only a thread's address, which
// needs a login to the workspace (see docs/notifications.md).
func wireLinks(w *wiring) error {
	h, err := handofflink.New(handofflink.Options{Threads: w.engine, PublicURL: w.cfg.HTTP.PublicURL,
		Console: w.cfg.Console.Enabled, Logger: w.log})
	if err != nil {
		return err
	}
	h.Mount(w.mux)
	return nil
}

// handoffLink links a notification to its handoff's stable link, known
// before the thread is opened; no link without a public URL, since a
// notification is read away from the bridge.
func handoffLink(publicURL string) func(bridge.Notification) string {
	if publicURL == "" {
		return nil
	}
	return func(n bridge.Notification) string { return bridge.HandoffLink(publicURL, n.Handoff) }
}
