package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseFrame(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string // "" ok, "malformed", "too long"
	}{
		{"hello", `{"type":"hello","token":"v1.x","last_id":3,"page":"https://a.example/","lang":"fr"}`, ""},
		{"message", `{"type":"message","client_id":"c-1_a","text":"hi"}`, ""},
		{"typing", `{"type":"typing"}`, ""},
		{"choice", `{"type":"choice","choice":"handoff.cancel"}`, ""},
		{"lead", `{"type":"lead","name":"A","contact":"a@b.c","message":"m"}`, ""},
		{"text at the limit", `{"type":"message","text":"` + strings.Repeat("a", 10) + `"}`, ""},
		{"text over the limit", `{"type":"message","text":"` + strings.Repeat("a", 11) + `"}`, "too long"},
		{"lead message over the limit", `{"type":"lead","message":"` + strings.Repeat("a", 11) + `"}`, "too long"},
		{"array", `[]`, "malformed"},
		{"null", `null`, "malformed"},
		{"negative last id", `{"type":"hello","last_id":-1}`, "malformed"},
		{"long client id", `{"type":"typing","client_id":"` + strings.Repeat("a", 65) + `"}`, "malformed"},
		{"invalid UTF-8 escaped", `{"type":"message","text":"\udc00"}`, ""}, // JSON replaces lone surrogates
		{"wrong field type", `{"type":"message","text":5}`, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFrame([]byte(tt.in), 10)
			var bad *errFrame
			switch tt.wantErr {
			case "":
				if err != nil {
					t.Errorf("parseFrame(%s) = %v, want ok", tt.in, err)
				}
			case "malformed":
				if !errors.As(err, &bad) {
					t.Errorf("parseFrame(%s) = %v, want malformed", tt.in, err)
				}
			case "too long":
				if !errors.Is(err, errTooLong) {
					t.Errorf("parseFrame(%s) = %v, want too long", tt.in, err)
				}
			}
		})
	}
}

// FuzzParseFrame: any bytes give a frame the rest of the code can trust, or
// an error; never a panic.
func FuzzParseFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello","token":"","last_id":0,"page":"https://x/","referrer":"","lang":"en"}`,
		`{"type":"message","client_id":"c1","text":"hello"}`,
		`{"type":"choice","client_id":"c2","choice":"handoff.accept"}`,
		`{"type":"lead","client_id":"c3","name":"A","contact":"+33 6 12 34 56 78","message":"m"}`,
		`{"type":"typing"}`, `{}`, `{"type":"message","text":"\u0000"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The pooled decoder, which saw every earlier input, judges like a
		// fresh one.
		var got inFrame
		gotErr := decodeFrame(data, &got)
		want, wantOK := decodeFresh(data)
		if (gotErr == nil) != wantOK || (wantOK && !reflect.DeepEqual(got, want)) {
			t.Fatalf("reused decoder: %+v, %v; a fresh one: %+v, ok %v", got, gotErr, want, wantOK)
		}
		fr, err := parseFrame(data, 100)
		if err != nil {
			return
		}
		switch fr.Type {
		case frameHello, frameMessage, frameChoice, frameLead, frameTyping:
		default:
			t.Fatalf("accepted unknown type %q", fr.Type)
		}
		if len(fr.Text) > 100 || len(fr.Message) > 100 || len(fr.ClientID) > maxClientID || !validClientID(fr.ClientID) {
			t.Fatalf("accepted oversize or bad fields: %+v", fr)
		}
		if !utf8.ValidString(fr.Text) || !utf8.ValidString(fr.Name) {
			t.Fatalf("accepted invalid UTF-8: %+v", fr)
		}
		if fr.LastID < 0 {
			t.Fatalf("accepted negative last id")
		}
	})
}

// Decoders are reused from frame to frame: whatever came before, each frame
// is judged as if it were the first.
func TestParseFrameIsIndependentOfEarlierFrames(t *testing.T) {
	frames := []struct {
		in string
		ok bool
	}{
		{`{"type":"typing"}`, true},
		{"{\"type\":\"message\",\"text\":\"a\"}  \n\t", true},
		{`{"type":"typing"} x`, false},
		{`{"type":"message","client_id":"c-2","text":"b"}`, true},
		{`5`, false},
		{`{"type":"typing"}`, true},
		{`{"type":`, false},
		{`{"type":"message","text":"` + strings.Repeat("é", 3000) + `"}`, true},
		{`{"type":"typing","admin":1}`, false},
		{`{"type":"choice","choice":"handoff.accept"}`, true},
		{`{"type":"typing"}{"type":"typing"}`, false},
		{`   {"type":"lead","name":"N"}`, true},
	}
	for round := range 3 {
		for i, fr := range frames {
			got, err := parseFrame([]byte(fr.in), 10000)
			if (err == nil) != fr.ok {
				t.Fatalf("round %d, frame %d %.40q: err = %v, want ok %v", round, i, fr.in, err, fr.ok)
			}
			if err == nil && got.Type == "" {
				t.Fatalf("round %d, frame %d: no type decoded", round, i)
			}
			if i == 3 && (got.Text != "b" || got.ClientID != "c-2") {
				t.Fatalf("frame %d decoded as %+v", i, got)
			}
			if i == 5 && got.Text != "" {
				t.Fatalf("frame %d kept an earlier frame's text %q", i, got.Text)
			}
		}
	}
}

// decodeFresh decodes data with a decoder of its own: one JSON object of
// the protocol followed by nothing but white space.
func decodeFresh(data []byte) (inFrame, bool) {
	var f inFrame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return inFrame{}, false
	}
	return f, len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) == 0
}
