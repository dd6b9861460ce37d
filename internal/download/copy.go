package download

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// DefaultStall is how long a client may take to accept one chunk.
const DefaultStall = time.Minute

// chunk is the most written under one deadline.
const chunk = 32 << 10

// Copy writes src to rw through Writer and returns the bytes written and
// the first error, of reading or writing.
func Copy(rw http.ResponseWriter, src io.Reader, stall time.Duration) (int64, error) {
	return io.Copy(Writer(rw, stall), src)
}

// Writer writes to rw in chunks, giving each stall to be accepted by the
// client (DefaultStall when zero).
func Writer(rw http.ResponseWriter, stall time.Duration) io.Writer {
	if stall <= 0 {
		stall = DefaultStall
	}
	return &stallWriter{rw: rw, rc: http.NewResponseController(rw), stall: stall}
}

type stallWriter struct {
	rw    http.ResponseWriter
	rc    *http.ResponseController
	stall time.Duration
}

func (s *stallWriter) Write(p []byte) (int, error) {
	var n int
	for len(p) > 0 {
		part := p[:min(len(p), chunk)]
		// A writer without deadlines (a test recorder) just writes.
		if err := s.rc.SetWriteDeadline(time.Now().Add(s.stall)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return n, err
		}
		w, err := s.rw.Write(part)
		n += w
		if err != nil {
			return n, err
		}
		p = p[w:]
	}
	return n, nil
}
