package e2e_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/internal/browsertest"
)

// inWidget is a JS expression for a node of the widget's shadow DOM.
func inWidget(selector string) string {
	return `document.querySelector('#handoff-widget').shadowRoot.querySelector('` + selector + `')`
}

func waitJS(ctx context.Context, t *testing.T, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("browser: waiting for %s (%s): %v", what, expr, err)
	}
}

// widgetAsks opens the demo page in Chromium and, once the widget is
// connected with uploads on, sends text from it; the browser's context
// ends with the test.
func (e *env) widgetAsks(t *testing.T, text string) context.Context {
	t.Helper()
	b := browsertest.Start(t)
	ctx, cancel := context.WithTimeout(b.NewContext(), 90*time.Second)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.site+"/")); err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "the widget connected with uploads on", `!!document.querySelector('#handoff-widget') && `+
		inWidget(".status")+`.textContent === '' && `+inWidget("button.attach")+`.style.display === ''`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.JSPath(inWidget("textarea")), text+"\r")); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// pngOf is a real PNG of w×h pixels of one colour.
func pngOf(t *testing.T, w, h int, c color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// In a real Chromium: a user attaches a picture through the widget's file
// input and it is uploaded into the agent's Slack thread as a file; the
// agent's picture shared in the thread shows in the widget as a thumbnail
// served by the bridge, which opens full size on click.
func TestBrowserWidgetFilesBothWays(t *testing.T) {
	e := newEnv(t)
	ctx := e.widgetAsks(t, "talk to a human")
	root, handoff := e.requestThread()
	e.click(root, "handoff_join", handoff, "handoff_resolve")

	photo := pngOf(t, 40, 30, color.RGBA{200, 30, 30, 255})
	path := filepath.Join(t.TempDir(), "photo.png")
	if err := os.WriteFile(path, photo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.JSPath(inWidget("input[type=file]")), []string{path})); err != nil {
		t.Fatalf("attach the file: %v", err)
	}
	e.waitSlack("the photo uploaded into the thread", func() bool {
		for _, u := range e.slack.Uploads() {
			if u.Name == "photo.png" && bytes.Equal(u.Data, photo) {
				return true
			}
		}
		return false
	})
	waitJS(ctx, t, "the user's own photo as a thumbnail", `(() => { const i = `+inWidget(".msg.user .thumb img")+`; return !!i && i.complete && i.naturalWidth === 40; })()`)

	diagram := pngOf(t, 64, 48, color.RGBA{20, 90, 200, 255})
	f := e.slack.AddFile("diagram.png", diagram)
	if _, _, err := e.slack.PostAsUser(e.ctx, supportChannel, anaSlackID, "here is the diagram", root, f); err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "the agent's picture as a loaded thumbnail", `(() => { const i = `+inWidget(".msg.agent .thumb img")+
		`; return !!i && i.complete && i.naturalWidth === 64 && i.src.startsWith(`+"'"+e.site+"/files/'"+`); })()`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(inWidget(".msg.agent .thumb")))); err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "the picture full size", `(() => { const i = `+inWidget(".viewer img")+`; return !!i && i.naturalWidth === 64; })()`)
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](inWidget(".msg.agent")+`.textContent`))
	if err != nil || !strings.Contains(text, "here is the diagram") {
		t.Errorf("agent message text %q (%v)", text, err)
	}
}

// In a real Chromium: a picture a Discord agent posts in the handoff's
// thread shows in the widget as a loaded thumbnail served by the bridge
// (not Discord's expiring CDN link), which opens full size on click, and
// still shows after a reload once Discord's link has expired.
func TestBrowserWidgetShowsDiscordAgentFile(t *testing.T) {
	e := newEnv(t)
	ctx := e.widgetAsks(t, "ask the desk")
	thread, handoff := e.deskThread()
	e.dinaJoins(thread, handoff)

	diagram := pngOf(t, 64, 48, color.RGBA{20, 90, 200, 255})
	if _, err := e.discord.Say(thread, e.dina, "here is the diagram", e.discord.File("diagram.png", "image/png", diagram)); err != nil {
		t.Fatal(err)
	}
	loaded := `(() => { const i = ` + inWidget(".msg.agent .thumb img") +
		`; return !!i && i.complete && i.naturalWidth === 64 && i.src.startsWith('` + e.site + `/files/'); })()`
	waitJS(ctx, t, "the agent's picture as a loaded thumbnail from the bridge", loaded)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(inWidget(".msg.agent .thumb")))); err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "the picture full size", `(() => { const i = `+inWidget(".viewer img")+`; return !!i && i.complete && i.naturalWidth === 64; })()`)
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](inWidget(".msg.agent")+`.textContent`))
	if err != nil || !strings.Contains(text, "here is the diagram") {
		t.Errorf("agent message text %q (%v)", text, err)
	}

	e.discord.ExpireFileLinks()
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitJS(ctx, t, "the picture from the history after Discord's link expired", loaded)
}
