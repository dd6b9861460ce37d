package responderhttp

import (
	"strings"
	"testing"
)

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"short", `{"error":"bad"}`, `{"error":"bad"}`},
		{"lines and tabs folded", "line one\n\tline two\r\n", "line one line two"},
		{"invalid UTF-8 replaced", "ok \xff\xfe end", "ok end"},
		{"long cut with an ellipsis", strings.Repeat("a", 300), strings.Repeat("a", 256) + "…"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		if got := Excerpt([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: Excerpt = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := (&StatusError{StatusCode: 502}).Error(); got != "status 502" {
		t.Errorf("Error() = %q", got)
	}
}
