package teamsfake

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Signing says how an activity's token is made; the zero value signs as
// the Bot Framework does.
type Signing struct {
	Key      *rsa.PrivateKey // default the fake's own key
	KeyID    string          // default the fake's key id
	Audience string          // default the app id
	Expires  time.Time       // default an hour from now
}

// Activity is an activity the fake sends the bot, in Bot Framework JSON.
type Activity struct {
	Type         string          `json:"type"`
	ID           string          `json:"id"`
	Timestamp    string          `json:"timestamp"`
	ServiceURL   string          `json:"serviceUrl"`
	ChannelID    string          `json:"channelId"`
	From         map[string]any  `json:"from"`
	Conversation map[string]any  `json:"conversation"`
	Recipient    map[string]any  `json:"recipient"`
	TextFormat   string          `json:"textFormat,omitempty"`
	Text         string          `json:"text,omitempty"`
	Attachments  []any           `json:"attachments,omitempty"`
	ChannelData  map[string]any  `json:"channelData"`
	ReplyToID    string          `json:"replyToId,omitempty"`
	Value        json.RawMessage `json:"value,omitempty"`
}

// activity is an activity from u in the reply chain under root in channel.
func (s *Server) activity(typ string, channel, root string, u User) Activity {
	s.mu.Lock()
	id := s.newID()
	s.mu.Unlock()
	conv := channel
	if root != "" {
		conv += ";messageid=" + root
	}
	return Activity{Type: typ, ID: id, Timestamp: time.Now().UTC().Format(time.RFC3339Nano), ServiceURL: s.ServiceURL(),
		ChannelID: "msteams",
		From:      map[string]any{"id": u.ID, "name": u.Name, "aadObjectId": u.AADObjectID},
		Conversation: map[string]any{"isGroup": true, "conversationType": "channel", "tenantId": s.opts.TenantID,
			"id": conv},
		Recipient: map[string]any{"id": "28:" + s.opts.AppID, "name": "Handoff"},
		ChannelData: map[string]any{"teamsChannelId": channel, "teamsTeamId": channel,
			"channel": map[string]string{"id": channel}, "team": map[string]string{"id": channel},
			"tenant": map[string]string{"id": s.opts.TenantID}},
		ReplyToID: root,
	}
}

var tags = regexp.MustCompile(`<[^>]*>`)

// Say is u replying in a reply chain with a message in Teams' HTML; the
// plain text goes in text, the HTML in a text/html attachment, as Teams
// sends them.
func (s *Server) Say(ctx context.Context, channel, root string, u User, htmlText string) (Activity, int, error) {
	a := s.activity("message", channel, root, u)
	a.TextFormat, a.Text = "plain", html.UnescapeString(tags.ReplaceAllString(htmlText, ""))
	a.Attachments = []any{map[string]string{"contentType": "text/html", "content": htmlText}}
	status, err := s.Send(ctx, a, Signing{})
	return a, status, err
}

// Edit is u editing their message id.
func (s *Server) Edit(ctx context.Context, channel, root, id string, u User, htmlText string) (int, error) {
	a := s.activity("messageUpdate", channel, root, u)
	a.ID, a.TextFormat, a.Text = id, "plain", html.UnescapeString(tags.ReplaceAllString(htmlText, ""))
	a.Attachments = []any{map[string]string{"contentType": "text/html", "content": htmlText}}
	a.ChannelData["eventType"] = "editMessage"
	return s.Send(ctx, a, Signing{})
}

// Delete is u deleting their message id.
func (s *Server) Delete(ctx context.Context, channel, root, id string, u User) (int, error) {
	a := s.activity("messageDelete", channel, root, u)
	a.ID = id
	a.ChannelData["eventType"] = "softDeleteMessage"
	return s.Send(ctx, a, Signing{})
}

// Typing is u typing in a reply chain.
func (s *Server) Typing(ctx context.Context, channel, root string, u User) (int, error) {
	return s.Send(ctx, s.activity("typing", channel, root, u), Signing{})
}

// Click is u pressing the card button titled title (Action.Submit): a
// message with the button's data as value, replying to the card.
func (s *Server) Click(ctx context.Context, channel, root string, u User, title string) (int, error) {
	a, err := s.ClickActivity(channel, root, u, title)
	if err != nil {
		return 0, err
	}
	return s.Send(ctx, a, Signing{})
}

// ClickActivity is the activity Click sends, to send it otherwise.
func (s *Server) ClickActivity(channel, root string, u User, title string) (Activity, error) {
	ms := s.Messages(channel + ";messageid=" + root)
	if len(ms) == 0 || ms[0].Card == nil {
		return Activity{}, fmt.Errorf("teamsfake: no card at the root of %s", root)
	}
	for _, b := range ms[0].Card.Actions {
		if b.Title == title && b.Type == "Action.Submit" {
			a := s.activity("message", channel, root, u)
			a.Value, _ = json.Marshal(b.Data)
			return a, nil
		}
	}
	return Activity{}, fmt.Errorf("teamsfake: the card has no button %q (it has %v)", title, ms[0].Buttons())
}

// Send posts an activity to the bot with a token made as sign says, and
// returns the bot's status.
func (s *Server) Send(ctx context.Context, a Activity, sign Signing) (int, error) {
	body, err := json.Marshal(a)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	url := s.botURL
	s.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+s.sign(sign))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// sign makes the token the Bot Framework puts on its requests.
func (s *Server) sign(o Signing) string {
	s.mu.Lock()
	if o.Key == nil {
		o.Key = s.key
	}
	if o.KeyID == "" {
		o.KeyID = s.kid
	}
	s.mu.Unlock()
	if o.Audience == "" {
		o.Audience = s.opts.AppID
	}
	if o.Expires.IsZero() {
		o.Expires = time.Now().Add(time.Hour)
	}
	now := time.Now()
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": s.Issuer(), "aud": o.Audience, "serviceurl": s.ServiceURL(),
		"nbf": o.Expires.Add(-time.Hour).Add(-5 * time.Minute).Unix(), "exp": o.Expires.Unix(), "iat": now.Unix(),
	})
	t.Header["kid"] = o.KeyID
	signed, err := t.SignedString(o.Key)
	if err != nil {
		panic(err)
	}
	return signed
}

// SayPersonal is u writing to the bot in their personal chat with it.
func (s *Server) SayPersonal(ctx context.Context, u User, text string) (int, error) {
	a := s.activity("message", "", "", u)
	conv := PersonalChat(u)
	a.Conversation = map[string]any{"conversationType": "personal", "tenantId": s.opts.TenantID, "id": conv}
	a.ChannelData = map[string]any{"tenant": map[string]string{"id": s.opts.TenantID}}
	a.ReplyToID, a.TextFormat, a.Text = "", "plain", text
	s.mu.Lock()
	if _, ok := s.convs[conv]; !ok {
		s.convs[conv] = nil
	}
	s.mu.Unlock()
	return s.Send(ctx, a, Signing{})
}
