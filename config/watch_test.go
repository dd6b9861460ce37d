package config

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// guard bounds every wait; it only catches failures, nothing waits for it.
const guard = 10 * time.Second

func configWithPhrase(phrase string) string {
	return "teams: {support: {}}\nhandoff:\n  triggers:\n    - {name: human, phrases: [\"" + phrase + "\"]}\n"
}

func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(guard):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// awaitPhrase waits for a reload whose first trigger has phrase.
func awaitPhrase(t *testing.T, changes <-chan *Config, phrase string) *Config {
	t.Helper()
	for {
		c := await(t, changes, "a reload with "+phrase)
		if slices.Contains(c.Handoff.Triggers[0].Phrases, phrase) {
			return c
		}
	}
}

// startWatcher runs a watcher on path whose callbacks feed the returned
// channels; it stops when the test ends.
func startWatcher(t *testing.T, path string) (*Watcher, chan *Config, chan error) {
	t.Helper()
	changes := make(chan *Config, 100)
	errs := make(chan error, 100)
	w, err := NewWatcher(path, NoEnv, func(c *Config) { changes <- c }, func(err error) { errs <- err })
	if err != nil {
		t.Fatal(err)
	}
	w.settle = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return w, changes, errs
}

// replaceFile writes content the way many editors do: a new file renamed
// over the old one.
func replaceFile(t *testing.T, path, content string) {
	t.Helper()
	tmp := writeFile(t, filepath.Dir(path), ".bridge.yaml.swp", content)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestWatchReloadsAndKeepsOldConfigOnError(t *testing.T) {
	path := writeFile(t, t.TempDir(), "bridge.yaml", configWithPhrase("talk to a human"))
	w, changes, errs := startWatcher(t, path)
	if got := w.Current().Handoff.Triggers[0].Phrases; !slices.Equal(got, []string{"talk to a human"}) {
		t.Fatalf("initial phrases = %q", got)
	}

	// An editor replaces the file: the new phrase applies.
	replaceFile(t, path, configWithPhrase("need a person"))
	c := awaitPhrase(t, changes, "need a person")
	if w.Current() != c {
		t.Error("Current is not the reloaded config")
	}
	s, err := c.Settings()
	if err != nil || s.Triggers[0].Phrases[0] != "need a person" {
		t.Errorf("settings after reload = %+v, %v", s.Triggers, err)
	}

	// A broken file, written in place: reported, and the old config stays.
	if err := os.WriteFile(path, []byte("teams: {support: {}}\nhandoff: {triggers: [{name: human, phrases: []}]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = await(t, errs, "the error of a broken file")
	for !strings.Contains(err.Error(), "handoff.triggers[0].phrases") {
		err = await(t, errs, "the error naming handoff.triggers[0].phrases")
	}
	if !slices.Contains(w.Current().Handoff.Triggers[0].Phrases, "need a person") {
		t.Errorf("current config changed after a broken file: %+v", w.Current().Handoff.Triggers)
	}

	// Fixed in place: applies again.
	if err := os.WriteFile(path, []byte(configWithPhrase("get me a human")), 0o600); err != nil {
		t.Fatal(err)
	}
	awaitPhrase(t, changes, "get me a human")
}

// A Kubernetes ConfigMap volume: the file is a symlink through "..data",
// which is swapped atomically on update.
func TestWatchFollowsSymlinkSwap(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []string{"v1", "v2"} {
		if err := os.Mkdir(filepath.Join(dir, v), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dir, "v1"), "bridge.yaml", configWithPhrase("first"))
	writeFile(t, filepath.Join(dir, "v2"), "bridge.yaml", configWithPhrase("second"))
	must(t, os.Symlink("v1", filepath.Join(dir, "..data")))
	path := filepath.Join(dir, "bridge.yaml")
	must(t, os.Symlink(filepath.Join("..data", "bridge.yaml"), path))

	_, changes, _ := startWatcher(t, path)
	must(t, os.Symlink("v2", filepath.Join(dir, "..data_tmp")))
	must(t, os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")))
	awaitPhrase(t, changes, "second")
}

func TestWatchRejectsBadStart(t *testing.T) {
	dir := t.TempDir()
	if err := Watch(context.Background(), filepath.Join(dir, "missing.yaml"), NoEnv, func(*Config) {}, func(error) {}); err == nil {
		t.Error("missing file accepted")
	}
	bad := writeFile(t, dir, "bad.yaml", "htpp: {}\n")
	if _, err := NewWatcher(bad, NoEnv, func(*Config) {}, func(error) {}); err == nil || !strings.Contains(err.Error(), "htpp") {
		t.Errorf("NewWatcher(bad) = %v", err)
	}
}

func TestWatchStopsWithContext(t *testing.T) {
	path := writeFile(t, t.TempDir(), "bridge.yaml", configWithPhrase("x"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, path, NoEnv, func(*Config) {}, func(error) {}) }()
	cancel()
	if err := await(t, done, "Watch to return"); err != nil {
		t.Errorf("Watch = %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
