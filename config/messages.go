package config

import (
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/handoffbridge/handoff/bridge"
)

// messageFields maps each snake_case message key to the bridge.Messages
// field it overrides ("lead_thanks" → "LeadThanks").
var messageFields = func() map[string]string {
	t := reflect.TypeFor[bridge.Messages]()
	m := make(map[string]string, t.NumField())
	for f := range t.Fields() {
		if f.IsExported() && f.Type.Kind() == reflect.String {
			m[snakeCase(f.Name)] = f.Name
		}
	}
	return m
}()

// MessageKeys lists the keys the messages section accepts, sorted.
func MessageKeys() []string {
	keys := make([]string, 0, len(messageFields))
	for k := range messageFields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// snakeCase turns a Go field name into a config key: "TypeYesNo" →
// "type_yes_no", "PageURL" → "page_url".
func snakeCase(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) {
			prevLower := unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1])
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || (unicode.IsUpper(r[i-1]) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

func validateMessages(msgs map[string]string, p *problems) {
	for _, k := range sortedKeys(msgs) {
		if _, ok := messageFields[k]; !ok {
			p.addf("messages."+k, "unknown message; known messages: %s", strings.Join(MessageKeys(), ", "))
			continue
		}
		if strings.TrimSpace(msgs[k]) == "" {
			p.addf("messages."+k, "must not be empty")
		}
	}
}

// applyMessages returns the defaults with the overrides of msgs.
func applyMessages(base bridge.Messages, msgs map[string]string) bridge.Messages {
	v := reflect.ValueOf(&base).Elem()
	for k, text := range msgs {
		if name, ok := messageFields[k]; ok {
			v.FieldByName(name).SetString(text)
		}
	}
	return base
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
