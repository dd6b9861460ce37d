package handofflink_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/handofflink"
	"github.com/handoffbridge/handoff/bridge"
)

// stubThreads knows handoff 1 (thread open in Slack, whose link fails)
// and 2 (not open yet).
type stubThreads struct{}

func (stubThreads) HandoffThread(_ context.Context, id bridge.HandoffID) (bridge.ThreadRef, error) {
	switch id {
	case 1:
		return bridge.ThreadRef{Workspace: bridge.WorkspaceSlack, Channel: "C1", ThreadID: "1.2"}, nil
	case 2:
		return bridge.ThreadRef{}, nil
	}
	return bridge.ThreadRef{}, fmt.Errorf("handoff %d: %w", id, bridge.ErrNotFound)
}

func (stubThreads) ThreadLinker(bridge.WorkspaceKind) (bridge.ThreadLinker, bool) {
	return failingLinker{}, true
}

type failingLinker struct{}

func (failingLinker) ThreadURL(context.Context, bridge.ThreadRef) (string, error) {
	return "", fmt.Errorf("slack is down")
}

// FuzzLinkPath: whatever id the path carries, the answer is a redirect to
// the console of that very handoff or a plain 404, never a 500, and it
// never echoes what was asked.
func FuzzLinkPath(f *testing.F) {
	for _, s := range []string{"1", "2", "3", "0", "-1", "abc", "1e3", "01", "9223372036854775808", "%2e%2e", "1/2", "<script>"} {
		f.Add(s)
	}
	h, err := handofflink.New(handofflink.Options{Threads: stubThreads{}, PublicURL: "https://chat.example.com", Console: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL = &url.URL{Path: bridge.HandoffLinkPath + id}
		req.SetPathValue("id", id) // as the mux hands over the path segment
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch loc := rec.Header().Get("Location"); rec.Code {
		case http.StatusFound:
			if !strings.HasPrefix(loc, "https://chat.example.com/console#handoff-") || (loc != "https://chat.example.com/console#handoff-1" && loc != "https://chat.example.com/console#handoff-2") {
				t.Fatalf("%q: redirect to %q", id, loc)
			}
		case http.StatusNotFound:
			if len(id) > 2 && strings.Contains(rec.Body.String(), id) {
				t.Fatalf("%q: the 404 echoes the request: %q", id, rec.Body.String())
			}
		default:
			t.Fatalf("%q: status %d", id, rec.Code)
		}
	})
}
