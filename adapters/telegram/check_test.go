package telegram_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/telegram"
	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
)

// TestCheck: `bridge check` tells a working setup from a broken one, and
// --apply fixes the webhook.
func TestCheck(t *testing.T) {
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "wrong secret token", http.StatusUnauthorized)
	}))
	defer refusing.Close()
	const public = "https://chat.example.com"
	for _, tc := range []struct {
		name        string
		setup       func(f *telegramfake.Server, o *telegram.Options)
		apply       bool
		wantLine    string
		wantProblem string
		wantWebhook string // after the check
	}{
		{name: "bad token", setup: func(f *telegramfake.Server, o *telegram.Options) { o.Token = "123:WRONG" },
			wantProblem: "channels.telegram.token_env: getMe: the bot token was refused"},
		{name: "polling", wantLine: "no webhook set, long polling can run"},
		{name: "polling with a leftover webhook", setup: func(f *telegramfake.Server, o *telegram.Options) { setHook(t, f, public+"/old") },
			wantLine: "a webhook is set", wantWebhook: public + "/old"},
		{name: "polling with a leftover webhook, applied", setup: func(f *telegramfake.Server, o *telegram.Options) { setHook(t, f, public+"/old") },
			apply: true, wantLine: "deleted the webhook", wantWebhook: ""},
		{name: "webhook not set", setup: webhookMode(public), wantProblem: "run `bridge check --apply`", wantWebhook: ""},
		{name: "webhook not set, applied", setup: webhookMode(public), apply: true,
			wantLine: "webhook set to " + public + "/telegram/webhook", wantWebhook: public + "/telegram/webhook"},
		{name: "webhook set elsewhere", setup: func(f *telegramfake.Server, o *telegram.Options) {
			webhookMode(public)(f, o)
			setHook(t, f, "https://other.example.com/hook")
		}, wantProblem: "the webhook is https://other.example.com/hook, want " + public + "/telegram/webhook", wantWebhook: "https://other.example.com/hook"},
		{name: "webhook refused by the bridge", setup: func(f *telegramfake.Server, o *telegram.Options) {
			webhookMode(refusing.URL)(f, o)
			setHook(t, f, refusing.URL+"/telegram/webhook")
			f.UserSays(telegramfake.User{ID: 1, FirstName: "A"}, "hi")
			if _, err := f.DeliverWebhook(t.Context()); err == nil {
				t.Fatal("the refusing webhook accepted a delivery")
			}
		}, wantProblem: "the last webhook delivery failed", wantWebhook: refusing.URL + "/telegram/webhook"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := telegramfake.New(telegramfake.Options{})
			defer f.Close()
			o := telegram.Options{Token: f.Token(), Endpoint: f.Endpoint()}
			if tc.setup != nil {
				tc.setup(f, &o)
			}
			lines, problems := telegram.Check(t.Context(), o, tc.apply)
			all := strings.Join(append(append([]string(nil), lines...), problems...), "\n")
			if strings.Contains(all, f.Token()) || (o.WebhookSecret != "" && strings.Contains(all, o.WebhookSecret)) {
				t.Fatalf("output shows a secret:\n%s", all)
			}
			if tc.wantProblem == "" && len(problems) > 0 {
				t.Errorf("problems %q, want none", problems)
			}
			if tc.wantProblem != "" && !strings.Contains(strings.Join(problems, "\n"), tc.wantProblem) {
				t.Errorf("problems %q, want one with %q", problems, tc.wantProblem)
			}
			if tc.wantLine != "" && !strings.Contains(strings.Join(lines, "\n"), tc.wantLine) {
				t.Errorf("lines %q, want one with %q", lines, tc.wantLine)
			}
			url, secret := f.Webhook()
			if url != tc.wantWebhook {
				t.Errorf("webhook afterwards %q, want %q", url, tc.wantWebhook)
			}
			if tc.apply && url != "" && secret != o.WebhookSecret {
				t.Errorf("webhook set with secret %q, want the configured one", secret)
			}
		})
	}
}

func webhookMode(public string) func(*telegramfake.Server, *telegram.Options) {
	return func(_ *telegramfake.Server, o *telegram.Options) {
		o.Mode, o.PublicURL, o.WebhookSecret = telegram.ModeWebhook, public, "s3cret-token"
	}
}

// setHook sets a webhook directly, as an earlier deployment would have.
func setHook(t *testing.T, f *telegramfake.Server, url string) {
	t.Helper()
	resp, err := http.PostForm(f.URL()+"/bot"+f.Token()+"/setWebhook", map[string][]string{"url": {url}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("setWebhook answered %s", resp.Status)
	}
}
