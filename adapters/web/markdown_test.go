package web

import (
	"strings"
	"testing"
)

func TestRenderMarkdownIsSafe(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		notWant []string
	}{
		{"bold and italics", "**bold** and _it_", []string{"<strong>bold</strong>", "<em>it</em>"}, nil},
		{"link opens in a new tab without opener", "[docs](https://example.com/a)",
			[]string{`<a href="https://example.com/a" target="_blank" rel="noopener noreferrer">docs</a>`}, nil},
		{"bare URL becomes a safe link", "see https://example.com",
			[]string{`href="https://example.com"`, `rel="noopener noreferrer"`}, nil},
		{"list and code", "- one\n- two\n\n`x<y`", []string{"<li>one</li>", "<code>x&lt;y</code>"}, nil},
		{"raw script dropped", "hi <script>alert(1)</script>", nil, []string{"<script"}},
		{"raw html block dropped", "<img src=x onerror=alert(1)>", nil, []string{"<img", "onerror"}},
		{"javascript link emptied", "[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"attribute injection escaped", `[x](https://e.com/"onmouseover="alert(1))`, nil, []string{`" onmouseover`, `"onmouseover="`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderMarkdown(tt.in)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("renderMarkdown(%q) = %q, want it to contain %q", tt.in, got, w)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(got, nw) {
					t.Errorf("renderMarkdown(%q) = %q, must not contain %q", tt.in, got, nw)
				}
			}
		})
	}
}
