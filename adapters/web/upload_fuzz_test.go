package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/adapters/blobdir"
	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/bridge"
)

type nopHandler struct{}

func (nopHandler) Handle(context.Context, bridge.Event) (bridge.Outcome, error) {
	return bridge.Outcome{}, nil
}
func (nopHandler) ChatHistory(context.Context, bridge.ChatAddress, bridge.HistoryQuery) (*bridge.ChatHistory, error) {
	return nil, bridge.ErrNotFound
}

// FuzzUpload sends the upload handler any name, type and body: it answers
// 201 only for a file within the limits, whose stored name is one clean
// path element and whose bytes are the body's; anything else is a clear
// refusal, never a server error.
func FuzzUpload(f *testing.F) {
	for _, s := range []struct {
		name, ctype string
		body        []byte
	}{
		{"a.png", "image/png", []byte("\x89PNG")}, {"../../etc/passwd", "text/plain", []byte("x")},
		{"", "", nil}, {"x.html", "text/html; charset=utf-8", []byte("<b>")}, {"r\u00e9sum\u00e9.pdf", "application/pdf", bytes.Repeat([]byte("p"), 64)},
		{"a\x00b\n.txt", "TEXT/PLAIN", []byte("t")}, {"big.txt", "text/plain", bytes.Repeat([]byte("b"), 65)},
		{"\xff\xfe.txt", "text/plain", []byte("t")}, {"c:\\x\\y.jpg", "image/*", []byte("j")}, {"q.gif", "image/gif;;", []byte("g")},
	} {
		f.Add(s.name, s.ctype, s.body)
	}
	dir, err := blobdir.Open(filepath.Join(f.TempDir(), "files"), nil)
	if err != nil {
		f.Fatal(err)
	}
	fs, err := files.New(files.Options{Blobs: dir, Secret: []byte("0123456789abcdef"), MaxBytes: 64})
	if err != nil {
		f.Fatal(err)
	}
	w, err := New(Options{Handler: nopHandler{}, History: nopHandler{}, SessionSecret: []byte("0123456789abcdef"), Files: fs,
		SessionRate: 1e9, SessionBurst: 1e9, IPRate: 1e9, IPBurst: 1e9})
	if err != nil {
		f.Fatal(err)
	}
	mux := http.NewServeMux()
	w.Mount(mux)
	tok := w.tokens.sign(session{ID: newSessionID(), Start: time.Now()})
	f.Fuzz(func(t *testing.T, name, ctype string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, UploadPath+"?"+url.Values{"name": {name}}.Encode(), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		var a uploadAnswer
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
			t.Fatalf("HTTP %d answer is not JSON: %q", rec.Code, rec.Body)
		}
		switch rec.Code {
		case http.StatusCreated:
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
			if a.Message == "" || a.Error == "" || a.ID != "" {
				t.Fatalf("refusal without a reason: %+v", a)
			}
			return
		default:
			t.Fatalf("HTTP %d %+v", rec.Code, a)
		}
		if len(body) == 0 || len(body) > 64 {
			t.Fatalf("a %d-byte file was stored (limit 64, empty refused)", len(body))
		}
		rc, meta, err := dir.Open(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, body) || meta.Size != int64(len(body)) {
			t.Fatalf("stored %d bytes, sent %d", len(got), len(body))
		}
		if meta.Name == "" || strings.ContainsAny(meta.Name, "/\\\x00\n\r\"") || !utf8.ValidString(meta.Name) || len(meta.Name) > 200 {
			t.Fatalf("stored name %q", meta.Name)
		}
		if !files.IsImage(meta.ContentType) && !strings.Contains("application/pdf text/plain text/csv", meta.ContentType) {
			t.Fatalf("stored a file of type %q", meta.ContentType)
		}
		_ = dir.Delete(context.Background(), a.ID)
	})
}
