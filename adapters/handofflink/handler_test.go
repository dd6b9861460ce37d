package handofflink_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/handofflink"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
)

// TestLinkLeadsToTheThread clicks a handoff's stable link in each case an
// agent meets: it leads to the thread on its platform once open, to the
// console before that or when the platform does not answer, and says
// plainly when the handoff does not exist.
func TestLinkLeadsToTheThread(t *testing.T) {
	w := newWorld(t)
	console := func(id bridge.HandoffID) string { return publicURL + "/console#handoff-" + id.String() }

	tests := []struct {
		name string
		// arrange makes the handoff and the conditions, and returns the
		// path clicked and the Location wanted ("" for no redirect).
		arrange    func(t *testing.T) (path, want string)
		wantStatus int
		wantBody   string
	}{
		{
			name: "thread not open: the console",
			arrange: func(t *testing.T) (string, string) {
				id := w.request("stuck")
				w.openFailed(bridge.WorkspaceSlack)
				return bridge.HandoffLinkPath + id.String(), console(id)
			},
			wantStatus: http.StatusFound,
		},
		{
			name: "Slack thread: its permalink",
			arrange: func(t *testing.T) (string, string) {
				id := w.request("support")
				th := w.opened(id)
				return bridge.HandoffLinkPath + id.String(), slackfake.TeamURL + "archives/" + slackChannel + "/p" + strings.ReplaceAll(th.ThreadID, ".", "")
			},
			wantStatus: http.StatusFound,
		},
		{
			name: "Discord thread: its channel link",
			arrange: func(t *testing.T) (string, string) {
				id := w.request("sales")
				th := w.opened(id)
				return bridge.HandoffLinkPath + id.String(), "https://discord.com/channels/" + w.discord.GuildID + "/" + th.ThreadID
			},
			wantStatus: http.StatusFound,
		},
		{
			name: "console thread: the console page",
			arrange: func(t *testing.T) (string, string) {
				id := w.request("desk")
				w.opened(id)
				return bridge.HandoffLinkPath + id.String(), console(id)
			},
			wantStatus: http.StatusFound,
		},
		{
			name: "Slack failing: the console, never a 500",
			arrange: func(t *testing.T) (string, string) {
				id := w.request("support")
				w.opened(id)
				w.slack.FailNext("chat.getPermalink", http.StatusInternalServerError)
				return bridge.HandoffLinkPath + id.String(), console(id)
			},
			wantStatus: http.StatusFound,
		},
		{
			name:       "unknown handoff",
			arrange:    func(t *testing.T) (string, string) { return bridge.HandoffLinkPath + "987654", "" },
			wantStatus: http.StatusNotFound,
			wantBody:   "No such handoff",
		},
		{
			name:       "not a handoff id",
			arrange:    func(t *testing.T) (string, string) { return bridge.HandoffLinkPath + "abc", "" },
			wantStatus: http.StatusNotFound,
			wantBody:   "No such handoff",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, want := tt.arrange(t)
			resp := w.click(path)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("GET %s: status %d, want %d (%s)", path, resp.StatusCode, tt.wantStatus, body)
			}
			if got := resp.Header.Get("Location"); got != want {
				t.Fatalf("GET %s: Location %q, want %q", path, got, want)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Fatalf("GET %s: body %q, want it to say %q", path, body, tt.wantBody)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Fatalf("Cache-Control %q: a browser would keep the console link after the thread opens", cc)
			}
		})
	}
}

// TestSlackPermalinkAskedOncePerThread: agents clicking the same
// notification again do not cost a Slack call each.
func TestSlackPermalinkAskedOncePerThread(t *testing.T) {
	w := newWorld(t)
	id := w.request("support")
	w.opened(id)
	before := w.slack.Calls("chat.getPermalink")
	var first string
	for i := range 3 {
		resp := w.click(bridge.HandoffLinkPath + id.String())
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, slackfake.TeamURL) || (first != "" && loc != first) {
			t.Fatalf("click %d: %d %q (first %q)", i, resp.StatusCode, loc, first)
		}
		first = loc
	}
	if n := w.slack.Calls("chat.getPermalink") - before; n != 1 {
		t.Fatalf("chat.getPermalink called %d times for 3 clicks, want 1", n)
	}
}

// TestWithoutConsoleTheLinkWaitsForTheThread: with the console turned off
// there is no fallback page to send the agent to, so a click before the
// thread opens gets a short page that reloads itself, and once open the
// same link leads to the thread.
func TestWithoutConsoleTheLinkWaitsForTheThread(t *testing.T) {
	w := newWorld(t)
	mux := w.routes(handofflink.Options{PublicURL: publicURL, Console: false})
	click := func(id bridge.HandoffID) *http.Response {
		t.Helper()
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequestWithContext(w.ctx, http.MethodGet, bridge.HandoffLinkPath+id.String(), nil))
		return rec.Result()
	}
	stuck := w.request("stuck")
	w.openFailed(bridge.WorkspaceSlack)
	resp := click(stuck)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Refresh") == "" || resp.Header.Get("Location") != "" ||
		!strings.Contains(string(body), "not open yet") {
		t.Fatalf("thread not open, no console: %d %v %q", resp.StatusCode, resp.Header, body)
	}
	id := w.request("sales")
	th := w.opened(id)
	if resp := click(id); resp.StatusCode != http.StatusFound || !strings.HasSuffix(resp.Header.Get("Location"), "/"+th.ThreadID) {
		t.Fatalf("open Discord thread, no console: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}
