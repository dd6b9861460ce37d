package slack

import (
	"strings"
	"testing"
)

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hello", "hello"},
		{"<!channel> wake up", "&lt;!channel&gt; wake up"},
		{"<!here|here>", "&lt;!here|here&gt;"},
		{"ping <@U123ABC>", "ping &lt;@U123ABC&gt;"},
		{"Tom & Jerry <3", "Tom &amp; Jerry &lt;3"},
		{"@channel @here @Everyone", "@" + wordJoiner + "channel @" + wordJoiner + "here @" + wordJoiner + "Everyone"},
		{"<https://evil.example|click me>", "&lt;https://evil.example|click me&gt;"},
		{"mail@channels.example", "mail@channels.example"},
	}
	for _, tt := range tests {
		if got := EscapeText(tt.in); got != tt.want {
			t.Errorf("EscapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestToMrkdwn(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bold", "a **bold** word", "a *bold* word"},
		{"italics", "an *italic* word and _this_", "an _italic_ word and _this_"},
		{"strike", "~~gone~~", "~gone~"},
		{"link", "see [the docs](https://example.com/a?b=1&c=2)", "see <https://example.com/a?b=1&amp;c=2|the docs>"},
		{"bare link", "go to https://example.com now", "go to <https://example.com> now"},
		{"unsafe link", "[x](javascript:alert(1))", "x"},
		{"code span", "run `a < b && c`", "run `a &lt; b &amp;&amp; c`"},
		{"code block", "```\nif a < b {}\n```", "```\nif a &lt; b {}\n```"},
		{"bullets", "- one\n- two", "• one\n• two"},
		{"numbered", "1. one\n2. two", "1. one\n2. two"},
		{"heading", "# Title\n\ntext", "*Title*\n\ntext"},
		{"paragraphs", "one\n\ntwo", "one\n\ntwo"},
		{"quote", "> quoted", "> quoted"},
		{"mention injection", "hi <!channel> and <@U1>", "hi &lt;!channel&gt; and &lt;@U1&gt;"},
		{"broadcast word", "hey @here", "hey @" + wordJoiner + "here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ToMrkdwn(tt.in); got != tt.want {
				t.Errorf("ToMrkdwn(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFromMrkdwn(t *testing.T) {
	names := func(id string) string {
		if id == "U1" {
			return "Ana"
		}
		return ""
	}
	tests := []struct{ name, in, want string }{
		{"bold", "a *bold* word", "a **bold** word"},
		{"italics stay", "an _italic_ word", "an _italic_ word"},
		{"strike", "~gone~", "~~gone~~"},
		{"labelled link", "see <https://example.com/a?b=1&amp;c=2|the docs>", "see [the docs](https://example.com/a?b=1&c=2)"},
		{"bare link", "<https://example.com>", "https://example.com"},
		{"mention", "ask <@U1>", "ask @Ana"},
		{"unknown mention", "ask <@U9>", "ask @U9"},
		{"channel", "in <#C1|support>", "in #support"},
		{"broadcast", "<!here> look", "@here look"},
		{"entities", "a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"},
		{"code untouched", "`*not bold*` and *bold*", "`*not bold*` and **bold**"},
		{"block", "```\nx *y*\n```", "```\nx *y*\n```"},
		{"bullets", "• one\n• two", "- one\n- two"},
		{"multiplication stays", "2*3*4", "2*3*4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromMrkdwn(tt.in, names); got != tt.want {
				t.Errorf("FromMrkdwn(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// A Markdown text survives the trip to Slack and back.
func TestMarkdownRoundTrip(t *testing.T) {
	for _, md := range []string{"**bold** and _it_", "[docs](https://example.com)", "`code <x>`", "- a\n- b", "a & b < c"} {
		back := FromMrkdwn(ToMrkdwn(md), nil)
		if strings.ReplaceAll(back, "*", "") != strings.ReplaceAll(strings.ReplaceAll(md, "*", ""), "\u2060", "") {
			t.Errorf("round trip of %q gave %q", md, back)
		}
	}
}
