package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/internal/browsertest"
)

// Two visitors wait in real widgets (separate browser contexts, so two
// sessions); an agent joins the first, and the second's status line moves
// to place 1 with an estimated wait, without a reload; a reload shows the
// same.
func TestBrowserQueuePlaceMovesLive(t *testing.T) {
	b := browsertest.Start(t)
	e := newEnvWith(t, echoAI(), bridge.SystemClock{}, func(o *web.Options) { o.SessionBurst = 20 })
	visit := func(who string) context.Context {
		ctx, cancel := context.WithTimeout(b.NewContext(), 90*time.Second)
		t.Cleanup(cancel)
		if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/")); err != nil {
			t.Fatalf("%s opens the demo page: %v", who, err)
		}
		waitJS(ctx, t, who+"'s widget connected", `!!document.querySelector('#handoff-widget') && `+inWidget(".status")+`.textContent === ''`)
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.JSPath(inWidget("textarea")), "talk to a human\r")); err != nil {
			t.Fatalf("%s types: %v", who, err)
		}
		return ctx
	}
	status := inWidget(".status") + `.textContent`

	first := visit("the first visitor")
	waitJS(first, t, "the first visitor at place 1", status+`.includes('number 1 in the queue')`)
	ops, err := e.ws.WaitFor(e.ctx, "the first thread", func(ops []bridgetest.ThreadOp) bool { return bridgetest.CountKind(ops, "open") == 1 })
	if err != nil {
		t.Fatal(err)
	}
	firstThread := ops[0].Thread

	second := visit("the second visitor")
	waitJS(second, t, "the second visitor at place 2", status+`.includes('number 2 in the queue')`)

	e.agent(bridge.AgentAction{Agent: anaRef, ThreadID: firstThread, Action: bridge.ActJoin})
	waitJS(first, t, "the first visitor with Ana", status+`.includes('chatting with Ana')`)
	// One join so far, taken within the test: the estimate is its floor.
	waitJS(second, t, "the second visitor moved to place 1", status+`.includes('number 1 in the queue') && `+status+`.includes('About 1 min.')`)
	if got, err := chromedp.Run(second, chromedp.Evaluate[string](inWidget(".status button")+`.textContent`)); err != nil || got != "Stop waiting" {
		t.Errorf("the second visitor's cancel button = %q (%v), want it kept beside the place", got, err)
	}
	// A reload re-creates the status line from the state frame.
	if err := chromedp.Do(second, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitJS(second, t, "the place and estimate after a reload", `!!document.querySelector('#handoff-widget') && `+
		status+`.includes('number 1 in the queue') && `+status+`.includes('About 1 min.')`)
}
