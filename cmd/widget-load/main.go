// Command widget-load measures the web widget under many sessions.
//
// It runs in two processes so that the bridge's own memory and CPU are
// measured apart from the load generator's:
//
//	widget-load -serve -listen 127.0.0.1:8090       # a bridge with an echoing agent
//	widget-load -url ws://127.0.0.1:8090/ws -sessions 10000 -active 500 -rate 1 -duration 60s
//
// The serving side is the real engine over SQLite with the web widget and
// an agent workspace whose agent joins every handoff and echoes each user
// message back; it reports its goroutines, RSS and CPU time at /stats. The
// load side opens -sessions idle widget sessions, reports the bridge's
// figures, then runs -active sessions that each ask for a human and then
// send -rate messages per second for -duration, timing each message until
// the agent's echo reaches the widget.
//
// With -echo, both run in this one process (quick runs; the figures then
// include the load generator).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	var (
		serveMode = flag.Bool("serve", false, "run the bridge with the echoing agent instead of the load")
		listen    = flag.String("listen", "127.0.0.1:8090", "with -serve: where to listen")
		db        = flag.String("db", "", "with -serve: SQLite file (default: a temporary one)")
		url       = flag.String("url", "ws://127.0.0.1:8090/ws", "the widget socket to load")
		sessions  = flag.Int("sessions", 1000, "idle sessions to open")
		active    = flag.Int("active", 100, "active sessions sending messages")
		rate      = flag.Float64("rate", 1, "messages per second per active session")
		duration  = flag.Duration("duration", 30*time.Second, "how long the active sessions send")
		echo      = flag.Bool("echo", false, "run the bridge in this process too")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch {
	case *serveMode:
		err = serve(ctx, *listen, *db, func(addr string) {
			fmt.Printf("bridge with echo agent on ws://%s/ws (stats: http://%s/stats), pid %d\n", addr, addr, os.Getpid())
		})
	case *echo:
		addrc := make(chan string, 1)
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- serve(sctx, "127.0.0.1:0", *db, func(a string) { addrc <- a }) }()
		select {
		case a := <-addrc:
			err = load(ctx, config{url: "ws://" + a + "/ws", sessions: *sessions, active: *active, rate: *rate, duration: *duration})
		case err = <-done:
		}
		cancel()
	default:
		err = load(ctx, config{url: *url, sessions: *sessions, active: *active, rate: *rate, duration: *duration})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "widget-load:", err)
		os.Exit(1)
	}
}
