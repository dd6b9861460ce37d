package bridge

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Summarizer is a responder that can also summarise a conversation for the
// agent who takes it over (an LLM). The engine asks it after the handoff's
// thread is open, within Settings.SummaryTimeout: the card shows the
// extractive summary at once and the AI's replaces it when it comes in
// time, so a slow or failing model never delays a handoff.
type Summarizer interface {
	// Summarize returns two to four short lines of plain text: who the user
	// is, what they want, what was tried.
	Summarize(ctx context.Context, r SummaryRequest) (string, error)
}

// SummaryRequest is what a Summarizer is given.
type SummaryRequest struct {
	Reason   string // why the handoff was asked for
	Language string
	// History is the conversation so far, oldest first, without internal
	// notes or deleted messages.
	History []Message
}

// SummaryMode says what summary a team's cards show.
type SummaryMode string

// Summary modes.
const (
	// SummaryAI is the AI's summary when the responder can summarise, the
	// extractive one otherwise (and until the AI's arrives).
	SummaryAI SummaryMode = "ai"
	// SummaryExtractive is the trigger's reason and the user's last
	// messages, never an AI call.
	SummaryExtractive SummaryMode = "extractive"
	// SummaryOff shows no summary.
	SummaryOff SummaryMode = "off"
)

// DefaultSummaryTimeout bounds the AI's summary when Settings has none.
const DefaultSummaryTimeout = 8 * time.Second

const (
	// summaryUserMessages is how many of the user's last messages the
	// extractive summary quotes.
	summaryUserMessages = 3
	// summaryLineRunes bounds one line of a summary.
	summaryLineRunes = 200
	// summaryLines bounds the lines of a summary, the AI's included.
	summaryLines = 4
)

// extractiveSummary is the reason and the user's last messages, one line
// each: what an agent needs without reading the whole history.
func extractiveSummary(reason string, history []Message) string {
	var quotes []string
	for i := len(history) - 1; i >= 0 && len(quotes) < summaryUserMessages; i-- {
		m := history[i]
		text := oneLine(m.Text)
		if m.Role != RoleUser || m.Internal || !m.DeletedAt.IsZero() || text == "" {
			continue
		}
		quotes = append(quotes, "“"+clipRunes(text, summaryLineRunes-2)+"”")
	}
	lines := make([]string, 0, 1+len(quotes))
	if r := oneLine(reason); r != "" {
		lines = append(lines, "Reason: "+clipRunes(r, summaryLineRunes-8))
	}
	for i := len(quotes) - 1; i >= 0; i-- { // oldest first, as they were said
		lines = append(lines, "User: "+quotes[i])
	}
	return strings.Join(lines, "\n")
}

// TidySummary keeps a summary to what a card can show: at most four
// non-empty lines, each of bounded length. Summarizers' answers go through
// it; adapters need not.
func TidySummary(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && len(lines) < summaryLines {
			lines = append(lines, clipRunes(l, summaryLineRunes))
		}
	}
	return strings.Join(lines, "\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// summaryHistory is history without what the user's agent must not see
// summarised: internal notes and deleted messages.
func summaryHistory(history []Message) []Message {
	out := make([]Message, 0, len(history))
	for _, m := range history {
		if !m.Internal && m.DeletedAt.IsZero() {
			out = append(out, m)
		}
	}
	return out
}

// summarizeLater asks the summariser for h's summary, outside the
// transaction that opened it, and puts the answer on the card if it comes
// within the timeout. Shutdown waits for it like for a handler.
func (e *Engine) summarizeLater(h HandoffID, conv ConversationID, req SummaryRequest, timeout time.Duration) {
	if e.summarizer == nil || !e.enter() {
		return
	}
	go func() {
		defer e.handlers.Done()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		text, err := e.summarizer.Summarize(ctx, req)
		cancel()
		text = TidySummary(text)
		if err != nil || text == "" {
			e.log.Warn("AI summary unavailable; the card keeps the extractive one", "handoff", h, "err", err)
			return
		}
		ctx, cancel = context.WithTimeout(context.Background(), e.opts.DrainTimeout)
		defer cancel()
		err = e.inLane(ctx, conv, func(ctx context.Context) error {
			return e.update(ctx, func(w *work) error { return w.setSummary(ctx, h, text) })
		})
		if err != nil {
			e.log.Error("store the AI summary", "handoff", h, "err", err)
		}
	}()
}

// setSummary puts text on h's card, unless h closed meanwhile.
func (w *work) setSummary(ctx context.Context, id HandoffID, text string) error {
	h, err := w.tx.Handoff(ctx, id)
	if err != nil {
		return err
	}
	if !h.State.Open() {
		return nil
	}
	h.Summary = text
	if ok, err := w.tx.UpdateHandoff(ctx, h, h.State, h.Owner); err != nil || !ok {
		return err
	}
	c, err := w.tx.Conversation(ctx, h.ConversationID)
	if err != nil {
		return err
	}
	card, err := w.card(ctx, h, c)
	if err != nil {
		return err
	}
	card.ChangedAt = h.UpdatedAt // the state did not change: keep when it did
	return w.enqueue(ctx, WorkspaceDestination(w.workspaceOf(h)), streamOfHandoff(h.ID), OpThreadUpdate,
		ThreadPayload{Handoff: h.ID, Card: card})
}
