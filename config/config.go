package config

// Config is the whole configuration file. Field tags name the YAML keys
// (mapstructure) and the built-in defaults (default); see the package
// documentation for how it is loaded.
type Config struct {
	HTTP      HTTP              `mapstructure:"http"`
	Log       Log               `mapstructure:"log"`
	Store     Store             `mapstructure:"store"`
	Handoff   Handoff           `mapstructure:"handoff"`
	Teams     map[string]Team   `mapstructure:"teams"`
	Agents    []Agent           `mapstructure:"agents"`
	Messages  map[string]string `mapstructure:"messages"`
	Responder Responder         `mapstructure:"responder"`
	Channels  Channels          `mapstructure:"channels"`
	Slack     Slack             `mapstructure:"slack"`
	Discord   Discord           `mapstructure:"discord"`
	// Mattermost is a Mattermost server as an agent workspace.
	Mattermost Mattermost `mapstructure:"mattermost"`
	// MSTeams is a Microsoft Teams bot as an agent workspace.
	MSTeams   MSTeams             `mapstructure:"msteams"`
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
	// Driver is the store implementation: sqlite (one process, the
	// default) or postgres (one or several replicas on a shared database).
	Driver string `mapstructure:"driver" default:"sqlite"`
	// DSN is the data source name of SQLite: a file path or "file:" URI.
	// PostgreSQL's comes from the environment (DSNEnv).
	DSN string `mapstructure:"dsn" default:"data/bridge.db"`
	// DSNEnv names the environment variable holding PostgreSQL's DSN (a
	// postgres:// URL or key=value string). Never in the file: it holds a
	// password.
	DSNEnv string `mapstructure:"dsn_env" default:"DATABASE_URL"`
	// MaxConns is the size of PostgreSQL's connection pool per replica; 0
	// means the larger of 4 and the number of CPUs.
	MaxConns int `mapstructure:"max_conns" default:"0"`

	// PostgresDSN is resolved from DSNEnv when the driver is postgres.
	PostgresDSN Secret `mapstructure:"-"`
	// dsnInFile: the file itself sets dsn (refused for postgres).
	dsnInFile bool
}

// Console is the built-in web agent console.
type Console struct {
	Enabled bool `mapstructure:"enabled" default:"true"`
	// AdminTokenEnv names the environment variable holding the token of
	// the admin the bridge makes when no agent has a console login. Empty:
	// the bridge makes the token at first start and keeps it in the data
	// folder, which only one process (SQLite) can do.
	AdminTokenEnv string `mapstructure:"admin_token_env" default:""`

	// AdminToken is resolved from AdminTokenEnv.
	AdminToken Secret `mapstructure:"-"`
}
