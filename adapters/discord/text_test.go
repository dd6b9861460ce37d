package discord

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/bridge"
)

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hi @everyone", "hi @\u200beveryone"},
		{"@here now", "@\u200bhere now"},
		{"<@123> and <@!456>", "<@\u200b123> and <@\u200b!456>"},
		{"<@&789>", "<@\u200b&789>"},
		{"**bold** and [link](https://x.example)", "**bold** and [link](https://x.example)"},
		{"mail a@example.com", "mail a@example.com"},
	}
	for _, tc := range tests {
		if got := neutralize(tc.in); got != tc.want {
			t.Errorf("neutralize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPackKeepsOrderWithinLimit(t *testing.T) {
	long := strings.Repeat("word ", 900) // 4,500 characters
	tests := []struct {
		name   string
		blocks []string
		parts  int
	}{
		{"small posts share one message", []string{"a", "b", "c"}, 1},
		{"a long post is split", []string{long}, 3},
		{"posts fill messages in order", []string{strings.Repeat("x", 1500), strings.Repeat("y", 1500), "z"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := pack(tc.blocks, maxContent)
			if len(got) != tc.parts {
				t.Fatalf("%d parts, want %d", len(got), tc.parts)
			}
			joined := strings.Join(got, "\n")
			for _, p := range got {
				if utf8.RuneCountInString(p) > maxContent {
					t.Fatalf("part of %d characters", utf8.RuneCountInString(p))
				}
			}
			if strings.ReplaceAll(strings.ReplaceAll(joined, "\n", ""), " ", "") != strings.ReplaceAll(strings.Join(tc.blocks, ""), " ", "") {
				t.Fatal("text lost or reordered")
			}
		})
	}
}

func TestCardFitsDiscordLimits(t *testing.T) {
	huge := strings.Repeat("é", 5000)
	card := bridge.HandoffCard{Handoff: 1, State: bridge.StatePending, Team: "sales", Reason: huge, UserName: huge, Trigger: huge,
		Context: bridge.UserContext{PageURL: huge, UserAgent: huge}, Declined: []bridge.AgentID{"a", "b"}}
	e := cardEmbed(card)
	total := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description) + utf8.RuneCountInString(e.Footer.Text)
	for _, f := range e.Fields {
		if utf8.RuneCountInString(f.Value) > maxFieldValue {
			t.Fatalf("field %s has %d characters", f.Name, utf8.RuneCountInString(f.Value))
		}
		total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if total > maxEmbedTotal || utf8.RuneCountInString(e.Title) > maxEmbedTitle {
		t.Fatalf("embed of %d characters (title %d)", total, utf8.RuneCountInString(e.Title))
	}
	if n := utf8.RuneCountInString(threadName(card)); n > maxThreadName {
		t.Fatalf("thread name of %d characters", n)
	}
}
