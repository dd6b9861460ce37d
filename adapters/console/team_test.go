package console

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/handoffbridge/handoff/bridge"
)

// TestAnotherTeamsHandoffLooksMissing: an agent of sales gets, for every
// read and write of a support handoff, the very answer a handoff that does
// not exist gets, and nothing of what they sent is kept; an admin reads
// and writes any team's handoff.
func TestAnotherTeamsHandoffLooksMissing(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	ada := w.loggedIn(adminToken)
	// Sam's requests only: without a live socket, whose reader would race
	// with the subtests' taking over of sam.t.
	sam := w.newAgent()
	if code, msg := sam.login(map[string]string{"token": salesToken}); code != http.StatusOK {
		t.Fatalf("sam's login: %d %s", code, msg)
	}
	id := w.requestHuman("u1", ana)
	n, err := strconv.Atoi(id)
	if err != nil {
		t.Fatal(err)
	}
	missing := strconv.Itoa(n + 1000)

	tests := []struct {
		name   string
		method string
		path   string // after /api/handoffs/{id}
		body   any
	}{
		{"read", "GET", "", nil},
		{"reply", "POST", "/messages", map[string]string{"text": "sam was here"}},
		{"note", "POST", "/messages", map[string]string{"text": "// sam's note"}},
		{"join", "POST", "/actions", map[string]string{"action": "join"}},
		{"reject", "POST", "/actions", map[string]string{"action": "reject"}},
		{"resolve", "POST", "/actions", map[string]string{"action": "resolve"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sam.t = t
			wantCode, wantBody := sam.raw(tt.method, "/api/handoffs/"+missing+tt.path, tt.body)
			if wantCode != http.StatusNotFound {
				t.Fatalf("%s of a missing handoff = %d %s, want 404", tt.name, wantCode, wantBody)
			}
			code, body := sam.raw(tt.method, "/api/handoffs/"+id+tt.path, tt.body)
			if code != wantCode || !bytes.Equal(body, wantBody) {
				t.Fatalf("%s of another team's handoff = %d %s, want what a missing one gets: %d %s",
					tt.name, code, body, wantCode, wantBody)
			}
		})
	}
	sam.t = t

	if h := w.handoff(id); h.State != bridge.StatePending || h.Owner != "" {
		t.Fatalf("sam's refused actions changed the handoff: %s, owner %q", h.State, h.Owner)
	}
	if d := ana.detail(id); slices.ContainsFunc(d.Entries, func(e entry) bool { return strings.Contains(e.Text, "sam") }) {
		t.Fatalf("sam's refused messages were kept: %+v", d.Entries)
	}

	if d := ada.detail(id); d.Handoff.ID != id {
		t.Fatalf("the admin reads %+v", d.Handoff)
	}
	if r := ada.reply(id, "// the admin's note"); r.Relayed {
		t.Fatal("the admin's note was relayed")
	}
	ana.waitDetail(id, "the admin's note", func(d detailResponse) bool {
		return slices.ContainsFunc(d.Entries, func(e entry) bool { return e.Text == "// the admin's note" && e.Internal })
	})
}

// TestLiveEventsStayInTheTeam: the live socket of a sales agent gets no
// event of a support handoff (its user's name and reason, typing, changes),
// and a sales agent's typing in a support handoff reaches no one; the
// admin sees every team's events.
func TestLiveEventsStayInTheTeam(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	sam := w.loggedIn(salesToken)
	ada := w.loggedIn(adminToken)
	fromAda := ada.eventCount()
	id := w.requestHuman("u1", ana)
	ada.waitEvent(fromAda, "the support request", isEvent("new", id))

	// The user types, Ana joins and replies, Ana types: each seen by the admin.
	if code, msg := ana.act(id, "join"); code != http.StatusOK {
		t.Fatalf("ana joins: %d %s", code, msg)
	}
	ana.reply(id, "Hello Uma")
	ada.waitDetail(id, "ana's join line and reply", func(d detailResponse) bool {
		return slices.ContainsFunc(d.Entries, func(e entry) bool { return e.Kind == "line" && strings.Contains(e.Text, "joined") }) &&
			slices.ContainsFunc(d.Entries, func(e entry) bool { return e.Text == "Hello Uma" })
	})
	from := ada.eventCount()
	if _, err := w.engine.Handle(w.ctx, bridge.UserTyping{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	ada.waitEvent(from, "the user typing", func(ev liveEvent) bool { return ev.Type == "typing" && ev.Who == "user" && ev.Handoff == id })
	from = ada.eventCount()
	if err := ana.ws.Write(t.Context(), websocket.MessageText, []byte(`{"type":"typing","handoff":"`+id+`"}`)); err != nil {
		t.Fatal(err)
	}
	ada.waitEvent(from, "ana typing", func(ev liveEvent) bool { return ev.Type == "typing" && ev.Agent == "ana" })

	// Sam types in the support handoff, then in a sales one: the admin gets
	// only the second.
	fromSam := sam.eventCount()
	sales := w.userSays("u2", "u2-m1", "I want to talk to sales").Handoff.String()
	sam.waitEvent(fromSam, "the sales request", isEvent("new", sales))
	from = ada.eventCount()
	for _, h := range []string{id, sales} {
		if err := sam.ws.Write(t.Context(), websocket.MessageText, []byte(`{"type":"typing","handoff":"`+h+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	ada.waitEvent(from, "sam typing in sales", func(ev liveEvent) bool { return ev.Type == "typing" && ev.Agent == "sam" && ev.Handoff == sales })
	if evs := ada.snapshot(); slices.ContainsFunc(evs[from:], func(ev liveEvent) bool { return ev.Agent == "sam" && ev.Handoff == id }) {
		t.Fatalf("sam's typing in a support handoff was shown: %+v", evs[from:])
	}

	// The sales request came after every support event above, through the
	// same hub: had one gone to Sam, it would be in his list before it.
	if evs := sam.snapshot(); slices.ContainsFunc(evs, func(ev liveEvent) bool { return ev.Handoff == id }) {
		t.Fatalf("a sales agent got support events: %+v", evs)
	}
}
