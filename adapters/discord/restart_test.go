package discord_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// TestGatewayRestartsUnderALease: the gateway's Run, stopped (a replica
// losing the lease), runs again under a bridge.Singleton, twice: each time
// the bot connects again and answers a DM user, and each stop disconnects
// it, so that another replica's session would be the only one.
func TestGatewayRestartsUnderALease(t *testing.T) {
	e := newEnv(t)
	u := e.fake.NewUser("Hana")
	dm := e.fake.NewDM(u)
	answers := func() int {
		n := 0
		for _, m := range e.fake.Messages(dm) {
			if strings.Contains(m.Content, "Hi there!") {
				n++
			}
		}
		return n
	}
	e.say(dm, u, "hello")
	e.waitFake("the first answer", func() bool { return answers() == 1 })

	e.stopDisco()
	<-e.discoDone
	e.waitFake("the gateway closed", func() bool { return !e.fake.Connected() })

	for round := 2; round <= 3; round++ {
		ctx, stop := context.WithCancel(e.ctx)
		s := &bridge.Singleton{Name: "discord", Holder: "replica-a", Leases: e.store, TTL: time.Minute, Work: e.adapter}
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		e.waitFake("the gateway open again", e.fake.Connected)
		e.say(dm, u, "hello again")
		e.waitFake("an answer after the restart", func() bool { return answers() == round })
		stop()
		if err := <-done; err != nil {
			t.Fatalf("round %d: Singleton.Run = %v", round, err)
		}
		e.waitFake("the gateway closed", func() bool { return !e.fake.Connected() })
	}
	if st := e.fake.GatewayStats(); st.Connections < 3 {
		t.Errorf("gateway connections = %d, want one per run (3)", st.Connections)
	}
}
