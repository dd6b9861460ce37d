package slackfake_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/internal/connlog"
)

func newFake(t *testing.T, o slackfake.Options) (*slackfake.Server, *slack.Client) {
	t.Helper()
	s := slackfake.New(o)
	t.Cleanup(s.Close)
	s.AddChannel(slackfake.Channel{ID: "C1", Name: "support", BotIsMember: true})
	s.AddChannel(slackfake.Channel{ID: "C2", Name: "elsewhere"})
	s.AddUser(slackfake.User{ID: "U1", Name: "ana", DisplayName: "Ana"})
	return s, slack.New(s.Opts().BotToken, slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken(s.Opts().AppToken))
}

func TestWebAPIShapes(t *testing.T) {
	s, api := newFake(t, slackfake.Options{NoRateLimit: true})
	ctx := t.Context()
	auth, err := api.AuthTestContext(ctx)
	if err != nil || auth.UserID != s.Opts().BotUserID || auth.BotID != s.Opts().BotID {
		t.Fatalf("auth.test = %+v, %v", auth, err)
	}
	var last string
	for i := range 5 {
		_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
		if err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
		if ts <= last {
			t.Fatalf("ts %q not after %q", ts, last)
		}
		last = ts
	}
	if _, _, err := api.PostMessageContext(ctx, "C2", slack.MsgOptionText("hi", false)); err == nil || err.Error() != "not_in_channel" {
		t.Fatalf("post where the bot is not a member: %v, want not_in_channel", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C9", slack.MsgOptionText("hi", false)); err == nil || err.Error() != "channel_not_found" {
		t.Fatalf("post to unknown channel: %v, want channel_not_found", err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", last, slack.MsgOptionText("changed", false)); err != nil {
		t.Fatalf("update: %v", err)
	}
	if m, _ := s.Message("C1", last); m.Text != "changed" || m.Updates != 1 {
		t.Fatalf("after update: %+v", m)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", "1.000001", slack.MsgOptionText("x", false)); err == nil || err.Error() != "message_not_found" {
		t.Fatalf("update unknown: %v", err)
	}
	if err := api.AddReactionContext(ctx, "lock", slack.NewRefToMessage("C1", last)); err != nil {
		t.Fatalf("react: %v", err)
	}
	if err := api.AddReactionContext(ctx, "lock", slack.NewRefToMessage("C1", last)); err == nil || err.Error() != "already_reacted" {
		t.Fatalf("react twice: %v", err)
	}
	if _, err := api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("psst", false)); err != nil {
		t.Fatalf("ephemeral: %v", err)
	}
	if e := s.Ephemerals(); len(e) != 1 || e[0].User != "U1" || e[0].Text != "psst" {
		t.Fatalf("ephemerals: %+v", e)
	}
	u, err := api.GetUserInfoContext(ctx, "U1")
	if err != nil || u.Profile.DisplayName != "Ana" {
		t.Fatalf("users.info = %+v, %v", u, err)
	}
	if _, err := api.GetUserInfoContext(ctx, "U404"); err == nil || err.Error() != "user_not_found" {
		t.Fatalf("users.info unknown: %v", err)
	}
	ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C2"})
	if err != nil || ch.IsMember {
		t.Fatalf("conversations.info = %+v, %v", ch, err)
	}
	bad := slack.New("xoxb-wrong", slack.OptionAPIURL(s.APIURL()))
	if _, err := bad.AuthTestContext(ctx); err == nil || err.Error() != "invalid_auth" {
		t.Fatalf("wrong token: %v", err)
	}
}

func TestBlockLimits(t *testing.T) {
	_, api := newFake(t, slackfake.Options{NoRateLimit: true})
	long := make([]byte, slackfake.MaxSectionText+1)
	for i := range long {
		long[i] = 'a'
	}
	tooLong := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, string(long), false, false), nil, nil)
	var many []slack.Block
	for range slackfake.MaxBlocks + 1 {
		many = append(many, slack.NewDividerBlock())
	}
	tests := []struct {
		name string
		opt  slack.MsgOption
		want string
	}{
		{"section text over 3000", slack.MsgOptionBlocks(tooLong), "invalid_blocks"},
		{"51 blocks", slack.MsgOptionBlocks(many...), "invalid_blocks"},
		{"no text", slack.MsgOptionText("  ", false), "no_text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := api.PostMessageContext(t.Context(), "C1", tt.opt)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestRateLimitAnswers429(t *testing.T) {
	s, api := newFake(t, slackfake.Options{PostRate: 1, PostBurst: 2})
	ctx := t.Context()
	for i := range 2 {
		if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("burst", false)); err != nil {
			t.Fatalf("post %d within burst: %v", i, err)
		}
	}
	_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("over", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter < time.Second {
		t.Fatalf("third post: %v, want a RateLimitedError with Retry-After >= 1s", err)
	}
	if s.RateLimited() != 1 || len(s.Messages("C1")) != 2 {
		t.Fatalf("429s = %d, messages = %d", s.RateLimited(), len(s.Messages("C1")))
	}
	// The raw answer is Slack's: status 429, Retry-After, ratelimited body.
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.APIURL()+"chat.postMessage?channel=C1&text=x", nil)
	req.Header.Set("Authorization", "Bearer "+s.Opts().BotToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || string(body) != `{"ok":false,"error":"ratelimited"}` {
		t.Fatalf("raw 429 = %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

func TestSignedHTTPDeliveryWithRetries(t *testing.T) {
	s, _ := newFake(t, slackfake.Options{Retries: 2, AckTimeout: 2 * time.Second})
	calls := make(chan http.Header, 10)
	fails := 1
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := slack.NewSecretsVerifier(r.Header, s.Opts().SigningSecret)
		if err != nil {
			http.Error(w, err.Error(), 401)
			return
		}
		body, _ := io.ReadAll(r.Body)
		_, _ = v.Write(body)
		if err := v.Ensure(); err != nil {
			http.Error(w, err.Error(), 401)
			return
		}
		calls <- r.Header.Clone()
		if fails > 0 {
			fails--
			http.Error(w, "busy", 500)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(app.Close)
	s.SetRequestURL(app.URL)
	ts, res, err := s.PostAsUser(t.Context(), "C1", "U1", "hello", "")
	if err != nil || res.Attempts != 2 || ts == "" {
		t.Fatalf("deliver = %+v, %v", res, err)
	}
	first, second := <-calls, <-calls
	if first.Get("X-Slack-Retry-Num") != "" || second.Get("X-Slack-Retry-Num") != "1" || second.Get("X-Slack-Retry-Reason") != "http_error" {
		t.Fatalf("retry headers: first %v, second %v", first, second)
	}
}

func TestSocketModeEnvelopesAndAcks(t *testing.T) {
	s, api := newFake(t, slackfake.Options{PingInterval: 100 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	sm := socketmode.New(api)
	go func() { _ = sm.RunContext(ctx) }()
	got := make(chan slackevents.EventsAPIEvent, 1)
	go func() {
		for ev := range sm.Events {
			if ev.Type == socketmode.EventTypeEventsAPI {
				_ = sm.Ack(*ev.Request)
				got <- ev.Data.(slackevents.EventsAPIEvent)
			}
		}
	}()
	if err := s.WaitConnected(ctx); err != nil {
		t.Fatal(err)
	}
	_, res, err := s.PostAsUser(ctx, "C1", "U1", "in a thread", "1700000000.000001")
	if err != nil || res.Attempts != 1 {
		t.Fatalf("deliver = %+v, %v", res, err)
	}
	ev := <-got
	msg, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || msg.Text != "in a thread" || msg.ThreadTimeStamp != "1700000000.000001" || msg.User != "U1" {
		t.Fatalf("event = %#v", ev.InnerEvent.Data)
	}
}

// The upload flow shares a file in a thread; files.info and url_private
// serve it back, the latter only with the bot token.
func TestFileUploadAndDownload(t *testing.T) {
	s, api := newFake(t, slackfake.Options{NoRateLimit: true})
	ctx := t.Context()
	_, root, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("root", false))
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("%PDF-1.4 hello")
	sum, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Reader: bytes.NewReader(data), FileSize: len(data),
		Filename: "a.pdf", Title: "a.pdf", Channel: "C1", ThreadTimestamp: root})
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	replies := s.Replies("C1", root)
	if len(replies) != 1 || len(replies[0].Files) != 1 || replies[0].Files[0].ID != sum.ID {
		t.Fatalf("thread after upload: %+v", replies)
	}
	if _, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Reader: bytes.NewReader(data), FileSize: len(data),
		Filename: "b.pdf", Channel: "C1", ThreadTimestamp: "1.000001"}); err == nil {
		t.Fatal("upload into an unknown thread succeeded")
	}
	f, _, _, err := api.GetFileInfoContext(ctx, sum.ID, 0, 0)
	if err != nil || f.Name != "a.pdf" || f.Mimetype != "application/pdf" || f.URLPrivateDownload == "" {
		t.Fatalf("files.info = %+v, %v", f, err)
	}
	if _, _, _, err := api.GetFileInfoContext(ctx, "F99999999", 0, 0); err == nil || err.Error() != "file_not_found" {
		t.Fatalf("files.info of an unknown file: %v", err)
	}
	var got bytes.Buffer
	if err := api.GetFileContext(ctx, f.URLPrivateDownload, &got); err != nil || got.String() != string(data) {
		t.Fatalf("download = %q, %v", got.String(), err)
	}
	resp, err := http.Get(f.URLPrivate)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("url_private without the token: %d, want 403", resp.StatusCode)
	}
}

// TestSocketLogRecordsEachConnection: each Socket Mode connection is a
// span of the fake's SocketLog, open from its hello until the app closes
// it, so that two apps connected at once show as an overlap.
func TestSocketLogRecordsEachConnection(t *testing.T) {
	s, api := newFake(t, slackfake.Options{PingInterval: 100 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	first, stopFirst := context.WithCancel(ctx)
	defer stopFirst()
	run := func(ctx context.Context) {
		sm := socketmode.New(api)
		go func() {
			for range sm.Events {
			}
		}()
		go func() { _ = sm.RunContext(ctx) }()
	}
	log := s.SocketLog()
	run(first)
	if err := log.Changes().Until(ctx, "one connection", func() bool { return log.OpenNow() == 1 }); err != nil {
		t.Fatal(err)
	}
	run(ctx)
	if err := log.Changes().Until(ctx, "two connections", func() bool { return log.OpenNow() == 2 }); err != nil {
		t.Fatal(err)
	}
	stopFirst()
	if err := log.Changes().Until(ctx, "the first closed", func() bool { return log.OpenNow() == 1 }); err != nil {
		t.Fatal(err)
	}
	spans := log.Spans()
	if len(spans) != 2 || spans[0].Open() || !spans[1].Open() || spans[0].Peer == "" {
		t.Fatalf("spans %+v, want the first closed and the second open", spans)
	}
	if o := connlog.Overlaps(spans); len(o) != 1 || !o[0].To.Equal(spans[0].Closed) {
		t.Errorf("overlaps %+v, want one until the first closed", o)
	}
}
