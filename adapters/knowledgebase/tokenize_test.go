package knowledgebase

import (
	"slices"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"How do I reset my password?", []string{"reset", "password"}},
		{"HOW DO I RESET MY PASSWORD???", []string{"reset", "password"}},
		{"réinitialiser   le MOT-de-passe", []string{"reinitialiser", "le", "mot", "de", "pass"}},
		{"Ça coûte combien ?", []string{"ca", "cout", "combien"}},
		{"I can't log in, don't know why", []string{"log"}},
		{"user's invoices", []string{"user", "invoic"}},
		{"Shipping, shipped, ships", []string{"ship", "ship", "ship"}},
		{"pricing prices price", []string{"pric", "pric", "pric"}},
		{"policies / policy", []string{"policy", "policy"}},
		{"need speed", []string{"speed"}},
		{"2 users & 10 GB", []string{"2", "user", "10", "gb"}},
		{"ﬁle ＡＰＩ", []string{"fil", "api"}}, // compatibility forms
		{"hi! thanks :)", nil},
	}
	for _, tt := range tests {
		if got := tokens(nil, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"refunds", "refund"}, {"refunded", "refund"}, {"refunding", "refund"},
		{"boxes", "box"}, {"addresses", "address"}, {"address", "address"},
		{"status", "status"}, {"analysis", "analysis"},
		{"billing", "bill"}, {"passing", "pass"}, {"resetting", "reset"},
		{"opening", "open"}, {"opens", "open"}, {"hours", "hour"},
		{"used", "us"}, {"use", "us"}, {"uses", "us"}, {"using", "us"},
		{"making", "mak"}, {"make", "mak"}, {"thing", "thing"},
		{"string", "string"}, {"deliveries", "delivery"},
		{"gas", "gas"}, {"app", "app"},
	}
	for _, tt := range tests {
		if got := stem(tt.in); got != tt.want {
			t.Errorf("stem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
