package telegram

import (
	"bufio"
	"fmt"
	"net/url"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// markdown parses agent and AI Markdown (CommonMark with strikethrough and
// bare links).
var markdown = goldmark.New(goldmark.WithExtensions(extension.Strikethrough, extension.Linkify))

// escapeHTML makes text safe inside Telegram HTML: only &, < and > (and "
// in attributes) are special there.
var escapeHTML = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace

// MarkdownToHTML converts Markdown to the HTML subset Telegram's parse mode
// accepts. Text is always escaped: raw HTML in the input is shown as typed,
// never interpreted. Headings become bold, lists get bullets, and links keep
// only http, https, mailto and tg targets.
func MarkdownToHTML(md string) string {
	src := []byte(md)
	doc := markdown.Parser().Parse(text.NewReader(src))
	r := &htmlWriter{src: src}
	_ = ast.Walk(doc, r.walk)
	return strings.TrimSpace(r.out.String())
}

type htmlWriter struct {
	src []byte
	out strings.Builder
}

// breakLines ends the output with n line breaks (none at the very start).
func (r *htmlWriter) breakLines(n int) {
	s := r.out.String()
	if s == "" || strings.HasSuffix(s, "<blockquote>") {
		return // nothing before, or the block starts a quote
	}
	have := len(s) - len(strings.TrimRight(s, "\n"))
	for ; have < n; have++ {
		r.out.WriteByte('\n')
	}
}

// text writes a Markdown text segment: backslash escapes and entity
// references resolved in one pass (an escaped "\&amp;" stays "&amp;", as
// typed), the rest HTML-escaped.
func (r *htmlWriter) text(b []byte) {
	w := bufio.NewWriter(&r.out)
	gmhtml.DefaultWriter.Write(w, b)
	_ = w.Flush() // into a strings.Builder: cannot fail
}

func (r *htmlWriter) lines(n ast.Node) string {
	var b strings.Builder
	ls := n.Lines()
	for i := 0; i < ls.Len(); i++ {
		seg := ls.At(i)
		b.Write(seg.Value(r.src))
	}
	return b.String()
}

// inList reports the list depth of n.
func listDepth(n ast.Node) int {
	d := 0
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == ast.KindList {
			d++
		}
	}
	return d
}

func (r *htmlWriter) walk(n ast.Node, entering bool) (ast.WalkStatus, error) {
	switch n := n.(type) {
	case *ast.Document:
	case *ast.Paragraph, *ast.TextBlock:
		if entering {
			if _, inItem := n.Parent().(*ast.ListItem); !inItem || n.PreviousSibling() != nil {
				r.breakLines(2)
			}
		}
	case *ast.Heading:
		if entering {
			r.breakLines(2)
			r.out.WriteString("<b>")
		} else {
			r.out.WriteString("</b>")
		}
	case *ast.ThematicBreak:
		if entering {
			r.breakLines(2)
			r.out.WriteString("——————")
		}
	case *ast.Blockquote:
		if entering {
			r.breakLines(2)
			r.out.WriteString("<blockquote>")
		} else {
			r.trimTrailingNewlines()
			r.out.WriteString("</blockquote>")
		}
	case *ast.List:
		if entering {
			if listDepth(n) > 0 {
				r.breakLines(1)
			} else {
				r.breakLines(2)
			}
		}
	case *ast.ListItem:
		if entering {
			r.breakLines(1)
			list := n.Parent().(*ast.List)
			// Indentation shows nesting, capped so that a pathological
			// depth cannot make the output grow with its square.
			r.out.WriteString(strings.Repeat("  ", min(listDepth(n)-1, 4)))
			if list.IsOrdered() {
				i := list.Start
				for p := n.PreviousSibling(); p != nil; p = p.PreviousSibling() {
					i++
				}
				fmt.Fprintf(&r.out, "%d. ", i)
			} else {
				r.out.WriteString("• ")
			}
		}
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		if !entering {
			break
		}
		r.breakLines(2)
		lang := ""
		if f, ok := n.(*ast.FencedCodeBlock); ok {
			lang = safeLanguage(string(f.Language(r.src)))
		}
		if lang != "" {
			r.out.WriteString(`<pre><code class="language-` + lang + `">`)
		} else {
			r.out.WriteString("<pre>")
		}
		r.out.WriteString(escapeHTML(strings.TrimRight(r.lines(n), "\n")))
		if lang != "" {
			r.out.WriteString("</code>")
		}
		r.out.WriteString("</pre>")
		return ast.WalkSkipChildren, nil
	case *ast.HTMLBlock:
		if entering {
			r.breakLines(2)
			raw := r.lines(n)
			if n.HasClosure() {
				raw += string(n.ClosureLine.Value(r.src))
			}
			r.out.WriteString(escapeHTML(strings.TrimRight(raw, "\n")))
		}
		return ast.WalkSkipChildren, nil
	case *ast.Text:
		if !entering {
			break
		}
		if n.IsRaw() {
			r.out.WriteString(escapeHTML(string(n.Segment.Value(r.src))))
		} else {
			r.text(n.Segment.Value(r.src))
		}
		if n.SoftLineBreak() || n.HardLineBreak() {
			r.out.WriteByte('\n')
		}
	case *ast.String:
		if entering {
			r.out.WriteString(escapeHTML(string(n.Value)))
		}
	case *ast.CodeSpan:
		if entering {
			r.out.WriteString("<code>")
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				switch c := c.(type) {
				case *ast.Text:
					r.out.WriteString(escapeHTML(string(c.Segment.Value(r.src))))
				case *ast.String:
					r.out.WriteString(escapeHTML(string(c.Value)))
				}
			}
			r.out.WriteString("</code>")
		}
		return ast.WalkSkipChildren, nil
	case *ast.Emphasis:
		tag := "i"
		if n.Level >= 2 {
			tag = "b"
		}
		r.tag(tag, entering)
	case *extast.Strikethrough:
		r.tag("s", entering)
	case *ast.Link:
		r.link(string(n.Destination), entering)
	case *ast.Image:
		r.link(string(n.Destination), entering)
	case *ast.AutoLink:
		if entering {
			dest := string(n.URL(r.src))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(dest, "mailto:") {
				dest = "mailto:" + dest
			}
			r.link(dest, true)
			r.out.WriteString(escapeHTML(string(n.Label(r.src))))
			r.link(dest, false)
		}
		return ast.WalkSkipChildren, nil
	case *ast.RawHTML:
		if entering {
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				r.out.WriteString(escapeHTML(string(seg.Value(r.src))))
			}
		}
		return ast.WalkSkipChildren, nil
	}
	return ast.WalkContinue, nil
}

// trimTrailingNewlines drops line breaks before a closing block tag.
func (r *htmlWriter) trimTrailingNewlines() {
	s := r.out.String()
	if trimmed := strings.TrimRight(s, "\n"); len(trimmed) != len(s) {
		r.out.Reset()
		r.out.WriteString(trimmed)
	}
}

func (r *htmlWriter) tag(name string, entering bool) {
	if entering {
		r.out.WriteString("<" + name + ">")
	} else {
		r.out.WriteString("</" + name + ">")
	}
}

// link writes an anchor for a safe destination; any other destination
// leaves just the link's text.
func (r *htmlWriter) link(dest string, entering bool) {
	u, err := url.Parse(dest)
	if err != nil {
		return
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "mailto", "tg":
	default:
		return
	}
	if entering {
		r.out.WriteString(`<a href="` + escapeHTML(dest) + `">`)
	} else {
		r.out.WriteString("</a>")
	}
}

// safeLanguage keeps a code block's language only if it is a plain name.
func safeLanguage(s string) string {
	for _, c := range s {
		if !(c == '-' || c == '+' || c == '_' || c == '#' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return ""
		}
	}
	if len(s) > 32 {
		return ""
	}
	return s
}
