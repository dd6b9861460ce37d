package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	bprom "github.com/handoffbridge/handoff/adapters/prometheus"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// shutdownGrace bounds how long open HTTP requests may finish at shutdown.
const shutdownGrace = 5 * time.Second

// serve runs the bridge until ctx is cancelled (SIGINT/SIGTERM), then stops
// taking input, drains the outbox for a bounded time and closes the store.
func serve(ctx context.Context, configPath string, stderr io.Writer, onListen func(addr string)) error {
	cfg, settings, err := loadChecked(configPath, nil)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	if configPath == "" {
		log.Info("no -config given: running the embedded default config")
	}
	for _, p := range cfg.UnusedOverrides(os.Environ()) {
		log.Warn("ignored: "+p.Error(), "hint", "`bridge check` fails on this")
	}
	responder, err := newResponder(cfg.Responder)
	if err != nil {
		return fmt.Errorf("responder: %w", err)
	}
	store, err := openStore(ctx, cfg.Store)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer store.Close()
	warnExposedData(log, cfg.Store.DSN)

	registry := prom.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := bprom.New(registry)
	replicas := replicasOf(cfg.Store, store)
	fanout := sharedFanout(store, log, metrics)
	if replicas != nil {
		replicas.Fanout = fanout
	}
	engine, err := bridge.New(bridge.Options{Store: store, Responder: responder, Settings: settings,
		Logger: log, ResponderTimeout: cfg.Responder.Timeout, Observer: metrics, Replicas: replicas})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	w := &wiring{cfg: cfg, settings: settings, engine: engine, store: store, mux: mux, log: log, health: map[string]bridge.HealthChecker{},
		metrics: metrics}
	w.wireFanout(fanout)
	if replicas != nil {
		w.holder = replicas.Holder
		w.health["leases"] = heldLeases{w}
	}
	if err := w.wireAll(); err != nil {
		return err
	}
	mountHealth(mux, engine, w.health)
	registry.MustRegister(bprom.NewStoreCollector(engine, w.health, log))
	registerPoolMetrics(registry, store)
	mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}))
	if cfg.PProf {
		mountPProf(mux)
	}

	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTP.Listen, err)
	}
	srv := newHTTPServer(cfg.HTTP, mux, log)
	log.Info("bridge listening", "addr", ln.Addr().String(), "store", storeName(cfg.Store), "responder", cfg.Responder.Kind,
		"handoff_enabled", settings.Enabled)

	if onListen != nil {
		onListen(ln.Addr().String())
	}
	if configPath != "" {
		go watchConfig(ctx, configPath, w)
	}
	// The engine stops after the connections (see stopInOrder).
	engineCtx, stopEngine := context.WithCancel(context.WithoutCancel(ctx))
	defer stopEngine()
	engineDone := make(chan error, 1)
	go func() { engineDone <- engine.Run(engineCtx) }()
	runnersDone := w.startRunners(ctx)
	httpDone := make(chan error, 1)
	go func() { httpDone <- srv.Serve(ln) }()

	select {
	case err := <-httpDone:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: no new input; the connections stop and give up their leases, then the outbox drains")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	httpStopped := make(chan error, 1)
	go func() { httpStopped <- srv.Shutdown(sctx) }()
	// The connections first (they stopped with ctx): a singleton's lease
	// (Telegram polling, Socket Mode, the Discord gateway) is released as
	// its connection closes, so that another replica takes it over while
	// this one still drains its outbox, and the events they were handling
	// still reach a running engine.
	select {
	case <-runnersDone:
	case <-sctx.Done():
		log.Warn("connections still closing; draining the outbox meanwhile")
	}
	if err := <-httpStopped; err != nil {
		log.Warn("http shutdown", "err", err)
	}
	stopEngine()
	if err := <-engineDone; err != nil {
		return err
	}
	<-runnersDone
	log.Info("stopped")
	return nil
}

// watchConfig applies edits of the reloadable parts (triggers, teams,
// agents, messages) without a restart; a broken edit is logged and the
// running config stays.
func watchConfig(ctx context.Context, path string, w *wiring) {
	log := w.log
	err := config.Watch(ctx, path, nil, func(c *config.Config) {
		s, err := c.Settings()
		if err != nil {
			log.Error("config reload rejected; keeping the running config", "path", path, "err", err)
			return
		}
		for _, fn := range w.reloads {
			fn(c, &s)
		}
		w.engine.Apply(s)
		log.Info("config reloaded", "path", path, "triggers", len(s.Triggers), "teams", len(s.Teams), "agents", len(s.Agents))
	}, func(err error) {
		log.Error("config reload rejected; keeping the running config", "path", path, "err", err)
	})
	if err != nil {
		log.Error("cannot watch the config file; edits need a restart", "path", path, "err", err)
	}
}

func newLogger(c config.Log, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// storeHealth reports the store for /readyz (bridge.Engine does).
type storeHealth interface {
	StoreHealth(ctx context.Context) bridge.Health
}

// mountHealth serves /healthz (the process answers) and /readyz (the store
// is up, and no adapter that reports its connection is down).
func mountHealth(mux *http.ServeMux, store storeHealth, adapters map[string]bridge.HealthChecker) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		status := map[string]string{"store": "ok"}
		code := http.StatusOK
		// A store that is not up fails readiness even when only degraded:
		// whatever arrives then cannot be kept.
		if h := store.StoreHealth(ctx); h.State != bridge.HealthUp {
			status["store"] = string(h.State) + ": " + h.Detail
			code = http.StatusServiceUnavailable
		}
		for name, a := range adapters {
			h := a.Health(ctx)
			status[name] = string(h.State)
			if h.Detail != "" {
				status[name] += ": " + h.Detail
			}
			if h.State == bridge.HealthDown {
				code = http.StatusServiceUnavailable
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(status)
	})
}

func mountPProf(mux *http.ServeMux) {
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
}
