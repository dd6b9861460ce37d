package main

import (
	"log/slog"
	"net/http"

	"github.com/handoffbridge/handoff/config"
)

// newHTTPServer is the bridge's one HTTP server, bounded against slow
// clients by the configured timeouts and header size. They bound requests,
// not WebSockets: net/http clears a connection's deadlines when a handler
// hijacks it for the upgrade, and the sockets' own pings and write
// timeouts take over (TestSlowClientsAreCutOffAndSocketsStay holds it to
// that).
func newHTTPServer(cfg config.HTTP, handler http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
