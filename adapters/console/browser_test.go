package console

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/internal/browsertest"
)

// TestBrowserAgentConsole drives the console page in a real headless
// chromium: the agent logs in, sees a user's request arrive live, joins,
// types (the user is shown "typing"), replies in Markdown (the user gets
// it), sees the user's markup as text, and resolves. Screenshots are saved
// in the test's temp dir; with BRIDGE_DOCS_SCREENSHOTS=1 one is copied to
// docs/console.png.
func TestBrowserAgentConsole(t *testing.T) {
	b := browsertest.Start(t)
	w := newWorld(t)
	shots := t.TempDir()
	ctx := b.NewContext()
	js := func(what, expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx2 context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](expr, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(45*time.Second))(ctx2, tg)
			if err != nil {
				return fmt.Errorf("waiting for %s (%s): %w", what, expr, err)
			}
			return nil
		})
	}
	// click finds and clicks an element in one step inside the page: the
	// live list and the detail view re-render as updates arrive, so a node
	// found by one call may be gone by the next (CDP "Could not find node").
	click := func(sel string) chromedp.Action[chromedp.Void] {
		return js("clicking "+sel, `(() => { const el = document.querySelector(`+strconv.Quote(sel)+`); if (!el || el.disabled) return false; el.click(); return true })()`)
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	step("bad token refused",
		chromedp.Navigate(w.srv.URL+Prefix),
		chromedp.WaitVisible("#login-token"),
		chromedp.SendKeys("#login-token", "not-the-token"),
		chromedp.Click("#login-submit"),
		js("the refusal", `document.querySelector("#login-error").textContent.includes("wrong name, password or token")`),
	)
	step("log in",
		chromedp.SetValue("#login-token", anaToken),
		chromedp.Click("#login-submit"),
		chromedp.WaitVisible("#app-view"),
		js("the live connection", `document.querySelector("#conn-state").textContent === "live"`),
	)

	w.userSays("u1", "u1-x", `<script>window.pwned=1</script><b>bold?</b>`)
	out := w.userSays("u1", "u1-h", "I want to talk to a human")
	id := out.Handoff.String()
	row := `.handoff-item[data-id="` + id + `"]`
	step("the request appears live and opens",
		js("the pending row", `!!document.querySelector('`+row+`[data-state="pending"]')`),
		click(row),
		chromedp.WaitVisible("#detail-body"),
		js("the history", `document.querySelector("#timeline").textContent.includes("talk to a human")`),
	)
	shot("console-pending.png")
	safe, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#timeline").textContent.includes("<script>window.pwned=1</script><b>bold?</b>")
		&& !document.querySelector("#timeline script") && !document.querySelector("#timeline b") && window.pwned === undefined`))
	if err != nil || !safe {
		t.Fatalf("the user's markup was not shown as text (%v)", err)
	}

	step("join", click("#btn-join"), js("active state", `document.querySelector("#d-state").textContent.startsWith("active")`))
	w.waitText("u1", "Ana S. has joined")

	reply := "**Thanks** for waiting, see [the guide](https://help.example.com/guide)"
	step("type", chromedp.SendKeys("#composer", reply))
	if _, err := w.web.WaitFor(w.ctx, "u1", "agent typing", func(ds []bridgetest.Delivery) bool {
		return slices.ContainsFunc(ds, func(d bridgetest.Delivery) bool { return d.Kind == "typing" && d.Message.Author == "Ana S." })
	}); err != nil {
		t.Fatal(err)
	}
	step("preview", js("the rendered preview", `!!document.querySelector("#preview strong") && (document.querySelector("#preview a")?.rel || "").includes("noopener")`))
	shot("console-composer.png")
	step("send", click("#send"), js("the reply in the history", `!!document.querySelector("#timeline .entry.agent strong")`))
	got := w.waitText("u1", "**Thanks** for waiting")
	if got.Message.Author != "Ana S." {
		t.Fatalf("the user got the reply from %q", got.Message.Author)
	}
	link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const a = document.querySelector("#timeline .entry.agent a"); return a.rel + "|" + a.target + "|" + a.href })()`))
	if err != nil || !strings.Contains(link, "noopener") || !strings.Contains(link, "noreferrer") || !strings.Contains(link, "_blank|https://help.example.com/guide") {
		t.Fatalf("link in the history = %q (%v)", link, err)
	}

	step("note", chromedp.SendKeys("#composer", "// refund already issued"), click("#send"),
		js("the note, marked", `[...document.querySelectorAll("#timeline .entry.note")].some(e => e.textContent.includes("refund already issued"))`))

	if _, err := w.engine.Handle(w.ctx, bridge.UserTyping{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	step("user typing shows", js("the user's typing", `document.querySelector("#typing").textContent.includes("The user is typing")`))
	w.userSays("u1", "u1-3", "Great, that worked")
	step("user reply arrives live", js("the user's reply", `document.querySelector("#timeline").textContent.includes("Great, that worked")`))
	shot("console-active.png")

	step("resolve", click("#btn-resolve"), js("resolved state", `document.querySelector("#d-state").textContent.startsWith("resolved")`))
	w.waitText("u1", "has closed this conversation")
	for _, d := range w.web.To("u1") {
		if strings.Contains(d.Message.Text, "refund already issued") {
			t.Fatal("the note reached the user")
		}
	}
	if os.Getenv("BRIDGE_DOCS_SCREENSHOTS") == "1" {
		png, err := os.ReadFile(filepath.Join(shots, "console-active.png"))
		if err == nil {
			err = os.WriteFile(filepath.Join("..", "..", "docs", "console.png"), png, 0o644)
		}
		if err != nil {
			t.Fatalf("copy the screenshot to docs: %v", err)
		}
	}
	t.Logf("screenshots in %s", shots)
}
