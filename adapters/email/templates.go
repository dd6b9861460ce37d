package email

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// TemplateData is what the templates see: the notification's fields
// (.Event, .Handoff, .Team, .State, .Agent, .UserName, .Channel, .Reason,
// .Priority, .Context.PageURL, .Lead.Name, …; see docs/notifications.md),
// the link to the handoff and a readable title of the event.
type TemplateData struct {
	bridge.Notification
	Link  string
	Title string // e.g. "New handoff request"
}

// Templates render one event's message: the subject and the plain-text
// part with text/template, the HTML part with html/template (which escapes
// what users typed).
type Templates struct {
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template
}

// The default templates; a configured template replaces one of them.
const (
	DefaultSubject = `[{{.Team}}] {{.Title}}: {{or .UserName "a user"}} on {{.Channel}} (#{{.Handoff}})`
	DefaultText    = `{{.Title}}: handoff #{{.Handoff}}, team {{.Team}}.

User:      {{or .UserName "unknown"}} on {{.Channel}}
State:     {{.State}}{{with .Agent}} (agent {{.}}){{end}}
Priority:  {{.Priority}}
Trigger:   {{.Trigger}}{{with .Reason}} ({{.}}){{end}}
{{- with .Context.PageURL}}
Page:      {{.}}{{end}}
{{- with .Context.Country}}
Country:   {{.}}{{end}}
{{- with .Lead}}

Lead:
  Name:    {{.Name}}{{with .Email}}
  Email:   {{.}}{{end}}{{with .Phone}}
  Phone:   {{.}}{{end}}
  Message: {{.Message}}{{end}}
{{- with .Link}}

Open the conversation: {{.}}{{end}}
`
	DefaultHTML = `<!DOCTYPE html>
<html><body style="font-family: sans-serif">
<h2>{{.Title}}</h2>
<p>Handoff #{{.Handoff}}, team <b>{{.Team}}</b>.</p>
<table>
<tr><td>User</td><td>{{or .UserName "unknown"}} on {{.Channel}}</td></tr>
<tr><td>State</td><td>{{.State}}{{with .Agent}} (agent {{.}}){{end}}</td></tr>
<tr><td>Priority</td><td>{{.Priority}}</td></tr>
<tr><td>Trigger</td><td>{{.Trigger}}{{with .Reason}} ({{.}}){{end}}</td></tr>
{{- with .Context.PageURL}}
<tr><td>Page</td><td>{{.}}</td></tr>{{end}}
{{- with .Context.Country}}
<tr><td>Country</td><td>{{.}}</td></tr>{{end}}
</table>
{{- with .Lead}}
<h3>Lead</h3>
<p>{{.Name}}{{with .Email}}, <a href="mailto:{{.}}">{{.}}</a>{{end}}{{with .Phone}}, {{.}}{{end}}</p>
<blockquote>{{.Message}}</blockquote>{{end}}
{{- with .Link}}
<p><a href="{{.}}">Open the conversation</a></p>{{end}}
</body></html>
`
)

// DefaultTemplates are the built-in templates.
func DefaultTemplates() *Templates {
	t, err := ParseTemplates("", "", "")
	if err != nil {
		panic("email: default templates: " + err.Error())
	}
	return t
}

// ParseTemplates parses the subject, plain-text and HTML templates (an
// empty one is the default) and renders each once with a sample of every
// event, so that a misspelt field or a bad call fails here, at config
// check, and not at the first handoff. The error names the template.
func ParseTemplates(subject, text, html string) (*Templates, error) {
	var t Templates
	var err error
	if t.subject, err = texttemplate.New("subject").Option("missingkey=error").Parse(or(subject, DefaultSubject)); err != nil {
		return nil, fmt.Errorf("email: subject template: %w", err)
	}
	if t.text, err = texttemplate.New("text").Option("missingkey=error").Parse(or(text, DefaultText)); err != nil {
		return nil, fmt.Errorf("email: text template: %w", err)
	}
	if t.html, err = htmltemplate.New("html").Option("missingkey=error").Parse(or(html, DefaultHTML)); err != nil {
		return nil, fmt.Errorf("email: html template: %w", err)
	}
	for _, n := range samples() {
		if _, err := t.render(TemplateData{Notification: n, Link: bridge.HandoffLink("https://chat.example.com", 1), Title: titleOf(n.Event)}); err != nil {
			return nil, fmt.Errorf("%w (with a sample %s event)", err, n.Event)
		}
	}
	return &t, nil
}

func or(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// rendered is one event's message content.
type rendered struct{ subject, text, html string }

func (t *Templates) render(d TemplateData) (rendered, error) {
	var s, x, h bytes.Buffer
	if err := t.subject.Execute(&s, d); err != nil {
		return rendered{}, fmt.Errorf("email: subject template: %w", err)
	}
	if err := t.text.Execute(&x, d); err != nil {
		return rendered{}, fmt.Errorf("email: text template: %w", err)
	}
	if err := t.html.Execute(&h, d); err != nil {
		return rendered{}, fmt.Errorf("email: html template: %w", err)
	}
	// A subject is one header line: whatever the template or the user's
	// name holds, no line break may end it early.
	return rendered{subject: strings.Join(strings.Fields(s.String()), " "), text: x.String(), html: h.String()}, nil
}

// titleOf is the readable name of an event.
func titleOf(k bridge.HandoffEventKind) string {
	switch k {
	case bridge.EventRequested:
		return "New handoff request"
	case bridge.EventJoined:
		return "Handoff joined"
	case bridge.EventRejected:
		return "Handoff declined or returned to the queue"
	case bridge.EventResolved:
		return "Handoff resolved"
	case bridge.EventFallback:
		return "Nobody joined in time"
	case bridge.EventAbandoned:
		return "User stopped waiting"
	case bridge.EventLead:
		return "Lead captured"
	case bridge.EventTransferred:
		return "Handoff transferred"
	}
	return string(k)
}

// samples are one notification of every event, with every field set, for
// ParseTemplates.
func samples() []bridge.Notification {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	base := bridge.Notification{ID: "sample", At: at, Handoff: 1, Previous: 0, Team: "support", State: bridge.StatePending,
		Priority: bridge.PriorityNormal, Trigger: "human", Reason: "asked for a human", Channel: bridge.ChannelWeb, UserName: "Uma",
		Context: bridge.UserContext{IP: "192.0.2.1", Country: "FR", PageURL: "https://www.example.com/", SessionStart: at}}
	var out []bridge.Notification
	for _, k := range []bridge.HandoffEventKind{bridge.EventRequested, bridge.EventJoined, bridge.EventRejected,
		bridge.EventResolved, bridge.EventFallback, bridge.EventAbandoned, bridge.EventLead, bridge.EventTransferred} {
		n := base
		n.Event = k
		switch k {
		case bridge.EventJoined:
			n.State, n.Agent = bridge.StateActive, "ana"
		case bridge.EventResolved:
			n.State, n.Agent = bridge.StateResolved, "ana"
		case bridge.EventFallback:
			n.State = bridge.StateFallback
		case bridge.EventLead:
			n.State = bridge.StateFallback
			n.Lead = &bridge.Lead{Name: "Uma", Email: "uma@example.com", Message: "Call me back", Team: "support", HandoffID: 1, CreatedAt: at}
		}
		out = append(out, n)
	}
	return out
}
