package email

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// message is one email to compose.
type message struct {
	id      string // the Message-ID's left part, before sanitising
	from    string
	to      []string
	date    time.Time
	subject string
	text    string
	html    string
}

// compose renders m as RFC 5322 with a multipart/alternative body: the
// plain-text part first, the HTML part last (the one readers prefer).
func compose(m message) ([]byte, error) {
	from, err := mail.ParseAddress(m.from)
	if err != nil {
		return nil, fmt.Errorf("email: sender: %w", err)
	}
	to := make([]string, len(m.to))
	for i, a := range m.to {
		addr, err := mail.ParseAddress(a)
		if err != nil {
			return nil, fmt.Errorf("email: recipient: %w", err)
		}
		to[i] = addr.String()
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]

	var buf bytes.Buffer
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, part := range []struct{ kind, content string }{{"text/plain", m.text}, {"text/html", m.html}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.kind + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, fmt.Errorf("email: compose %s part: %w", part.kind, err)
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(part.content)); err != nil {
			return nil, fmt.Errorf("email: compose %s part: %w", part.kind, err)
		}
		if err := qp.Close(); err != nil {
			return nil, fmt.Errorf("email: compose %s part: %w", part.kind, err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("email: compose: %w", err)
	}

	header := func(k, v string) { fmt.Fprintf(&buf, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", m.subject))
	header("Date", m.date.Format(time.RFC1123Z))
	header("Message-ID", "<"+messageIDPart(m.id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	// Ask auto-responders ("out of office") not to answer the bridge.
	header("Auto-Submitted", "auto-generated")
	buf.WriteString("\r\n")
	buf.Write(body.Bytes())
	return buf.Bytes(), nil
}

// messageIDPart keeps the characters a Message-ID's left part may hold
// (RFC 5322 dot-atom text), so that a notification id becomes a stable,
// valid Message-ID.
func messageIDPart(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("!#$%&'*+-/=?^_`{|}~.", r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), ".")
	if s == "" {
		return "bridge"
	}
	return strings.ReplaceAll(s, "..", "._")
}
