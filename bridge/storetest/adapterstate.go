package storetest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var adapterStateContracts = []contract{
	{"AdapterState", testAdapterState},
	{"AdapterStateRollsBack", testAdapterStateRollsBack},
	{"AdapterStateReadOnlyInView", testAdapterStateReadOnlyInView},
	{"Keys", testKeys},
}

// testAdapterState: a value reads "" until put, then the last value put,
// and "" again once deleted; namespaces and keys are independent, and
// keys are compared exactly.
func testAdapterState(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	type op struct{ namespace, key, put string }
	steps := []struct {
		do   func(tx bridge.Tx) error
		want map[op]string // what each (namespace, key) reads after the step
	}{
		{nil, map[op]string{{"telegram", "offset", ""}: ""}},
		{func(tx bridge.Tx) error { return tx.PutAdapterState(ctx, "telegram", "offset", "100") },
			map[op]string{{"telegram", "offset", ""}: "100", {"discord", "offset", ""}: "", {"telegram", "Offset", ""}: ""}},
		{func(tx bridge.Tx) error { return tx.PutAdapterState(ctx, "telegram", "offset", "101") },
			map[op]string{{"telegram", "offset", ""}: "101"}},
		{func(tx bridge.Tx) error { return tx.PutAdapterState(ctx, "console", "lines:1", `[{"text":"a"}]`) },
			map[op]string{{"console", "lines:1", ""}: `[{"text":"a"}]`, {"telegram", "offset", ""}: "101"}},
		{func(tx bridge.Tx) error { return tx.DeleteAdapterState(ctx, "telegram", "offset") },
			map[op]string{{"telegram", "offset", ""}: "", {"console", "lines:1", ""}: `[{"text":"a"}]`}},
		{func(tx bridge.Tx) error { return tx.DeleteAdapterState(ctx, "telegram", "never-set") },
			map[op]string{{"telegram", "never-set", ""}: ""}},
	}
	for i, st := range steps {
		if st.do != nil {
			update(t, s, st.do)
		}
		view(t, s, func(tx bridge.Tx) error {
			for k, want := range st.want {
				got, err := tx.AdapterState(ctx, k.namespace, k.key)
				if err != nil {
					return err
				}
				if got != want {
					t.Errorf("step %d: AdapterState(%q, %q) = %q, want %q", i, k.namespace, k.key, got, want)
				}
			}
			return nil
		})
	}
	// Read back in the transaction that wrote it.
	update(t, s, func(tx bridge.Tx) error {
		if err := tx.PutAdapterState(ctx, "whatsapp", "window", "1"); err != nil {
			return err
		}
		if err := tx.PutAdapterState(ctx, "whatsapp", "window", "2"); err != nil {
			return err
		}
		if got, err := tx.AdapterState(ctx, "whatsapp", "window"); err != nil || got != "2" {
			t.Errorf("AdapterState after two puts in one transaction = %q, %v; want 2", got, err)
		}
		return nil
	})
}

// testAdapterStateRollsBack: a failed Update leaves adapter state as it was.
func testAdapterStateRollsBack(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	update(t, s, func(tx bridge.Tx) error { return tx.PutAdapterState(ctx, "discord", "dm-index", "1 2") })
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx bridge.Tx) error {
		if err := tx.PutAdapterState(ctx, "discord", "dm-index", "1 2 3"); err != nil {
			return err
		}
		if err := tx.PutAdapterState(ctx, "discord", "thread:9", "77"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	view(t, s, func(tx bridge.Tx) error {
		if got, err := tx.AdapterState(ctx, "discord", "dm-index"); err != nil || got != "1 2" {
			t.Errorf("dm-index after the rolled back Update = %q, %v; want 1 2", got, err)
		}
		if got, err := tx.AdapterState(ctx, "discord", "thread:9"); err != nil || got != "" {
			t.Errorf("thread:9 after the rolled back Update = %q, %v; want unset", got, err)
		}
		return nil
	})
}

// testAdapterStateReadOnlyInView: View refuses writes to adapter state and
// keys, and they leave nothing behind.
func testAdapterStateReadOnlyInView(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	update(t, s, func(tx bridge.Tx) error { return tx.PutAdapterState(ctx, "telegram", "offset", "5") })
	for name, write := range map[string]func(tx bridge.Tx) error{
		"PutAdapterState":    func(tx bridge.Tx) error { return tx.PutAdapterState(ctx, "telegram", "offset", "6") },
		"DeleteAdapterState": func(tx bridge.Tx) error { return tx.DeleteAdapterState(ctx, "telegram", "offset") },
		"AddKey":             func(tx bridge.Tx) error { return tx.AddKey(ctx, "k", []byte("secret")) },
	} {
		if err := s.View(ctx, write); err == nil {
			t.Errorf("%s in View succeeded, want an error", name)
		}
	}
	view(t, s, func(tx bridge.Tx) error {
		if got, err := tx.AdapterState(ctx, "telegram", "offset"); err != nil || got != "5" {
			t.Errorf("offset after View = %q, %v; want 5", got, err)
		}
		if _, err := tx.Key(ctx, "k"); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("Key after View = %v, want ErrNotFound", err)
		}
		return nil
	})
}

// testKeys: a key is missing until added, then reads back byte for byte
// (zero bytes included); a name is never given a second key.
func testKeys(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	key := []byte{0, 1, 2, 0xfe, 0xff, 0, 'k'}
	view(t, s, func(tx bridge.Tx) error {
		if _, err := tx.Key(ctx, "web.session"); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("Key of a name never added = %v, want ErrNotFound", err)
		}
		return nil
	})
	update(t, s, func(tx bridge.Tx) error { return tx.AddKey(ctx, "web.session", key) })
	if err := s.Update(ctx, func(tx bridge.Tx) error { return tx.AddKey(ctx, "web.session", []byte("another")) }); err == nil {
		t.Error("AddKey of a name already taken succeeded, want an error")
	}
	view(t, s, func(tx bridge.Tx) error {
		got, err := tx.Key(ctx, "web.session")
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("Key(web.session) = %x, %v; want %x", got, err, key)
		}
		if _, err := tx.Key(ctx, "web.Session"); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("Key(web.Session) = %v, want ErrNotFound (names are exact)", err)
		}
		return nil
	})
}
