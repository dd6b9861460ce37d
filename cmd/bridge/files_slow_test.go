//go:build unix

package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/web/webfake"
)

// TestSlowFileDownloadOutlastsTheWriteTimeout: the server's write timeout
// (200ms here, 60s by default) is sized for pages and API answers; a user
// on a slow line downloading a large file gets all of it however long it
// takes, and meanwhile the bridge answers other requests, the same file
// included.
func TestSlowFileDownloadOutlastsTheWriteTimeout(t *testing.T) {
	t.Setenv("ANA_CONSOLE_TOKEN", "ana-token-0123456789abcdef")
	addr, _, _ := startBridge(t, writeConfig(t, shortTimeouts+oneTeam+"channels: {web: {uploads: {max_bytes: 16777216}}}\n"))
	ctx := t.Context()
	widget, token := widgetSession(t, addr)
	// Larger than what the kernel buffers between the two ends, so the
	// server's writes wait on the reader.
	big := make([]byte, 12<<20)
	_, _ = rand.Read(big)
	id := uploadTo(t, addr, token, "big.pdf", "application/pdf", big)
	if err := widget.SendFiles(ctx, "c-big", "", id); err != nil {
		t.Fatal(err)
	}
	var link string
	if _, err := widget.WaitFor(ctx, "the message with its file", func(fs []webfake.Frame) bool {
		for _, f := range webfake.Messages(fs) {
			if len(f.Attachments) == 1 {
				link = f.Attachments[0].URL
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}

	// The slow reader: a small receive buffer, the headers and a first
	// bit of the body, then nothing for a while.
	slow, err := smallBufferDialer.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if _, err := io.WriteString(slow, "GET "+link+" HTTP/1.1\r\nHost: "+addr+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = slow.SetReadDeadline(time.Now().Add(60 * time.Second)) // failure bound only
	resp, err := http.ReadResponse(bufio.NewReaderSize(slow, 4<<10), nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the slow download's answer: %v %v", resp, err)
	}
	first := make([]byte, 32<<10)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}

	// Meanwhile another client downloads the whole file on a keep-alive
	// connection, which then goes idle: when the server closes it, its
	// timeouts have passed for the slow download too.
	other, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := io.WriteString(other, "GET "+link+" HTTP/1.1\r\nHost: "+addr+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = other.SetReadDeadline(time.Now().Add(60 * time.Second)) // failure bound only
	or := bufio.NewReader(other)
	oresp, err := http.ReadResponse(or, nil)
	if err != nil || oresp.StatusCode != http.StatusOK {
		t.Fatalf("another download during the slow one: %v %v", oresp, err)
	}
	if got, err := io.ReadAll(oresp.Body); err != nil || !bytes.Equal(got, big) {
		t.Fatalf("another download during the slow one: %d bytes, %v", len(got), err)
	}
	waitClosedByServer(t, other, "an idle keep-alive connection")

	rest, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("the slow download cut after %d of %d bytes: %v", len(first)+len(rest), len(big), err)
	}
	if got := append(first, rest...); sha256.Sum256(got) != sha256.Sum256(big) {
		t.Fatalf("the slow download gave %d bytes, not the %d uploaded", len(got), len(big))
	}
}

// smallBufferDialer asks for a small receive buffer before connecting (set
// after, Linux may stall the connection on a zero window), so that the
// kernel does not take in the whole file for a client that is not reading.
var smallBufferDialer = net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
	var err error
	if cerr := c.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10) }); cerr != nil {
		return cerr
	}
	return err
}}
