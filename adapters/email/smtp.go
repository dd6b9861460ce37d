package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/handoffbridge/handoff/bridge"
)

// configFault is a failure only a config change can fix: the server's
// certificate is not trusted, it does not speak the configured TLS, or the
// login is refused. The notifier pauses after one (see Options.ConfigPause).
type configFault struct{ err error }

func (e *configFault) Error() string { return e.err.Error() }
func (e *configFault) Unwrap() error { return e.err }

// send runs one SMTP session delivering raw to the recipients.
func (n *Notifier) send(ctx context.Context, raw []byte) error {
	c := &n.cfg
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("email: connect to %s: %w", c.Addr, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	// Cancelling ctx (shutdown) unblocks a session waiting on the server.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	var client *smtp.Client
	switch c.TLS {
	case ImplicitTLS:
		tc := tls.Client(conn, c.TLSConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return tlsError(c.Addr, err)
		}
		client = smtp.NewClient(tc)
	case STARTTLS:
		client, err = smtp.NewClientStartTLS(conn, c.TLSConfig)
		if err == nil {
			// The handshake happens on the first command after STARTTLS:
			// run one now, so that a TLS failure is reported as such and
			// before any credentials are written.
			err = client.Noop()
		}
		if err != nil {
			conn.Close()
			return tlsError(c.Addr, err)
		}
	default:
		client = smtp.NewClient(conn)
	}
	defer client.Close()
	if c.Username != "" {
		if err := client.Auth(sasl.NewPlainClient("", c.Username, c.Password)); err != nil {
			var se *smtp.SMTPError
			if errors.As(err, &se) && se.Code >= 500 {
				return &configFault{fmt.Errorf("email: authentication failed at %s as %q (check username and password): %w", c.Addr, c.Username, err)}
			}
			return fmt.Errorf("email: log in to %s: %w", c.Addr, err)
		}
	}
	if err := client.SendMail(n.envelopeFrom, n.envelopeTo, bytes.NewReader(raw)); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) && se.Code >= 500 {
			// Refused for good (unknown recipient, message rejected):
			// sending the same message again will be refused again.
			return bridge.Permanent(fmt.Errorf("email: %s refused the message: %w", c.Addr, err))
		}
		return fmt.Errorf("email: send through %s: %w", c.Addr, err)
	}
	// The message was accepted at the end of DATA; a failed QUIT does not
	// undo that, and retrying would send it twice.
	_ = client.Quit()
	return nil
}

// tlsError tells a dropped or slow connection (worth retrying soon) from a
// TLS setup that cannot work with this config.
func tlsError(addr string, err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("email: no SMTP answer from %s in time (if it is an implicit TLS port such as 465, set tls: implicit): %w", addr, err)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		return fmt.Errorf("email: secure the connection to %s: %w", addr, err)
	}
	return &configFault{fmt.Errorf("email: TLS with %s failed (check the smtp address, the tls mode and the server's certificate): %w", addr, err)}
}
