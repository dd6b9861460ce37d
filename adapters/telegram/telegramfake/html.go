package telegramfake

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// allowedTags are the tags Telegram's HTML parse mode accepts.
var allowedTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "a": true, "code": true, "pre": true,
	"span": true, "tg-spoiler": true, "blockquote": true, "tg-emoji": true,
}

// namedEntities are the only named entities Telegram understands.
var namedEntities = map[string]string{"lt": "<", "gt": ">", "amp": "&", "quot": `"`}

// ParseHTML checks text the way Telegram's HTML parse mode does and returns
// the visible text. Unknown tags, unclosed or mismatched tags, a bare "<" or
// "&" that starts no entity are errors, worded like Telegram's.
func ParseHTML(s string) (string, error) {
	var out strings.Builder
	var stack []string
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("can't parse entities: unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+end]
			if strings.HasPrefix(tag, "/") {
				name := strings.ToLower(strings.TrimSpace(tag[1:]))
				if len(stack) == 0 || stack[len(stack)-1] != name {
					return "", fmt.Errorf("can't parse entities: unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, last(stack), name)
				}
				stack = stack[:len(stack)-1]
			} else {
				name, attrs, _ := strings.Cut(tag, " ")
				name = strings.ToLower(name)
				if name == "" || !allowedTags[name] {
					return "", fmt.Errorf("can't parse entities: unsupported start tag \"%s\" at byte offset %d", name, i)
				}
				if err := checkAttrs(name, attrs); err != nil {
					return "", fmt.Errorf("can't parse entities: %w at byte offset %d", err, i)
				}
				stack = append(stack, name)
			}
			i += end + 1
		case '>':
			out.WriteByte('>')
			i++
		case '&':
			n, text, err := entity(s[i:])
			if err != nil {
				return "", fmt.Errorf("can't parse entities: %w at byte offset %d", err, i)
			}
			out.WriteString(text)
			i += n
		default:
			out.WriteByte(c)
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("can't parse entities: can't find end tag corresponding to start tag \"%s\"", last(stack))
	}
	return out.String(), nil
}

func last(stack []string) string {
	if len(stack) == 0 {
		return ""
	}
	return stack[len(stack)-1]
}

// checkAttrs accepts what Telegram accepts: href on links (quoted, with
// entities only), class on code and span, nothing that breaks quoting.
func checkAttrs(name, attrs string) error {
	attrs = strings.TrimSpace(attrs)
	if attrs == "" {
		if name == "a" {
			return nil // Telegram accepts a link without href as plain text
		}
		return nil
	}
	key, val, ok := strings.Cut(attrs, "=")
	if !ok || len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' || strings.Contains(val[1:len(val)-1], `"`) {
		return fmt.Errorf("bad attributes %q of tag %q", attrs, name)
	}
	switch {
	case name == "a" && key == "href", (name == "code" || name == "span" || name == "blockquote") && key == "class", name == "tg-emoji" && key == "emoji-id":
	default:
		return fmt.Errorf("unsupported attribute %q of tag %q", key, name)
	}
	inner := val[1 : len(val)-1]
	for j := 0; j < len(inner); {
		if inner[j] == '&' {
			n, _, err := entity(inner[j:])
			if err != nil {
				return err
			}
			j += n
			continue
		}
		if inner[j] == '<' {
			return errors.New("character '<' in an attribute")
		}
		j++
	}
	return nil
}

// entity decodes the entity at the start of s and reports its length.
func entity(s string) (int, string, error) {
	semi := strings.IndexByte(s, ';')
	if semi < 2 || semi > 10 {
		return 0, "", errors.New("character '&' is not an entity")
	}
	name := s[1:semi]
	if text, ok := namedEntities[name]; ok {
		return semi + 1, text, nil
	}
	if name[0] == '#' && len(name) > 1 {
		var code int
		var err error
		if name[1] == 'x' || name[1] == 'X' {
			_, err = fmt.Sscanf(name[2:], "%x", &code)
		} else {
			_, err = fmt.Sscanf(name[1:], "%d", &code)
		}
		if err == nil && code > 0 && code <= 0x10FFFF {
			return semi + 1, string(rune(code)), nil
		}
	}
	return 0, "", fmt.Errorf("unsupported entity %q", s[:semi+1])
}

// TextLength is a message's length as Telegram counts it: UTF-16 code units
// of the visible text.
func TextLength(s string) int { return len(utf16.Encode([]rune(s))) }
