package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestValidationErrors(t *testing.T) {
	const team = "teams: {support: {workspace: console}}\n"
	tests := []struct {
		name string
		yaml string
		env  []string
		path string // must be named
		text string // and this must appear in the message, if set
	}{
		{"unknown team in trigger", team + "handoff: {triggers: [{name: a, phrases: [x], team: sales}]}", nil, "handoff.triggers[0].team", `unknown team "sales"`},
		{"unknown team in agent", team + "agents: [{name: ana, teams: [support, sales]}]", nil, "agents[0].teams[1]", `unknown team "sales"`},
		{"unknown default team", team + "handoff: {default_team: sales}", nil, "handoff.default_team", `unknown team "sales"`},
		{"unknown ai team", team + "handoff: {ai: {team: sales}}", nil, "handoff.ai.team", `unknown team "sales"`},
		{"trigger without team and no default", "teams: {a: {}, b: {}}\nhandoff: {triggers: [{name: x, phrases: [y]}]}", nil, "handoff.triggers[0].team", "default_team"},
		{"no teams", "handoff: {enabled: true}", nil, "teams", "at least one team"},
		{"workspace not enabled", "teams: {support: {workspace: slack, channel: C1}}", nil, "teams.support.workspace", "slack.enabled"},
		{"console disabled", team + "console: {enabled: false}", nil, "teams.support.workspace", "console.enabled"},
		{"unknown workspace", "teams: {support: {workspace: teams}}", nil, "teams.support.workspace", `unknown workspace "teams"`},
		{"channel missing", "teams: {support: {workspace: discord}}\ndiscord: {enabled: true}", []string{"DISCORD_BOT_TOKEN=t"}, "teams.support.channel", "required"},
		{"bad sla", "teams: {support: {sla: soon}}", nil, "teams.support.sla", "bad duration"},
		{"sla without unit", "teams: {support: {sla: 180}}", nil, "teams.support.sla", "write a unit"},
		{"negative sla", "teams: {support: {sla: -1m}}", nil, "teams.support.sla", "negative"},
		{"bad responder timeout", team + "responder: {timeout: 0s}", nil, "responder.timeout", "positive"},
		{"bad fallback", "teams: {support: {fallback: email}}", nil, "teams.support.fallback", `unknown fallback "email"`},
		{"canned reply with an unknown placeholder", "teams: {support: {canned_replies: [{name: hi, text: 'Hi {customer}'}]}}", nil, "teams.support.canned_replies[0].text", "unknown placeholder {customer}"},
		{"canned reply without a name", "teams: {support: {canned_replies: [{text: hi}]}}", nil, "teams.support.canned_replies[0].name", "must not be empty"},
		{"canned reply name with a space", "teams: {support: {canned_replies: [{name: 'a b', text: hi}]}}", nil, "teams.support.canned_replies[0].name", "without spaces"},
		{"duplicate canned reply", "teams: {support: {canned_replies: [{name: Hi, text: a}, {name: hi, text: b}]}}", nil, "teams.support.canned_replies[1].name", "duplicate canned reply"},
		{"empty canned reply", "teams: {support: {canned_replies: [{name: hi, text: ' '}]}}", nil, "teams.support.canned_replies[0].text", "must not be empty"},
		{"bad summary", "teams: {support: {summary: gpt}}", nil, "teams.support.summary", `unknown summary "gpt"`},
		{"summary timeout without unit", "handoff: {summary_timeout: 5}", nil, "handoff.summary_timeout", "write a unit"},
		{"bad assignment", "teams: {support: {assignment: random}}", nil, "teams.support.assignment", `unknown assignment "random"`},
		{"zero offer timeout", "teams: {support: {offer_timeout: 0s}}", nil, "teams.support.offer_timeout", "must be positive"},
		{"negative capacity", "teams: {support: {max_active_per_agent: -1}}", nil, "teams.support.max_active_per_agent", "must not be negative"},
		{"bad priority", team + "handoff: {triggers: [{name: a, phrases: [x], priority: top}]}", nil, "handoff.triggers[0].priority", `unknown priority "top"`},
		{"bad action", team + "handoff: {triggers: [{name: a, phrases: [x], action: escalate}]}", nil, "handoff.triggers[0].action", `unknown action "escalate"`},
		{"bad kind", team + "handoff: {triggers: [{name: a, phrases: [x], kind: mood}]}", nil, "handoff.triggers[0].kind", `unknown kind "mood"`},
		{"bad ai action", team + "handoff: {ai: {action: maybe}}", nil, "handoff.ai.action", `unknown action "maybe"`},
		{"bad ai priority", team + "handoff: {ai: {priority: top}}", nil, "handoff.ai.priority", `unknown priority`},
		{"empty phrases", team + "handoff: {triggers: [{name: a, phrases: []}]}", nil, "handoff.triggers[0].phrases", "at least one phrase"},
		{"blank phrase", team + "handoff: {triggers: [{name: a, phrases: [ok, '  ']}]}", nil, "handoff.triggers[0].phrases[1]", "empty"},
		{"duplicate trigger", team + "handoff: {triggers: [{name: a, phrases: [x]}, {name: a, phrases: [y]}]}", nil, "handoff.triggers[1].name", "duplicate"},
		{"duplicate agent", team + "agents: [{name: ana}, {name: bob}, {name: Ana}]", nil, "agents[2].name", "duplicate agent name"},
		{"duplicate agent id", team + "slack: {enabled: true}\nagents: [{name: ana, slack: U1}, {name: bob, slack: U1}]", []string{"SLACK_BOT_TOKEN=b", "SLACK_APP_TOKEN=a"}, "agents[1].slack", "agents[0]"},
		{"bad password hash", team + "agents: [{name: ana, console_password_hash: hunter2}]", nil, "agents[0].console_password_hash", "bcrypt"},
		{"min_confidence too high", team + "handoff: {ai: {min_confidence: 1.5}}", nil, "handoff.ai.min_confidence", "outside 0..1"},
		{"min_confidence negative", team + "handoff: {ai: {min_confidence: -0.1}}", nil, "handoff.ai.min_confidence", "outside 0..1"},
		{"bad listen", team + "http: {listen: '8080'}", nil, "http.listen", "bad listen address"},
		{"bad listen port", team + "http: {listen: ':99999'}", nil, "http.listen", "bad port"},
		{"bad public url", team + "http: {public_url: 'chat.example.com'}", nil, "http.public_url", "absolute"},
		{"upload limit zero", team + "channels: {web: {uploads: {max_bytes: 0}}}", nil, "channels.web.uploads.max_bytes", "positive"},
		{"upload type not a media type", team + "channels: {web: {uploads: {allowed_types: ['image/png', 'pdf']}}}", nil, "channels.web.uploads.allowed_types[1]", "not a media type"},
		{"zero read timeout", team + "http: {read_timeout: 0s}", nil, "http.read_timeout", "positive"},
		{"negative idle timeout", team + "http: {idle_timeout: -1s}", nil, "http.idle_timeout", "positive"},
		{"tiny header limit", team + "http: {max_header_bytes: 100}", nil, "http.max_header_bytes", "at least 4096"},
		{"no widget sockets", team + "channels: {web: {max_sockets_per_client: 0}}", nil, "channels.web.max_sockets_per_client", "positive"},
		{"bad trusted proxy", team + "http: {trusted_proxies: ['10.0.0.0/8', '10.0.0.0/33']}", nil, "http.trusted_proxies[1]", "CIDR"},
		{"bad log level", team + "log: {level: loud}", nil, "log.level", `unknown level "loud"`},
		{"bad log format", team + "log: {format: xml}", nil, "log.format", `unknown format "xml"`},
		{"bad store driver", team + "store: {driver: mysql}", nil, "store.driver", `unknown driver`},
		{"postgres dsn in the file", team + "store: {driver: postgres, dsn: 'postgres://bridge:pw@db/bridge'}", []string{"DATABASE_URL=postgres://db/bridge"}, "store.dsn", "holds a password"},
		{"postgres dsn variable empty", team + "store: {driver: postgres}", nil, "store.dsn_env", "DATABASE_URL is empty"},
		{"postgres dsn variable unnamed", team + "store: {driver: postgres, dsn_env: ''}", nil, "store.dsn_env", "must name an environment variable"},
		{"pool size with sqlite", team + "store: {max_conns: 8}", nil, "store.max_conns", "postgres only"},
		{"negative pool size", team + "store: {driver: postgres, max_conns: -1}", []string{"DATABASE_URL=postgres://db/bridge"}, "store.max_conns", "negative"},
		{"postgres without a shared console admin token", team + "store: {driver: postgres}", []string{"DATABASE_URL=postgres://db/bridge"}, "console.admin_token_env", "each would make a token of its own"},
		{"console admin token variable empty", team + "console: {admin_token_env: CONSOLE_ADMIN}", nil, "console.admin_token_env", "CONSOLE_ADMIN is empty"},
		{"console admin token too short", team + "console: {admin_token_env: CONSOLE_ADMIN}", []string{"CONSOLE_ADMIN=short"}, "console.admin_token_env", "at least 16 characters"},
		{"bad timezone", "teams: {support: {hours: {timezone: Mars/Olympus, open: '09:00', close: '17:00'}}}", nil, "teams.support.hours.timezone", "unknown time zone"},
		{"bad open", "teams: {support: {hours: {open: '9am', close: '17:00'}}}", nil, "teams.support.hours.open", "HH:MM"},
		{"bad close", "teams: {support: {hours: {open: '09:00', close: '25:00'}}}", nil, "teams.support.hours.close", "HH:MM"},
		{"empty window", "teams: {support: {hours: {open: '09:00', close: '09:00'}}}", nil, "teams.support.hours.close", "equals open"},
		{"bad days", "teams: {support: {hours: {days: [mon, fryday], open: '09:00', close: '17:00'}}}", nil, "teams.support.hours.days[1]", "bad day"},
		{"bad day range", "teams: {support: {hours: {days: mon-fry, open: '09:00', close: '17:00'}}}", nil, "teams.support.hours.days[0]", "bad day"},
		{"undefined notifier", "teams: {support: {notify: [ops]}}", nil, "teams.support.notify[0]", `notifier "ops" is not defined`},
		{"unknown notifier kind", team + "notifiers: {ops: {kind: pigeon}}", nil, "notifiers.ops.kind", `unknown kind "pigeon"`},
		{"unknown notifier event", team + "notifiers: {ops: {kind: webhook, url: 'https://x.example', secret_env: S, events: [handoff.exploded]}}", []string{"S=s"}, "notifiers.ops.events[0]", "unknown event"},
		{"notifier key of another kind", team + "notifiers: {ops: {kind: webhook, url: 'https://x.example', secret_env: S, smtp: 'a:25'}}", []string{"S=s"}, "notifiers.ops.smtp", "not used by kind webhook"},
		{"email notifier without recipients", team + "notifiers: {ops: {kind: email, smtp: 'smtp.example.com:587', from: a@example.com}}", nil, "notifiers.ops.to", "at least one"},
		{"email notifier bad tls", team + "notifiers: {ops: {kind: email, smtp: 'smtp.example.com:587', from: a@example.com, to: [b@example.com], tls: ssl}}", nil, "notifiers.ops.tls", `unknown tls mode "ssl"`},
		{"email notifier login in clear", team + "notifiers: {ops: {kind: email, smtp: 'localhost:25', from: a@example.com, to: [b@example.com], tls: none, username: u, password_env: P}}", []string{"P=p"}, "notifiers.ops.tls", "in clear"},
		{"email notifier negative digest", team + "notifiers: {ops: {kind: email, smtp: 'smtp.example.com:587', from: a@example.com, to: [b@example.com], digest_threshold: -1}}", nil, "notifiers.ops.digest_threshold", "negative"},
		{"email notifier digest window without unit", team + "notifiers: {ops: {kind: email, smtp: 'smtp.example.com:587', from: a@example.com, to: [b@example.com], digest_window: 60}}", nil, "notifiers.ops.digest_window", "write a unit"},
		{"template on a webhook", team + "notifiers: {ops: {kind: webhook, url: 'https://x.example', secret_env: S, subject_template: x}}", []string{"S=s"}, "notifiers.ops.subject_template", "not used by kind webhook"},
		{"webhook notifier secret missing", team + "notifiers: {hook: {kind: webhook, url: 'https://x.example', secret_env: HOOK_SECRET}}", nil, "notifiers.hook.secret_env", "HOOK_SECRET is empty"},
		{"slack notifier, slack off", team + "notifiers: {alert: {kind: slack}}", nil, "notifiers.alert.kind", "slack.enabled"},
		{"slack token missing", team + "slack: {enabled: true}", []string{"SLACK_APP_TOKEN=a"}, "slack.bot_token_env", "environment variable SLACK_BOT_TOKEN is empty"},
		{"slack app token missing", team + "slack: {enabled: true, app_token_env: MY_APP_TOKEN}", []string{"SLACK_BOT_TOKEN=b"}, "slack.app_token_env", "MY_APP_TOKEN is empty"},
		{"slack signing secret missing", team + "slack: {enabled: true, mode: http}", []string{"SLACK_BOT_TOKEN=b"}, "slack.signing_secret_env", "SLACK_SIGNING_SECRET is empty"},
		{"slack bad mode", team + "slack: {enabled: true, mode: rtm}", []string{"SLACK_BOT_TOKEN=b"}, "slack.mode", `unknown mode "rtm"`},
		{"slack env name empty", team + "slack: {enabled: true, bot_token_env: ''}", []string{"SLACK_APP_TOKEN=a"}, "slack.bot_token_env", "must name an environment variable"},
		{"discord token missing", team + "discord: {enabled: true}", nil, "discord.bot_token_env", "DISCORD_BOT_TOKEN is empty"},
		{"discord bad public key", team + "discord: {enabled: true, public_key: xyz}", []string{"DISCORD_BOT_TOKEN=d"}, "discord.public_key", "hexadecimal"},
		{"discord archive delay without unit", team + "discord: {enabled: true, archive_after: 60}", []string{"DISCORD_BOT_TOKEN=d"}, "discord.archive_after", "write a unit"},
		{"discord stale_after without unit", team + "discord: {enabled: true, stale_after: 120}", []string{"DISCORD_BOT_TOKEN=d"}, "discord.stale_after", "write a unit"},
		{"discord stale_after zero", team + "discord: {enabled: true, stale_after: 0s}", []string{"DISCORD_BOT_TOKEN=d"}, "discord.stale_after", "must be positive"},
		{"discord stale_after under a heartbeat", team + "discord: {enabled: true, stale_after: 30s}", []string{"DISCORD_BOT_TOKEN=d"}, "discord.stale_after", "at least 1m"},
		{"discord channel without bot", team + "channels: {discord: {enabled: true}}", nil, "channels.discord.enabled", "discord.enabled"},
		{"telegram token missing", team + "channels: {telegram: {enabled: true}}", nil, "channels.telegram.token_env", "TELEGRAM_BOT_TOKEN is empty"},
		{"telegram webhook secret missing", team + "http: {public_url: 'https://x.example'}\nchannels: {telegram: {enabled: true, mode: webhook}}", []string{"TELEGRAM_BOT_TOKEN=t"}, "channels.telegram.webhook_secret_env", "TELEGRAM_WEBHOOK_SECRET is empty"},
		{"telegram webhook without public url", team + "channels: {telegram: {enabled: true, mode: webhook}}", []string{"TELEGRAM_BOT_TOKEN=t", "TELEGRAM_WEBHOOK_SECRET=s"}, "http.public_url", "required"},
		{"telegram bad mode", team + "channels: {telegram: {enabled: true, mode: push}}", []string{"TELEGRAM_BOT_TOKEN=t"}, "channels.telegram.mode", `unknown mode "push"`},
		{"whatsapp secrets missing", team + "channels: {whatsapp: {enabled: true, phone_number_id: '1'}}", []string{"WHATSAPP_TOKEN=t", "WHATSAPP_VERIFY_TOKEN=v"}, "channels.whatsapp.app_secret_env", "WHATSAPP_APP_SECRET is empty"},
		{"mattermost token missing", team + "http: {public_url: 'https://x.example'}\nmattermost: {enabled: true, url: 'https://mm.example'}", nil, "mattermost.token_env", "MATTERMOST_TOKEN is empty"},
		{"mattermost without url", team + "http: {public_url: 'https://x.example'}\nmattermost: {enabled: true}", []string{"MATTERMOST_TOKEN=m"}, "mattermost.url", "required"},
		{"mattermost bad url", team + "http: {public_url: 'https://x.example'}\nmattermost: {enabled: true, url: 'mm.example'}", []string{"MATTERMOST_TOKEN=m"}, "mattermost.url", "absolute"},
		{"mattermost without public url", team + "mattermost: {enabled: true, url: 'https://mm.example'}", []string{"MATTERMOST_TOKEN=m"}, "http.public_url", "buttons"},
		{"mattermost team while off", "teams: {support: {workspace: mattermost, channel: c1}}", nil, "teams.support.workspace", "mattermost.enabled"},
		{"mattermost agent while off", team + "agents: [{name: ana, mattermost: u1}]", nil, "agents[0].mattermost", "mattermost.enabled is false"},
		{"slack pacing off", team + "slack: {enabled: true, posts_per_second: 0}", []string{"SLACK_BOT_TOKEN=x", "SLACK_APP_TOKEN=y"}, "slack.posts_per_second", "positive"},
		{"slack burst zero", team + "slack: {enabled: true, post_burst: 0}", []string{"SLACK_BOT_TOKEN=x", "SLACK_APP_TOKEN=y"}, "slack.post_burst", "at least 1"},
		{"slack stale_after without unit", team + "slack: {enabled: true, stale_after: 120}", []string{"SLACK_BOT_TOKEN=x", "SLACK_APP_TOKEN=y"}, "slack.stale_after", "write a unit"},
		{"slack stale_after zero", team + "slack: {enabled: true, stale_after: 0s}", []string{"SLACK_BOT_TOKEN=x", "SLACK_APP_TOKEN=y"}, "slack.stale_after", "must be positive"},
		{"slack bad api url", team + "slack: {enabled: true, api_url: 'slack.com/api'}", []string{"SLACK_BOT_TOKEN=x", "SLACK_APP_TOKEN=y"}, "slack.api_url", "absolute"},
		{"discord bad api url", team + "discord: {enabled: true, api_url: 'discord.com'}", []string{"DISCORD_BOT_TOKEN=x"}, "discord.api_url", "absolute"},
		{"telegram bad api url", team + "channels: {telegram: {enabled: true, api_url: 'api.telegram.org'}}", []string{"TELEGRAM_BOT_TOKEN=t"}, "channels.telegram.api_url", "absolute"},
		{"whatsapp bad api version", team + "channels: {whatsapp: {enabled: true, phone_number_id: '1', api_version: '21'}}", []string{"WHATSAPP_TOKEN=t", "WHATSAPP_APP_SECRET=a", "WHATSAPP_VERIFY_TOKEN=v"}, "channels.whatsapp.api_version", "v21.0"},
		{"whatsapp template without language", team + "channels: {whatsapp: {enabled: true, phone_number_id: '1', template_name: reopen, template_language: ''}}", []string{"WHATSAPP_TOKEN=t", "WHATSAPP_APP_SECRET=a", "WHATSAPP_VERIFY_TOKEN=v"}, "channels.whatsapp.template_language", "required"},
		{"whatsapp phone number missing", team + "channels: {whatsapp: {enabled: true}}", []string{"WHATSAPP_TOKEN=t", "WHATSAPP_APP_SECRET=a", "WHATSAPP_VERIFY_TOKEN=v"}, "channels.whatsapp.phone_number_id", "required"},
		{"bad origin", team + "channels: {web: {allowed_origins: ['https://ok.example', 'https://x.example/page']}}", nil, "channels.web.allowed_origins[1]", "bad origin"},
		{"bad max message bytes", team + "channels: {web: {max_message_bytes: 0}}", nil, "channels.web.max_message_bytes", "positive"},
		{"web session secret missing", team + "channels: {web: {session_secret_env: SESSION_KEY}}", nil, "channels.web.session_secret_env", "SESSION_KEY is empty"},
		{"agent console token missing", team + "agents: [{name: ana, console_token_env: ANA_TOKEN}]", nil, "agents[0].console_token_env", "ANA_TOKEN is empty"},
		{"unknown responder", team + "responder: {kind: oracle}", nil, "responder.kind", `unknown kind "oracle"`},
		{"openai without model", team + "responder: {kind: openai}", nil, "responder.openai.model", "required"},
		{"openai bad temperature", team + "responder: {kind: openai, openai: {model: m, temperature: 3}}", nil, "responder.openai.temperature", "outside 0..2"},
		{"openai key missing", team + "responder: {kind: openai, openai: {model: m, api_key_env: OPENAI_API_KEY}}", nil, "responder.openai.api_key_env", "OPENAI_API_KEY is empty"},
		{"webhook responder url", team + "responder: {kind: webhook}", nil, "responder.webhook.url", "absolute"},
		{"knowledge base file missing", team + "responder: {knowledge_base: {file: /nonexistent/kb.yaml}}", nil, "responder.knowledge_base.file", "cannot read"},
		{"empty message", team + "messages: {waiting: ''}", nil, "messages.waiting", "must not be empty"},
		{"unknown message", team + "messages: {wating: hi}", nil, "messages.wating", "unknown message"},
		{"wrong type", team + "handoff: {enabled: perhaps}", nil, "handoff.enabled", ""},
		{"mixed-case team reference", team + "handoff: {default_team: Support}", nil, "handoff.default_team", "lower case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadYAML(t, tt.yaml+"\n", envOf(tt.env...))
			if err == nil {
				t.Fatal("no error")
			}
			var found *FieldError
			for _, e := range flatten(err) {
				if fe, ok := e.(*FieldError); ok && fe.Path == tt.path {
					found = fe
				}
			}
			if found == nil {
				t.Fatalf("no error names %s:\n%v", tt.path, err)
			}
			if !strings.Contains(err.Error(), tt.path+": ") {
				t.Errorf("message does not start with the path:\n%v", err)
			}
			if tt.text != "" && !strings.Contains(found.Error(), tt.text) {
				t.Errorf("error %q does not say %q", found, tt.text)
			}
		})
	}
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if _, ok := err.(*FieldError); !ok {
		if e := errors.Unwrap(err); e != nil {
			return flatten(e)
		}
	}
	return []error{err}
}

func TestValidationReportsEverythingAtOnce(t *testing.T) {
	_, err := loadYAML(t, `
http: {listen: nowhere, lisen: x}
teams:
  support: {workspace: slack, sla: soon, typo: 1}
handoff:
  default_team: sales
  triggers: [{name: a, phrases: [], priority: top}]
  ai: {min_confidence: 2}
agents: [{name: ana}, {name: ana}]
`, NoEnv)
	want := []string{
		"http.listen", "http.lisen", "teams.support.workspace", "teams.support.sla", "teams.support.typo",
		"handoff.default_team", "handoff.triggers[0].phrases", "handoff.triggers[0].priority",
		"handoff.ai.min_confidence", "agents[1].name", "teams.support.channel",
	}
	got := fieldPaths(err)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %s in:\n%v", w, err)
		}
	}
	// A team with a misspelt key is still known: no cascade of "unknown team".
	if strings.Contains(err.Error(), `unknown team "support"`) {
		t.Errorf("cascading error:\n%v", err)
	}
}

func TestValidateHandBuiltConfig(t *testing.T) {
	c := Default()
	c.Teams = map[string]Team{"support": {Workspace: "console", Fallback: "none"}}
	c.Handoff.AI.MinConfidence = 3
	if err := c.Validate(); err == nil || !slices.Contains(fieldPaths(err), "handoff.ai.min_confidence") {
		t.Errorf("Validate = %v", err)
	}
}
