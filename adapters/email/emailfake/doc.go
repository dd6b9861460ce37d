// Package emailfake is an SMTP server on loopback for tests and load runs,
// built on github.com/emersion/go-smtp: STARTTLS or implicit TLS with a
// self-signed certificate made at start, AUTH PLAIN against one login, and
// a record of every message accepted, parsed as a mail reader would.
package emailfake
