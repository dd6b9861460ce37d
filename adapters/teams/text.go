package teams

import (
	"html"
	"strings"

	nethtml "golang.org/x/net/html"
)

// messageText is an agent's message as Markdown: from its HTML form when
// Teams sent one (it keeps bold, links, lists), else its plain text. The
// mention of the bot that a channel message may start with is dropped.
func messageText(a Activity, botName string) string {
	for _, at := range a.Attachments {
		if at.ContentType != contentHTML {
			continue
		}
		if s, ok := at.Content.(string); ok {
			return htmlToMarkdown(s, botName)
		}
	}
	return htmlToMarkdown(a.Text, botName)
}

// htmlToMarkdown turns Teams' message HTML into the bridge's Markdown.
func htmlToMarkdown(s, botName string) string {
	z := nethtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	var hrefs []string
	inAt, atText := false, ""
	for {
		tt := z.Next()
		switch tt {
		case nethtml.ErrorToken:
			return tidy(b.String())
		case nethtml.TextToken:
			if inAt {
				atText += string(z.Text())
				continue
			}
			b.WriteString(string(z.Text()))
		case nethtml.StartTagToken, nethtml.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "at":
				inAt, atText = true, ""
			case "b", "strong":
				b.WriteString("**")
			case "i", "em":
				b.WriteString("_")
			case "code":
				b.WriteString("`")
			case "br":
				b.WriteString("\n")
			case "p", "div":
				newline(&b)
			case "li":
				newline(&b)
				b.WriteString("- ")
			case "a":
				hrefs = append(hrefs, attr(z, "href"))
				b.WriteString("[")
			}
		case nethtml.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "at":
				inAt = false
				if strings.TrimSpace(atText) != botName {
					b.WriteString(atText) // another person named: keep the name
				}
			case "b", "strong":
				b.WriteString("**")
			case "i", "em":
				b.WriteString("_")
			case "code":
				b.WriteString("`")
			case "p", "div":
				newline(&b)
			case "a":
				href := ""
				if n := len(hrefs); n > 0 {
					href, hrefs = hrefs[n-1], hrefs[:n-1]
				}
				b.WriteString("](" + href + ")")
			}
		}
	}
}

func attr(z *nethtml.Tokenizer, want string) string {
	for {
		k, v, more := z.TagAttr()
		if string(k) == want {
			return string(v)
		}
		if !more {
			return ""
		}
	}
}

func newline(b *strings.Builder) {
	if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
		b.WriteString("\n")
	}
}

// tidy trims the blank lines nested blocks leave.
func tidy(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && len(out) > 0 && out[len(out)-1] == "" {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// escapeText makes text typed by a user (or a name) show literally in a
// Teams message of textFormat markdown: no formatting, link or HTML.
func escapeText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '*', '_', '`', '[', ']', '(', ')', '#', '~', '|', '>', '-', '+', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteString(html.EscapeString(string(r)))
		}
	}
	return b.String()
}
