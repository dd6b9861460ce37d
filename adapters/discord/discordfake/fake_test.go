package discordfake_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/internal/connlog"
)

func session(t *testing.T, f *discordfake.Server) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + f.Token())
	if err != nil {
		t.Fatal(err)
	}
	s.Client = f.Client()
	s.ShouldRetryOnRateLimit = false
	s.LogLevel = -1
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsMessageContent | discordgo.IntentsDirectMessages
	return s
}

func TestGatewayDispatchesWhatUsersWrite(t *testing.T) {
	f := discordfake.New(discordfake.Options{})
	t.Cleanup(f.Close)
	s := session(t, f)
	got := make(chan *discordgo.MessageCreate, 10)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
	if err := s.Open(); err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ch := f.NewTextChannel("desk")
	u := f.NewUser("ana")
	if _, err := f.Say(ch, u, "hello **there**"); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if m.Content != "hello **there**" || m.Author.ID != u.ID || m.GuildID != f.GuildID {
			t.Fatalf("got %+v", m.Message)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no MESSAGE_CREATE")
	}
}

func TestRateLimitHeadersAnd429(t *testing.T) {
	lim := discordfake.Limits{Routes: map[string]discordfake.Limit{"POST /channels/{id}/messages": {Requests: 2, Window: time.Minute}}}
	f := discordfake.New(discordfake.Options{Limits: &lim})
	t.Cleanup(f.Close)
	ch := f.NewTextChannel("desk")
	c := f.Client()
	post := func() *http.Response {
		req, _ := http.NewRequest("POST", discordgo.EndpointChannelMessages(ch), strings.NewReader(`{"content":"hi"}`))
		req.Header.Set("Authorization", "Bot "+f.Token())
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i, want := range []struct {
		status    int
		remaining string
	}{{200, "1"}, {200, "0"}, {429, "0"}} {
		resp := post()
		if resp.StatusCode != want.status || resp.Header.Get("X-RateLimit-Remaining") != want.remaining || resp.Header.Get("X-RateLimit-Bucket") == "" {
			t.Fatalf("request %d: status %d remaining %q", i, resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
		}
	}
	s := session(t, f)
	_, err := s.ChannelMessageSend(ch, "over the limit")
	var rl *discordgo.RateLimitError
	if !asRateLimit(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > time.Minute {
		t.Fatalf("want a rate limit error with retry_after, got %v", err)
	}
}

func asRateLimit(err error, target **discordgo.RateLimitError) bool {
	rl, ok := err.(*discordgo.RateLimitError)
	*target = rl
	return ok
}

// TestSessionsLogEachGatewaySession: a gateway connection is a span of
// the fake's Sessions log once it identified, until it closed; two bots
// connected at once show as an overlap.
func TestSessionsLogEachGatewaySession(t *testing.T) {
	f := discordfake.New(discordfake.Options{})
	t.Cleanup(f.Close)
	log := f.Sessions()
	a, b := session(t, f), session(t, f)
	if err := a.Open(); err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := b.Open(); err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	// discordgo's Open returns once READY arrived: both spans are open.
	if n := log.OpenNow(); n != 2 {
		t.Fatalf("%d sessions open, want 2", n)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := log.Changes().Until(t.Context(), "the first session closed", func() bool { return log.OpenNow() == 1 }); err != nil {
		t.Fatal(err)
	}
	spans := log.Spans()
	if len(spans) != 2 || spans[0].Open() || !spans[1].Open() {
		t.Fatalf("spans %+v, want the first closed, the second open", spans)
	}
	if o := connlog.Overlaps(spans); len(o) != 1 {
		t.Errorf("overlaps %+v, want one", o)
	}
}
