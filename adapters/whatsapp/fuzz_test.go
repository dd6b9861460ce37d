package whatsapp

import (
	"os"
	"strings"
	"testing"
	"unicode"

	"github.com/handoffbridge/handoff/bridge"
)

// FuzzParseWebhook: any verified body is decoded or refused cleanly, and
// the signature check never accepts a body signed for another.
func FuzzParseWebhook(f *testing.F) {
	for _, name := range []string{"webhook_inbound_text.json", "webhook_inbound_button_reply.json", "webhook_status_delivered.json"} {
		if b, err := os.ReadFile("testdata/" + name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"type":"text"}]}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := ParseWebhook(body)
		if err == nil && w.Object != "whatsapp_business_account" {
			t.Fatal("accepted a delivery of another object")
		}
		if ValidSignature("secret", body, "sha256=00") {
			t.Fatal("accepted a wrong signature")
		}
		if err == nil {
			for _, e := range w.Entry {
				for _, c := range e.Changes {
					for _, m := range c.Value.Messages {
						_ = messageText(m)
					}
				}
			}
		}
	})
}

func TestSignatureFixture(t *testing.T) {
	body, err := os.ReadFile("testdata/webhook_inbound_text.json")
	if err != nil {
		t.Fatal(err)
	}
	// From ../shared/fixtures/whatsapp/webhook_inbound_text.sig.txt.
	const sig = "sha256=201faf5daa2ae0e017b3ed18e135fd952839ad4926691e05c6ca772f0be31090"
	if !ValidSignature("test_app_secret", body, sig) {
		t.Error("the documented signature does not verify")
	}
	if ValidSignature("other_secret", body, sig) {
		t.Error("a signature verified with the wrong secret")
	}
}

// FuzzUserTextInLines: whatever a user types, put into a line of the
// bridge (EscapeMarkdown) and converted for WhatsApp, it reads as typed
// (on one line) and every formatting character in it is held between word
// joiners, so that WhatsApp cannot format with it.
func FuzzUserTextInLines(f *testing.F) {
	for _, s := range []string{"Ana", "*b* _i_ ~s~ ```c```", "[a](https://x.example)", "**x** __y__ ~~z~~", `\*`, "a\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := toWhatsApp("Thank you, " + bridge.EscapeMarkdown(s) + ".")
		want := "Thank you, " + strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
				return ' '
			}
			return r
		}, s)) + "."
		if got := strings.ReplaceAll(out, wordJoiner, ""); got != strings.ReplaceAll(want, wordJoiner, "") {
			t.Fatalf("%q reads %q, want %q", s, got, want)
		}
		r := []rune(out)
		for i, c := range r {
			if strings.ContainsRune("*_~`", c) && (i == 0 || i == len(r)-1 || string(r[i-1]) != wordJoiner || string(r[i+1]) != wordJoiner) {
				t.Fatalf("%q gives %q: %q at %d can format", s, out, c, i)
			}
		}
	})
}
