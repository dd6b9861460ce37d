package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image/color"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
)

// In a real Chromium: a widget left closed for over an hour, while the
// file links it holds expire, still shows the agent's picture when opened
// (the expired link fails, the widget renews it) and still downloads the
// agent's document from its card; another user's session cannot renew the
// links.
func TestBrowserWidgetRenewsExpiredFileLinks(t *testing.T) {
	e := newEnv(t)
	ctx := e.widgetAsks(t, "talk to a human")
	root, handoff := e.requestThread()
	e.click(root, "handoff_join", handoff, "handoff_resolve")
	downloads := allowDownloads(ctx, t)

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(inWidget(".head .close")))); err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "the widget closed", `!`+inWidget(".panel")+`.classList.contains('open')`)
	diagram := pngOf(t, 64, 48, color.RGBA{20, 90, 200, 255})
	report := []byte("%PDF-1.4\n% the quarterly report\n")
	if _, _, err := e.slack.PostAsUser(e.ctx, supportChannel, anaSlackID, "the diagram and the report", root,
		e.slack.AddFile("diagram.png", diagram), e.slack.AddFile("report.pdf", report)); err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "the agent's files in the closed widget", `!!`+inWidget(".msg.agent .card")+` && !!`+inWidget(".msg.agent .thumb img"))
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](inWidget(".msg.agent .thumb img")+`.src`))
	if err != nil {
		t.Fatal(err)
	}

	e.fileClock.Advance(2 * time.Hour)
	if status := e.renew(first, ""); status != http.StatusUnauthorized {
		t.Errorf("renewal without a session token: HTTP %d, want 401", status)
	}
	resp, err := http.Get(first)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the picture's link two hours on: HTTP %d, want 403", resp.StatusCode)
	}

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(inWidget(".launcher")))); err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "the picture loaded from a renewed link", `(() => { const i = `+inWidget(".msg.agent .thumb img")+
		`; return !!i && i.complete && i.naturalWidth === 64 && i.src !== `+jsString(first)+`; })()`)

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(inWidget(".msg.agent .card")))); err != nil {
		t.Fatal(err)
	}
	if got := downloads.wait(t); !bytes.Equal(got, report) {
		t.Errorf("the card downloaded %q, want the report", got)
	}

	other, err := webfake.Dial(e.ctx, "ws"+strings.TrimPrefix(e.site, "http")+"/ws", webfake.Options{Origin: e.site})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.WaitFor(e.ctx, "another user's welcome", func(fs []webfake.Frame) bool { _, ok := other.Welcome(); return ok }); err != nil {
		t.Fatal(err)
	}
	w, _ := other.Welcome()
	if status := e.renew(first, w.Token); status != http.StatusForbidden {
		t.Errorf("another user's renewal of the picture's link: HTTP %d, want 403", status)
	}
}

// renew asks the bridge for a fresh link as the widget does, and returns
// the answer's status.
func (e *env) renew(link, token string) int {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"url": link})
	req, _ := http.NewRequestWithContext(e.ctx, http.MethodPost, e.site+web.RenewPath, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func jsString(s string) string { b, _ := json.Marshal(s); return string(b) }

// downloadDir is where the browser saves downloads, each under its guid.
type downloadDir struct {
	dir  string
	done chan string // guids of completed downloads
}

// allowDownloads lets the page download into a temp dir and reports each
// download that completes.
func allowDownloads(ctx context.Context, t *testing.T) *downloadDir {
	t.Helper()
	d := &downloadDir{dir: t.TempDir(), done: make(chan string, 8)}
	if err := chromedp.ListenBrowser(ctx, func(ev any) {
		if p, ok := ev.(*browser.EventDownloadProgress); ok && p.State == browser.DownloadProgressStateCompleted {
			d.done <- p.GUID
		}
	}); err != nil {
		t.Fatal(err)
	}
	events := true
	params := browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName,
		DownloadPath: d.dir, EventsEnabled: &events, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, params); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	return d
}

// wait returns the bytes of the next completed download.
func (d *downloadDir) wait(t *testing.T) []byte {
	t.Helper()
	select {
	case guid := <-d.done:
		b, err := os.ReadFile(filepath.Join(d.dir, guid))
		if err != nil {
			t.Fatal(err)
		}
		return b
	case <-time.After(30 * time.Second):
		t.Fatal("no download completed within 30s")
		return nil
	}
}
