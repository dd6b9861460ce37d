package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/handoffbridge/handoff/config"
)

// check validates the config and reports what is enabled. It exits non-zero
// on any problem, each naming the key.
func check(ctx context.Context, configPath string, apply bool, stdout io.Writer) error {
	cfg, err := config.Load(configPath, nil)
	if err != nil {
		return err
	}
	s, err := cfg.Settings()
	if err != nil {
		return err
	}
	if _, err := newResponder(cfg.Responder); err != nil {
		return fmt.Errorf("responder: %w", err)
	}
	if err := checkNotifiers(cfg); err != nil {
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
	problems = append(problems, checkTelegram(ctx, cfg, apply, stdout)...)
	for _, p := range problems {
		fmt.Fprintln(stdout, "problem:", p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s) found", len(problems))
	}
	return ctx.Err()
}
