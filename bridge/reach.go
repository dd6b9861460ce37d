package bridge

import (
	"context"
	"errors"
	"io"
	"net"
)

// Unreachable reports an error of reaching a platform at all, rather than
// an answer from it: a refused or reset connection, a name that does not
// resolve, a timeout, a connection closed mid-answer. Checks use it to
// say "cannot reach" instead of blaming a token; an HTTP 5xx is each
// client library's to recognise.
func Unreachable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
