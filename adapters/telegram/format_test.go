package telegram

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
)

func TestMarkdownToHTML(t *testing.T) {
	for _, tc := range []struct{ name, md, want string }{
		{"plain", "hello", "hello"},
		{"bold and italic", "**a** and *b*", "<b>a</b> and <i>b</i>"},
		{"user markup is text", "<b>hi</b> & <script>x</script>", "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;"},
		{"html block is text", "<div>\nx\n</div>", "&lt;div&gt;\nx\n&lt;/div&gt;"},
		{"link with query", "[a](https://e.com/?x=1&y=\"2\")", `<a href="https://e.com/?x=1&amp;y=&quot;2&quot;">a</a>`},
		{"javascript link dropped", "[a](javascript:alert(1))", "a"},
		{"code span", "use `<b>` tag", "use <code>&lt;b&gt;</code> tag"},
		{"code block", "```go\nif a < b {}\n```", `<pre><code class="language-go">if a &lt; b {}</code></pre>`},
		{"bad language", "```\"><b>\nx\n```", "<pre>x</pre>"},
		{"list", "- one\n- two", "• one\n• two"},
		{"ordered", "3. a\n4. b", "3. a\n4. b"},
		{"heading", "# Title\n\ntext", "<b>Title</b>\n\ntext"},
		{"strike", "~~old~~", "<s>old</s>"},
		{"escaped star", `1 \* 2`, "1 * 2"},
		{"entity", "AT&amp;T", "AT&amp;T"},
		{"autolink", "see https://example.com", `see <a href="https://example.com">https://example.com</a>`},
		{"quote", "> quoted\n\nafter", "<blockquote>quoted</blockquote>\n\nafter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := MarkdownToHTML(tc.md)
			if got != tc.want {
				t.Errorf("MarkdownToHTML(%q)\n got %q\nwant %q", tc.md, got, tc.want)
			}
			if _, err := telegramfake.ParseHTML(got); err != nil {
				t.Errorf("Telegram would refuse %q: %v", got, err)
			}
		})
	}
}

func TestSplitHTML(t *testing.T) {
	long := strings.Repeat("word ", 2000) // 10,000 characters
	for _, tc := range []struct {
		name  string
		html  string
		limit int
		parts int
	}{
		{"short stays whole", "<b>hi</b>", 4096, 1},
		{"long text", long, 4096, 3},
		{"bold across the cut", "<b>" + long + "</b>", 4096, 3},
		{"entities count once", strings.Repeat("&amp;", 5000), 4096, 2},
		{"link reopened", `<a href="https://e.com">` + long + `</a>`, 4096, 3},
		{"no spaces", strings.Repeat("x", 9000), 4096, 3},
		{"emoji are two units", strings.Repeat("😀", 3000), 4096, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := SplitHTML(tc.html, tc.limit)
			if len(parts) != tc.parts {
				t.Errorf("%d parts, want %d", len(parts), tc.parts)
			}
			whole, _ := telegramfake.ParseHTML(tc.html)
			var joined strings.Builder
			for i, p := range parts {
				vis, err := telegramfake.ParseHTML(p)
				if err != nil {
					t.Fatalf("part %d is not valid Telegram HTML: %v\n%q", i, err, p)
				}
				if n := telegramfake.TextLength(vis); n > tc.limit {
					t.Errorf("part %d has %d characters, limit %d", i, n, tc.limit)
				}
				joined.WriteString(vis)
			}
			if strings.Join(strings.Fields(joined.String()), "") != strings.Join(strings.Fields(whole), "") {
				t.Error("the parts do not add up to the whole text")
			}
		})
	}
}

// FuzzFormat: any Markdown becomes parts Telegram accepts, within the
// limit, that add up to the whole visible text.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{"**a** <b>", "[x](https://e.com?a&b)", "```\n<>\n```", "- a\n  - b", "> q\n> r", "&amp; &#0; &#xD800;", "__*~~x~~*__"} {
		f.Add(s, 40)
	}
	f.Fuzz(func(t *testing.T, md string, limit int) {
		if limit < 2 || limit > 5000 {
			limit = 40
		}
		html := MarkdownToHTML(md)
		whole, err := telegramfake.ParseHTML(html)
		if err != nil {
			t.Fatalf("MarkdownToHTML(%q) = %q, refused: %v", md, html, err)
		}
		var joined strings.Builder
		for i, p := range SplitHTML(html, limit) {
			vis, err := telegramfake.ParseHTML(p)
			if err != nil {
				t.Fatalf("part %d %q refused: %v (markdown %q)", i, p, err, md)
			}
			if n := telegramfake.TextLength(vis); n > limit {
				t.Fatalf("part %d has %d characters, limit %d", i, n, limit)
			}
			joined.WriteString(vis)
		}
		if strings.Join(strings.Fields(joined.String()), "") != strings.Join(strings.Fields(whole), "") {
			t.Fatalf("parts lost text: %q vs %q", joined.String(), whole)
		}
	})
}

// FuzzParseUpdate: any webhook body is either refused cleanly or decoded.
func FuzzParseUpdate(f *testing.F) {
	f.Add([]byte(`{"update_id":1,"message":{"message_id":42,"from":{"id":1,"first_name":"A"},"chat":{"id":1,"type":"private"},"date":1,"text":"hi"}}`))
	f.Add([]byte(`{"update_id":2,"callback_query":{"id":"x","from":{"id":1,"first_name":"A"},"data":"handoff.accept"}}`))
	f.Add([]byte(`{"update_id":"nope"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		u, err := ParseUpdate(body)
		if err == nil && u.UpdateID <= 0 {
			t.Fatalf("accepted an update without id: %q", body)
		}
	})
}
