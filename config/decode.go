package config

import (
	"errors"
	"regexp"
	"strings"

	"github.com/go-viper/mapstructure/v2"
)

// decodeErrors turns the errors of viper's UnmarshalExact (mapstructure
// errors, joined and nested) into FieldErrors named by key path, one per
// unknown key.
func (p *problems) decodeErrors(err error) {
	if err == nil {
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			p.decodeErrors(e)
		}
		return
	}
	de, ok := err.(*mapstructure.DecodeError)
	if !ok {
		if inner := errors.Unwrap(err); inner != nil {
			p.decodeErrors(inner) // "decoding failed due to the following error(s)"
			return
		}
		p.add("(root)", err)
		return
	}
	inner := de.Unwrap()
	if _, nested := inner.(*mapstructure.DecodeError); nested || isJoined(inner) {
		p.decodeErrors(inner)
		return
	}
	path := decodePath(de.Name())
	if keys, ok := strings.CutPrefix(inner.Error(), "has invalid keys: "); ok {
		for k := range strings.SplitSeq(keys, ", ") {
			p.addf(joinPath(path, k), "unknown key")
		}
		return
	}
	if path == "" {
		path = "(root)"
	}
	p.add(path, inner)
}

func isJoined(err error) bool {
	_, ok := err.(interface{ Unwrap() []error })
	return ok
}

var mapIndex = regexp.MustCompile(`\[([^\]]*[^\]0-9][^\]]*)\]`)

// decodePath turns mapstructure's "teams[support].hours" into
// "teams.support.hours", keeping list indexes such as "agents[0]".
func decodePath(name string) string {
	return mapIndex.ReplaceAllString(name, ".$1")
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}
