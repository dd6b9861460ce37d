package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// candidates are where a Chromium or Chrome binary is looked for, in order.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "/usr/bin/chromium"}

// Find returns the browser binary: $BRIDGE_BROWSER when set, else the
// first candidate on PATH, "" when none.
func Find() string {
	if p := os.Getenv("BRIDGE_BROWSER"); p != "" {
		return p
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

// Browser is one browser process; each NewTab or NewContext is a page of it.
type Browser struct {
	t    *testing.T
	root context.Context // the first tab; it owns the browser process
}

// Start launches a headless browser for the test, or skips the test when
// none is installed (fails under BRIDGE_E2E=require). The browser gets a
// fresh profile and is closed when the test ends.
func Start(t *testing.T) *Browser {
	t.Helper()
	path := Find()
	if path == "" {
		if os.Getenv("BRIDGE_E2E") == "require" {
			t.Fatal("BRIDGE_E2E=require but no chromium/chrome binary was found (apt-get install chromium)")
		}
		t.Skip("no browser found: install Debian's chromium (or set BRIDGE_BROWSER) to run the browser end-to-end test")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.WindowSize(1280, 860),
	}
	allocCtx, cancel := chromedp.NewExecAllocator(context.WithoutCancel(t.Context()), opts...)
	t.Cleanup(cancel)
	root, closeRoot := chromedp.NewContext(allocCtx)
	t.Cleanup(closeRoot)
	if err := chromedp.Do(root); err != nil { // starts the browser
		t.Fatalf("start the browser %s: %v", path, err)
	}
	return &Browser{t: t, root: root}
}

// NewContext opens a separate browser context (its own cookies and
// storage, like a second browser): what two people on one machine need.
func (b *Browser) NewContext() context.Context {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	return ctx
}
