package discord_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/handoffbridge/handoff/adapters/discord"
)

// TestAPIClient: calls for Discord's API hosts go to the configured base,
// under its path; a base that is not an absolute http(s) URL is refused.
func TestAPIClient(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Host+" "+r.URL.Path)
	}))
	defer srv.Close()
	tests := []struct {
		base, call, want string
	}{
		{srv.URL, "https://discord.com/api/v10/users/@me", "/api/v10/users/@me"},
		{srv.URL + "/", "https://discord.com/api/v10/gateway", "/api/v10/gateway"},
		{srv.URL + "/proxy/discord/", "https://discordapp.com/api/v10/channels/1/messages", "/proxy/discord/api/v10/channels/1/messages"},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			got = nil
			c, err := discord.APIClient(tt.base)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Get(tt.call)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := srv.Listener.Addr().String() + " " + tt.want; len(got) != 1 || got[0] != want {
				t.Fatalf("the fake saw %q, want %q", got, want)
			}
		})
	}
	for _, bad := range []string{"discord.com/api", "ftp://x/", "://"} {
		if _, err := discord.APIClient(bad); err == nil {
			t.Errorf("APIClient(%q) accepted", bad)
		}
	}
}
