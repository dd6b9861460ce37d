package phrase

import "testing"

func TestIsYesIsNo(t *testing.T) {
	tests := []struct {
		in      string
		yes, no bool
	}{
		{"yes", true, false},
		{"Yes!", true, false},
		{"Yes 👍", true, false},
		{"  YEAH ", true, false},
		{"y", true, false},
		{"yep.", true, false},
		{"sure", true, false},
		{"OK", true, false},
		{"okay!!", true, false},
		{"please", true, false},
		{"Yes, please.", true, false},
		{"oui", true, false},
		{"D'accord !", true, false},
		{"d’accord", true, false},
		{"sí", true, false},
		{"Si", true, false},
		{"¡Claro!", true, false},
		{"ja", true, false},
		{"gerne", true, false},
		{"sim", true, false},
		{"certo", true, false},
		{"no", false, true},
		{"No.", false, true},
		{"n", false, true},
		{"nope", false, true},
		{"No thanks", false, true},
		{"no, thank you", false, true},
		{"non", false, true},
		{"Nein!", false, true},
		{"não", false, true},
		{"nao", false, true},
		{"", false, false},
		{"   ", false, false},
		{"👍", false, false},
		{"yes but what about pricing", false, false},
		{"no idea what you mean", false, false},
		{"yesterday", false, false},
		{"nothing", false, false},
		{"maybe", false, false},
	}
	for _, tt := range tests {
		if got := IsYes(tt.in); got != tt.yes {
			t.Errorf("IsYes(%q) = %v, want %v", tt.in, got, tt.yes)
		}
		if got := IsNo(tt.in); got != tt.no {
			t.Errorf("IsNo(%q) = %v, want %v", tt.in, got, tt.no)
		}
	}
}

func TestYesNoDisjoint(t *testing.T) {
	for a := range yesAnswers {
		if _, ok := noAnswers[a]; ok {
			t.Errorf("%q is both a yes and a no", a)
		}
	}
}
