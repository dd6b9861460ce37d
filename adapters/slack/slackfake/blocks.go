package slackfake

import (
	"bytes"
	"encoding/json"
	"strings"
)

// BlockText collects every "text" string of a message's blocks, one a
// line: what an agent reads in Slack (a message's text field is only the
// notification's fallback).
func BlockText(blocks json.RawMessage) string {
	var v any
	_ = json.Unmarshal(blocks, &v)
	var b strings.Builder
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, y := range x {
				if s, ok := y.(string); ok && k == "text" {
					b.WriteString(s + "\n")
					continue
				}
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	return b.String()
}

// ButtonValue is the value of the button with actionID in a message's
// blocks, or "" when it has none.
func ButtonValue(blocks json.RawMessage, actionID string) string {
	if !bytes.Contains(blocks, []byte(`"`+actionID+`"`)) {
		return "" // most messages, and cards not yet changed: no decoding (the load tool polls often)
	}
	var bs []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if json.Unmarshal(blocks, &bs) != nil {
		return ""
	}
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.ActionID == actionID {
				return e.Value
			}
		}
	}
	return ""
}
