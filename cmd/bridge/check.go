package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// check validates the config and reports what is enabled. It exits non-zero
// on any problem, each naming the key.
func check(ctx context.Context, configPath string, apply bool, stdout io.Writer) error {
	cfg, s, err := loadChecked(configPath, os.Environ())
	if err != nil {
		return err
	}
	source := configPath
	if source == "" {
		source = "embedded default"
	}
	fmt.Fprintf(stdout, "config: %s: OK\n", source)
	fmt.Fprintf(stdout, "listen: %s\n", cfg.HTTP.Listen)
	fmt.Fprintf(stdout, "store: %s\n", storeName(cfg.Store))
	fmt.Fprintf(stdout, "responder: %s\n", cfg.Responder.Kind)
	fmt.Fprintf(stdout, "handoff: enabled=%v, %d triggers, note prefix %q\n", s.Enabled, len(s.Triggers), s.NotePrefix)
	teams := make([]string, 0, len(s.Teams))
	for id, t := range s.Teams {
		teams = append(teams, fmt.Sprintf("  %s: workspace %s, channel %q, SLA %s, fallback %s", id, t.Workspace, t.Channel, t.SLA, t.Fallback))
	}
	slices.Sort(teams)
	fmt.Fprintf(stdout, "teams:\n%s\n", strings.Join(teams, "\n"))
	fmt.Fprintf(stdout, "agents: %d\n", len(s.Agents))
	for _, ch := range []struct {
		name string
		on   bool
	}{
		{"web widget", cfg.Channels.Web.Enabled}, {"web console", cfg.Console.Enabled},
		{"telegram", cfg.Channels.Telegram.Enabled}, {"whatsapp", cfg.Channels.WhatsApp.Enabled},
		{"discord users", cfg.Channels.Discord.Enabled},
		{"slack workspace", cfg.Slack.Enabled}, {"discord workspace", cfg.Discord.Enabled},
		{"mattermost workspace", cfg.Mattermost.Enabled},
		{"teams workspace", cfg.MSTeams.Enabled},
	} {
		state := "disabled"
		if ch.on {
			state = "enabled"
		}
		fmt.Fprintf(stdout, "%s: %s\n", ch.name, state)
	}
	fmt.Fprintf(stdout, "notifiers: %d\n", len(cfg.Notifiers))

	// Where credentials are present, test them against the platforms.
	var problems []string
	problems = append(problems, checkSlack(ctx, cfg, s)...)
	problems = append(problems, checkDiscord(ctx, cfg, s, stdout)...)
	problems = append(problems, checkMattermost(ctx, cfg, s, stdout)...)
	problems = append(problems, checkTeams(ctx, cfg, s, stdout)...)
	problems = append(problems, checkTelegram(ctx, cfg, apply, stdout)...)
	for _, p := range problems {
		fmt.Fprintln(stdout, "problem:", p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s) found", len(problems))
	}
	return ctx.Err()
}

// loadChecked reads the config and makes the parts that need no network
// (the settings, the responder, every email and webhook notifier),
// returning every problem at once, each naming its key: the file's own
// (unknown keys and bad values), then those only building a part finds
// (a template that fails, a knowledge base that does not parse), and the
// variables of environ (os.Environ's form; nil for none) that override
// nothing. A part whose keys already have a problem is not built again.
func loadChecked(configPath string, environ []string) (*config.Config, bridge.Settings, error) {
	cfg, err := config.Inspect(configPath, nil)
	if cfg == nil {
		return nil, bridge.Settings{}, err
	}
	reported := problemPaths(err)
	problems := []error{err}
	add := func(e error) {
		for p := range problemPaths(e) {
			if reported[p] {
				return
			}
			reported[p] = true
		}
		problems = append(problems, e)
	}
	s, serr := cfg.Settings()
	add(serr)
	if !reportedUnder(reported, "responder") {
		if _, rerr := newResponder(cfg.Responder); rerr != nil {
			path := "responder"
			if cfg.Responder.Kind == "knowledge_base" {
				path = "responder.knowledge_base.file"
			}
			add(&config.FieldError{Path: path, Err: rerr})
		}
	}
	for _, name := range sortedNames(cfg.Notifiers) {
		if !reportedUnder(reported, "notifiers."+name) {
			add(checkNotifier(cfg, name))
		}
	}
	problems = append(problems, cfg.UnusedOverrides(environ)...)
	if err := errors.Join(problems...); err != nil {
		return nil, bridge.Settings{}, err
	}
	return cfg, s, nil
}

// problemPaths lists the keys that the FieldErrors in err name.
func problemPaths(err error) map[string]bool {
	paths := map[string]bool{}
	var walk func(error)
	walk = func(err error) {
		switch x := err.(type) {
		case nil:
		case *config.FieldError:
			paths[x.Path] = true
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				walk(e)
			}
		default:
			walk(errors.Unwrap(err))
		}
	}
	walk(err)
	return paths
}

// reportedUnder reports a problem at key or below it.
func reportedUnder(reported map[string]bool, key string) bool {
	for p := range reported {
		if p == key || strings.HasPrefix(p, key+".") || strings.HasPrefix(p, key+"[") {
			return true
		}
	}
	return false
}
