package api_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/api"
	"github.com/handoffbridge/handoff/adapters/api/apiclient"
	"github.com/handoffbridge/handoff/adapters/api/apitest"
	"github.com/handoffbridge/handoff/bridge"
)

// A bot hands its user to an agent in Slack or Discord and back: the agent
// sees the transcript and the bot's summary, the user's messages reach the
// thread, the agent's joining, replies and resolving come back as signed
// callbacks in order, and the bot is told when to stay quiet and when to
// resume.
func TestBotHandsOffToSlackAndBack(t *testing.T) {
	testBotHandsOffAndBack(t, handOffCase{workspace: bridge.WorkspaceSlack,
		reply: "Hello *Uma*, let me check <https://track.example/7781|your parcel>."})
}

func TestBotHandsOffToDiscordAndBack(t *testing.T) {
	// Discord sends a thread's messages and a card's clicks on separate
	// streams with no order between them, so the agent's last reply and
	// the Resolve click pressed right after it may be handled either way
	// round; the agent here resolves once the replies went out.
	testBotHandsOffAndBack(t, handOffCase{workspace: bridge.WorkspaceDiscord,
		reply: "Hello **Uma**, let me check [your parcel](https://track.example/7781).", resolveAfterReplies: true})
}

// handOffCase is the flow in one workspace.
type handOffCase struct {
	workspace bridge.WorkspaceKind
	// reply is the agent's first reply, in the workspace's own markup.
	reply string
	// resolveAfterReplies has the agent resolve only once the bot got
	// both replies.
	resolveAfterReplies bool
}

func testBotHandsOffAndBack(t *testing.T, c handOffCase) {
	e := apitest.New(t, apitest.Options{Workspace: c.workspace})
	desk, ana := e.Desk, e.Desk.AgentName()
	at := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	conv, created, err := e.Shop.UpsertConversation(e.Ctx, apiclient.ConversationInput{ExternalID: "wa-4915112345678",
		User: &apiclient.Profile{Name: "Uma", Email: "uma@example.com", Locale: "de-DE", ChannelLabel: "WhatsApp via our bot",
			Attributes: map[string]string{"plan": "gold"}},
		Transcript: []apiclient.Turn{
			{Role: "user", Text: "where is my parcel?", At: at},
			{Role: "bot", Text: "It left our warehouse on Monday.", At: at.Add(time.Second)},
		}})
	if err != nil || !created || conv.BotPaused || conv.Handoff != nil {
		t.Fatalf("create = %+v, created %v, %v", conv, created, err)
	}
	const id = "wa-4915112345678"
	h, created, err := e.Shop.RequestHandoff(e.Ctx, id, apiclient.HandoffInput{Team: "sales", Priority: "high",
		Reason: "The user asked for a human", Summary: "Parcel 7781 is late; user is upset", Attributes: map[string]string{"order": "7781"}})
	if err != nil || !created || h.State != "pending" || h.QueuePosition != 1 || h.Team != "sales" || h.Priority != "high" {
		t.Fatalf("handoff = %+v, created %v, %v", h, created, err)
	}
	again, created, err := e.Shop.RequestHandoff(e.Ctx, id, apiclient.HandoffInput{Reason: "asked again"})
	if err != nil || created || again.ID != h.ID {
		t.Errorf("second request = %+v, created %v, %v; want the open handoff %s", again, created, err, h.ID)
	}

	th := desk.Thread("sales", h.ID)
	for _, want := range []string{"where is my parcel?", "It left our warehouse on Monday.", "Parcel 7781 is late", "uma@example.com", "order: 7781", "plan: gold"} {
		desk.ThreadHas(th, want)
	}
	pending := e.WaitType(id, apiclient.EventPending)
	if p := pending[0]; p.HandoffID != h.ID || p.QueuePosition != 1 || p.BotPaused == nil || !*p.BotPaused || p.Integration != "shop" {
		t.Errorf("pending callback = %+v", p)
	}

	acc, err := e.Shop.PostMessage(e.Ctx, id, apiclient.MessageInput{Text: "is anyone there?", MessageID: "wamid.1"})
	if err != nil || acc.RoutedTo != "thread" || !acc.BotPaused {
		t.Fatalf("post = %+v, %v", acc, err)
	}
	desk.ThreadHas(th, "is anyone there?")

	desk.Join(th, h.ID)
	joined := e.WaitType(id, apiclient.EventJoined)
	if j := joined[len(joined)-1]; j.Agent == nil || j.Agent.Name != ana || j.State != "active" || !*j.BotPaused {
		t.Errorf("joined callback = %+v", j)
	}
	desk.AgentSays(th, c.reply)
	desk.AgentSays(th, "// internal: warehouse says Tuesday")
	desk.AgentSays(th, "It arrives on Tuesday.")
	if c.resolveAfterReplies {
		e.WaitFor(id, "both replies", func(evs []apiclient.Event) bool {
			return slices.ContainsFunc(evs, func(ev apiclient.Event) bool { return ev.Message != nil && ev.Message.Text == "It arrives on Tuesday." })
		})
	}
	desk.Resolve(th, h.ID)
	evs := e.WaitType(id, apiclient.EventResolved)

	want := []string{apiclient.EventPending, apiclient.EventJoined, apiclient.EventAgentMessage, apiclient.EventAgentMessage, apiclient.EventResolved}
	if got := apitest.Types(evs); !slices.Equal(got, want) {
		t.Fatalf("callbacks = %v, want %v (in order, each once, no internal note)", got, want)
	}
	first, second := evs[2].Message, evs[3].Message
	if !strings.Contains(first.Markdown, "**Uma**") || first.Plain != "Hello Uma, let me check your parcel (https://track.example/7781)." ||
		evs[2].Agent.Name != ana {
		t.Errorf("first reply = %+v (agent %+v)", first, evs[2].Agent)
	}
	if second.Text != "It arrives on Tuesday." {
		t.Errorf("second reply = %+v", second)
	}
	if r := evs[4]; r.State != "resolved" || r.BotPaused == nil || *r.BotPaused || r.HandoffID != h.ID {
		t.Errorf("resolved callback = %+v", r)
	}
	seen := map[string]bool{}
	for _, ev := range evs {
		if seen[ev.ID] {
			t.Errorf("event id %s twice", ev.ID)
		}
		seen[ev.ID] = true
	}

	conv, err = e.Shop.Conversation(e.Ctx, id)
	if err != nil || conv.BotPaused || conv.Handoff == nil || conv.Handoff.State != "resolved" || conv.Handoff.Agent == nil || conv.Handoff.Agent.Name != ana ||
		conv.User == nil || conv.User.Email != "uma@example.com" {
		t.Errorf("conversation after resolve = %+v, %v", conv, err)
	}
	page, err := e.Shop.Messages(e.Ctx, id, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var history []string
	for _, m := range page.Messages {
		history = append(history, m.Role+": "+m.Text)
	}
	joinedHistory := strings.Join(history, "\n")
	for _, want := range []string{"user: where is my parcel?", "bot: It left our warehouse on Monday.", "user: is anyone there?", "agent: It arrives on Tuesday."} {
		if !strings.Contains(joinedHistory, want) {
			t.Errorf("history lacks %q:\n%s", want, joinedHistory)
		}
	}
	if strings.Contains(joinedHistory, "internal") || strings.Contains(joinedHistory, "must stay silent") {
		t.Errorf("history shows an internal note or the bridge's AI:\n%s", joinedHistory)
	}
	rest, err := e.Shop.Messages(e.Ctx, id, page.NextCursor, 0)
	if err != nil || len(rest.Messages) != 0 || rest.NextCursor != page.NextCursor {
		t.Errorf("after the last cursor = %+v, %v", rest, err)
	}
	// After resolve the bot answers again: a message outside a handoff is
	// only recorded.
	if acc, err := e.Shop.PostMessage(e.Ctx, id, apiclient.MessageInput{Text: "thanks! talk to a human"}); err != nil || acc.RoutedTo != "recorded" || acc.BotPaused {
		t.Errorf("post after resolve = %+v, %v; want it recorded, no trigger", acc, err)
	}
	after, err := e.Shop.Messages(e.Ctx, id, page.NextCursor, 0)
	if err != nil || len(after.Messages) != 1 || after.Messages[0].Role != "user" {
		t.Errorf("after the last post = %+v, %v; want only the user's message (the bridge's AI stays silent)", after, err)
	}
}

// With triggers: true, the bridge's own triggers fire on messages posted
// outside a handoff; its AI still stays silent.
func TestIntegrationTriggers(t *testing.T) {
	e := apitest.New(t, apitest.Options{Triggers: true})
	if _, _, err := e.Shop.UpsertConversation(e.Ctx, apiclient.ConversationInput{ExternalID: "trig-1"}); err != nil {
		t.Fatal(err)
	}
	acc, err := e.Shop.PostMessage(e.Ctx, "trig-1", apiclient.MessageInput{Text: "what are your prices?"})
	if err != nil || acc.RoutedTo != "recorded" || acc.BotPaused {
		t.Fatalf("plain message = %+v, %v", acc, err)
	}
	acc, err = e.Shop.PostMessage(e.Ctx, "trig-1", apiclient.MessageInput{Text: "talk to a human"})
	if err != nil || acc.RoutedTo != "thread" || !acc.BotPaused {
		t.Fatalf("trigger phrase = %+v, %v; want a handoff", acc, err)
	}
	evs := e.WaitType("trig-1", apiclient.EventPending)
	page, err := e.Shop.Messages(e.Ctx, "trig-1", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range page.Messages {
		if m.Role == "bot" {
			t.Errorf("the bridge's AI answered: %+v", m)
		}
	}
	if conv, err := e.Shop.Conversation(e.Ctx, "trig-1"); err != nil || conv.Handoff == nil || conv.Handoff.ID != evs[0].HandoffID {
		t.Errorf("conversation = %+v, %v", conv, err)
	}
}

// Retried POSTs with the same Idempotency-Key (or bot message id) return
// the first answer and create nothing: one conversation, one handoff, one
// message in the thread. The same key with another request is refused.
func TestRetriedPostsChangeNothing(t *testing.T) {
	e := apitest.New(t, apitest.Options{})
	const id = "retry-1"
	in := apiclient.ConversationInput{ExternalID: id, Transcript: []apiclient.Turn{{Role: "user", Text: "hello once"}}}
	_, created1, err1 := e.Shop.UpsertConversation(e.Ctx, in, apiclient.WithIdempotencyKey("conv-1"))
	_, created2, err2 := e.Shop.UpsertConversation(e.Ctx, in, apiclient.WithIdempotencyKey("conv-1"))
	if err1 != nil || err2 != nil || !created1 || !created2 {
		t.Fatalf("upserts: %v %v, created %v %v; want the replay to answer 201 like the first", err1, err2, created1, created2)
	}
	h1, _, err1 := e.Shop.RequestHandoff(e.Ctx, id, apiclient.HandoffInput{Reason: "help"}, apiclient.WithIdempotencyKey("h-1"))
	h2, created, err2 := e.Shop.RequestHandoff(e.Ctx, id, apiclient.HandoffInput{Reason: "help"}, apiclient.WithIdempotencyKey("h-1"))
	if err1 != nil || err2 != nil || h1.ID != h2.ID || !created {
		t.Fatalf("handoffs %+v / %+v (created %v): %v %v", h1, h2, created, err1, err2)
	}
	root := e.Thread(apitest.SupportChannel, h1.ID)
	m1, err1 := e.Shop.PostMessage(e.Ctx, id, apiclient.MessageInput{Text: "only once please"}, apiclient.WithIdempotencyKey("m-1"))
	m2, err2 := e.Shop.PostMessage(e.Ctx, id, apiclient.MessageInput{Text: "only once please"}, apiclient.WithIdempotencyKey("m-1"))
	m3, err3 := e.Shop.PostMessage(e.Ctx, id, apiclient.MessageInput{Text: "by bot id", MessageID: "bot-7"})
	m4, err4 := e.Shop.PostMessage(e.Ctx, id, apiclient.MessageInput{Text: "by bot id", MessageID: "bot-7"})
	if err := errors.Join(err1, err2, err3, err4); err != nil || m1 != m2 || m3 != m4 || m1.MessageID == m3.MessageID {
		t.Fatalf("posts %+v %+v %+v %+v: %v", m1, m2, m3, m4, err)
	}
	_, err := e.Shop.PostMessage(e.Ctx, id, apiclient.MessageInput{Text: "something else"}, apiclient.WithIdempotencyKey("m-1"))
	var p *apiclient.Problem
	if !errors.As(err, &p) || p.Status != http.StatusUnprocessableEntity || p.Type != api.ProblemKeyReused {
		t.Errorf("reused key: %v, want %s", err, api.ProblemKeyReused)
	}
	// The thread hears the user in order: once the marker is there, any
	// copy of the earlier posts would be too.
	if _, err := e.Shop.PostMessage(e.Ctx, id, apiclient.MessageInput{Text: "marker after the posts"}); err != nil {
		t.Fatal(err)
	}
	e.ThreadHas(apitest.SupportChannel, root, "marker after the posts")
	count := func(text string) int {
		n := 0
		for _, m := range e.Slack.Replies(apitest.SupportChannel, root) {
			if strings.Contains(m.Text, text) || strings.Contains(string(m.Blocks), text) {
				n++
			}
		}
		return n
	}
	if count("only once please") != 1 || count("by bot id") != 1 || count("hello once") != 1 {
		t.Errorf("thread has %d, %d and %d copies, want 1 each", count("only once please"), count("by bot id"), count("hello once"))
	}
	if roots := e.Slack.Roots(apitest.SupportChannel); len(roots) != 1 {
		t.Errorf("%d threads, want 1", len(roots))
	}
	page, err := e.Shop.Messages(e.Ctx, id, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	users := 0
	for _, m := range page.Messages {
		if m.Role == "user" {
			users++
		}
	}
	if users != 4 {
		t.Errorf("%d user messages stored, want 4: %+v", users, page.Messages)
	}
}

// Retries racing each other with the same key do the work once and all
// get the same answer.
func TestRacingRetriesDoTheWorkOnce(t *testing.T) {
	e := apitest.New(t, apitest.Options{})
	if _, _, err := e.Shop.UpsertConversation(e.Ctx, apiclient.ConversationInput{ExternalID: "race-1"}); err != nil {
		t.Fatal(err)
	}
	answers := make([]apiclient.MessageAccepted, 8)
	errs := make([]error, len(answers))
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() {
			answers[i], errs[i] = e.Shop.PostMessage(e.Ctx, "race-1", apiclient.MessageInput{Text: "just once"}, apiclient.WithIdempotencyKey("race-key"))
		})
	}
	wg.Wait()
	for i := range answers {
		if errs[i] != nil || answers[i] != answers[0] || answers[i].MessageID == "0" {
			t.Errorf("answer %d = %+v, %v; want %+v", i, answers[i], errs[i], answers[0])
		}
	}
	page, err := e.Shop.Messages(e.Ctx, "race-1", "", 0)
	if err != nil || len(page.Messages) != 1 {
		t.Errorf("messages = %+v, %v; want one", page.Messages, err)
	}
}
