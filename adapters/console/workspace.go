package console

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// OpenThread makes the handoff's thread: in the console the thread is the
// handoff itself, so its id is the handoff id. Connected agents of the
// team are told a new request arrived.
func (c *Console) OpenThread(ctx context.Context, channel string, card bridge.HandoffCard) (bridge.ThreadRef, error) {
	id := card.Handoff.String()
	c.teams.Add(id, card.Team)
	if err := c.tellTeam(ctx, card.Team, liveEvent{Type: "new", Handoff: id, Text: newRequestText(card)}); err != nil {
		return bridge.ThreadRef{}, err
	}
	return bridge.ThreadRef{Workspace: bridge.WorkspaceConsole, Channel: channel, ThreadID: id}, nil
}

func newRequestText(card bridge.HandoffCard) string {
	who := card.UserName
	if who == "" {
		who = "A user"
	}
	return fmt.Sprintf("%s on %s needs %s (%s)", who, card.Channel, card.Team, card.Reason)
}

// UpdateThread tells the team's connected agents the handoff changed; the
// page reads its new state from the store.
func (c *Console) UpdateThread(ctx context.Context, ref bridge.ThreadRef, card bridge.HandoffCard) error {
	c.teams.Add(ref.ThreadID, card.Team)
	return c.tellTeam(ctx, card.Team, liveEvent{Type: "changed", Handoff: ref.ThreadID})
}

// PostToThread keeps the bridge's own lines ("Ana joined.", "Nobody joined
// in time") with the handoff, since the store's history holds only
// messages, and tells connected agents. Posts of stored messages need no
// keeping: the page reads the history.
func (c *Console) PostToThread(ctx context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) error {
	var lines []threadLine
	for _, p := range posts {
		if p.MessageID == 0 {
			// The bridge's own lines are Markdown with users' text escaped
			// in them; a correction of a user's message is the user's
			// text itself, shown as typed.
			lines = append(lines, threadLine{Text: p.Text, At: p.At, Author: p.Author, Markdown: p.Role != bridge.RoleUser})
		}
	}
	if len(lines) > 0 {
		if err := c.addLines(ctx, ref.ThreadID, lines); err != nil {
			return err
		}
	}
	return c.tellAbout(ctx, liveEvent{Type: "changed", Handoff: ref.ThreadID})
}

// PostToThreadCopies is PostToThread; a stored message's post is the
// message itself, so it is its own copy.
func (c *Console) PostToThreadCopies(ctx context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) (map[bridge.MessageID]string, error) {
	if err := c.PostToThread(ctx, ref, posts); err != nil {
		return nil, err
	}
	copies := map[bridge.MessageID]string{}
	for _, p := range posts {
		if p.MessageID != 0 {
			copies[p.MessageID] = p.MessageID.String()
		}
	}
	return copies, nil
}

// EditPost needs no keeping: the page reads the stored message, edited or
// withdrawn; connected agents are told to read it again.
func (c *Console) EditPost(ctx context.Context, ref bridge.ThreadRef, _ string, _ bridge.ThreadPost) error {
	return c.tellAbout(ctx, liveEvent{Type: "changed", Handoff: ref.ThreadID})
}

// TellAgent shows text to one agent's open tabs only.
func (c *Console) TellAgent(ctx context.Context, ref bridge.ThreadRef, agentUserID, text string) error {
	return c.tell(ctx, notice{Event: liveEvent{Type: "tell", Handoff: ref.ThreadID, Text: text}, Login: agentUserID})
}

// MarkNote needs no marking of its own: the stored message is internal and
// the page shows it as a note; agents are told to reload it.
func (c *Console) MarkNote(ctx context.Context, ref bridge.ThreadRef, _ string) error {
	return c.tellAbout(ctx, liveEvent{Type: "changed", Handoff: ref.ThreadID})
}

// ShowUserTyping shows "user is typing" in the handoff's view.
func (c *Console) ShowUserTyping(ctx context.Context, ref bridge.ThreadRef) error {
	return c.tellAbout(ctx, liveEvent{Type: "typing", Handoff: ref.ThreadID, Who: "user"})
}

// threadLine is a line of the bridge kept with a handoff.
type threadLine struct {
	Text   string    `json:"text"`
	Author string    `json:"author,omitempty"`
	At     time.Time `json:"at"`
	// Markdown marks a line kept since the bridge escapes what comes from
	// outside in its lines; older ones had it raw and stay shown as text.
	Markdown bool `json:"markdown,omitempty"`
}

// html is the line as the page shows it: rendered Markdown, or nothing
// for an older line, which the page shows as text.
func (l threadLine) html() string {
	if !l.Markdown {
		return ""
	}
	return renderMarkdown(l.Text)
}

// maxLinesKept bounds the lines kept per handoff.
const maxLinesKept = 200

// linesKey names a handoff's lines in the console's adapter state.
func linesKey(handoff string) string { return "lines:" + handoff }

// addLines appends lines to the handoff's record in the console's adapter
// state. A redelivered post is recognised by its text and time and kept
// once.
func (c *Console) addLines(ctx context.Context, handoff string, add []threadLine) error {
	err := c.state.Modify(ctx, linesKey(handoff), func(raw string) (string, error) {
		have := decodeLines(raw)
		for _, l := range add {
			dup := false
			for _, h := range have {
				if h.Text == l.Text && h.At.Equal(l.At) {
					dup = true
					break
				}
			}
			if !dup {
				have = append(have, l)
			}
		}
		if len(have) > maxLinesKept {
			have = have[len(have)-maxLinesKept:]
		}
		out, err := json.Marshal(have)
		return string(out), err
	})
	if err != nil {
		return fmt.Errorf("console: keep thread lines of handoff %s: %w", handoff, err)
	}
	return nil
}

// readLines reads the lines kept with a handoff.
func (c *Console) readLines(ctx context.Context, handoff string) ([]threadLine, error) {
	raw, err := c.state.Get(ctx, linesKey(handoff))
	if err != nil {
		return nil, err
	}
	return decodeLines(raw), nil
}

// decodeLines reads a stored list of lines; a damaged record loses its
// lines, not the handoff.
func decodeLines(raw string) []threadLine {
	if raw == "" {
		return nil
	}
	var ls []threadLine
	if err := json.Unmarshal([]byte(raw), &ls); err != nil {
		return nil
	}
	return ls
}

// parseHandoffID reads a handoff id from a URL or a frame.
func parseHandoffID(s string) (bridge.HandoffID, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad handoff id %q", s)
	}
	return bridge.HandoffID(n), nil
}
