package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// envOf is an injected environment of "KEY=value" pairs.
func envOf(pairs ...string) LookupEnv {
	m := map[string]string{}
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		m[k] = v
	}
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadYAML writes content to a temporary file and loads it.
func loadYAML(t *testing.T, content string, env LookupEnv) (*Config, error) {
	t.Helper()
	return Load(writeFile(t, t.TempDir(), "bridge.yaml", content), env)
}

func mustLoad(t *testing.T, content string, env LookupEnv) *Config {
	t.Helper()
	c, err := loadYAML(t, content, env)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return c
}

// fieldPaths lists the paths of the FieldErrors in err.
func fieldPaths(err error) []string {
	var paths []string
	var walk func(error)
	walk = func(err error) {
		if fe, ok := err.(*FieldError); ok {
			paths = append(paths, fe.Path)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if e := errors.Unwrap(err); e != nil {
			walk(e)
		}
	}
	walk(err)
	return paths
}
