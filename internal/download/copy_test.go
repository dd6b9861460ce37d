package download_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/internal/download"
)

// server answers GET / with Copy of the reader the test hands over next,
// reporting what Copy returned, under a 100ms write and idle timeout.
func server(t *testing.T, stall time.Duration) (addr string, body chan<- io.Reader, result <-chan error) {
	bodies, results := make(chan io.Reader, 1), make(chan error, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			return
		}
		_, err := download.Copy(rw, <-bodies, stall)
		results <- err
	}))
	srv.Config.WriteTimeout, srv.Config.IdleTimeout = 100*time.Millisecond, 100*time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), bodies, results
}

// timeoutsPassed returns once the server has closed an idle keep-alive
// connection: its write timeout has passed since the call too.
func timeoutsPassed(t *testing.T, addr string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second)) // failure bound only
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("the idle connection was not closed by the server: %v", err)
	}
}

// A file that takes longer than the server's write timeout arrives whole,
// as each chunk gets its own deadline.
func TestCopyOutlastsTheWriteTimeout(t *testing.T) {
	addr, bodies, results := server(t, 0)
	pr, pw := io.Pipe()
	bodies <- pr
	first, rest := bytes.Repeat([]byte("a"), 100<<10), bytes.Repeat([]byte("b"), 100<<10)
	firstSent := make(chan error, 1)
	go func() { _, err := pw.Write(first); firstSent <- err }() // the answer begins with it
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(resp.Body); got <- b }()
	if err := <-firstSent; err != nil {
		t.Fatal(err)
	}
	timeoutsPassed(t, addr)
	if _, err := pw.Write(rest); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if err := <-results; err != nil {
		t.Fatalf("Copy: %v", err)
	}
	if b := <-got; !bytes.Equal(b, append(first, rest...)) {
		t.Fatalf("the client got %d bytes, want %d", len(b), len(first)+len(rest))
	}
}

// A client that stops reading is dropped after the stall, however long
// the file.
func TestCopyDropsAClientThatStopsReading(t *testing.T) {
	addr, bodies, results := server(t, 200*time.Millisecond)
	bodies <- bytes.NewReader(make([]byte, 64<<20)) // more than any socket buffers
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.(*net.TCPConn).SetReadBuffer(16 << 10)
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	var err2 error
	select {
	case err2 = <-results:
	case <-time.After(30 * time.Second): // failure bound only
		t.Fatal("Copy still writing to a client that reads nothing")
	}
	var ne net.Error
	if !errors.As(err2, &ne) || !ne.Timeout() {
		t.Fatalf("Copy to a stalled client: %v, want a timeout", err2)
	}
}
