package emailfake

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/mail"
	"sync"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Raw  []byte
	// Parsed is Raw read by net/mail; its Body has been read into Raw.
	Header mail.Header
}

// Server is an SMTP server on 127.0.0.1.
type Server struct {
	// Username and Password are the one login AUTH PLAIN accepts.
	Username, Password string
	// RootCAs trusts the server's certificate.
	RootCAs *x509.CertPool

	srv      *smtp.Server
	addr     string
	mu       sync.Mutex
	messages []Message
	auths    int // AUTH attempts, failed or not
	changes  waitfor.Changes
}

// Start runs a server requiring TLS (STARTTLS unless implicit is set) and
// AUTH PLAIN with username and password. Close it when done.
func Start(username, password string, implicit bool) (*Server, error) {
	cert, pool, err := selfSigned()
	if err != nil {
		return nil, err
	}
	s := &Server{Username: username, Password: password, RootCAs: pool}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ErrorLog = discardLogger{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("emailfake: listen: %w", err)
	}
	if implicit {
		ln = tls.NewListener(ln, s.srv.TLSConfig)
	}
	s.addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Messages returns the accepted messages in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// AuthAttempts counts AUTH commands, failed or not.
func (s *Server) AuthAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auths
}

// WaitMessages blocks until at least n messages were accepted.
func (s *Server) WaitMessages(ctx context.Context, n int) ([]Message, error) {
	var got []Message
	err := s.changes.Until(ctx, fmt.Sprintf("%d messages", n), func() bool {
		got = s.Messages()
		return len(got) >= n
	})
	if err != nil {
		return got, fmt.Errorf("emailfake: %w, have %d", err, len(got))
	}
	return got, nil
}

func (s *Server) add(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	s.changes.Notify()
}

// session is one SMTP connection. Mail is refused until AUTH succeeded.
type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(mech string) (sasl.Server, error) {
	x.s.mu.Lock()
	x.s.auths++
	x.s.mu.Unlock()
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != x.s.Username || password != x.s.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "unreadable message: " + err.Error()}
	}
	x.s.add(Message{From: x.from, To: x.to, Raw: raw, Header: msg.Header})
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}
