package rig

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestUserFailsOverToAnotherAddress: a widget user whose first address
// has nobody listening (its replica is down) dials the next one, and its
// message, said before any socket was up, is acknowledged there.
func TestUserFailsOverToAnotherAddress(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the bridge binary")
	}
	bin, err := bridgeBin()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	p, err := NewProcess(bin, t.TempDir(), Config{Console: true,
		Teams: map[string]Team{"support": {Workspace: "console", SLA: time.Hour, Phrase: "talk to a human"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
	}()
	down, err := FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	u := NewUser("ws://"+down+"/ws", "c1", "198.51.100.1", nil)
	u.AlsoAt(p.WSURL())
	u.Say(ctx, "hello")
	runCtx, stop := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() { stop(); bg.Wait() }()
	bg.Go(func() { u.Run(runCtx) })
	if err := u.WaitFor(ctx, "the message acknowledged", func(u *User) bool { return u.Unacked() == 0 }); err != nil {
		t.Fatal(err)
	}
	if u.URL() != p.WSURL() {
		t.Errorf("the user is at %s, want %s", u.URL(), p.WSURL())
	}
}
