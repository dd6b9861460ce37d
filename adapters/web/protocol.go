package web

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/bridge"
)

// The widget protocol: JSON text frames, each an object with a "type".
//
// Widget → bridge:
//
//	{"type":"hello","token":"…","last_id":12,"page":"https://…","referrer":"…","lang":"en"}  (first frame)
//	{"type":"message","client_id":"c-1","text":"…","attachments":["<file id>"]}
//	{"type":"choice","client_id":"c-2","choice":"handoff.accept"}
//	{"type":"lead","client_id":"c-3","name":"…","contact":"…","message":"…"}
//	{"type":"typing"}
//
// Bridge → widget: welcome, message, edit, delete, typing, state, queue,
// error (see outFrame). A queue frame is the waiting user's new place:
//
//	{"type":"queue","queue_position":2,"wait_seconds":240}  (wait_seconds absent when unknown)

// Inbound frame types.
const (
	frameHello   = "hello"
	frameMessage = "message"
	frameChoice  = "choice"
	frameLead    = "lead"
	frameTyping  = "typing"
)

// inFrame is one decoded frame from the widget.
type inFrame struct {
	Type     string           `json:"type"`
	Token    string           `json:"token,omitempty"`
	LastID   bridge.MessageID `json:"last_id,omitempty"`
	Page     string           `json:"page,omitempty"`
	Referrer string           `json:"referrer,omitempty"`
	Lang     string           `json:"lang,omitempty"`
	ClientID string           `json:"client_id,omitempty"`
	Text     string           `json:"text,omitempty"`
	Choice   bridge.ChoiceID  `json:"choice,omitempty"`
	Name     string           `json:"name,omitempty"`
	Contact  string           `json:"contact,omitempty"`
	Message  string           `json:"message,omitempty"`
	// Attachments are files uploaded at UploadPath, by their ids.
	Attachments []bridge.BlobID `json:"attachments,omitempty"`
}

// Limits on the small fields of a frame; the text fields are bounded by the
// configured message size.
const (
	maxClientID = 64
	maxURL      = 2048
	maxLang     = 35 // BCP 47 tags are short
	maxToken    = 256
	maxLeadName = 200
	maxContact  = 200
)

// errFrame is a frame the widget must never send: the connection is closed
// with the reason.
type errFrame struct{ reason string }

func (e *errFrame) Error() string { return "malformed frame: " + e.reason }

func malformed(format string, a ...any) error { return &errFrame{reason: fmt.Sprintf(format, a...)} }

// errTooLong is a well-formed frame whose text is over the size limit: the
// user is told, the connection stays.
var errTooLong = errors.New("message too long")

// parseFrame decodes and checks one frame from the widget. maxText bounds
// the text of a message and of the lead form's message field, in bytes.
func parseFrame(data []byte, maxText int) (inFrame, error) {
	var f inFrame
	if err := decodeFrame(data, &f); err != nil {
		return inFrame{}, err
	}
	for _, field := range [...]struct{ name, v string }{{"token", f.Token}, {"page", f.Page}, {"referrer", f.Referrer},
		{"lang", f.Lang}, {"client_id", f.ClientID}, {"text", f.Text}, {"name", f.Name}, {"contact", f.Contact}, {"message", f.Message}} {
		if !utf8.ValidString(field.v) {
			return inFrame{}, malformed("%s is not valid UTF-8", field.name)
		}
	}
	if len(f.ClientID) > maxClientID || !validClientID(f.ClientID) {
		return inFrame{}, malformed("client_id must be at most %d letters, digits, '-' or '_'", maxClientID)
	}
	switch f.Type {
	case frameHello:
		if len(f.Token) > maxToken || len(f.Page) > maxURL || len(f.Referrer) > maxURL || len(f.Lang) > maxLang {
			return inFrame{}, malformed("hello field too long")
		}
		if f.LastID < 0 {
			return inFrame{}, malformed("last_id must not be negative")
		}
	case frameMessage:
		if len(f.Attachments) > maxAttachments {
			return inFrame{}, malformed("at most %d attachments", maxAttachments)
		}
		for _, id := range f.Attachments {
			if id == "" || len(id) > maxClientID || !validClientID(string(id)) {
				return inFrame{}, malformed("bad attachment id")
			}
		}
		if len(f.Text) > maxText {
			return f, errTooLong
		}
	case frameChoice:
		switch f.Choice {
		case bridge.ChoiceAccept, bridge.ChoiceDecline, bridge.ChoiceCancel:
		default:
			return inFrame{}, malformed("unknown choice %q", f.Choice)
		}
	case frameLead:
		if len(f.Name) > maxLeadName || len(f.Contact) > maxContact {
			return inFrame{}, malformed("lead form field too long")
		}
		if len(f.Message) > maxText {
			return f, errTooLong
		}
	case frameTyping:
	default:
		return inFrame{}, malformed("unknown frame type %q", f.Type)
	}
	return f, nil
}

func validClientID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Outbound frame types.
const (
	outWelcome = "welcome"
	outMessage = "message"
	outEdit    = "edit"
	outDelete  = "delete"
	outTyping  = "typing"
	outState   = "state"
	outQueue   = "queue"
	outError   = "error"
)

// outFrame is one frame to the widget. Messages carry their store id, so
// that live pushes and catch-up share ids and the widget drops repeats.
type outFrame struct {
	Type string           `json:"type"`
	ID   bridge.MessageID `json:"id,omitempty"`
	// welcome
	Session string        `json:"session,omitempty"`
	Token   string        `json:"token,omitempty"`
	Resumed bool          `json:"resumed,omitempty"`
	Uploads *files.Limits `json:"uploads,omitempty"` // what the widget may upload; absent when it may not
	// message, edit
	Role     bridge.Role         `json:"role,omitempty"`
	Author   string              `json:"author,omitempty"`
	Text     string              `json:"text,omitempty"`
	HTML     string              `json:"html,omitempty"` // safe HTML of Markdown text; absent for user text
	Notice   bridge.Notice       `json:"notice,omitempty"`
	Position int                 `json:"queue_position,omitempty"`
	Choices  []bridge.Choice     `json:"choices,omitempty"`
	Form     *leadForm           `json:"form,omitempty"`
	ClientID string              `json:"client_id,omitempty"` // echo of the widget's id for its own message
	At       int64               `json:"at,omitempty"`        // unix milliseconds
	Files    []bridge.Attachment `json:"attachments,omitempty"`
	// state
	Handoff bridge.State   `json:"handoff,omitempty"`
	Agent   string         `json:"agent,omitempty"`
	Cancel  *bridge.Choice `json:"cancel,omitempty"`
	// queue (with Position)
	WaitSeconds int64 `json:"wait_seconds,omitempty"`
	// error
	Code         string `json:"code,omitempty"`
	RetryAfterMS int64  `json:"retry_after_ms,omitempty"`
}

// leadForm asks the widget to show the lead form; Field and Problem name
// the field the engine refused, if any.
type leadForm struct {
	Field   bridge.LeadField `json:"field,omitempty"`
	Problem string           `json:"problem,omitempty"`
}
