package bridge_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestAdapterStateModifyLosesNoUpdate: adapters appending to one key at
// once (the console keeping thread lines) all get their line in; an error
// from one Modify changes nothing; and the values are there after a
// restart.
func TestAdapterStateModifyLosesNoUpdate(t *testing.T) {
	h := newHarness(t)
	state := h.engine.AdapterState("console")
	const writers = 24
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := state.Modify(h.ctx, "lines:1", func(old string) (string, error) {
				return old + fmt.Sprintf("[%d]", i), nil
			})
			if err != nil {
				t.Errorf("Modify %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	boom := errors.New("boom")
	if err := state.Modify(h.ctx, "lines:1", func(string) (string, error) { return "lost", boom }); !errors.Is(err, boom) {
		t.Errorf("Modify whose fn fails = %v, want boom", err)
	}
	if err := h.engine.AdapterState("telegram").Put(h.ctx, "lines:1", "another namespace"); err != nil {
		t.Fatal(err)
	}
	h.restart()
	got, err := h.engine.AdapterState("console").Get(h.ctx, "lines:1")
	if err != nil {
		t.Fatal(err)
	}
	for i := range writers {
		if !strings.Contains(got, fmt.Sprintf("[%d]", i)) {
			t.Errorf("line of writer %d lost: %q", i, got)
		}
	}
	if strings.Count(got, "[") != writers {
		t.Errorf("value %q, want each of the %d lines once", got, writers)
	}
}

// TestKeyIsMadeOnceAndKept: the first ask makes a random 32-byte key, and
// every later one, after a restart too, gets the same; names differ.
func TestKeyIsMadeOnceAndKept(t *testing.T) {
	h := newHarness(t)
	first, err := h.engine.Key(h.ctx, "web.session")
	if err != nil || len(first) != 32 || bytes.Equal(first, make([]byte, 32)) {
		t.Fatalf("Key = %x, %v; want 32 random bytes", first, err)
	}
	other, err := h.engine.Key(h.ctx, "other")
	if err != nil || bytes.Equal(other, first) {
		t.Errorf("Key(other) = %x, %v; want a key of its own", other, err)
	}
	h.restart()
	again, err := h.engine.Key(h.ctx, "web.session")
	if err != nil || !bytes.Equal(again, first) {
		t.Errorf("Key after a restart = %x, %v; want %x", again, err, first)
	}
}
