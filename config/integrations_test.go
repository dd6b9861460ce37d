package config

import (
	"slices"
	"strings"
	"testing"
)

const integrationTeams = `
teams:
  support: {workspace: console}
  sales: {workspace: console}
handoff: {default_team: support}
`

var integrationEnv = envOf(
	"SHOP_KEY_A=shop-key-aaaaaaaaaaaaaaaaaaaaaaaa",
	"SHOP_KEY_B=shop-key-bbbbbbbbbbbbbbbbbbbbbbbb",
	"SHOP_CB=callback-secret",
	"SHORT_KEY=short",
)

func TestIntegrationLoadsKeysAndDefaults(t *testing.T) {
	c := mustLoad(t, integrationTeams+`
integrations:
  Shop:
    api_keys_env: [SHOP_KEY_A, SHOP_KEY_B]
    callback_url: https://bot.example.com/handoff
    callback_secret_env: SHOP_CB
    teams: [support, sales]
`, integrationEnv)
	in, ok := c.Integrations["shop"]
	if !ok {
		t.Fatalf("integrations = %v, want shop (names read in lower case)", c.Integrations)
	}
	if len(in.APIKeys) != 2 || in.APIKeys[1].Reveal() != "shop-key-bbbbbbbbbbbbbbbbbbbbbbbb" || in.CallbackSecret.Reveal() != "callback-secret" {
		t.Errorf("secrets not resolved: %d keys, callback secret set %v", len(in.APIKeys), !in.CallbackSecret.IsZero())
	}
	if in.RateLimit != 20 || in.Burst != 40 || in.MaxMessageBytes != 8000 || in.Triggers {
		t.Errorf("defaults = rate %v burst %d max %d triggers %v", in.RateLimit, in.Burst, in.MaxMessageBytes, in.Triggers)
	}
	if got := c.EffectiveTeam(in); got != "support" {
		t.Errorf("effective team = %q, want handoff.default_team", got)
	}
}

func TestIntegrationProblemsNameTheKey(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "    api_keys_env: [SHOP_KEY_A]\n    callbak_url: https://x.example\n", "integrations.shop"},
		{"no key", "    callback_url: https://x.example\n    callback_secret_env: SHOP_CB\n", "integrations.shop.api_keys_env"},
		{"empty key variable", "    api_keys_env: [NOPE]\n", "integrations.shop.api_keys_env[0]"},
		{"short key", "    api_keys_env: [SHORT_KEY]\n", "integrations.shop.api_keys_env[0]"},
		{"callback without secret", "    api_keys_env: [SHOP_KEY_A]\n    callback_url: https://x.example\n", "integrations.shop.callback_secret_env"},
		{"bad callback url", "    api_keys_env: [SHOP_KEY_A]\n    callback_url: ftp://x\n    callback_secret_env: SHOP_CB\n", "integrations.shop.callback_url"},
		{"unknown team", "    api_keys_env: [SHOP_KEY_A]\n    teams: [billing]\n", "integrations.shop.teams[0]"},
		{"unknown default team", "    api_keys_env: [SHOP_KEY_A]\n    default_team: billing\n", "integrations.shop.default_team"},
		{"zero rate", "    api_keys_env: [SHOP_KEY_A]\n    rate_limit: 0\n", "integrations.shop.rate_limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadYAML(t, integrationTeams+"integrations:\n  shop:\n"+tt.yaml, integrationEnv)
			if err == nil {
				t.Fatal("loaded")
			}
			paths := fieldPaths(err)
			if !slices.ContainsFunc(paths, func(p string) bool { return strings.HasPrefix(p, tt.want) }) {
				t.Errorf("problems at %v (%v), want one at %s", paths, err, tt.want)
			}
		})
	}
}

// A key shared by two integrations would let one read the other's
// conversations.
func TestIntegrationKeysAreNotShared(t *testing.T) {
	_, err := loadYAML(t, integrationTeams+`
integrations:
  a: {api_keys_env: [SHOP_KEY_A]}
  b: {api_keys_env: [SHOP_KEY_B, SHOP_KEY_A]}
`, integrationEnv)
	if paths := fieldPaths(err); !slices.Contains(paths, "integrations.b.api_keys_env[1]") {
		t.Fatalf("problems at %v, want integrations.b.api_keys_env[1]", paths)
	}
	if strings.Contains(err.Error(), "shop-key-") {
		t.Errorf("the error shows a key: %v", err)
	}
}
