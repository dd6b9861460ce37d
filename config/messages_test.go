package config

import (
	"reflect"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"Waiting": "waiting", "OfferLowConfidence": "offer_low_confidence", "TypeYesNo": "type_yes_no",
		"PageURL": "page_url", "URLPath": "url_path", "LeadThanks": "lead_thanks",
	} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every field of bridge.Messages can be overridden, and overrides land in
// the right field.
func TestEveryMessageCanBeOverridden(t *testing.T) {
	n := reflect.TypeFor[bridge.Messages]().NumField()
	if len(MessageKeys()) != n {
		t.Fatalf("%d keys for %d fields", len(MessageKeys()), n)
	}
	overrides := map[string]string{}
	for _, k := range MessageKeys() {
		overrides[k] = "custom " + k
	}
	got := applyMessages(bridge.DefaultMessages(), overrides)
	v := reflect.ValueOf(got)
	for k, field := range messageFields {
		if s := v.FieldByName(field).String(); s != "custom "+k {
			t.Errorf("%s → %s = %q", k, field, s)
		}
	}
	if got := applyMessages(bridge.DefaultMessages(), map[string]string{"lead_thanks": "Merci"}); got.LeadThanks != "Merci" || got.Waiting != bridge.DefaultMessages().Waiting {
		t.Errorf("partial override = %+v", got)
	}
}
