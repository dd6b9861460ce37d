// Command terminalbot is a runnable example of an outside bot using the
// bridge's handoff API: it chats with a person on the terminal, hands the
// conversation to a human agent when asked ("human", "agent"), relays the
// person's messages while the handoff is open, and prints the agent's
// replies as its callbacks (or the event stream) bring them.
//
//	HANDOFF_API_KEY=... HANDOFF_CALLBACK_SECRET=... go run ./examples/terminalbot \
//	    -bridge http://localhost:8080 -listen :9090
//
// With -listen, configure the integration's callback_url as
// http://<this host>:9090/callback; without it, the bot reads the event
// stream instead (for an integration without a callback URL).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/handoffbridge/handoff/adapters/api/apiclient"
)

func main() {
	var cfg config
	flag.StringVar(&cfg.bridge, "bridge", "http://localhost:8080", "the bridge's base URL")
	flag.StringVar(&cfg.listen, "listen", "", "address to receive callbacks on (e.g. :9090); empty reads the event stream")
	flag.StringVar(&cfg.conversation, "conversation", "", "the conversation id; empty makes a new one")
	flag.StringVar(&cfg.team, "team", "", "the team to hand off to; empty means the integration's default")
	flag.Parse()
	cfg.key = os.Getenv("HANDOFF_API_KEY")
	cfg.secret = []byte(os.Getenv("HANDOFF_CALLBACK_SECRET"))
	if cfg.key == "" {
		fmt.Fprintln(os.Stderr, "terminalbot: set HANDOFF_API_KEY to one of the integration's API keys")
		os.Exit(2)
	}
	if cfg.listen != "" && len(cfg.secret) == 0 {
		fmt.Fprintln(os.Stderr, "terminalbot: set HANDOFF_CALLBACK_SECRET to verify callbacks")
		os.Exit(2)
	}
	if cfg.conversation == "" {
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		cfg.conversation = "terminal-" + hex.EncodeToString(b)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	b := newBot(cfg, apiclient.New(cfg.bridge, cfg.key, &http.Client{Timeout: 30 * time.Second}), os.Stdout)
	if err := b.start(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "terminalbot:", err)
		os.Exit(1)
	}
	if cfg.listen != "" {
		ln, err := net.Listen("tcp", cfg.listen)
		if err != nil {
			fmt.Fprintln(os.Stderr, "terminalbot:", err)
			os.Exit(1)
		}
		srv := &http.Server{Handler: b.callbacks(), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
	} else {
		go func() {
			if err := b.client.Stream(ctx, cfg.conversation, func(ev apiclient.Event) error { b.event(ev); return nil }); err != nil && !errors.Is(err, context.Canceled) {
				fmt.Fprintln(os.Stderr, "terminalbot: event stream:", err)
			}
		}()
	}
	if err := b.chat(ctx, os.Stdin); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "terminalbot:", err)
		os.Exit(1)
	}
}
