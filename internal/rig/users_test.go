package rig

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/adapters/whatsapp/whatsappfake"
)

// TestTelegramUsersReadBack: what the bot sends is recorded once per
// message, for known chats only, however often it is polled.
func TestTelegramUsersReadBack(t *testing.T) {
	fake := telegramfake.New(telegramfake.Options{})
	defer fake.Close()
	ledger := NewLedger()
	users := NewTelegramUsers(fake, ledger)
	users.User("c1", 1001)
	ledger.Sent(AgentToUser, "c1", 1, time.Now())
	ledger.Sent(AgentToUser, "c1", 2, time.Now())
	botSends := func(chat, text string) {
		t.Helper()
		resp, err := http.PostForm(fake.URL()+"/bot"+fake.Token()+"/sendMessage", url.Values{"chat_id": {chat}, "text": {text}})
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("sendMessage: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	botSends("1001", "Ana: a-c1-1")
	botSends("999", "a-c1-2 to a stranger")
	users.Poll()
	users.Poll()
	botSends("1001", "a-c1-2")
	users.Poll()
	r := ledger.Result(AgentToUser)
	if r.Delivered != 2 || r.Duplicated != 0 || r.Lost != 0 || users.Received("c1") != 2 {
		t.Fatalf("result %+v, received %d", r, users.Received("c1"))
	}
}

// TestWhatsAppUsersDeliverAndReadBack: a message is delivered signed and
// again until the bridge takes it, and what the business sends back is
// recorded once per message.
func TestWhatsAppUsersDeliverAndReadBack(t *testing.T) {
	fake := whatsappfake.New(whatsappfake.Options{})
	defer fake.Close()
	var calls atomic.Int32
	var got []byte
	bridge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Hub-Signature-256") != fake.Sign(body) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if calls.Add(1) == 1 {
			http.Error(w, "restarting", http.StatusServiceUnavailable)
			return
		}
		got = body
	}))
	defer bridge.Close()
	ledger := NewLedger()
	users := NewWhatsAppUsers(fake, bridge.URL, ledger)
	u := users.User("c7", "15550000007")
	tag := u.SayTagged(t.Context(), UserToAgent, "where is my order?")
	if calls.Load() != 2 || users.Redeliveries() != 1 || !bytes.Contains(got, []byte(tag)) {
		t.Fatalf("%d calls, %d redeliveries, last body %s", calls.Load(), users.Redeliveries(), got)
	}

	ledger.Sent(AgentToUser, "c7", 1, time.Now())
	o := fake.Options()
	send, _ := json.Marshal(map[string]any{"messaging_product": "whatsapp", "to": "15550000007", "type": "text", "text": map[string]any{"body": "*Ana*\na-c7-1"}})
	req, _ := http.NewRequest(http.MethodPost, fake.URL()+"/"+o.Version+"/"+o.PhoneNumberID+"/messages", bytes.NewReader(send))
	req.Header.Set("Authorization", "Bearer "+o.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("send: %v %v", resp, err)
	}
	resp.Body.Close()
	users.Poll()
	users.Poll()
	r := ledger.Result(AgentToUser)
	if r.Delivered != 1 || r.Duplicated != 0 || users.Received("c7") != 1 || !strings.HasPrefix(tag, "u-c7-") {
		t.Fatalf("result %+v, received %d, tag %s", r, users.Received("c7"), tag)
	}
}
