package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// FieldError is one problem of a configuration: the key path (such as
// "teams.support.sla" or "handoff.triggers[0].team") and what is wrong.
type FieldError struct {
	Path string
	Err  error
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

// problems collects the FieldErrors of a configuration, the first one only
// for each path.
type problems struct {
	errs []error
	seen map[string]bool
}

func (p *problems) add(path string, err error) {
	if p.seen[path] {
		return
	}
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	p.seen[path] = true
	p.errs = append(p.errs, &FieldError{Path: path, Err: err})
}

func (p *problems) addf(path, format string, args ...any) {
	p.add(path, fmt.Errorf(format, args...))
}

// oneOf reports value unless it is one of allowed.
func (p *problems) oneOf(path, what, value string, allowed ...string) bool {
	if slices.Contains(allowed, value) {
		return true
	}
	p.addf(path, "unknown %s %q, want %s", what, value, orList(allowed))
	return false
}

func (p *problems) err() error { return errors.Join(p.errs...) }

// orList formats "a, b or c".
func orList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// Validate checks the whole configuration and returns every problem found,
// joined; each is a *FieldError. Load and Parse call it.
func (c *Config) Validate() error {
	var p problems
	c.validate(&p)
	return p.err()
}

func (c *Config) validate(p *problems) {
	c.HTTP.validate(p)
	c.Log.validate(p)
	c.Store.validate(p)
	c.validateHandoff(p)
	c.validateMattermost(p)
	c.validateTeams(p)
	c.validateAgents(p)
	c.validateConsole(p)
	validateMessages(c.Messages, p)
	c.Responder.validate(p)
	c.validateChannels(p)
	c.validatePlatforms(p)
	c.validateMSTeams(p)
	c.validateNotifiers(p)
	c.validateIntegrations(p)
}

func (s Store) validate(p *problems) {
	p.oneOf("store.driver", "driver", s.Driver, "sqlite", "postgres")
	if s.MaxConns < 0 {
		p.addf("store.max_conns", "must not be negative")
	}
	switch s.Driver {
	case "sqlite":
		if strings.TrimSpace(s.DSN) == "" {
			p.addf("store.dsn", "must not be empty")
		}
		if s.MaxConns != 0 {
			p.addf("store.max_conns", "applies to driver postgres only")
		}
	case "postgres":
		if s.dsnInFile {
			p.addf("store.dsn", "must not be set with driver postgres: its DSN holds a password; put it in the environment variable store.dsn_env names")
		}
		requiredSecret(p, "store.dsn_env", s.DSNEnv, s.PostgresDSN, "store.driver is postgres")
	}
}
