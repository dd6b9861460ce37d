package config

// Config is the whole configuration file. Field tags name the YAML keys
// (mapstructure) and the built-in defaults (default); see the package
// documentation for how it is loaded.
type Config struct {
	HTTP      HTTP                `mapstructure:"http"`
	Log       Log                 `mapstructure:"log"`
	Store     Store               `mapstructure:"store"`
	Handoff   Handoff             `mapstructure:"handoff"`
	Teams     map[string]Team     `mapstructure:"teams"`
	Agents    []Agent             `mapstructure:"agents"`
	Messages  map[string]string   `mapstructure:"messages"`
	Responder Responder           `mapstructure:"responder"`
	Channels  Channels            `mapstructure:"channels"`
	Slack     Slack               `mapstructure:"slack"`
	Discord   Discord             `mapstructure:"discord"`
	Notifiers map[string]Notifier `mapstructure:"notifiers"`
	Console   Console             `mapstructure:"console"`
	// Integrations are outside bots using the handoff API (/api/v1).
	Integrations map[string]Integration `mapstructure:"integrations"`
	// PProf mounts net/http/pprof under /debug/pprof.
	PProf bool `mapstructure:"pprof" default:"false"`

	// overrides are the environment variables that override a key of
	// this configuration, and secretEnvs those its *_env keys name: what
	// UnusedOverrides does not report.
	overrides  []string
	secretEnvs []string
}

// Store is the database.
type Store struct {
	// Driver is the store implementation; only "sqlite" exists today.
	Driver string `mapstructure:"driver" default:"sqlite"`
	// DSN is the data source name, for SQLite a file path or "file:" URI.
	DSN string `mapstructure:"dsn" default:"data/bridge.db"`
}

// Console is the built-in web agent console.
type Console struct {
	Enabled bool `mapstructure:"enabled" default:"true"`
}
