package web_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
)

// TestSlowUploadOutlastsTheServerTimeouts: the server's read and write
// timeouts are sized for small requests; an upload whose body takes longer
// still arrives and is answered.
func TestSlowUploadOutlastsTheServerTimeouts(t *testing.T) {
	e := newFilesEnv(t, 1<<20)
	c := e.dial(webfake.Options{})
	srv := httptest.NewUnstartedServer(e.srv.Config.Handler)
	srv.Config.ReadTimeout = 200 * time.Millisecond
	srv.Config.WriteTimeout = 200 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")

	first, rest := "%PDF-1.4 the first half, ", "then the second half"
	up, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	// Expect: 100-continue makes the server say when the handler starts
	// reading the body, so the read timeout surely runs from before that.
	_, err = fmt.Fprintf(up, "POST %s?name=slow.pdf HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/pdf\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
		web.UploadPath, addr, token(t, c), len(first)+len(rest))
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(up)
	if line, err := br.ReadString('\n'); err != nil || !strings.Contains(line, "100 Continue") {
		t.Fatalf("waiting for 100 Continue: %q %v", line, err)
	}
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(up, first); err != nil {
		t.Fatal(err)
	}

	// A keep-alive connection idle from now on: the server closes it once
	// its read timeout has passed, which proves the upload outlived it too.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if _, err := fmt.Fprintf(idle, "GET /no-such-page HTTP/1.1\r\nHost: %s\r\n\r\n", addr); err != nil {
		t.Fatal(err)
	}
	ir := bufio.NewReader(idle)
	resp, err := http.ReadResponse(ir, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	_ = idle.SetReadDeadline(time.Now().Add(30 * time.Second)) // failure bound only
	if n, err := ir.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("the idle connection was not closed by the server: %d bytes, %v", n, err)
	}

	if _, err := io.WriteString(up, rest); err != nil {
		t.Fatalf("second half of the body: %v", err)
	}
	_ = up.SetReadDeadline(time.Now().Add(30 * time.Second)) // failure bound only
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading the upload's answer: %v", err)
	}
	defer resp.Body.Close()
	var got uploaded
	_ = json.NewDecoder(resp.Body).Decode(&got)
	if resp.StatusCode != http.StatusCreated || got.ID == "" {
		t.Fatalf("slow upload: HTTP %d %+v, want 201 with the file's id", resp.StatusCode, got)
	}
}
