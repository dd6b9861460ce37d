package bridge

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// The policy lets a burst through per key, then makes the next entry of
// that key wait, while other keys still have their own burst.
func TestKeyedLimit(t *testing.T) {
	k := &KeyedLimit{Key: func(p Parcel) string { return p.Stream }, PerKey: rate.Every(time.Hour), Burst: 2}
	a, b := Parcel{Stream: "a"}, Parcel{Stream: "b"}
	ctx := t.Context()
	for i := range 2 {
		if err := k.Wait(ctx, a); err != nil {
			t.Fatalf("entry %d of the burst: %v", i, err)
		}
	}
	// A third entry for "a" would wait an hour: with a short deadline the
	// limiter refuses at once instead of sleeping.
	short, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := k.Wait(short, a); err == nil {
		t.Fatal("a third entry passed a burst of 2")
	}
	if err := k.Wait(short, b); err != nil {
		t.Fatalf("another key was held up: %v", err)
	}

	g := &KeyedLimit{Global: rate.Every(time.Hour), GlobalN: 1}
	if err := g.Wait(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := g.Wait(short, b); err == nil {
		t.Fatal("the global limit let a second entry through")
	}
}
