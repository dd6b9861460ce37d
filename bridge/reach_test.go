package bridge_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	_, refused := http.Get(srv.URL)
	_, badName := http.Get("http://no-such-host.invalid/")
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", refused, true},
		{"no such host", badName, true},
		{"timeout, wrapped", fmt.Errorf("auth.test: %w", context.DeadlineExceeded), true},
		{"an answer", errors.New("invalid_auth"), false},
		{"nil", nil, false},
	} {
		if got := bridge.Unreachable(tc.err); got != tc.want {
			t.Errorf("%s: Unreachable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
