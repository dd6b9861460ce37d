package config

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"

	"github.com/spf13/viper"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the embedded default configuration file, the one used
// when there is no file at all.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Default returns the embedded default configuration, without environment
// overrides: the web widget and the agent console on :8080, SQLite at
// data/bridge.db, the knowledge-base responder with its built-in sample, and
// one team, support, answering in the console.
func Default() *Config {
	c, err := Parse(defaultYAML, NoEnv)
	if err != nil {
		// The embedded file is tested; this is a build defect.
		panic(fmt.Errorf("config: embedded default.yaml is invalid: %w", err))
	}
	return c
}

// NoEnv is an empty environment.
func NoEnv(string) (string, bool) { return "", false }

// Load reads and validates the configuration file at path; an empty path
// means the embedded default. env looks environment variables up for
// overrides and secrets; nil means os.LookupEnv.
func Load(path string, env LookupEnv) (*Config, error) {
	c, err := Inspect(path, env)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Inspect is Load that, when the configuration has problems, also returns
// it as far as it could be decoded (nil only when the file cannot be read
// or is not YAML), for `bridge check` to run its further checks on and
// report every problem at once. A configuration with problems must not be
// run.
func Inspect(path string, env LookupEnv) (*Config, error) {
	if env == nil {
		env = os.LookupEnv
	}
	if path == "" {
		c, err := parse(defaultYAML, env)
		if err != nil {
			return c, fmt.Errorf("default config: %w", err)
		}
		return c, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := parse(data, env)
	if err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Parse reads a configuration from YAML bytes, applies defaults and the
// environment (nil means os.LookupEnv), resolves secrets and validates the
// result. On error it returns every problem found, each a *FieldError,
// joined.
func Parse(data []byte, env LookupEnv) (*Config, error) {
	c, err := parse(data, env)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// parse is Parse returning the configuration even when it has problems
// (nil when the YAML does not parse).
func parse(data []byte, env LookupEnv) (*Config, error) {
	if env == nil {
		env = os.LookupEnv
	}
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("reading YAML: %w", err)
	}
	keys := leaves(v)
	for _, l := range keys {
		if l.def != nil {
			v.SetDefault(l.key, l.def)
		}
		if val, ok := env(l.env); ok && val != "" {
			v.Set(l.key, val)
		}
	}
	var (
		c Config
		p problems
	)
	// UnmarshalExact reports unknown keys and values of the wrong type, but
	// drops the whole map entry or list item they occur in. Validating the
	// lenient decoding instead avoids a cascade of "unknown team" errors for
	// a team with one misspelt key.
	p.unknownRawKeys(data) // first: its reports name the key meant
	if err := v.UnmarshalExact(new(Config), decodeHooks(true)); err != nil {
		p.decodeErrors(err)
	}
	if err := v.Unmarshal(&c, decodeHooks(false)); err != nil && len(p.errs) == 0 {
		p.decodeErrors(err)
	}
	c.normalizeHandoff()
	c.Store.dsnInFile = v.InConfig("store.dsn")
	for _, l := range keys {
		c.overrides = append(c.overrides, l.env)
	}
	c.resolveSecrets(env)
	c.validate(&p)
	return &c, p.err()
}
