package whatsapp

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Webhook is a delivery of the Cloud API webhook.
type Webhook struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string `json:"field"`
			Value Value  `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

// Value is the content of one change.
type Value struct {
	Metadata struct {
		PhoneNumberID string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID string `json:"wa_id"`
	} `json:"contacts"`
	Messages []Message `json:"messages"`
	Statuses []Status  `json:"statuses"`
}

// Message is one inbound message.
type Message struct {
	From      string `json:"from"`
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	Text      *struct {
		Body string `json:"body"`
	} `json:"text"`
	Interactive *struct {
		Type        string `json:"type"`
		ButtonReply *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"button_reply"`
		ListReply *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"list_reply"`
	} `json:"interactive"`
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Image    *Media    `json:"image"`
	Document *Media    `json:"document"`
	Video    *Media    `json:"video"`
	Audio    *Media    `json:"audio"`
	Sticker  *Media    `json:"sticker"`
	Location *Location `json:"location"`
	Contacts []Contact `json:"contacts"`
	Reaction *Reaction `json:"reaction"`
	// Edit and Revoke are a user's change or deletion of an earlier
	// message (sent for numbers that also use the WhatsApp Business app).
	Edit *struct {
		OriginalMessageID string   `json:"original_message_id"`
		Message           *Message `json:"message"`
	} `json:"edit"`
	Revoke *struct {
		OriginalMessageID string `json:"original_message_id"`
	} `json:"revoke"`
	// Unsupported names what the Cloud API could not pass on (a poll, a
	// view-once photo), when it says.
	Unsupported *struct {
		Type string `json:"type"`
	} `json:"unsupported"`
}

// Media is an inbound file.
type Media struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	SHA256   string `json:"sha256"`
	// Voice marks an audio recorded in the app rather than a shared file.
	Voice bool `json:"voice"`
}

// Status is a delivery status of a message the business sent.
type Status struct {
	ID          string `json:"id"`
	Status      string `json:"status"` // sent, delivered, read, failed
	RecipientID string `json:"recipient_id"`
	Errors      []struct {
		Code  int    `json:"code"`
		Title string `json:"title"`
	} `json:"errors"`
}

// ParseWebhook decodes a (verified) webhook body.
func ParseWebhook(body []byte) (*Webhook, error) {
	var w Webhook
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("whatsapp webhook: malformed JSON: %w", err)
	}
	if w.Object != "whatsapp_business_account" {
		return nil, errors.New("whatsapp webhook: not a whatsapp_business_account delivery")
	}
	return &w, nil
}
