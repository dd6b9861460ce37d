package config

import (
	"reflect"
	"strings"
	"time"

	"github.com/spf13/viper"
)

// leaf is a scalar (or list of scalars) key of the file: its viper key, the
// environment variable that overrides it and its built-in default.
type leaf struct {
	key string // e.g. "teams.support.sla"
	env string // e.g. "BRIDGE_TEAMS_SUPPORT_SLA"
	def any    // nil when there is none
}

// EnvPrefix starts every override variable.
const EnvPrefix = "BRIDGE_"

// EnvName returns the environment variable that overrides key:
// "handoff.ai.min_confidence" → "BRIDGE_HANDOFF_AI_MIN_CONFIDENCE".
func EnvName(key string) string {
	b := []byte(strings.ToUpper(key))
	for i, c := range b {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			b[i] = '_'
		}
	}
	return EnvPrefix + string(b)
}

// knownMapKeys lists the keys of maps of scalars that exist without being in
// the file, so that the environment can set them.
var knownMapKeys = map[string]func() []string{
	"messages": MessageKeys,
}

var durationType = reflect.TypeFor[time.Duration]()

// leaves lists every leaf key of Config, with the entries of the maps found
// in v. Lists of objects are not descended into: they can only be set in the
// file.
func leaves(v *viper.Viper) []leaf {
	var out []leaf
	walkKeys(reflect.TypeFor[Config](), "", v, true, &out)
	return out
}

func walkKeys(t reflect.Type, prefix string, v *viper.Viper, defaults bool, out *[]leaf) {
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		ft := f.Type
		switch {
		case ft == durationType:
			addLeaf(out, key, f, defaults)
		case ft.Kind() == reflect.Struct:
			walkKeys(ft, key, v, defaults, out)
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
			// An optional section: no defaults, or it would always exist.
			walkKeys(ft.Elem(), key, v, false, out)
		case ft.Kind() == reflect.Map:
			entries := sortedKeys(v.GetStringMap(key))
			if known := knownMapKeys[key]; known != nil {
				entries = append(entries, known()...)
			}
			seen := map[string]bool{}
			for _, e := range entries {
				if seen[e] {
					continue
				}
				seen[e] = true
				if ft.Elem().Kind() == reflect.Struct {
					walkKeys(ft.Elem(), key+"."+e, v, defaults, out)
				} else {
					*out = append(*out, leaf{key: key + "." + e, env: EnvName(key + "." + e)})
				}
			}
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			// Lists of objects are set in the file only.
		default:
			addLeaf(out, key, f, defaults)
		}
	}
}

func addLeaf(out *[]leaf, key string, f reflect.StructField, defaults bool) {
	l := leaf{key: key, env: EnvName(key)}
	if d, ok := f.Tag.Lookup("default"); ok && defaults {
		if f.Type.Kind() == reflect.Slice {
			l.def = strings.Split(d, ",")
		} else {
			l.def = d
		}
	}
	*out = append(*out, l)
}
