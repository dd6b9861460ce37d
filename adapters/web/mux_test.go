package web_test

import (
	"net/http"

	"github.com/handoffbridge/handoff/adapters/web"
)

func muxOf(w *web.Widget) *http.ServeMux {
	mux := http.NewServeMux()
	w.Mount(mux)
	return mux
}
