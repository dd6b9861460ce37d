package slack

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// Limits of one Slack message, kept a little under Slack's own (50
// blocks, 3000 characters per section text, 40000 per message) so that
// nothing is refused or cut.
const (
	maxBlocks      = 50
	maxSectionText = 3000
	maxMessageText = 39000
)

// threadMessage is one platform message of a batch.
type threadMessage struct {
	text   string // the notification fallback
	blocks []slackgo.Block
	size   int // characters in its blocks
}

// slackUserID is the form of a member id a line may mention (an offer's
// agent, from the config).
var slackUserID = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)

// renderPost turns a thread post into mrkdwn: who wrote it and when, then
// the text. Users' text is escaped; the bridge's and agents' Markdown is
// converted.
func renderPost(p bridge.ThreadPost) string {
	var b strings.Builder
	author := EscapeText(p.Author)
	switch p.Role {
	case bridge.RoleSystem:
		b.WriteString(":information_source: _" + ToMrkdwn(p.Text) + "_")
		if slackUserID.MatchString(p.Mention) {
			b.WriteString(" <@" + p.Mention + ">") // an offer: the agent is pinged
		}
	default:
		icon := map[bridge.Role]string{bridge.RoleUser: ":bust_in_silhouette:", bridge.RoleAI: ":robot_face:", bridge.RoleAgent: ":headphones:"}[p.Role]
		if author == "" {
			author = string(p.Role)
		}
		fmt.Fprintf(&b, "%s *%s*", icon, author)
		if p.History && !p.At.IsZero() {
			b.WriteString("  " + slackDate(p.At))
		}
		b.WriteString("\n")
		if p.Role == bridge.RoleUser {
			b.WriteString(EscapeText(p.Text))
		} else {
			b.WriteString(ToMrkdwn(p.Text))
		}
	}
	for _, a := range p.Attachments {
		// A user's file is uploaded right after this message (or linked
		// there if it cannot be); an agent's or the AI's is linked here.
		if uploadable(a) && p.Role != bridge.RoleUser {
			fmt.Fprintf(&b, "\n:paperclip: <%s|%s>", linkTarget(a.URL), linkLabel(attachmentName(a)))
		} else {
			b.WriteString("\n:paperclip: " + EscapeText(attachmentName(a)))
		}
	}
	return b.String()
}

// splitText cuts mrkdwn into pieces of at most limit characters, at a line
// break or a space where it can, and never inside an entity (&amp;) or a
// <link|label>.
func splitText(s string, limit int) []string {
	var out []string
	for utf8.RuneCountInString(s) > limit {
		at := runeOffset(s, limit)
		cut := s[:at]
		if i := strings.LastIndexByte(cut, '\n'); i > len(cut)/2 {
			at = i + 1
		} else if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
			at = i + 1
		}
		head := s[:at]
		if lt := strings.LastIndexByte(head, '<'); lt > 0 && lt > strings.LastIndexByte(head, '>') {
			at = lt
		} else if amp := strings.LastIndexByte(head, '&'); amp > 0 && amp > strings.LastIndexByte(head, ';') && at-amp < 8 {
			at = amp
		}
		out = append(out, s[:at])
		s = s[at:]
	}
	if s != "" || len(out) == 0 {
		out = append(out, s)
	}
	return out
}

// runeOffset is the byte offset of the n-th rune of s (invalid bytes count
// as one rune each, as utf8.RuneCountInString counts them).
func runeOffset(s string, n int) int {
	at := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[at:])
		at += size
	}
	return at
}

// batchPosts packs posts into as few messages as Slack's limits allow, in
// order; a post too long for one section is split across sections (and
// messages).
func batchPosts(posts []bridge.ThreadPost) []threadMessage {
	var out []threadMessage
	var cur threadMessage
	flush := func() {
		if len(cur.blocks) > 0 {
			out = append(out, cur)
		}
		cur = threadMessage{}
	}
	for _, p := range posts {
		for _, piece := range splitText(renderPost(p), maxSectionText) {
			n := utf8.RuneCountInString(piece)
			if len(cur.blocks) == maxBlocks || cur.size+n > maxMessageText {
				flush()
			}
			if cur.text == "" {
				cur.text = clip(fallbackText(p), 300)
			}
			cur.blocks = append(cur.blocks, slackgo.NewSectionBlock(
				slackgo.NewTextBlockObject(slackgo.MarkdownType, piece, false, true), nil, nil))
			cur.size += n
		}
	}
	flush()
	return out
}

// fallbackText is what notifications show for a message starting with p.
func fallbackText(p bridge.ThreadPost) string {
	if p.Role == bridge.RoleSystem {
		return EscapeText(literalText([]byte(p.Text))) // a line of the bridge: Markdown, shown plain
	}
	author := p.Author
	if author == "" {
		author = string(p.Role)
	}
	return EscapeText(author + ": " + p.Text)
}

// threadStep is one thing PostToThread does: post a message, or share a
// user's file. key names it across retries of the outbox entry.
type threadStep struct {
	msg  threadMessage
	file *bridge.Attachment
	key  string
}

// planThread orders a batch's messages and files: each user file comes
// right after the message that carries it. The posts are cut into
// segments, each ending with a post with files; a step's key is its
// segment's content and its place there, so a retry that carries more
// posts (the outbox merges those queued behind) keeps the keys of the steps
// already done.
func planThread(posts []bridge.ThreadPost) []threadStep {
	var steps []threadStep
	start := 0
	for i, p := range posts {
		var files []bridge.Attachment
		if p.Role == bridge.RoleUser {
			for _, a := range p.Attachments {
				if uploadable(a) {
					files = append(files, a)
				}
			}
		}
		if len(files) == 0 && i < len(posts)-1 {
			continue
		}
		segment := posts[start : i+1]
		h := sha256.New()
		_ = json.NewEncoder(h).Encode(segment)
		sum := hex.EncodeToString(h.Sum(nil))
		n := 0
		for _, m := range batchPosts(segment) {
			steps = append(steps, threadStep{msg: m, key: sum + "/" + strconv.Itoa(n)})
			n++
		}
		for _, f := range files {
			steps = append(steps, threadStep{file: &f, key: sum + "/" + strconv.Itoa(n)})
			n++
		}
		start = i + 1
	}
	return steps
}
