package mattermost_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
)

// Mattermost's rate limiter answers 429 to the bridge's posts: the
// outbox waits as Retry-After says and posts again, so the user's
// messages reach the thread once each, in order.
func TestRateLimitedPostsRetried(t *testing.T) {
	e := newEnv(t, mattermostfake.Options{})
	const chat = "w1"
	_, root := e.requestThread(chat)
	e.click(anaID, root, "join")
	e.waitFake("join line and active card", func() bool {
		return strings.Contains(e.threadText(root), "joined") && strings.Contains(e.card(root).Message, "Active")
	})

	e.mm.Throttle(1)
	e.userSays(chat, "first while limited")
	e.userSays(chat, "second while limited")
	e.waitFake("both messages in the thread", func() bool {
		th := e.threadText(root)
		return strings.Contains(th, "first while limited") && strings.Contains(th, "second while limited")
	})
	if e.mm.Limited() != 1 {
		t.Errorf("429s given = %d, want 1", e.mm.Limited())
	}
	th := e.threadText(root)
	if strings.Count(th, "first while limited") != 1 || strings.Count(th, "second while limited") != 1 {
		t.Errorf("a message was posted twice:\n%s", th)
	}
	if strings.Index(th, "first while limited") > strings.Index(th, "second while limited") {
		t.Errorf("messages out of order:\n%s", th)
	}
}

// /handoffs lists an agent's open handoffs with links to their threads;
// someone who is not an agent is told so; a request without the
// command's token is refused.
func TestSlashCommand(t *testing.T) {
	e := newEnv(t, mattermostfake.Options{})
	id, root := e.requestThread("w1")

	res, err := e.mm.RunCommand(e.ctx, anaID, channel, "/handoffs", slashToken)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("/handoffs as Ana: %+v %v", res, err)
	}
	link := e.mm.URL() + "/" + e.mm.TeamName() + "/pl/" + root
	if res.ResponseType != "ephemeral" || !strings.Contains(res.Text, "#"+id.String()) || !strings.Contains(res.Text, link) {
		t.Errorf("Ana got %q (%s), want handoff #%s linking %s", res.Text, res.ResponseType, id, link)
	}

	res, err = e.mm.RunCommand(e.ctx, eveID, channel, "/handoffs", slashToken)
	if err != nil || !strings.Contains(res.Text, "not a configured agent") {
		t.Errorf("Eve got %+v %v", res, err)
	}

	res, err = e.mm.RunCommand(e.ctx, anaID, channel, "/handoffs", "guessed-token")
	if err != nil || res.Status != http.StatusUnauthorized || res.Text != "" {
		t.Errorf("a wrong token got %+v %v, want 401 and nothing listed", res, err)
	}
}
