package config

import (
	"fmt"
	"slices"
	"strings"
)

// notOverrides are variables of the override namespace that the project's
// own test tools read; they are not keys of the configuration.
var notOverrides = []string{"BRIDGE_E2E", "BRIDGE_BROWSER", "BRIDGE_CHROME", "BRIDGE_SCREENSHOTS_DIR", "BRIDGE_DOCS_SCREENSHOTS", "BRIDGE_PG"}

// UnusedOverrides returns a problem for each variable of environ (as
// os.Environ gives it) that is in the override namespace (EnvPrefix) but
// overrides no key of this configuration and is no secret one of its *_env
// keys names. Such a variable does nothing, most likely because it is
// misspelt (BRIDGE_HANDOF_ENABLED) or names a team or notifier the file
// does not have; each problem names the closest variable that would work,
// when one is near.
func (c *Config) UnusedOverrides(environ []string) []error {
	var out []error
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix) || slices.Contains(c.overrides, name) ||
			slices.Contains(c.secretEnvs, name) || slices.Contains(notOverrides, name) {
			continue
		}
		msg := "overrides no key of the configuration, and no *_env key names it"
		if near := closest(name, c.overrides, c.secretEnvs); near != "" {
			msg += "; did you mean " + near + "?"
		}
		out = append(out, &FieldError{Path: "environment variable " + name, Err: fmt.Errorf("%s", msg)})
	}
	return out
}

// closest returns the candidate nearest to name by edit distance, if it is
// near enough to be a slip of the keyboard: one edit in a short name, up to
// three in a long one.
func closest(name string, candidates ...[]string) string {
	best, bestDist := "", max(1, min(len(name)/3, 3))+1
	for _, list := range candidates {
		for _, c := range list {
			if d := editDistance(name, c); d < bestDist {
				best, bestDist = c, d
			}
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes: the
// names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
