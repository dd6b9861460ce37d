package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/viper"
)

var typeOfConfig = reflect.TypeFor[Config]()

func newViperForTest(t *testing.T, yaml string) *viper.Viper {
	t.Helper()
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(strings.NewReader(yaml)); err != nil {
		t.Fatal(err)
	}
	return v
}

// missingKeys lists the keys of type t that appear in none of vals (decoded
// YAML values at path): struct fields must appear in at least one value,
// map entries and list items are pooled.
func missingKeys(t reflect.Type, vals []any, path string) []string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	switch {
	case t == durationType:
	case t.Kind() == reflect.Struct:
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
			if name == "" || name == "-" {
				continue
			}
			var sub []any
			for _, v := range vals {
				if m, ok := v.(map[string]any); ok {
					if x, ok := m[name]; ok {
						sub = append(sub, x)
					}
				}
			}
			key := strings.TrimPrefix(path+"."+name, ".")
			if len(sub) == 0 {
				out = append(out, key)
				continue
			}
			out = append(out, missingKeys(f.Type, sub, key)...)
		}
	case t.Kind() == reflect.Map && t.Elem().Kind() == reflect.Struct:
		var sub []any
		for _, v := range vals {
			if m, ok := v.(map[string]any); ok {
				for _, x := range m {
					sub = append(sub, x)
				}
			}
		}
		out = append(out, missingKeys(t.Elem(), sub, path+".*")...)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		var sub []any
		for _, v := range vals {
			if l, ok := v.([]any); ok {
				sub = append(sub, l...)
			}
		}
		out = append(out, missingKeys(t.Elem(), sub, path+"[]")...)
	}
	return out
}

func TestEnvName(t *testing.T) {
	for key, want := range map[string]string{
		"http.listen":             "BRIDGE_HTTP_LISTEN",
		"teams.support.sla":       "BRIDGE_TEAMS_SUPPORT_SLA",
		"notifiers.email-ops.url": "BRIDGE_NOTIFIERS_EMAIL_OPS_URL",
	} {
		if got := EnvName(key); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", key, got, want)
		}
	}
}
