package discord

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseInteraction feeds arbitrary bodies to the interaction decoder
// and the custom_id parser: they must refuse or decode, never panic, and
// a decoded click must name an action the bridge knows.
func FuzzParseInteraction(f *testing.F) {
	f.Add([]byte(`{"type":3,"id":"1","token":"t","data":{"custom_id":"hb:join:12","component_type":2},"member":{"user":{"id":"5"},"roles":["9"]}}`))
	f.Add([]byte(`{"type":1}`))
	f.Add([]byte(`{"type":3,"id":"1","token":"t","data":{"custom_id":"hb:user:handoff.accept"},"user":{"id":"5"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := parseInteraction(body)
		if err != nil {
			return
		}
		if in.Type != 1 && (in.ID == "" || in.Token == "") {
			t.Fatalf("accepted an interaction without id or token: %s", body)
		}
		clicker(in)
	})
}

func FuzzParseCustomID(f *testing.F) {
	for _, s := range []string{"hb:join:12", "hb:resolve:1", "hb:user:handoff.cancel", "hb:join:-1", "hb:", "other", "hb:join:99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		c, ok := parseCustomID(id)
		if !ok {
			return
		}
		if !strings.HasPrefix(id, customIDPrefix) || (!c.user && c.handoff <= 0) {
			t.Fatalf("accepted %q as %+v", id, c)
		}
		if !c.user && actionID(c.action, c.handoff) != id && !strings.Contains(id, ":+") && !strings.Contains(id, ":0") {
			t.Fatalf("%q does not round-trip: %q", id, actionID(c.action, c.handoff))
		}
	})
}

// FuzzNeutralizeAndSplit checks that no split part is over the limit,
// nothing is lost, and no mention survives neutralising.
func FuzzNeutralizeAndSplit(f *testing.F) {
	f.Add("hello @everyone <@123> <@&4>", 2000)
	f.Add(strings.Repeat("a b\n", 700), 100)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if !utf8.ValidString(s) || limit < 2 || limit > 4000 {
			return
		}
		n := neutralize(s)
		if strings.Contains(n, "@everyone") || strings.Contains(n, "@here") || userMention(n) {
			t.Fatalf("mention survived: %q", n)
		}
		parts := split(n, limit)
		for _, p := range parts {
			if utf8.RuneCountInString(p) > limit {
				t.Fatalf("part of %d > %d", utf8.RuneCountInString(p), limit)
			}
		}
		squash := func(x string) string { return strings.Join(strings.Fields(x), "") }
		if squash(strings.Join(parts, "")) != squash(n) {
			t.Fatalf("split lost text: %q → %q", n, parts)
		}
	})
}

func userMention(s string) bool {
	i := strings.Index(s, "<@")
	return i >= 0 && i+2 < len(s) && (s[i+2] >= '0' && s[i+2] <= '9' || s[i+2] == '!' || s[i+2] == '&')
}

// FuzzEscapeMarkdown: text from outside, escaped, has no Markdown
// character that is not escaped, and reads as typed once the escapes (and
// the mention breakers) are taken out.
func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range []string{"Ana", "[a](https://x.example)", "**b** _i_ __u__ ~~s~~ `c` ||sp||", "> q\n# h\n- l", `\*`, "<@123> @everyone <t:1:R>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := escapeMarkdown(s)
		var plain strings.Builder
		r := []rune(out)
		for i := 0; i < len(r); i++ {
			switch {
			case r[i] == '\\':
				if i+1 == len(r) || !strings.ContainsRune(markdownChars, r[i+1]) {
					t.Fatalf("escapeMarkdown(%q) = %q: a lone backslash at %d", s, out, i)
				}
				i++
				plain.WriteRune(r[i])
			case strings.ContainsRune(markdownChars, r[i]):
				t.Fatalf("escapeMarkdown(%q) = %q: %q at %d is not escaped", s, out, r[i], i)
			case r[i] == []rune(zwsp)[0]:
			default:
				plain.WriteRune(r[i])
			}
		}
		if want := string([]rune(strings.ReplaceAll(s, zwsp, ""))); plain.String() != want {
			t.Fatalf("escapeMarkdown(%q) = %q reads %q", s, out, plain.String())
		}
	})
}
