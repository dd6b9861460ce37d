package console

import (
	"regexp"
	"strings"
	"testing"
)

// FuzzRenderMarkdown: whatever an agent or the AI writes, the HTML the page
// puts in with innerHTML has no script, no event handler, no style and no
// link other than http(s) or mailto.
func FuzzRenderMarkdown(f *testing.F) {
	for _, s := range []string{"**bold** _it_ [a](https://x.example)", "<script>alert(1)</script>", "[x](javascript:alert(1))",
		"<img src=x onerror=alert(1)>", "- a\n- b\n\n1. c", "`<b>`", "<a href=\"https://x\" onclick=\"y\">z</a>", "![i](https://x/i.png)"} {
		f.Add(s)
	}
	tag := regexp.MustCompile(`<\s*([a-zA-Z0-9]+)`)
	allowed := map[string]bool{"p": true, "br": true, "strong": true, "b": true, "em": true, "i": true, "del": true, "s": true,
		"code": true, "pre": true, "blockquote": true, "ul": true, "ol": true, "li": true, "h1": true, "h2": true, "h3": true,
		"h4": true, "h5": true, "h6": true, "hr": true, "a": true}
	href := regexp.MustCompile(`href="([^"]*)"`)
	f.Fuzz(func(t *testing.T, src string) {
		out := renderMarkdown(src)
		for _, m := range tag.FindAllStringSubmatch(out, -1) {
			if !allowed[strings.ToLower(m[1])] {
				t.Fatalf("tag <%s> in %q (from %q)", m[1], out, src)
			}
		}
		low := strings.ToLower(out)
		for _, bad := range []string{" on", "style=", "src="} {
			if i := strings.Index(low, bad); i >= 0 && strings.Contains(low[:i], "<") && !strings.Contains(low[strings.LastIndex(low[:i], "<"):i], ">") {
				t.Fatalf("attribute %q inside a tag in %q (from %q)", bad, out, src)
			}
		}
		for _, m := range href.FindAllStringSubmatch(out, -1) {
			u := strings.ToLower(m[1])
			if !strings.HasPrefix(u, "http:") && !strings.HasPrefix(u, "https:") && !strings.HasPrefix(u, "mailto:") {
				t.Fatalf("link %q in %q (from %q)", m[1], out, src)
			}
		}
	})
}

// FuzzParseClientFrame: a tab's frame is either a typing notice about a
// valid handoff id or an error, never a panic.
func FuzzParseClientFrame(f *testing.F) {
	for _, s := range []string{`{"type":"typing","handoff":"12"}`, `{"type":"typing","handoff":"-1"}`, `{"type":"x"}`, `[]`, `nul`, `{"type":"typing","handoff":"99999999999999999999"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := parseClientFrame(b)
		if err != nil {
			return
		}
		if fr.Type != "typing" {
			t.Fatalf("accepted type %q", fr.Type)
		}
		if id, err := parseHandoffID(fr.Handoff); err != nil || id <= 0 {
			t.Fatalf("accepted handoff %q", fr.Handoff)
		}
	})
}

// FuzzSessionCookie: no cookie value other than one the console signed
// names a session, so that no forged one is even looked up.
func FuzzSessionCookie(f *testing.F) {
	s := newSessions([]byte("0123456789abcdef0123456789abcdef"), nil)
	id := newSessionID("ana")
	good := id + "." + s.mac("session", id)
	f.Add(good)
	f.Add(good + "x")
	f.Add("." + good)
	f.Add("abc.def")
	f.Fuzz(func(t *testing.T, v string) {
		got, ok := s.parseCookie(v)
		if ok && (v != good || got != id) {
			t.Fatalf("cookie %q accepted as session %q", v, got)
		}
		if login, _ := loginOf(got); ok && login != "ana" {
			t.Fatalf("cookie %q names login %q", v, login)
		}
	})
}
