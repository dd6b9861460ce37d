package mattermost

import (
	"crypto/hmac"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

var fuzzKey = []byte("0123456789abcdef0123456789abcdef")

// signedAction is an action request as Mattermost would post it for a
// button the bridge made with fuzzKey.
func signedAction(handoff, action string) []byte {
	b, _ := json.Marshal(ActionRequest{UserID: "u1", PostID: "p1", TriggerID: "t1", Type: "button",
		Context: map[string]any{"handoff": handoff, "action": action, "secret": actionSecret(fuzzKey, handoff, action)}})
	return b
}

// FuzzParseAction feeds arbitrary bodies to the action parser: it never
// panics, and it accepts a request only when its secret is the one the
// bridge made for that handoff and action, and what it names is whole.
func FuzzParseAction(f *testing.F) {
	f.Add(signedAction("7", "join"))
	f.Add(signedAction("7", "resolve"))
	f.Add(signedAction("0", "join"))
	f.Add(signedAction("7", "explode"))
	f.Add([]byte(`{"user_id":"u","post_id":"p","context":{"handoff":"7","action":"join","secret":"x"}}`))
	f.Add([]byte(`{"context":{"secret":null}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := parseAction(fuzzKey, body)
		if err != nil {
			return
		}
		var req ActionRequest
		if json.Unmarshal(body, &req) != nil {
			t.Fatalf("accepted a body that is not an action request: %q", body)
		}
		handoff, _ := req.Context["handoff"].(string)
		action, _ := req.Context["action"].(string)
		secret, _ := req.Context["secret"].(string)
		if !hmac.Equal([]byte(secret), []byte(actionSecret(fuzzKey, handoff, action))) {
			t.Fatalf("accepted a wrong secret: %q", body)
		}
		if c.handoff <= 0 || c.handoff.String() != handoff || actionsByID[action] != c.action || c.userID == "" || c.postID == "" {
			t.Fatalf("accepted %+v from %q", c, body)
		}
	})
}

// FuzzParseCommand feeds arbitrary slash command requests to the parser:
// it never panics, and it accepts one only with the command's token.
func FuzzParseCommand(f *testing.F) {
	const token = "slash-token"
	f.Add("Token slash-token", []byte("command=%2Fhandoffs&user_id=u1&team_domain=acme&text="))
	f.Add("", []byte("token=slash-token&command=%2Fhandoffs&user_id=u1"))
	f.Add("Token wrong", []byte("token=slash-token&command=%2Fhandoffs&user_id=u1"))
	f.Add("Bearer slash-token", []byte("command=%2Fhandoffs&user_id=u1"))
	f.Add("Token slash-token", []byte("command=%zz"))
	f.Add("Token slash-token", []byte("user_id=u1"))
	f.Fuzz(func(t *testing.T, auth string, body []byte) {
		h := http.Header{}
		if auth != "" {
			h.Set("Authorization", auth)
		}
		c, err := parseCommand(h, body, token)
		if err != nil {
			return
		}
		if c.name == "" || c.userID == "" {
			t.Fatalf("accepted a command without a name or user: %+v", c)
		}
		header, viaHeader := strings.CutPrefix(h.Get("Authorization"), "Token ")
		form, _ := url.ParseQuery(string(body))
		if (viaHeader && header != token) || (!viaHeader && form.Get("token") != token) {
			t.Fatalf("accepted without the token: auth %q body %q", auth, body)
		}
	})
}
