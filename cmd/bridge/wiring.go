package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"github.com/handoffbridge/handoff/adapters/files"
	bprom "github.com/handoffbridge/handoff/adapters/prometheus"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// wiring is what each adapter's wire function gets: the config, the engine
// to register with and hand events to, the store, the one HTTP mux, and the
// places to list long-running connections and health checks. One file per
// adapter (wire_*.go) keeps a new platform to a few lines here.
type wiring struct {
	cfg      *config.Config
	settings bridge.Settings
	engine   *bridge.Engine
	store    bridge.Store
	mux      *http.ServeMux
	log      *slog.Logger

	runners []namedRunner
	health  map[string]bridge.HealthChecker
	reloads []func(*config.Config, *bridge.Settings)
	// blobs holds shared files, once opened (see blobStore).
	blobs bridge.Blobs
	// files serves them, once made (see fileService); filesMade tells a
	// service turned off from one not made yet.
	files     *files.Service
	filesMade bool
	// holder names this replica in leases; singletons run under them
	// (see runSingleton).
	holder     string
	singletons []*bridge.Singleton
	// metrics hears of the leases this replica takes and loses.
	metrics *bprom.Metrics
	// fanout tells the other replicas what their sockets must show and
	// wakes their outbox senders (see sharedFanout).
	fanout bridge.Fanout
}

// onReload registers what an adapter does when the config file changes:
// it may adjust the settings about to be applied (add its own agents) and
// pick up its own reloadable parts (logins).
func (w *wiring) onReload(fn func(*config.Config, *bridge.Settings)) {
	w.reloads = append(w.reloads, fn)
}

type namedRunner struct {
	name string
	r    bridge.Runner
}

// wireFuncs are called in order; each does nothing when its adapter is not
// enabled in the config.
var wireFuncs = []struct {
	name string
	fn   func(*wiring) error
}{
	{"web", wireWeb},
	{"console", wireConsole},
	{"slack", wireSlack},
	{"discord", wireDiscord},
	{"mattermost", wireMattermost},
	{"msteams", wireTeams},
	{"telegram", wireTelegram},
	{"whatsapp", wireWhatsApp},
	{"api", wireAPI},
	{"notifiers", wireNotifiers},
}

// wireAll wires every adapter. Their errors already name the adapter
// ("telegram: …") or the config key, so they are returned as they are.
func (w *wiring) wireAll() error {
	for _, f := range wireFuncs {
		if err := f.fn(w); err != nil {
			return err
		}
	}
	return nil
}

// run registers a long-running connection, started after the listener.
func (w *wiring) run(name string, r bridge.Runner) {
	w.runners = append(w.runners, namedRunner{name, r})
}

// startRunners runs every registered connection until ctx ends; the
// returned channel closes once all have returned.
func (w *wiring) startRunners(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, nr := range w.runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := nr.r.Run(ctx); err != nil && ctx.Err() == nil {
				w.log.Error("connection stopped", "adapter", nr.name, "err", err)
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	return done
}
