// Command bridge runs the handoff bridge: the chatbot answers users, and
// human agents take over from Slack, Discord or the web console.
//
// Usage:
//
//	bridge [COMMAND] [FLAGS]   the commands: bridge help; the default is run
//	bridge help COMMAND        a command's flags
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
	"strings"
	"syscall"
	"text/tabwriter"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "bridge:", err)
		os.Exit(1)
	}
}

// invocation is what a command's action gets beside its flags.
type invocation struct {
	stdout, stderr io.Writer
	// onListen, if set, is told the address `run` listens on (tests).
	onListen func(addr string)
}

// command is one subcommand of bridge.
type command struct {
	name    string
	args    string // what follows the name, for the usage line
	summary string // one line, for `bridge help`
	// flags declares the command's flags on fs and returns its action,
	// which runs once they are parsed.
	flags func(fs *flag.FlagSet) func(ctx context.Context, in invocation) error
}

// defaultCommand runs when the first argument is not a command name.
const defaultCommand = "run"

func commands() []command {
	return []command{
		{name: "run", args: "[-config FILE]", summary: "serve the bridge (the default command)",
			flags: func(fs *flag.FlagSet) func(context.Context, invocation) error {
				config := configFlag(fs)
				return func(ctx context.Context, in invocation) error { return serve(ctx, *config, in.stderr, in.onListen) }
			}},
		{name: "check", args: "[-config FILE] [-apply]", summary: "validate the config, then test every credential and channel",
			flags: func(fs *flag.FlagSet) func(context.Context, invocation) error {
				config := configFlag(fs)
				apply := fs.Bool("apply", false, "also fix what can be fixed remotely (register the Telegram webhook)")
				return func(ctx context.Context, in invocation) error { return check(ctx, *config, *apply, in.stdout) }
			}},
		{name: "deliveries", args: "[-config FILE]", summary: "print the notifiers' delivery log, newest first",
			flags: func(fs *flag.FlagSet) func(context.Context, invocation) error {
				config := configFlag(fs)
				return func(ctx context.Context, in invocation) error { return deliveries(ctx, *config, in.stdout) }
			}},
		{name: "backup", args: "[-config FILE] -out FILE", summary: "copy the store to a new file (0600), also while the bridge runs",
			flags: func(fs *flag.FlagSet) func(context.Context, invocation) error {
				config := configFlag(fs)
				out := fs.String("out", "", "the backup file to write; it must not exist")
				return func(ctx context.Context, in invocation) error { return backup(ctx, *config, *out, in.stdout) }
			}},
		{name: "copy-store", args: "[-config FILE] [-from FILE] [-force]", summary: "copy a SQLite store and its files into the config's empty PostgreSQL database",
			flags: func(fs *flag.FlagSet) func(context.Context, invocation) error {
				config := configFlag(fs)
				from := fs.String("from", "", "the SQLite database to copy (default: the config's store.dsn)")
				force := fs.Bool("force", false, "copy into a database that holds other data, emptying it first")
				return func(ctx context.Context, in invocation) error {
					return copyStore(ctx, *config, *from, *force, in.stdout)
				}
			}},
		{name: "healthcheck", args: "[-config FILE] [-url URL]", summary: "probe a running bridge's /healthz; fails unless it answers 200",
			flags: func(fs *flag.FlagSet) func(context.Context, invocation) error {
				config := configFlag(fs)
				url := fs.String("url", "", "the /healthz URL to probe (default: from the config's http.listen)")
				return func(ctx context.Context, in invocation) error { return healthcheck(ctx, *config, *url, in.stdout) }
			}},
		{name: "version", summary: "print the version, VCS revision and build time",
			flags: func(fs *flag.FlagSet) func(context.Context, invocation) error {
				return func(_ context.Context, in invocation) error { return printVersion(in.stdout) }
			}},
		{name: "help", args: "[COMMAND]", summary: "list the commands, or show one command's flags",
			flags: func(fs *flag.FlagSet) func(context.Context, invocation) error {
				return func(_ context.Context, in invocation) error { return help(fs.Args(), in.stdout) }
			}},
	}
}

func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "path of the YAML config file (default: the embedded default config)")
}

// run is main without the process: testable with its own context, args and
// outputs.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, onListen func(addr string)) error {
	name := defaultCommand
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "-h" || a == "-help" || a == "--help":
			return help(nil, stdout)
		case !strings.HasPrefix(a, "-"):
			name, args = a, args[1:]
		}
	}
	cmd, ok := lookup(name)
	if !ok {
		return fmt.Errorf("unknown command %q; `bridge help` lists them", name)
	}
	fs, action := cmd.flagSet()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			cmd.usage(fs, stdout)
			return nil
		}
		cmd.usage(fs, stderr)
		return err
	}
	if fs.NArg() > 0 && cmd.name != "help" {
		return fmt.Errorf("%s: unexpected arguments %q", cmd.name, fs.Args())
	}
	return action(ctx, invocation{stdout: stdout, stderr: stderr, onListen: onListen})
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// flagSet declares the command's flags. Parse errors are reported by run,
// with the command's usage.
func (c command) flagSet() (*flag.FlagSet, func(context.Context, invocation) error) {
	fs := flag.NewFlagSet("bridge "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs, c.flags(fs)
}

func (c command) usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, "Usage: %s\n\n%s.\n", strings.TrimSpace("bridge "+c.name+" "+c.args), upperFirst(c.summary))
	has := false
	fs.VisitAll(func(*flag.Flag) { has = true })
	if has {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

// help lists the commands, or shows the usage of the one named in args.
func help(args []string, stdout io.Writer) error {
	switch len(args) {
	case 0:
	case 1:
		cmd, ok := lookup(args[0])
		if !ok {
			return fmt.Errorf("help: unknown command %q; `bridge help` lists them", args[0])
		}
		fs, _ := cmd.flagSet()
		cmd.usage(fs, stdout)
		return nil
	default:
		return fmt.Errorf("help: one command at a time, not %q", args)
	}
	fmt.Fprintln(stdout, "bridge: the handoff bridge, from chatbot to human agent and back.")
	fmt.Fprintf(stdout, "\nUsage: bridge [COMMAND] [FLAGS]   (COMMAND defaults to %s)\n\nCommands:\n", defaultCommand)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\n`bridge help COMMAND` shows a command's flags. Without -config the embedded default config runs.")
	return nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
