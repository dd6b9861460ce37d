package web

import (
	"embed"
	"net/http"
)

//go:embed assets/widget.js assets/index.html
var assets embed.FS

var (
	widgetJS = mustAsset("assets/widget.js")
	demoPage = mustAsset("assets/index.html")
)

func mustAsset(name string) []byte {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic("web: missing embedded asset " + name) // a build mistake, caught by any test
	}
	return b
}

// serveScript serves widget.js to the pages allowed to embed it. A script
// load carries no Origin header; its Referer, when the browser sends one,
// names the embedding page.
func (w *Widget) serveScript(rw http.ResponseWriter, r *http.Request) {
	if !w.origins.allows(requestOrigin(r), r.Host) {
		http.Error(rw, "this site may not embed the widget", http.StatusForbidden)
		return
	}
	rw.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	rw.Header().Set("Cache-Control", "public, max-age=300")
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = rw.Write(widgetJS)
}

// serveDemo serves the demo page with the widget.
func (w *Widget) serveDemo(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	rw.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' https: data:; frame-ancestors 'none'")
	_, _ = rw.Write(demoPage)
}
