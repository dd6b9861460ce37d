package teams

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Activity is a Bot Framework activity, as far as the bridge reads or
// writes one.
type Activity struct {
	Type         string          `json:"type"`
	ID           string          `json:"id,omitempty"`
	Timestamp    string          `json:"timestamp,omitempty"`
	ServiceURL   string          `json:"serviceUrl,omitempty"`
	ChannelID    string          `json:"channelId,omitempty"`
	From         *Account        `json:"from,omitempty"`
	Conversation *Conversation   `json:"conversation,omitempty"`
	Recipient    *Account        `json:"recipient,omitempty"`
	TextFormat   string          `json:"textFormat,omitempty"`
	Text         string          `json:"text,omitempty"`
	Attachments  []Attachment    `json:"attachments,omitempty"`
	ChannelData  *ChannelData    `json:"channelData,omitempty"`
	ReplyToID    string          `json:"replyToId,omitempty"`
	Value        json.RawMessage `json:"value,omitempty"`
	Name         string          `json:"name,omitempty"`
}

// Account is a user or bot.
type Account struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	AADObjectID string `json:"aadObjectId,omitempty"`
}

// Conversation is where an activity happens; in a channel its id is the
// channel's, followed by ";messageid=" and the root message's id for a
// reply chain.
type Conversation struct {
	ID               string `json:"id"`
	ConversationType string `json:"conversationType,omitempty"`
	TenantID         string `json:"tenantId,omitempty"`
	IsGroup          bool   `json:"isGroup,omitempty"`
}

// ChannelData is the Teams-specific part of an activity.
type ChannelData struct {
	EventType string `json:"eventType,omitempty"`
	Channel   *Ref   `json:"channel,omitempty"`
	Team      *Ref   `json:"team,omitempty"`
	Tenant    *Ref   `json:"tenant,omitempty"`
}

// Ref names a channel, team or tenant.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Attachment is a card, a file or the HTML form of a message.
type Attachment struct {
	ContentType string `json:"contentType"`
	ContentURL  string `json:"contentUrl,omitempty"`
	Content     any    `json:"content,omitempty"`
	Name        string `json:"name,omitempty"`
}

// Activity types and content types the bridge handles.
const (
	typeMessage       = "message"
	typeMessageUpdate = "messageUpdate"
	typeMessageDelete = "messageDelete"
	typeTyping        = "typing"
	typeInvoke        = "invoke"

	contentCard     = "application/vnd.microsoft.card.adaptive"
	contentHTML     = "text/html"
	contentFileInfo = "application/vnd.microsoft.teams.file.download.info"
)

// maxActivity bounds an inbound request body; Teams' own messages are far
// smaller (28 KB).
const maxActivity = 256 << 10

// parseActivity decodes an inbound activity and checks what every later
// step relies on.
func parseActivity(body []byte) (Activity, error) {
	var a Activity
	if err := json.Unmarshal(body, &a); err != nil {
		return Activity{}, fmt.Errorf("decode activity: %w", err)
	}
	switch {
	case a.Type == "":
		return Activity{}, errors.New("activity without a type")
	case a.From == nil || a.From.ID == "":
		return Activity{}, errors.New("activity without a sender")
	case a.Conversation == nil || a.Conversation.ID == "":
		return Activity{}, errors.New("activity without a conversation")
	}
	return a, nil
}

// threadRoot is the id of the root message of the reply chain a channel
// conversation id names, and the channel's id.
func threadRoot(conversationID string) (channel, root string) {
	channel, root, _ = strings.Cut(conversationID, ";messageid=")
	return channel, root
}

// threadConversation is the conversation id of a channel message's reply
// chain.
func threadConversation(channel, root string) string { return channel + ";messageid=" + root }

// clickData is what the card's Action.Submit buttons carry.
type clickData struct {
	Action  string `json:"hb"`
	Handoff string `json:"handoff"`
}
