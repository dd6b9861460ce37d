// Command bridge runs the handoff bridge: the chatbot answers users, and
// human agents take over from Slack, Discord or the web console.
//
// Usage:
//
//	bridge [run] [-config bridge.yaml]   serve (the default command)
//	bridge check [-config bridge.yaml] [-apply]   validate the config, test the credentials
//	bridge version                       print the version
//
// Without -config the embedded default runs: SQLite under ./data, the
// sample knowledge base, and everything on http://localhost:8080.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bridge:", err)
		}
		os.Exit(1)
	}
}

// run is main without the process: testable with its own context, args and
// outputs.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, onListen func(addr string)) error {
	cmd := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("bridge "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "path of the YAML config file (default: the embedded default config)")
	var apply *bool
	if cmd == "check" {
		apply = fs.Bool("apply", false, "also fix what can be fixed remotely (register the Telegram webhook)")
	}
	var backupOut *string
	if cmd == "backup" {
		backupOut = fs.String("out", "", "the backup file to write (must not exist)")
	}
	var healthURL *string
	if cmd == "healthcheck" {
		healthURL = fs.String("url", "", "the /healthz URL to probe (default: from http.listen)")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch cmd {
	case "run":
		return serve(ctx, *configPath, stderr, onListen)
	case "check":
		return check(ctx, *configPath, *apply, stdout)
	case "deliveries":
		return deliveries(ctx, *configPath, stdout)
	case "backup":
		return backup(ctx, *configPath, *backupOut, stdout)
	case "healthcheck":
		return healthcheck(ctx, *configPath, *healthURL, stdout)
	case "version":
		return printVersion(stdout)
	}
	return fmt.Errorf("unknown command %q: want run, check or version", cmd)
}
