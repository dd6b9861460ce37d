package main

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/adapters/console"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// consoleSessionKey names the key that signs console sessions among the
// bridge's keys.
const consoleSessionKey = "console.session"

// wireConsole plugs in the web agent console when console.enabled is set.
// With no agent given a console login in the config (the embedded default
// has no agents), it makes an admin login whose token is kept in the data
// folder and shown in the log on first start.
func wireConsole(w *wiring) error {
	if !w.cfg.Console.Enabled {
		return nil
	}
	logins := consoleLogins(w.cfg)
	var admin *console.Login
	if len(logins) == 0 {
		a, err := consoleAdmin(w)
		if err != nil {
			return err
		}
		admin = &a
		logins = append(logins, a)
	}
	fs, err := w.fileService()
	if err != nil {
		return err
	}
	// Sessions are signed with a key kept in the store, so that every
	// replica accepts them and they outlast a restart.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key, err := w.engine.Key(ctx, consoleSessionKey)
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	opts := console.Options{
		Engine: w.engine, Logins: logins, Logger: w.log.With("adapter", "console"), SessionKey: key, Fanout: w.liveFanout(),
		SecureCookie: strings.HasPrefix(w.cfg.HTTP.PublicURL, "https://"), NotePrefix: w.settings.NotePrefix,
		TrustedProxies: w.cfg.HTTP.TrustedProxyPrefixes(),
	}
	if fs != nil {
		opts.Files = fs // not a typed nil: the console sends no files then
	}
	c, err := console.New(opts)
	if err != nil {
		return err
	}
	w.engine.RegisterWorkspace(c)
	c.Mount(w.mux)
	w.health["console"] = c
	w.onReload(func(cfg *config.Config, s *bridge.Settings) {
		ls := consoleLogins(cfg)
		if admin != nil && len(ls) == 0 {
			// Still no agent with a login: the zero-config admin stays.
			ls = append(ls, *admin)
			s.Agents = append(slices.Clone(s.Agents), adminAgent(*admin, s.Teams))
		}
		c.SetLogins(ls)
	})
	return nil
}

// adminAgent is the engine's view of the zero-config admin: in every team.
func adminAgent(l console.Login, teams map[bridge.TeamID]*bridge.Team) *bridge.Agent {
	agent := &bridge.Agent{ID: bridge.AgentID(l.Name), Name: l.DisplayName, Admin: true,
		Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceConsole: l.Name}}
	for id := range teams {
		agent.Teams = append(agent.Teams, id)
	}
	return agent
}

// consoleLogins are the configured agents who have a console token or
// password.
func consoleLogins(cfg *config.Config) []console.Login {
	var out []console.Login
	for _, a := range cfg.Agents {
		if a.ConsoleToken.Reveal() == "" && a.ConsolePasswordHash.Reveal() == "" {
			continue
		}
		l := console.Login{Name: a.Name, DisplayName: a.DisplayName, Admin: a.Admin,
			Token: a.ConsoleToken.Reveal(), PasswordHash: a.ConsolePasswordHash.Reveal()}
		for _, t := range a.Teams {
			l.Teams = append(l.Teams, bridge.TeamID(t))
		}
		out = append(out, l)
	}
	return out
}

// consoleAdmin makes the zero-config admin: a console login in every team,
// added to the engine's agents so that its actions are authorised.
func consoleAdmin(w *wiring) (console.Login, error) {
	name := console.AdminName
	for _, a := range w.settings.Agents {
		if strings.EqualFold(string(a.ID), name) {
			name = "console-admin"
		}
	}
	var token string
	created := true
	dir := dataDir(w.cfg.Store.DSN)
	if t := w.cfg.Console.AdminToken.Reveal(); t != "" {
		token, created = t, false // from the environment: the same on every replica
	} else if dir == "" {
		token = console.NewToken() // an in-memory store: the token lives as long as the process
	} else {
		var err error
		if token, created, err = console.LoadOrCreateAdminToken(filepath.Join(dir, console.AdminTokenFile)); err != nil {
			return console.Login{}, err
		}
	}
	l := console.Login{Name: name, DisplayName: "Admin", Admin: true, Token: token}
	for id := range w.settings.Teams {
		l.Teams = append(l.Teams, id)
	}
	s := w.settings
	s.Agents = append(slices.Clone(s.Agents), adminAgent(l, s.Teams))
	w.engine.Apply(s)
	w.settings = s

	url := consoleURL(w.cfg.HTTP)
	if created {
		// Shown once, as the way in for a first run; later starts name the file.
		w.log.Warn("console login: "+url+", token "+token, "agent", name,
			"note", "no agent has a console login in the config; this admin token is kept in "+filepath.Join(dir, console.AdminTokenFile))
	} else if w.cfg.Console.AdminTokenEnv != "" {
		w.log.Info("console login: "+url+", admin token in $"+w.cfg.Console.AdminTokenEnv, "agent", name)
	} else {
		w.log.Info("console login: "+url+", admin token in "+filepath.Join(dir, console.AdminTokenFile), "agent", name)
	}
	return l, nil
}

// dataDir is the folder of the SQLite file, "" for an in-memory store.
func dataDir(dsn string) string {
	p := strings.TrimPrefix(dsn, "file:")
	p, _, _ = strings.Cut(p, "?")
	if p == "" || strings.Contains(p, ":memory:") || strings.HasPrefix(dsn, "file::") {
		return ""
	}
	return filepath.Dir(p)
}

// consoleURL is where agents open the console.
func consoleURL(h config.HTTP) string {
	if h.PublicURL != "" {
		return strings.TrimSuffix(h.PublicURL, "/") + console.Prefix
	}
	host, port, err := net.SplitHostPort(h.Listen)
	if err != nil {
		return console.Prefix
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + console.Prefix
}
