package slack

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// wordJoiner is an invisible character put after the @ of @channel, @here
// and @everyone so that Slack never reads them as broadcasts.
const wordJoiner = "\u2060"

var (
	mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	broadcasts    = regexp.MustCompile(`(?i)@(channel|here|everyone)\b`)
)

// EscapeText makes text typed by a user safe to show in Slack: the control
// characters &, < and > are escaped, so that <!channel>, <!here>, <@U…> and
// links cannot be injected, and the @channel, @here and @everyone words are
// defused.
func EscapeText(s string) string {
	s = mrkdwnEscaper.Replace(s)
	return broadcasts.ReplaceAllString(s, "@"+wordJoiner+"$1")
}

var markdown = goldmark.New(goldmark.WithExtensions(extension.Strikethrough, extension.Linkify))

// ToMrkdwn converts Markdown (what the AI and the bridge write) to Slack
// mrkdwn: **b** → *b*, *i* → _i_, ~~s~~ → ~s~, [t](u) → <u|t>, code,
// lists and quotes. Literal text is escaped as EscapeText does, so Markdown
// cannot smuggle mentions either.
func ToMrkdwn(md string) string {
	src := []byte(md)
	doc := markdown.Parser().Parse(text.NewReader(src))
	r := &mrkdwnWriter{src: src}
	r.blocks(doc, "")
	return strings.TrimRight(r.buf.String(), "\n ")
}

type mrkdwnWriter struct {
	src []byte
	buf bytes.Buffer
}

// blocks writes the block children of n, separated by blank lines, each
// line prefixed with indent.
func (r *mrkdwnWriter) blocks(n ast.Node, indent string) {
	first := true
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if !first {
			if _, tight := n.(*ast.ListItem); tight {
				r.buf.WriteString("\n")
			} else {
				r.buf.WriteString("\n\n")
			}
		}
		first = false
		r.block(c, indent)
	}
}

func (r *mrkdwnWriter) block(n ast.Node, indent string) {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		r.buf.WriteString(indent)
		r.inlines(n, indent)
	case *ast.Heading:
		r.buf.WriteString(indent + "*")
		r.inlines(n, indent)
		r.buf.WriteString("*")
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		r.buf.WriteString(indent + "```\n")
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			r.buf.WriteString(mrkdwnEscaper.Replace(string(seg.Value(r.src))))
		}
		r.buf.WriteString("```")
	case *ast.Blockquote:
		var inner mrkdwnWriter
		inner.src = r.src
		inner.blocks(n, "")
		for i, line := range strings.Split(strings.TrimRight(inner.buf.String(), "\n"), "\n") {
			if i > 0 {
				r.buf.WriteString("\n")
			}
			r.buf.WriteString(indent + "> " + line)
		}
	case *ast.List:
		num := n.Start
		i := 0
		for item := n.FirstChild(); item != nil; item = item.NextSibling() {
			if i > 0 {
				r.buf.WriteString("\n")
			}
			bullet := "• "
			if n.IsOrdered() {
				bullet = strconv.Itoa(num+i) + ". "
			}
			r.buf.WriteString(indent + bullet)
			var inner mrkdwnWriter
			inner.src = r.src
			inner.blocks(item, "")
			lines := strings.Split(strings.TrimRight(inner.buf.String(), "\n"), "\n")
			for j, line := range lines {
				if j > 0 {
					r.buf.WriteString("\n" + indent + "    ")
				}
				r.buf.WriteString(line)
			}
			i++
		}
	case *ast.ThematicBreak:
		r.buf.WriteString(indent + "———")
	case *ast.HTMLBlock:
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			r.buf.WriteString(EscapeText(string(seg.Value(r.src))))
		}
	default:
		r.blocks(n, indent)
	}
}

func (r *mrkdwnWriter) inlines(n ast.Node, indent string) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		r.inline(c, indent)
	}
}

func (r *mrkdwnWriter) inline(n ast.Node, indent string) {
	switch n := n.(type) {
	case *ast.Text:
		r.buf.WriteString(EscapeText(literalText(n.Segment.Value(r.src))))
		switch {
		case n.HardLineBreak(), n.SoftLineBreak():
			r.buf.WriteString("\n" + indent)
		}
	case *ast.String:
		r.buf.WriteString(EscapeText(string(n.Value)))
	case *ast.Emphasis:
		mark := "_"
		if n.Level >= 2 {
			mark = "*"
		}
		r.buf.WriteString(mark)
		r.inlines(n, indent)
		r.buf.WriteString(mark)
	case *extast.Strikethrough:
		r.buf.WriteString("~")
		r.inlines(n, indent)
		r.buf.WriteString("~")
	case *ast.CodeSpan:
		r.buf.WriteString("`")
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				r.buf.WriteString(mrkdwnEscaper.Replace(string(t.Segment.Value(r.src))))
			}
		}
		r.buf.WriteString("`")
	case *ast.Link:
		r.link(string(n.Destination), n)
	case *ast.Image:
		r.link(string(n.Destination), n)
	case *ast.AutoLink:
		u := string(n.URL(r.src))
		if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(u, "mailto:") {
			r.buf.WriteString("<mailto:" + linkTarget(u) + "|" + EscapeText(u) + ">")
			return
		}
		r.buf.WriteString("<" + linkTarget(u) + ">")
	case *ast.RawHTML:
		segs := n.Segments
		for i := range segs.Len() {
			seg := segs.At(i)
			r.buf.WriteString(EscapeText(string(seg.Value(r.src))))
		}
	default:
		r.inlines(n, indent)
	}
}

// link writes <url|label> for web and mail links; any other scheme is
// shown as its label only.
func (r *mrkdwnWriter) link(dest string, n ast.Node) {
	var label mrkdwnWriter
	label.src = r.src
	label.inlines(n, "")
	text := strings.ReplaceAll(label.buf.String(), "|", "¦")
	lower := strings.ToLower(dest)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "mailto:") {
		r.buf.WriteString(text)
		return
	}
	if text == "" || text == EscapeText(dest) {
		r.buf.WriteString("<" + linkTarget(dest) + ">")
		return
	}
	r.buf.WriteString("<" + linkTarget(dest) + "|" + text + ">")
}

// slackFormatting are the characters mrkdwn formats with; it has no
// escape for them.
const slackFormatting = "*_~`"

// literalText is the text of a Markdown text segment: backslash escapes
// and entity references resolved, in one pass, so that an escaped "\&amp;"
// stays "&amp;". A formatting character the Markdown escaped (the bridge
// escapes every one in text from outside, such as a user's name) is put
// between word joiners, so that mrkdwn cannot pair it with another into
// bold or italics.
func literalText(seg []byte) string {
	var b strings.Builder
	run := 0 // start of the text not written yet
	flush := func(end int) {
		b.Write(util.ResolveEntityNames(util.ResolveNumericReferences(seg[run:end])))
	}
	for i := 0; i < len(seg); i++ {
		if seg[i] != '\\' || i+1 == len(seg) || !util.IsPunct(seg[i+1]) {
			continue
		}
		flush(i)
		c := seg[i+1]
		if strings.IndexByte(slackFormatting, c) >= 0 {
			b.WriteString(wordJoiner + string(c) + wordJoiner)
		} else {
			b.WriteByte(c)
		}
		i++
		run = i + 1
	}
	flush(len(seg))
	return b.String()
}

// linkTarget escapes a URL for the inside of <…|…>.
func linkTarget(u string) string {
	return strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C", " ", "%20").Replace(u)
}
