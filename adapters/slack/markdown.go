package slack

import (
	"regexp"
	"strings"
)

var (
	// angle matches Slack's <…> sequences: links, mentions, broadcasts.
	angle     = regexp.MustCompile(`<([^<>\n]+)>`)
	boldRE    = regexp.MustCompile(`(^|[\s(\[{"'])\*([^*\n]+?)\*($|[\s)\]}.,:;!?"'])`)
	strikeRE  = regexp.MustCompile(`(^|[\s(\[{"'])~([^~\n]+?)~($|[\s)\]}.,:;!?"'])`)
	bulletRE  = regexp.MustCompile(`(?m)^(\s*)[•◦▪]\s+`)
	unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
)

// FromMrkdwn converts Slack mrkdwn (what agents type in a thread) to
// Markdown for the user: *b* → **b**, ~s~ → ~~s~~, <u|t> → [t](u), <@U…>
// → @name (name looks the user up; nil or "" keeps the id), <#C…|n> →
// #n, broadcasts → @here, and &amp; &lt; &gt; unescaped. Code spans and
// blocks are kept as they are.
func FromMrkdwn(s string, name func(userID string) string) string {
	var out strings.Builder
	for i, part := range splitCode(s) {
		if i%2 == 1 { // code: only the entities change
			out.WriteString(unescaper.Replace(part))
			continue
		}
		out.WriteString(convertProse(part, name))
	}
	return out.String()
}

// splitCode cuts s into prose and code, alternating (even indexes are
// prose), keeping the ``` and ` fences with the code.
func splitCode(s string) []string {
	var parts []string
	for {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			return append(parts, s)
		}
		fence := "`"
		if strings.HasPrefix(s[i:], "```") {
			fence = "```"
		}
		j := strings.Index(s[i+len(fence):], fence)
		if j < 0 {
			return append(parts, s)
		}
		end := i + len(fence) + j + len(fence)
		parts = append(parts, s[:i], s[i:end])
		s = s[end:]
	}
}

func convertProse(s string, name func(string) string) string {
	s = boldRE.ReplaceAllString(s, "$1**$2**$3")
	s = strikeRE.ReplaceAllString(s, "$1~~$2~~$3")
	s = bulletRE.ReplaceAllString(s, "$1- ")
	s = angle.ReplaceAllStringFunc(s, func(m string) string {
		inner := m[1 : len(m)-1]
		target, label, _ := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"):
			id := target[1:]
			if label != "" {
				return "@" + label
			}
			if name != nil {
				if n := name(id); n != "" {
					return "@" + n
				}
			}
			return "@" + id
		case strings.HasPrefix(target, "#"):
			if label != "" {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			if label != "" {
				return label
			}
			cmd, _, _ := strings.Cut(target[1:], "^")
			return "@" + cmd
		}
		url := unescaper.Replace(target)
		if label == "" || label == target {
			return url
		}
		return "[" + label + "](" + url + ")"
	})
	return unescaper.Replace(s)
}
