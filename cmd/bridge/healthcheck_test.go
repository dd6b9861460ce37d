package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthzURL(t *testing.T) {
	tests := []struct {
		listen, want, wantErr string
	}{
		{listen: ":8080", want: "http://127.0.0.1:8080/healthz"},
		{listen: "0.0.0.0:9000", want: "http://127.0.0.1:9000/healthz"},
		{listen: "[::]:9000", want: "http://127.0.0.1:9000/healthz"},
		{listen: "127.0.0.1:8081", want: "http://127.0.0.1:8081/healthz"},
		{listen: "[::1]:8081", want: "http://[::1]:8081/healthz"},
		{listen: "10.1.2.3:80", want: "http://10.1.2.3:80/healthz"},
		{listen: "127.0.0.1:0", wantErr: "-url"},
		{listen: "8080", wantErr: "http.listen"},
	}
	for _, tt := range tests {
		got, err := healthzURL(tt.listen)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("healthzURL(%q) = %q, %v; want an error naming %q", tt.listen, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("healthzURL(%q) = %q, %v; want %q", tt.listen, got, err, tt.want)
		}
	}
}

func TestHealthcheckCommand(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()

	var out bytes.Buffer
	if err := run(t.Context(), []string{"healthcheck", "-url", srv.URL + "/healthz"}, &out, &out, nil); err != nil {
		t.Fatalf("healthy bridge: %v", err)
	}
	status = http.StatusServiceUnavailable
	if err := run(t.Context(), []string{"healthcheck", "-url", srv.URL + "/healthz"}, &out, &out, nil); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("a 503 passed the health check: %v", err)
	}
	addr := srv.Listener.Addr().String()
	srv.Close()
	if err := run(t.Context(), []string{"healthcheck", "-url", "http://" + addr + "/healthz"}, &out, &out, nil); err == nil {
		t.Fatal("a bridge that is down passed the health check")
	}
}
