package console

import (
	"net/http"
	"slices"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestConsoleAgentEditsOwnMessages: the agent who joined edits a sent
// reply and the user's copy follows; then deletes it and the user's copy
// goes. Only the author may: a teammate gets 403, another team's agent the
// 404 of a missing handoff, and nobody edits the user's words.
func TestConsoleAgentEditsOwnMessages(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	id := w.requestHuman("c-ed", ana)
	if code, msg := ana.act(id, "join"); code != http.StatusOK {
		t.Fatalf("join: %d %s", code, msg)
	}
	msg := ana.reply(id, "Your refnud is on its way").Message
	w.waitText("c-ed", "refnud")
	path := "/api/handoffs/" + id + "/messages/" + msg
	entryOf := func(d detailResponse, id string) entry {
		i := slices.IndexFunc(d.Entries, func(e entry) bool { return e.ID == id })
		if i < 0 {
			t.Fatalf("message %s not in the history", id)
		}
		return d.Entries[i]
	}
	if e := entryOf(ana.detail(id), msg); !e.Own {
		t.Fatalf("the author's message is not marked own: %+v", e)
	}
	bob := w.loggedIn(bobToken)
	if e := entryOf(bob.detail(id), msg); e.Own {
		t.Fatalf("a teammate sees ana's message as own: %+v", e)
	}
	w.userSays("c-ed", "c-ed-2", "ok, thanks")
	d := ana.waitDetail(id, "the user's reply", func(d detailResponse) bool {
		return slices.ContainsFunc(d.Entries, func(e entry) bool { return e.Text == "ok, thanks" })
	})
	userMsg := d.Entries[slices.IndexFunc(d.Entries, func(e entry) bool { return e.Text == "ok, thanks" })].ID

	refusals := []struct {
		name   string
		who    *agent
		method string
		path   string
		status int
	}{
		{"teammate edits", bob, "PATCH", path, http.StatusForbidden},
		{"teammate deletes", bob, "DELETE", path, http.StatusForbidden},
		{"another team edits", w.loggedIn(salesToken), "PATCH", path, http.StatusNotFound},
		{"another team deletes", w.loggedIn(salesToken), "DELETE", path, http.StatusNotFound},
		{"the user's message", ana, "PATCH", "/api/handoffs/" + id + "/messages/" + userMsg, http.StatusForbidden},
		{"an unknown message", ana, "PATCH", "/api/handoffs/" + id + "/messages/999999", http.StatusNotFound},
		{"no login", w.newAgent(), "PATCH", path, http.StatusUnauthorized},
	}
	for _, tc := range refusals {
		if code, _ := tc.who.do(tc.method, tc.path, map[string]string{"text": "hijacked"}, nil); code != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, code, tc.status)
		}
	}
	if code, _ := ana.do("PATCH", path, map[string]string{"text": "  "}, nil); code != http.StatusBadRequest {
		t.Errorf("an empty edit: status %d, want 400", code)
	}

	if code, m := ana.do("PATCH", path, map[string]string{"text": "Your refund is on its way"}, nil); code != http.StatusOK {
		t.Fatalf("edit: %d %s", code, m)
	}
	edited := waitDelivery(t, w, "c-ed", "the edit", func(d bridgetest.Delivery) bool { return d.Kind == "edit" })
	if edited.Message.Text != "Your refund is on its way" {
		t.Fatalf("the user's copy became %q", edited.Message.Text)
	}
	if e := entryOf(ana.detail(id), msg); !e.Edited || e.Text != "Your refund is on its way" {
		t.Fatalf("the history shows %+v", e)
	}
	if code, m := ana.do("DELETE", path, nil, nil); code != http.StatusOK {
		t.Fatalf("delete: %d %s", code, m)
	}
	waitDelivery(t, w, "c-ed", "the deletion", func(d bridgetest.Delivery) bool { return d.Kind == "delete" && d.PlatformID == edited.PlatformID })
	if e := entryOf(ana.detail(id), msg); !e.Deleted || e.Own || e.Text != "" {
		t.Fatalf("the history shows %+v", e)
	}
	if code, _ := ana.do("PATCH", path, map[string]string{"text": "again"}, nil); code != http.StatusConflict {
		t.Errorf("edit after delete: status %d, want 409", code)
	}
	for _, d := range w.web.To("c-ed") {
		if d.Message.Text == "hijacked" {
			t.Fatal("a refused edit reached the user")
		}
	}
}

// TestPlatformIDsDoNotCrossLogins: a login holding a colon cannot pass
// for another whose name is its prefix.
func TestPlatformIDsDoNotCrossLogins(t *testing.T) {
	a, ab := Login{Name: "a"}, Login{Name: "a:b"}
	msg := func(l Login, req string) bridge.Message {
		return bridge.Message{Role: bridge.RoleAgent, Source: "workspace:console", PlatformID: platformID(l, req)}
	}
	cases := []struct {
		name  string
		by    Login
		req   string
		who   Login
		wrote bool
	}{
		{"own", a, "r1", a, true},
		{"own with a colon in the request id", a, "b:x", a, true},
		{"prefix login", ab, "x", a, false},
		{"longer login", a, "b:x", ab, false},
		{"longer login's own", ab, "x", ab, true},
	}
	for _, tc := range cases {
		if got := tc.who.wroteIt(msg(tc.by, tc.req)); got != tc.wrote {
			t.Errorf("%s: %q wrote %q = %v", tc.name, tc.who.Name, platformID(tc.by, tc.req), got)
		}
	}
}

// waitDelivery waits until chat got a delivery matching ok and returns it.
func waitDelivery(t *testing.T, w *world, chat, what string, ok func(bridgetest.Delivery) bool) bridgetest.Delivery {
	t.Helper()
	ds, err := w.web.WaitFor(w.ctx, chat, what, func(ds []bridgetest.Delivery) bool { return slices.ContainsFunc(ds, ok) })
	if err != nil {
		t.Fatal(err)
	}
	return ds[slices.IndexFunc(ds, ok)]
}
