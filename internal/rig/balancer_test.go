package rig

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBalancerSpreadsAndSkipsDeadReplicas: requests go to the replicas in
// turn, with their path, headers and body; a replica that is down is
// skipped, and with all down the answer is 502.
func TestBalancerSpreadsAndSkipsDeadReplicas(t *testing.T) {
	var got []string
	replica := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			got = append(got, name+" "+r.URL.RequestURI()+" "+r.Header.Get("X-Sig")+" "+string(body))
			w.Header().Set("X-From", name)
			w.WriteHeader(http.StatusAccepted)
		}))
	}
	a, b := replica("a"), replica("b")
	defer a.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // nobody listens there any more
	lb := NewBalancer(a.URL, dead.URL, b.URL)
	defer lb.Close()

	post := func() (int, string) {
		req, _ := http.NewRequest(http.MethodPost, lb.URL()+"/slack/events?x=1", strings.NewReader("payload"))
		req.Header.Set("X-Sig", "v0=abc")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("X-From")
	}
	for _, want := range []string{"a", "b", "b"} { // the dead one's turn goes to b
		if code, from := post(); code != http.StatusAccepted || from != want {
			t.Errorf("answered %d by %q, want 202 by %q", code, from, want)
		}
	}
	if got[0] != "a /slack/events?x=1 v0=abc payload" {
		t.Errorf("a received %q", got[0])
	}
	if lb.Retried() != 1 {
		t.Errorf("%d retried, want 1", lb.Retried())
	}
	b.Close()
	a.Close()
	if code, _ := post(); code != http.StatusBadGateway {
		t.Errorf("all down: %d, want 502", code)
	}
}
