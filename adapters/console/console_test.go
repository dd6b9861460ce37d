package console

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

func TestLogin(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name     string
		body     any
		wantCode int
		wantName string
	}{
		{"agent token", map[string]string{"token": anaToken}, http.StatusOK, "ana"},
		{"name and password", map[string]string{"name": "cara", "password": caraPassword}, http.StatusOK, "cara"},
		{"name is not case sensitive", map[string]string{"name": "Cara", "password": caraPassword}, http.StatusOK, "cara"},
		{"bad token", map[string]string{"token": anaToken + "x"}, http.StatusUnauthorized, ""},
		{"empty token and no name", map[string]string{"token": ""}, http.StatusUnauthorized, ""},
		{"wrong password", map[string]string{"name": "cara", "password": "hunter2"}, http.StatusUnauthorized, ""},
		{"unknown name", map[string]string{"name": "mallory", "password": caraPassword}, http.StatusUnauthorized, ""},
		{"password of an agent without one", map[string]string{"name": "ana", "password": anaToken}, http.StatusUnauthorized, ""},
		{"malformed JSON", "{not json", http.StatusBadRequest, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := w.newAgent()
			a.t = t
			code, msg := a.login(tt.body)
			if code != tt.wantCode {
				t.Fatalf("login = %d %q, want %d", code, msg, tt.wantCode)
			}
			if code == http.StatusUnauthorized && msg != errBadLogin {
				t.Errorf("refusal says %q, want the one message that does not tell which part was wrong", msg)
			}
			if a.name != tt.wantName {
				t.Errorf("logged in as %q, want %q", a.name, tt.wantName)
			}
			status, _ := a.do("GET", "/api/me", nil, nil)
			if (status == http.StatusOK) != (tt.wantCode == http.StatusOK) {
				t.Errorf("after login, /api/me = %d", status)
			}
		})
	}
}

func TestLoginCookieIsHttpOnlyStrict(t *testing.T) {
	w := newWorld(t)
	resp, err := http.Post(w.srv.URL+Prefix+"/api/login", "application/json", strings.NewReader(`{"token":"`+anaToken+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != Prefix {
		t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Strict, Path=/console", ck)
	}
	if strings.Contains(ck.Value, anaToken) {
		t.Fatal("the cookie carries the login token")
	}
}

func TestAPIRefusesWithoutSession(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	id := w.requestHuman("u1", ana)

	anonymous := w.newAgent()
	forged := w.newAgent()
	forged.csrf = ana.csrf
	u := w.srv.URL + Prefix
	req, _ := http.NewRequest("GET", u, nil)
	for _, c := range ana.client.Jar.Cookies(req.URL) {
		if c.Name == cookieName {
			// A real session id with a signature made by another key.
			sid, _, _ := strings.Cut(c.Value, ".")
			forged.client.Jar.SetCookies(req.URL, []*http.Cookie{{Name: cookieName, Value: sid + ".AAAA", Path: Prefix}})
		}
	}
	noCSRF := w.newAgent()
	noCSRF.client.Jar = ana.client.Jar // the session, without the CSRF header

	tests := []struct {
		name   string
		who    *agent
		method string
		path   string
		body   any
		want   int
	}{
		{"list, anonymous", anonymous, "GET", "/api/handoffs", nil, http.StatusUnauthorized},
		{"detail, anonymous", anonymous, "GET", "/api/handoffs/" + id, nil, http.StatusUnauthorized},
		{"join, anonymous", anonymous, "POST", "/api/handoffs/" + id + "/actions", map[string]string{"action": "join"}, http.StatusUnauthorized},
		{"reply, anonymous", anonymous, "POST", "/api/handoffs/" + id + "/messages", map[string]string{"text": "hi"}, http.StatusUnauthorized},
		{"list, forged cookie", forged, "GET", "/api/handoffs", nil, http.StatusUnauthorized},
		{"join, forged cookie", forged, "POST", "/api/handoffs/" + id + "/actions", map[string]string{"action": "join"}, http.StatusUnauthorized},
		{"join, no CSRF header", noCSRF, "POST", "/api/handoffs/" + id + "/actions", map[string]string{"action": "join"}, http.StatusForbidden},
		{"reply, no CSRF header", noCSRF, "POST", "/api/handoffs/" + id + "/messages", map[string]string{"text": "hi"}, http.StatusForbidden},
		{"logout, no CSRF header", noCSRF, "POST", "/api/logout", nil, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.who.t = t
			if code, msg := tt.who.do(tt.method, tt.path, tt.body, nil); code != tt.want {
				t.Fatalf("%s %s = %d %q, want %d", tt.method, tt.path, code, msg, tt.want)
			}
		})
	}
	t.Run("live socket, anonymous", func(t *testing.T) {
		_, resp, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(u, "http")+"/api/live", nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("dial = %v, %v; want 401", err, resp)
		}
	})
	t.Run("live socket, other origin", func(t *testing.T) {
		h := http.Header{"Origin": {"https://evil.example"}}
		_, resp, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(u, "http")+"/api/live",
			&websocket.DialOptions{HTTPClient: ana.client, HTTPHeader: h})
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("dial = %v, %v; want 403", err, resp)
		}
	})
	if h := w.handoff(id); h.State != bridge.StatePending {
		t.Fatalf("refused requests changed the handoff: %s", h.State)
	}
}

func TestTwoAgentsSeeChangesLiveAndTheFirstJoinWins(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	bob := w.loggedIn(bobToken)
	sam := w.loggedIn(salesToken)

	fromBob := bob.eventCount()
	id := w.requestHuman("u1", ana)
	bob.waitEvent(fromBob, "the new request", isEvent("new", id))

	list := bob.list()
	i := slices.IndexFunc(list, func(h handoffSummary) bool { return h.ID == id })
	if i < 0 {
		t.Fatalf("bob's list %+v lacks handoff %s", list, id)
	}
	if h := list[i]; h.State != bridge.StatePending || h.UserName != "Uma" || h.Context.IP != "203.0.113.7" ||
		h.Context.PageURL != "https://shop.example.com/cart" || h.Team != "support" || h.Waiting < 0 {
		t.Fatalf("pending row = %+v", h)
	}
	if l := sam.list(); slices.ContainsFunc(l, func(h handoffSummary) bool { return h.ID == id }) {
		t.Fatal("an agent of another team sees the support request")
	}
	if code, _ := sam.do("GET", "/api/handoffs/"+id, nil, nil); code != http.StatusNotFound {
		t.Fatalf("sales agent reads a support handoff: %d", code)
	}

	fromBob = bob.eventCount()
	if code, msg := ana.act(id, "join"); code != http.StatusOK {
		t.Fatalf("ana joins: %d %s", code, msg)
	}
	bob.waitEvent(fromBob, "ana's join", isEvent("changed", id))
	list = bob.list()
	i = slices.IndexFunc(list, func(h handoffSummary) bool { return h.ID == id })
	if list[i].State != bridge.StateActive || list[i].OwnerName != "Ana S." {
		t.Fatalf("after ana's join bob sees %+v", list[i])
	}
	w.waitText("u1", "Ana S. has joined")

	fromBob = bob.eventCount()
	code, msg := bob.act(id, "join")
	if code != http.StatusConflict || !strings.Contains(msg, "Already taken by Ana S.") {
		t.Fatalf("bob's late join = %d %q, want 409 already taken by Ana S.", code, msg)
	}
	bob.waitEvent(fromBob, "the private refusal", func(ev liveEvent) bool {
		return ev.Type == "tell" && strings.Contains(strings.ToLower(ev.Text), "already taken by ana s.")
	})
	if slices.ContainsFunc(ana.snapshot(), func(ev liveEvent) bool { return ev.Type == "tell" }) {
		t.Fatal("ana was shown bob's refusal")
	}

	if code, msg := bob.act(id, "resolve"); code != http.StatusConflict || !strings.Contains(msg, "Only the agent who joined") {
		t.Fatalf("bob resolves ana's handoff = %d %q", code, msg)
	}
	if code, msg := ana.act(id, "resolve"); code != http.StatusOK {
		t.Fatalf("ana resolves: %d %s", code, msg)
	}
	w.waitText("u1", "has closed this conversation")
	d := bob.waitDetail(id, "the resolve line", func(d detailResponse) bool {
		return slices.ContainsFunc(d.Entries, func(e entry) bool { return e.Kind == "line" && strings.HasPrefix(e.Text, "Resolved by Ana S.") })
	})
	if d.Handoff.State != bridge.StateResolved {
		t.Fatalf("state after resolve = %s", d.Handoff.State)
	}
}

func (a *agent) snapshot() []liveEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.events)
}

func TestRepliesNotesAndTyping(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	bob := w.loggedIn(bobToken)
	id := w.requestHuman("u1", ana)

	if r := ana.reply(id, "Before joining"); r.Relayed {
		t.Fatal("a reply before joining reached the user")
	}
	if code, msg := ana.act(id, "join"); code != http.StatusOK {
		t.Fatalf("join: %d %s", code, msg)
	}
	if r := ana.reply(id, "**Hello** Uma, see [the guide](https://docs.example.com/guide)"); !r.Relayed {
		t.Fatal("the owner's reply was not relayed")
	}
	got := w.waitText("u1", "**Hello** Uma")
	if got.Message.Author != "Ana S." || got.Message.Role != bridge.RoleAgent {
		t.Fatalf("user got %+v, want it from Ana S.", got.Message)
	}
	if r := ana.reply(id, "// check the refund policy first"); r.Relayed {
		t.Fatal("a note was relayed")
	}
	if r := bob.reply(id, "I can take over if needed"); r.Relayed {
		t.Fatal("a non-owner's reply was relayed")
	}
	w.userSays("u1", "u1-m2", "thanks!")
	if r := ana.reply(id, "You're welcome"); !r.Relayed {
		t.Fatal("second reply not relayed")
	}
	w.waitText("u1", "You're welcome")
	for _, d := range w.web.To("u1") {
		for _, secret := range []string{"refund policy", "take over", "Before joining"} {
			if strings.Contains(d.Message.Text, secret) {
				t.Fatalf("an internal note reached the user: %q", d.Message.Text)
			}
		}
	}

	d := bob.detail(id)
	texts := map[string]entry{}
	var order []string
	for _, e := range d.Entries {
		if e.Kind == "message" {
			texts[e.Text] = e
			order = append(order, e.Text)
		}
	}
	for text, internal := range map[string]bool{"// check the refund policy first": true, "I can take over if needed": true,
		"Before joining": true, "You're welcome": false, "thanks!": false} {
		if e, ok := texts[text]; !ok || e.Internal != internal {
			t.Errorf("entry %q = %+v, want internal=%v", text, e, internal)
		}
	}
	if e := texts["**Hello** Uma, see [the guide](https://docs.example.com/guide)"]; !strings.Contains(e.HTML, "<strong>Hello</strong>") ||
		!strings.Contains(e.HTML, "noopener") || !strings.Contains(e.HTML, "noreferrer") || !strings.Contains(e.HTML, `target="_blank"`) {
		t.Errorf("agent reply rendered as %q", e.HTML)
	}
	if slices.Index(order, "thanks!") > slices.Index(order, "You're welcome") {
		t.Errorf("history out of order: %q", order)
	}

	// Typing, user to agents and owner to user.
	from := bob.eventCount()
	if _, err := w.engine.Handle(w.ctx, bridge.UserTyping{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	bob.waitEvent(from, "the user typing", func(ev liveEvent) bool { return ev.Type == "typing" && ev.Who == "user" && ev.Handoff == id })
	from = bob.eventCount()
	if err := ana.ws.Write(t.Context(), websocket.MessageText, []byte(`{"type":"typing","handoff":"`+id+`"}`)); err != nil {
		t.Fatal(err)
	}
	bob.waitEvent(from, "ana typing", func(ev liveEvent) bool { return ev.Type == "typing" && ev.Who == "Ana S." })
	if _, err := w.web.WaitFor(w.ctx, "u1", "agent typing", func(ds []bridgetest.Delivery) bool {
		return slices.ContainsFunc(ds, func(d bridgetest.Delivery) bool { return d.Kind == "typing" && d.Message.Author == "Ana S." })
	}); err != nil {
		t.Fatal(err)
	}
}

func TestUserMarkupShowsAsText(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	id := w.requestHuman("u1", ana)
	const attack = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	w.userSays("u1", "u1-x", attack)
	if code, msg := ana.act(id, "join"); code != http.StatusOK {
		t.Fatalf("join: %d %s", code, msg)
	}
	ana.reply(id, attack+" [click](javascript:alert(1))")
	d := ana.detail(id)
	var user, agentEntry *entry
	for i, e := range d.Entries {
		if strings.HasPrefix(e.Text, "<script>") && e.Role == bridge.RoleUser {
			user = &d.Entries[i]
		}
		if e.Role == bridge.RoleAgent {
			agentEntry = &d.Entries[i]
		}
	}
	if user == nil || user.HTML != "" || user.Text != attack {
		t.Fatalf("user entry %+v: want the raw text, to be shown as text, and no HTML", user)
	}
	if agentEntry == nil {
		t.Fatal("no agent entry")
	}
	for _, bad := range []string{"<script", "<img", "onerror", "javascript:"} {
		if strings.Contains(strings.ToLower(agentEntry.HTML), bad) {
			t.Fatalf("agent HTML %q contains %s", agentEntry.HTML, bad)
		}
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	if code, msg := ana.do("POST", "/api/logout", nil, nil); code != http.StatusOK {
		t.Fatalf("logout: %d %s", code, msg)
	}
	select {
	case <-ana.closed:
	case <-t.Context().Done():
		t.Fatal("the live socket stayed open after logout")
	}
	if code, _ := ana.do("GET", "/api/handoffs", nil, nil); code != http.StatusUnauthorized {
		t.Fatalf("list after logout = %d", code)
	}
}

func TestMalformedLiveFrameClosesOnlyThatSocket(t *testing.T) {
	w := newWorld(t)
	bob := w.loggedIn(bobToken)
	tests := []struct {
		name  string
		typ   websocket.MessageType
		frame string
		want  websocket.StatusCode
	}{
		{"truncated JSON", websocket.MessageText, `{"type":"typing","handoff":"1"`, websocket.StatusUnsupportedData},
		{"unknown type", websocket.MessageText, `{"type":"join","handoff":"1"}`, websocket.StatusUnsupportedData},
		{"bad handoff id", websocket.MessageText, `{"type":"typing","handoff":"../1"}`, websocket.StatusUnsupportedData},
		{"binary frame", websocket.MessageBinary, `{"type":"typing","handoff":"1"}`, websocket.StatusUnsupportedData},
		{"oversized frame", websocket.MessageText, `{"type":"typing","handoff":"` + strings.Repeat("1", maxLiveFrame) + `"}`, websocket.StatusMessageTooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ana := w.loggedIn(anaToken)
			if err := ana.ws.Write(t.Context(), tt.typ, []byte(tt.frame)); err != nil {
				t.Fatal(err)
			}
			<-ana.closed
			if got := websocket.CloseStatus(ana.readErr); got != tt.want {
				t.Fatalf("close status = %v (%v), want %v", got, ana.readErr, tt.want)
			}
		})
	}
	from := bob.eventCount()
	id := w.requestHuman("u2", bob)
	bob.waitEvent(from, "a request after the bad frames", isEvent("new", id))
}
