package config

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// unknownRawKeys reports unknown keys that viper drops before
// UnmarshalExact can see them: a key whose value is null or an empty map
// ("htpp: {}") is not a leaf to viper. It walks the YAML document itself
// against the Config type.
func (p *problems) unknownRawKeys(data []byte) {
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return // viper has already read it; nothing more to learn
	}
	walkRaw(p, reflect.TypeFor[Config](), doc, "")
}

func walkRaw(p *problems, t reflect.Type, val any, path string) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
	case t.Kind() == reflect.Struct:
		m := stringMap(val)
		if m == nil {
			return
		}
		fields := map[string]reflect.Type{}
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
			if f.IsExported() && name != "" && name != "-" {
				fields[name] = f.Type
			}
		}
		for k, v := range m {
			key := strings.ToLower(k)
			ft, ok := fields[key]
			if !ok {
				if near := closest(key, slices.Collect(maps.Keys(fields))); near != "" {
					p.addf(joinPath(path, key), "unknown key; did you mean %s?", near)
				} else {
					p.addf(joinPath(path, key), "unknown key")
				}
				continue
			}
			walkRaw(p, ft, v, joinPath(path, key))
		}
	case t.Kind() == reflect.Map && t.Elem().Kind() == reflect.Struct:
		for k, v := range stringMap(val) {
			if strings.Contains(k, ".") {
				p.addf(joinPath(path, strings.ToLower(k)), "name %q must not contain \".\"", k)
				continue
			}
			walkRaw(p, t.Elem(), v, joinPath(path, strings.ToLower(k)))
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		if l, ok := val.([]any); ok {
			for i, v := range l {
				walkRaw(p, t.Elem(), v, index(path, i))
			}
		}
	}
}

// stringMap returns a YAML mapping with its keys as strings, or nil.
func stringMap(val any) map[string]any {
	switch m := val.(type) {
	case map[string]any:
		return m
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, v := range m {
			out[fmt.Sprint(k)] = v
		}
		return out
	}
	return nil
}
