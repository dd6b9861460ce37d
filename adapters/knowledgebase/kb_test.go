package knowledgebase

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

func ask(t *testing.T, kb *KB, text string) bridge.Reply {
	t.Helper()
	r, err := kb.Respond(context.Background(), bridge.Question{Text: text, Channel: bridge.ChannelWeb})
	if err != nil {
		t.Fatalf("Respond(%q): %v", text, err)
	}
	return r
}

func TestSampleQuestionsAnswerThemselves(t *testing.T) {
	kb := Sample()
	if kb.Len() < 12 {
		t.Fatalf("sample has %d entries, want about 15", kb.Len())
	}
	for _, e := range kb.entries {
		r := ask(t, kb, e.Question)
		if r.Text != e.Answer {
			t.Errorf("%q: answered %.40q, want its own answer", e.Question, r.Text)
		}
		if r.Confidence < 0.8 {
			t.Errorf("%q: confidence %.2f, want ≥ 0.8", e.Question, r.Confidence)
		}
	}
}

func TestSampleMatches(t *testing.T) {
	kb := Sample()
	tests := []struct {
		name    string
		text    string
		want    string // question of the expected entry
		minConf float64
		maxConf float64
	}{
		{"exact", "How do I reset my password?", "How do I reset my password?", 0.99, 1},
		{"reworded", "how can i reset my password please", "How do I reset my password?", 0.8, 1},
		{"keyword paraphrase", "I forgot my password", "How do I reset my password?", 0.8, 1},
		{"shouting and punctuation", "HI!!! HOW DO I RESET MY PASSWORD???", "How do I reset my password?", 0.8, 1},
		{"plural and inflection", "are you open on weekends?", "What are your opening hours?", 0.8, 1},
		{"synonym keyword", "I want my money back", "Can I get a refund?", 0.8, 1},
		{"one rare word", "pricing", "How much does Acme Chat cost?", 0.8, 1},
		{"stemmed keyword", "where is my parcel? has it shipped?", "Do you ship physical products?", 0.8, 1},
		{"android app", "do you have an app for android", "Is there a mobile app?", 0.8, 1},
		{"contact", "how to contact you", "How can I contact you?", 0.8, 1},
		{"partial: extra unknown words", "I was charged twice, can I get a refund?", "Can I get a refund?", 0.3, 0.8},
		{"partial: noise words", "ok so basically how do i reset my password", "How do I reset my password?", 0.3, 0.8},
		{"partial: two topics", "how do i cancel and get a refund", "Can I get a refund?", 0.3, 0.8},
		{"partial: one of several", "password reset not arriving in spam folder", "How do I reset my password?", 0.3, 0.8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := kb.Lookup(tt.text)
			if !ok {
				t.Fatalf("no match for %q", tt.text)
			}
			if m.Entry.Question != tt.want {
				t.Errorf("matched %q, want %q", m.Entry.Question, tt.want)
			}
			if m.Confidence < tt.minConf || m.Confidence > tt.maxConf {
				t.Errorf("confidence %.3f, want in [%.2f, %.2f]", m.Confidence, tt.minConf, tt.maxConf)
			}
			r := ask(t, kb, tt.text)
			if r.Text != m.Entry.Answer || r.Confidence != m.Confidence || r.Handoff {
				t.Errorf("Respond = %+v, want the match's answer and confidence", r)
			}
		})
	}
}

func TestUnrelatedScoresLow(t *testing.T) {
	kb := Sample()
	for _, text := range []string{
		"",
		"   ?!  ",
		"hello",
		"What is the weather in Paris tomorrow?",
		"my dog ate my homework",
		"tell me a joke",
		"who won the football match yesterday evening",
		"recipe for a vegetarian lasagne with spinach and ricotta",
		"is the chat of my cat a real french word",
	} {
		r := ask(t, kb, text)
		if r.Confidence >= 0.2 {
			t.Errorf("%q: confidence %.2f (%.40q), want < 0.2", text, r.Confidence, r.Text)
		}
		if r.Confidence == 0 && r.Text != "" {
			t.Errorf("%q: text %.40q with confidence 0, want an empty reply", text, r.Text)
		}
	}
}

func TestNormalisationInsensitive(t *testing.T) {
	kb, err := New(Options{Entries: []Entry{
		{Question: "Où se trouve le café?", Answer: "Au rez-de-chaussée."},
		{Question: "Wie öffne ich die Tür?", Answer: "Mit dem Schlüssel."},
		{Question: "How do I export my e-mails?", Answer: "Settings."},
	}})
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string][]string{
		"Au rez-de-chaussée.": {"ou se trouve le cafe", "OÙ SE TROUVE LE CAFÉ ?!", "où...se—trouve «le» café", "ou se trouve le cafe\u0301"},
		"Mit dem Schlüssel.":  {"wie offne ich die tur", "WIE ÖFFNE ICH DIE TÜR", "wie öffne ich die Tür???"},
		"Settings.":           {"export e mail", "EXPORT E-MAILS!", "exporting my e-mails", "export e mails"},
	}
	for answer, texts := range variants {
		for _, text := range texts {
			r := ask(t, kb, text)
			if r.Text != answer || r.Confidence < 0.8 {
				t.Errorf("%q: got %q at %.2f, want %q at ≥ 0.8", text, r.Text, r.Confidence, answer)
			}
		}
	}
}

func TestEmptyKnowledgeBase(t *testing.T) {
	for name, mk := range map[string]func() (*KB, error){
		"New(no entries)": func() (*KB, error) { return New(Options{}) },
		"Parse empty":     func() (*KB, error) { return Parse(nil) },
		"Parse comment":   func() (*KB, error) { return Parse([]byte("# nothing yet\n")) },
		"Parse []":        func() (*KB, error) { return Parse([]byte("[]")) },
	} {
		t.Run(name, func(t *testing.T) {
			kb, err := mk()
			if err != nil {
				t.Fatal(err)
			}
			if kb.Len() != 0 {
				t.Errorf("Len = %d", kb.Len())
			}
			if r := ask(t, kb, "How do I reset my password?"); r != (bridge.Reply{}) {
				t.Errorf("Respond = %+v, want no answer", r)
			}
		})
	}
}

func TestRespondHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Sample().Respond(ctx, bridge.Question{Text: "pricing"})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "knowledgebase: respond") {
		t.Errorf("err = %v, want a wrapped context.Canceled", err)
	}
}

func TestEntriesAreCopied(t *testing.T) {
	entries := []Entry{{Question: "Opening hours?", Answer: "9 to 5", Keywords: []string{"open"}}}
	kb, err := New(Options{Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	entries[0].Answer, entries[0].Keywords[0] = "changed", "changed"
	if r := ask(t, kb, "when are you open"); r.Text != "9 to 5" {
		t.Errorf("Respond = %+v, want the answer given to New", r)
	}
}

func TestConcurrentRespond(t *testing.T) {
	kb := Sample()
	want := ask(t, kb, "how much does it cost")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				r, err := kb.Respond(context.Background(), bridge.Question{Text: "how much does it cost"})
				if err != nil || r != want {
					t.Errorf("Respond = %+v, %v; want %+v", r, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestTiesGoToTheFirstEntry(t *testing.T) {
	kb, err := New(Options{Entries: []Entry{{Question: "Refund policy", Answer: "first"}, {Question: "Refund policy", Answer: "second"}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := ask(t, kb, "refund policy"); r.Text != "first" {
		t.Errorf("answered %q, want the first of equal entries", r.Text)
	}
}

func TestNewRejectsIncompleteEntries(t *testing.T) {
	for _, tt := range []struct {
		entries []Entry
		want    string
	}{
		{[]Entry{{Question: "ok", Answer: "ok"}, {Question: "  ", Answer: "x"}}, "entry 2: question is empty"},
		{[]Entry{{Question: "Refunds?", Answer: "\n"}}, `entry 1 ("Refunds?"): answer is empty`},
	} {
		if _, err := New(Options{Entries: tt.entries}); err == nil || err.Error() != tt.want {
			t.Errorf("New(%v) error = %v, want %q", tt.entries, err, tt.want)
		}
	}
}
