package slack

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/bridge"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
	}{
		{"short", "hello", 10},
		{"words", strings.Repeat("word ", 100), 37},
		{"entities", strings.Repeat("a&amp;b ", 50), 20},
		{"links", strings.Repeat("<https://x.example/a|link> ", 20), 40},
		{"no spaces", strings.Repeat("x", 95), 10},
		{"runes", strings.Repeat("é漢字🙂", 40), 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := splitText(tt.in, tt.limit)
			if strings.Join(parts, "") != tt.in {
				t.Fatalf("pieces do not join back to the text")
			}
			for _, p := range parts {
				if utf8.RuneCountInString(p) > tt.limit {
					t.Fatalf("piece of %d runes over %d", utf8.RuneCountInString(p), tt.limit)
				}
				if !utf8.ValidString(p) {
					t.Fatalf("piece cut inside a rune: %q", p)
				}
				if strings.Count(p, "<") != strings.Count(p, ">") {
					t.Fatalf("piece cuts a link: %q", p)
				}
				if i := strings.LastIndexByte(p, '&'); i >= 0 && !strings.Contains(p[i:], ";") {
					t.Fatalf("piece cuts an entity: %q", p)
				}
			}
		})
	}
}

func TestBatchPostsRespectsLimits(t *testing.T) {
	var posts []bridge.ThreadPost
	for i := range 120 {
		posts = append(posts, bridge.ThreadPost{Role: bridge.RoleUser, Author: "Uma", Text: fmt.Sprintf("message %d", i), History: true})
	}
	posts = append(posts, bridge.ThreadPost{Role: bridge.RoleAI, Author: "Bot", Text: strings.Repeat("**big** answer ", 700)})
	msgs := batchPosts(posts)
	if len(msgs) != 3 {
		t.Errorf("%d messages, want 3 (121 posts and a long one over 50 blocks each)", len(msgs))
	}
	var all strings.Builder
	for _, m := range msgs {
		if len(m.blocks) > maxBlocks || m.size > maxMessageText || m.text == "" {
			t.Fatalf("message over limits: %d blocks, %d chars, text %q", len(m.blocks), m.size, m.text)
		}
		for _, b := range m.blocks {
			s := sectionText(t, b)
			if utf8.RuneCountInString(s) > maxSectionText {
				t.Fatalf("section of %d chars", utf8.RuneCountInString(s))
			}
			all.WriteString(s)
		}
	}
	text := all.String()
	last := -1
	for i := range 120 {
		at := strings.Index(text, fmt.Sprintf("message %d\n", i)) // "\n": the next block starts right after
		if at < 0 {
			at = strings.Index(text, fmt.Sprintf("message %d", i))
		}
		if at < last {
			t.Fatalf("message %d out of order", i)
		}
		last = at
	}
	if strings.Count(text, "*big* answer") != 700 {
		t.Fatalf("long answer lost pieces: %d", strings.Count(text, "*big* answer"))
	}
}
