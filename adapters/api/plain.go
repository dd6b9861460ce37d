package api

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

var (
	markdown   = goldmark.New()
	blankLines = regexp.MustCompile(`\n{3,}`)
)

// plainText renders an agent's Markdown for channels that show plain text
// (SMS, some WhatsApp bots): the words without the marks, a link as its
// text and its URL, list items on their own lines, no HTML.
func plainText(src string) string {
	source := []byte(src)
	doc := markdown.Parser().Parse(text.NewReader(source))
	var b strings.Builder
	linkStart := 0
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Text:
			if entering {
				b.Write(n.Segment.Value(source))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte('\n')
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if entering {
				lines := n.Lines()
				for i := range lines.Len() {
					seg := lines.At(i)
					b.Write(seg.Value(source))
				}
				b.WriteString("\n")
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			if entering {
				b.Write(n.URL(source))
			}
		case *ast.Link:
			if entering {
				linkStart = b.Len()
			} else if dest := string(n.Destination); dest != "" && b.String()[linkStart:] != dest {
				b.WriteString(" (" + dest + ")")
			}
		case *ast.Image:
			if !entering {
				b.WriteString(" (" + string(n.Destination) + ")")
			}
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.ListItem:
			if entering {
				b.WriteString("- ")
			} else {
				b.WriteString("\n")
			}
		case *ast.Paragraph, *ast.Heading, *ast.ThematicBreak:
			if !entering {
				b.WriteString("\n\n")
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(blankLines.ReplaceAllString(b.String(), "\n\n"))
}
