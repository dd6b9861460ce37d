package whatsapp

import "testing"

func TestToWhatsApp(t *testing.T) {
	tests := []struct{ name, md, want string }{
		{"bold", "**Sure**, __done__", "*Sure*, _done_"},
		{"strike", "~~old~~ new", "~old~ new"},
		{"link with text", "see [the docs](https://example.com/a?b=1&c=2).", "see the docs (https://example.com/a?b=1&c=2)."},
		{"link to itself", "[https://example.com](https://example.com)", "https://example.com"},
		{"mail link", "[help@example.com](mailto:help@example.com)", "help@example.com"},
		{"empty link text", "[](https://example.com/x)", "https://example.com/x"},
		{"not a link target", "[x](javascript:alert(1))", "[x](javascript:alert(1))"},
		{"brackets alone", "pick [a] or (b)", "pick [a] or (b)"},
		{"code and HTML as typed", "`code` <b>x</b>", "`code` <b>x</b>"},
		{"two links", "[a](https://a.example) and [b](https://b.example)", "a (https://a.example) and b (https://b.example)"},
		{"escaped link", `\[a\](https\://a.example)`, "[a](https://a.example)"},
		{"escaped formatting", "\\*\\*b\\*\\* \\_i\\_ \\~s\\~ \\`", "\u2060*\u2060\u2060*\u2060b\u2060*\u2060\u2060*\u2060 \u2060_\u2060i\u2060_\u2060 \u2060~\u2060s\u2060~\u2060 \u2060`\u2060"},
		{"escaped backslash", `a\\*b*`, `a\*b*`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := toWhatsApp(tt.md); got != tt.want {
				t.Errorf("toWhatsApp(%q) = %q, want %q", tt.md, got, tt.want)
			}
		})
	}
}
