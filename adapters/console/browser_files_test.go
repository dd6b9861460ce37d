package console

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/adapters/blobdir"
	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/browsertest"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

// newWidgetWorld is a world whose user channel is the real web widget
// (users connect with webfake), the console and the widget sharing one
// file service, all on one loopback server as the bridge serves them.
func newWidgetWorld(t *testing.T) *world {
	t.Helper()
	ctx := t.Context()
	st := enginetest.TempStore(t)
	logger := enginetest.Logger(t, slog.LevelDebug)
	e := enginetest.NewEngine(t, bridge.Options{Store: st, Responder: kbAI(), Settings: testSettings(), Logger: logger})
	dir, err := blobdir.Open(filepath.Join(t.TempDir(), "files"), nil)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := files.New(files.Options{Blobs: dir, Secret: []byte("0123456789abcdef0123"), MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Engine: e, Logins: testLogins(t), Logger: logger, NotePrefix: "//", Files: fs})
	if err != nil {
		t.Fatal(err)
	}
	widget, err := web.New(web.Options{Handler: e, History: e, SessionSecret: []byte("0123456789abcdef0123456789abcdef"),
		Files: fs, Logger: logger, SessionRate: 10, SessionBurst: 20})
	if err != nil {
		t.Fatal(err)
	}
	e.RegisterUserChannel(widget)
	e.RegisterWorkspace(c)
	mux := http.NewServeMux()
	c.Mount(mux)
	widget.Mount(mux)
	fs.Mount(mux)
	w := &world{t: t, ctx: ctx, engine: e, store: st, console: c, srv: httptest.NewServer(mux)}
	enginetest.Run(t, context.WithoutCancel(ctx), e, widget)
	t.Cleanup(w.srv.Close)
	return w
}

// TestBrowserConsoleFiles: a widget user's image shows in the console as
// a thumbnail served through the console; the agent attaches a file in
// the page and the widget user gets it, downloadable; the agent edits and
// then deletes a reply from the page and the widget user's copy follows.
func TestBrowserConsoleFiles(t *testing.T) {
	b := browsertest.Start(t)
	w := newWidgetWorld(t)
	ctx := b.NewContext()
	wait := func(what, expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx2 context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](expr, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(45*time.Second))(ctx2, tg)
			if err != nil {
				return fmt.Errorf("waiting for %s (%s): %w", what, expr, err)
			}
			return nil
		})
	}
	click := func(sel string) chromedp.Action[chromedp.Void] {
		return wait("clicking "+sel, `(() => { const el = document.querySelector(`+strconv.Quote(sel)+`); if (!el || el.disabled) return false; el.click(); return true })()`)
	}
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// The user, on the widget: asks for a human and sends a receipt.
	user, err := webfake.Dial(w.ctx, "ws"+strings.TrimPrefix(w.srv.URL, "http")+"/ws", webfake.Options{Origin: w.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(user.Close)
	frames, err := user.WaitFor(w.ctx, "the welcome", func(fs []webfake.Frame) bool {
		return slices.ContainsFunc(fs, func(f webfake.Frame) bool { return f.Type == "welcome" })
	})
	if err != nil {
		t.Fatal(err)
	}
	token := frames[slices.IndexFunc(frames, func(f webfake.Frame) bool { return f.Type == "welcome" })].Token
	if _, err := user.Say(w.ctx, "I want to talk to a human"); err != nil {
		t.Fatal(err)
	}
	blob := widgetUpload(t, w, token, "receipt.png", "image/png", pngBytes)
	if err := user.SendFiles(w.ctx, user.NextID(), "my receipt", blob); err != nil {
		t.Fatal(err)
	}

	step("log in and open the request",
		chromedp.Navigate(w.srv.URL+Prefix),
		chromedp.WaitVisible("#login-token"),
		chromedp.SendKeys("#login-token", anaToken),
		chromedp.Click("#login-submit"),
		chromedp.WaitVisible("#app-view"),
		click(`.handoff-item[data-state="pending"]`),
		chromedp.WaitVisible("#detail-body"),
	)
	step("the user's image as a loaded thumbnail opening full size",
		wait("the thumbnail", `(() => { const a = document.querySelector("#timeline .entry.user .file-thumb"); const i = a && a.querySelector("img");
			return !!i && i.complete && i.naturalWidth === 1 && a.target === "_blank" && a.href.includes("/console/api/handoffs/") && i.alt === "receipt.png" })()`))

	step("join", click("#btn-join"), wait("active", `document.querySelector("#d-state").textContent.startsWith("active")`),
		wait("the attach button", `!document.querySelector("#attach").hidden`))
	invoice := filepath.Join(t.TempDir(), "invoice.pdf")
	body := []byte("%PDF-1.4 the invoice")
	if err := os.WriteFile(invoice, body, 0o600); err != nil {
		t.Fatal(err)
	}
	step("attach a file", chromedp.SetUploadFiles("#file-input", []string{invoice}),
		wait("the file card", `[...document.querySelectorAll("#timeline .entry.agent.own .file-card")].some(c =>
			c.querySelector(".file-name").textContent === "invoice.pdf" && c.querySelector(".file-meta").textContent === "20 bytes · application/pdf")`))
	got := waitFrame(t, user, "the agent's file", func(f webfake.Frame) bool { return f.Type == "message" && f.Role == "agent" && len(f.Attachments) == 1 })
	if f := got.Attachments[0]; f.Name != "invoice.pdf" || f.ContentType != "application/pdf" || got.Author != "Ana S." {
		t.Fatalf("the widget got %+v from %q", got.Attachments, got.Author)
	}
	resp, err := http.Get(w.srv.URL + got.Attachments[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	dl, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(dl, body) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("the user's download: %d %q %v", resp.StatusCode, dl, resp.Header)
	}

	step("send a reply with a typo", chromedp.SendKeys("#composer", "Your refnud is on its way"), click("#send"),
		wait("the reply", `[...document.querySelectorAll("#timeline .entry.own")].some(e => e.textContent.includes("refnud"))`))
	sent := waitFrame(t, user, "the reply", func(f webfake.Frame) bool { return f.Type == "message" && strings.Contains(f.Text, "refnud") })
	step("edit it",
		wait("the edit button", `(() => { const e = [...document.querySelectorAll("#timeline .entry.own")].find(e => e.textContent.includes("refnud"));
			const b = e && e.querySelector(".msg-edit"); if (!b) return false; b.click(); return true })()`),
		wait("the editor", `!!document.querySelector("#timeline .edit-text")`),
		wait("the new text typed", `(() => { const t = document.querySelector("#timeline .edit-text"); if (!t) return false;
			t.value = "Your refund is on its way"; t.dispatchEvent(new Event("input")); return true })()`),
		click("#timeline .edit-save"),
		wait("the edited reply", `[...document.querySelectorAll("#timeline .entry.own")].some(e => e.textContent.includes("Your refund is on its way") && e.textContent.includes("edited"))`))
	edit := waitFrame(t, user, "the edit", func(f webfake.Frame) bool { return f.Type == "edit" && f.ID == sent.ID })
	if edit.Text != "Your refund is on its way" {
		t.Fatalf("the widget's copy became %q", edit.Text)
	}
	deleteButton := `(() => { const e = [...document.querySelectorAll("#timeline .entry.own")].find(e => e.textContent.includes("Your refund"));
		const b = e && e.querySelector(".msg-delete"); if (!b) return false; b.click(); return true })()`
	step("delete it (two clicks)", wait("the delete button", deleteButton),
		wait("the confirmation", `!!document.querySelector("#timeline .msg-delete.armed")`),
		click("#timeline .msg-delete.armed"),
		wait("the withdrawn reply", `![...document.querySelectorAll("#timeline .entry")].some(e => e.textContent.includes("Your refund")) &&
			[...document.querySelectorAll("#timeline .entry.agent")].some(e => e.textContent.includes("(withdrawn)"))`))
	waitFrame(t, user, "the deletion", func(f webfake.Frame) bool { return f.Type == "delete" && f.ID == sent.ID })
}

// widgetUpload uploads a file as the widget does and returns its id.
func widgetUpload(t *testing.T, w *world, token, name, ctype string, body []byte) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(w.ctx, "POST", w.srv.URL+web.UploadPath+"?name="+url.QueryEscape(name), bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", w.srv.URL)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	id, ok := strings.CutPrefix(string(raw), `{"id":"`)
	id, _, _ = strings.Cut(id, `"`)
	if resp.StatusCode != http.StatusCreated || !ok {
		t.Fatalf("widget upload: %d %s", resp.StatusCode, raw)
	}
	return id
}

// waitFrame waits for a frame matching ok on the widget and returns it.
func waitFrame(t *testing.T, c *webfake.Client, what string, ok func(webfake.Frame) bool) webfake.Frame {
	t.Helper()
	fs, err := c.WaitFor(t.Context(), what, func(fs []webfake.Frame) bool { return slices.ContainsFunc(fs, ok) })
	if err != nil {
		t.Fatal(err)
	}
	return fs[slices.IndexFunc(fs, ok)]
}
