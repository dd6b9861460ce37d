package main

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/internal/pgtest"
)

// TestReplicasOnPostgres runs the bench's -store postgres -replicas mode
// end to end at a low rate: two bridge processes on a private PostgreSQL
// server, web users spread over both, Slack in HTTP mode through the
// balancer, half the users with the Slack agent (both ways) and half
// asking the AI. Everything must arrive once and in order, and the report
// must carry each replica's and the server's CPU.
func TestReplicasOnPostgres(t *testing.T) {
	s := defaultScenario()
	s.Conversations, s.Rate, s.HandoffShare, s.AgentRate = 20, 10, 0.5, 5
	s.Duration, s.SlackMode = 2*time.Second, "http"
	r, err := run(t.Context(), options{scenario: s, store: storePostgres, replicas: 2})
	if errors.Is(err, pgtest.ErrNoBinaries) && os.Getenv(pgtest.RequireEnv) != "require" {
		t.Skipf("%v (set %s=require to fail instead)", err, pgtest.RequireEnv)
	}
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]Direction{"user→agent": r.UserToAgent, "agent→user": r.AgentToUser} {
		if d.Sent == 0 || d.Delivered != d.Sent || d.Lost+d.Duplicated+d.OutOfOrder > 0 {
			t.Errorf("%s: sent %d, delivered %d, lost %d, duplicated %d, out of order %d: %v",
				name, d.Sent, d.Delivered, d.Lost, d.Duplicated, d.OutOfOrder, d.Problems)
		}
	}
	if r.AI.Asked == 0 || r.AI.Answered != r.AI.Asked {
		t.Errorf("AI: asked %d, answered %d", r.AI.Asked, r.AI.Answered)
	}
	if r.Store != storePostgres || len(r.Replicas) != 2 {
		t.Fatalf("store %q with %d replicas in the report, want postgres with 2", r.Store, len(r.Replicas))
	}
	for i, u := range r.Replicas {
		if u.WebUsers != s.Conversations/2 || u.CPUSeconds <= 0 {
			t.Errorf("replica %d: %d web users (want %d), %.3f CPU s", i+1, u.WebUsers, s.Conversations/2, u.CPUSeconds)
		}
	}
	if r.Postgres == nil || r.Postgres.CPUSeconds <= 0 {
		t.Errorf("no PostgreSQL CPU in the report: %+v", r.Postgres)
	}
}

func TestStoreRefusals(t *testing.T) {
	tests := []struct {
		o    options
		want string
	}{
		{options{store: "mysql", replicas: 1}, "-store: want sqlite or postgres"},
		{options{store: storeSQLite, replicas: 0}, "-replicas: must be at least 1"},
		{options{store: storeSQLite, replicas: 2}, "add -store postgres"},
		{options{store: storeSQLite, replicas: 1, dsn: "host=/tmp"}, "-dsn: only with -store postgres"},
		{options{store: storePostgres, replicas: 2, attach: "http://127.0.0.1:8080"}, "-attach"},
	}
	for _, tt := range tests {
		err := tt.o.checkStore()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want %q", tt.o, err, tt.want)
		}
	}
	if err := (options{store: storePostgres, replicas: 3}).checkStore(); err != nil {
		t.Errorf("3 replicas on postgres refused: %v", err)
	}
}
