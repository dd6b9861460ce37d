package knowledgebase

import (
	"context"
	"fmt"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// KB is a knowledge base with its search index. It is immutable once made and
// safe for concurrent use.
type KB struct {
	entries []Entry
	idx     index
}

var _ bridge.Responder = (*KB)(nil)

// Options configures a knowledge base.
type Options struct {
	// Entries are what it answers from (copied). Every entry needs a
	// question and an answer. None gives an empty knowledge base, which
	// never answers.
	Entries []Entry
}

// New checks the entries and builds the knowledge base. Parse, Load,
// LoadDir and Sample build it from YAML, a file, a folder or the
// embedded sample.
func New(o Options) (*KB, error) {
	kb := &KB{entries: make([]Entry, len(o.Entries))}
	for i, e := range o.Entries {
		e.Question = strings.TrimSpace(e.Question)
		e.Answer = strings.TrimSpace(e.Answer)
		switch {
		case e.Question == "":
			return nil, fmt.Errorf("entry %d: question is empty", i+1)
		case e.Answer == "":
			return nil, fmt.Errorf("entry %d (%q): answer is empty", i+1, e.Question)
		}
		e.Keywords = append([]string(nil), e.Keywords...)
		kb.entries[i] = e
	}
	kb.idx = buildIndex(kb.entries)
	return kb, nil
}

// Len returns the number of entries.
func (kb *KB) Len() int { return len(kb.entries) }

// Match is the best entry for a message.
type Match struct {
	Entry      Entry
	Score      float64 // BM25
	Confidence float64 // 0..1, see the package documentation
}

// Lookup returns the entry that best answers text, and false when no entry
// shares a term with it.
func (kb *KB) Lookup(text string) (Match, bool) {
	var buf [16]string
	q := uniq(tokens(buf[:0], text))
	best, score, conf := kb.idx.search(q)
	if best < 0 {
		return Match{}, false
	}
	return Match{Entry: kb.entries[best], Score: score, Confidence: conf}, true
}

// Respond answers q.Text with the best entry's answer and its confidence, or
// with an empty Reply when nothing matches. It ignores the history and the
// language: the knowledge base answers each message on its own.
func (kb *KB) Respond(ctx context.Context, q bridge.Question) (bridge.Reply, error) {
	if err := ctx.Err(); err != nil {
		return bridge.Reply{}, fmt.Errorf("knowledgebase: respond: %w", err)
	}
	return kb.RespondNow(q)
}

// uniq removes repeated terms in place, keeping the first of each: a message
// saying "refund refund refund" asks about refunds once.
func uniq(ts []string) []string {
	out := ts[:0]
next:
	for _, t := range ts {
		for _, o := range out {
			if o == t {
				continue next
			}
		}
		out = append(out, t)
	}
	return out
}

var _ bridge.InstantResponder = (*KB)(nil)

// RespondNow is Respond without a context: a lookup in memory, which the
// engine runs inside the transaction that stores the question.
func (kb *KB) RespondNow(q bridge.Question) (bridge.Reply, error) {
	m, ok := kb.Lookup(q.Text)
	if !ok {
		return bridge.Reply{}, nil
	}
	return bridge.Reply{Text: m.Entry.Answer, Confidence: m.Confidence}, nil
}
