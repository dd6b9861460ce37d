// Package config reads the bridge's configuration: one YAML file, every key
// overridable by an environment variable, validated as a whole with errors
// that name the key and say what is wrong. It is the only package that reads
// the configuration file or the environment.
//
// # Loading
//
// Load reads a file (or, with an empty path, the embedded default in
// default.yaml, also returned by Default) through the same code path, Parse:
//
//  1. built-in defaults for scalar keys (http.listen ":8080", …);
//  2. the YAML document; unknown or misspelt keys anywhere, including inside
//     map values and list items, are errors;
//  3. environment overrides (see below);
//  4. secrets named by *_env keys are resolved;
//  5. defaults that depend on other keys are filled in (a trigger's kind,
//     a team's workspace, the default team, …);
//  6. everything is validated, and all problems are returned at once.
//
// # Environment
//
// Every key can be overridden by BRIDGE_ followed by its path in upper case
// with "." (and any other character that is not a letter or a digit) turned
// into "_": http.listen is BRIDGE_HTTP_LISTEN, handoff.ai.min_confidence is
// BRIDGE_HANDOFF_AI_MIN_CONFIDENCE. Entries of the maps teams and notifiers
// can be overridden when the entry exists in the file: teams.support.sla is
// BRIDGE_TEAMS_SUPPORT_SLA, notifiers.email-ops.to is
// BRIDGE_NOTIFIERS_EMAIL_OPS_TO. Every message text can be overridden:
// BRIDGE_MESSAGES_WAITING. Lists of strings take comma-separated values.
// Lists of objects (handoff.triggers, agents) can only be set in the file.
// An empty variable counts as unset.
//
// # Secrets
//
// Secrets never appear in the file. A key ending in _env names the
// environment variable that holds the secret (slack.bot_token_env:
// SLACK_BOT_TOKEN); the value is resolved at load into a field of type
// Secret, which prints, logs and marshals as "[redacted]". A secret required
// by an enabled platform that is missing is a validation error.
//
// # Reload
//
// Watch (or NewWatcher and Run) watches the file's directory, so that
// editors that replace the file and symlink swaps (Kubernetes ConfigMaps)
// are seen, and reloads on change: a valid file is handed to onChange, a
// broken one to onError while the previous configuration stays in force.
package config
