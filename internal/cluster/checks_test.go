//go:build cluster

package cluster_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/cluster"
	"github.com/handoffbridge/handoff/internal/connlog"
	"github.com/handoffbridge/handoff/internal/rig"
)

// noAgents is the SLA fallback's notice (fallback: none).
var noAgents = bridge.DefaultMessages().NoAgents

// drain waits, within drainBound, for everything sent to arrive, every
// SLA fallback and AI answer to come, the outbox to empty and each
// singleton to be connected; it returns what did not settle.
func drain(t *testing.T, ctx context.Context, dsn, slackMode string, f *fakes, c *crowd) []string {
	ctx, cancel := context.WithTimeout(ctx, drainBound)
	defer cancel()
	start := time.Now()
	var unsettled []string
	wait := func(what string, err error) {
		if err != nil {
			unsettled = append(unsettled, fmt.Sprintf("%s: %v", what, err))
		}
	}
	// What the store owes first: it is what the rest waits on.
	wait("outbox and AI", pollDB(ctx, dsn, func(s dbState) bool { return s.pending == 0 && s.awaiting == 0 }))
	for _, u := range c.waiting {
		wait(u.Conv+"'s fallback", u.WaitFor(ctx, "the no-agents notice", func(u *rig.User) bool { return u.SystemMessages(noAgents) > 0 }))
	}
	for _, a := range c.askers {
		wait(a.u.Conv+"'s answers", a.u.WaitFor(ctx, "an answer to each question", func(*rig.User) bool { return a.answered.Load() >= a.asked.Load() }))
	}
	for name, l := range singletonLogs(f, slackMode) {
		wait(name+" connected", l.Changes().Until(ctx, name+" connected", func() bool { return l.OpenNow() > 0 }))
	}
	wait("messages", waitLedger(ctx, c.ledger))
	t.Logf("drain: %s", time.Since(start).Round(time.Millisecond))
	return unsettled
}

// waitLedger blocks until every message sent was seen once.
func waitLedger(ctx context.Context, l *rig.Ledger) error {
	for {
		n, changed := l.Pending()
		if n == 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("%d messages not delivered", n)
		}
	}
}

// dbState is what the shared store still owes: outbox entries not
// delivered (pending) or given up (failed), conversations whose last
// user message waits for the AI's answer (awaiting).
type dbState struct{ pending, failed, awaiting int }

func readDB(ctx context.Context, dsn string) (dbState, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return dbState{}, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var s dbState
	err = conn.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL),
		(SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL),
		(SELECT count(*) FROM conversations WHERE awaiting IS NOT NULL)`).Scan(&s.pending, &s.failed, &s.awaiting)
	return s, err
}

// pollDB reads the store every 200 ms until cond holds.
func pollDB(ctx context.Context, dsn string, cond func(dbState) bool) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var last dbState
	var err error
	for {
		if last, err = readDB(ctx, dsn); err == nil && cond(last) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("store still owes %+v (read error: %v)", last, err)
		case <-tick.C:
		}
	}
}

// singletonLogs are the fakes' logs of the connections only one replica
// may hold, by singleton (Slack's in Socket Mode only).
func singletonLogs(f *fakes, slackMode string) map[string]*connlog.Log {
	logs := map[string]*connlog.Log{
		"telegram poller": f.telegram.Pollers(),
		"discord gateway": f.discord.Sessions(),
	}
	if slackMode == "socket" {
		logs["slack socket mode"] = f.slack.SocketLog()
	}
	return logs
}

// judge makes every check of the run and returns the summary.
func judge(t *testing.T, ctx context.Context, dsn string, f *fakes, c *crowd, rs *replicaSet, slackMode string, unsettled []string) *summary {
	s := &summary{}
	s.check(t, len(unsettled) == 0, "drain", "everything settled within %s", drainBound)
	for _, u := range unsettled {
		s.note("not settled: %s", u)
	}
	for _, d := range []rig.Direction{rig.UserToAgent, rig.AgentToUser} {
		judgeLedger(t, s, c.ledger, d)
	}
	judgeAI(t, s, c)
	judgeSLA(t, s, c)
	st, err := readDB(ctx, dsn)
	s.check(t, err == nil && st.pending == 0 && st.failed == 0, "outbox empty",
		"%d undelivered, %d given up (read error: %v)", st.pending, st.failed, err)
	s.check(t, err == nil && st.awaiting == 0, "no AI answer owed", "%d conversations await an answer", st.awaiting)
	deaths := rs.Deaths()
	logs := singletonLogs(f, slackMode)
	for _, name := range []string{"slack socket mode", "telegram poller", "discord gateway"} {
		if l, ok := logs[name]; ok {
			judgeSingleton(t, s, name, l.Spans(), chainGaps[name], deaths)
		}
	}
	if slackMode == "http" {
		n := len(f.slack.SocketLog().Spans())
		s.check(t, n == 0, "slack: no Socket Mode in HTTP mode", "%d Socket Mode connections opened", n)
	}
	conflicts := f.telegram.Stats().Conflicts
	s.check(t, conflicts == 0, "telegram: no 409", "%d getUpdates calls terminated by another poller (409)", conflicts)
	reconnects := 0
	for _, u := range c.widgets {
		reconnects += u.Reconnects()
	}
	s.note("widget reconnects (to another replica when theirs died): %d; Slack 429s: %d", reconnects, f.slack.RateLimited())
	return s
}

// platformOf names the user channel of a conversation by its number.
func platformOf(conv string) string {
	n, _ := strconv.Atoi(strings.TrimPrefix(conv, "c"))
	switch {
	case n >= 21 && n < 31:
		return "telegram"
	case n >= 31 && n < 41:
		return "discord"
	}
	return "widget"
}

func judgeLedger(t *testing.T, s *summary, l *rig.Ledger, d rig.Direction) {
	name := map[rig.Direction]string{rig.UserToAgent: "user→agent", rig.AgentToUser: "agent→user"}[d]
	r := l.Result(d)
	var per []string
	for _, p := range []string{"widget", "telegram", "discord"} {
		pr := l.ResultFor(d, func(conv string) bool { return platformOf(conv) == p })
		per = append(per, fmt.Sprintf("%s %d/%d (lost %d, dup %d, order %d)", p, pr.Delivered, pr.Sent, pr.Lost, pr.Duplicated, pr.OutOfOrder))
	}
	s.check(t, r.Sent > 0 && r.Lost+r.Duplicated+r.OutOfOrder == 0 && r.Delivered == r.Sent, name+" exactly once, in order",
		"sent %d, delivered %d, lost %d, duplicated %d, out of order %d; %s", r.Sent, r.Delivered, r.Lost, r.Duplicated, r.OutOfOrder, strings.Join(per, "; "))
	for _, p := range r.Problems {
		s.note("%s: %s", name, p)
	}
}

func judgeAI(t *testing.T, s *summary, c *crowd) {
	ok, asked := true, 0
	var per []string
	for _, a := range c.askers {
		q, n := int(a.asked.Load()), int(a.answered.Load())
		asked += q
		ok = ok && q > 0 && q == n
		per = append(per, fmt.Sprintf("%s %d/%d", a.u.Conv, n, q))
	}
	s.check(t, ok, "AI answered each question once", "%d questions; answers/questions: %s", asked, strings.Join(per, ", "))
}

func judgeSLA(t *testing.T, s *summary, c *crowd) {
	ok := len(c.waiting) > 0
	var wrong []string
	for _, u := range c.waiting {
		if n := u.SystemMessages(noAgents); n != 1 {
			ok = false
			wrong = append(wrong, fmt.Sprintf("%s %d times", u.Conv, n))
		}
	}
	threads := c.agent.Threads(triageChannel)
	s.check(t, ok && threads == len(c.waiting), "SLA fallback exactly once",
		"%d requests, %d triage threads; wrong: %v", len(c.waiting), threads, wrong)
}

// chainGaps says which singletons connect anew for each call: Telegram's
// poller makes one getUpdates call after another, so its calls less than
// this apart are one poller's presence when takeovers are measured (the
// gap between a dead holder's last call and its successor's first is
// longer: the lease must expire or be released and be acquired first).
var chainGaps = map[string]time.Duration{"telegram poller": 3 * time.Second}

// judgeSingleton checks that one singleton's connections never overlapped
// outside a failover window and came back in time after each death of
// their holder (measured on the connections chained within chainGap).
func judgeSingleton(t *testing.T, s *summary, name string, spans []connlog.Span, chainGap time.Duration, deaths []cluster.Death) {
	bad := cluster.Unexcused(spans, deaths, failoverGrace)
	all := len(connlog.Overlaps(spans))
	s.check(t, len(bad) == 0, name+": one at a time", "%d connections; %d overlaps, %d outside a failover window", len(spans), all, len(bad))
	for i, o := range bad {
		if i == 5 {
			s.note("%s: … %d more", name, len(bad)-i)
			break
		}
		s.note("%s: %s and %s open at once from %s to %s", name, o.First.Peer, o.Second.Peer, s.at(o.From), s.at(o.To))
	}
	takeovers := cluster.Takeovers(connlog.Chain(spans, chainGap), deaths, failoverGrace)
	ok := true
	var times []string
	for _, tk := range takeovers {
		d := tk.Death
		if tk.Back.IsZero() {
			ok = false
			times = append(times, fmt.Sprintf("never (%s of replica %d at %s)", d.Signal, d.Replica, s.at(d.At)))
			continue
		}
		ok = ok && tk.Took() <= takeoverBound
		times = append(times, fmt.Sprintf("%s (%s r%d, down after %s)", tk.Took().Round(100*time.Millisecond), d.Signal, d.Replica,
			tk.Down.Sub(d.At).Round(100*time.Millisecond)))
	}
	s.check(t, ok, name+": back within TTL+5s", "%d takeovers, bound %s: %s", len(takeovers), takeoverBound, strings.Join(times, ", "))
}

// summary is the run's verdict: one line per check, then notes.
type summary struct {
	lines []string
	notes []string
}

// check records a check; a failed one fails the test.
func (s *summary) check(t *testing.T, ok bool, name, format string, args ...any) {
	t.Helper()
	detail := fmt.Sprintf(format, args...)
	verdict := "PASS"
	if !ok {
		verdict = "FAIL"
		t.Errorf("%s: %s", name, detail)
	}
	s.lines = append(s.lines, fmt.Sprintf("%s  %-40s %s", verdict, name, detail))
}

func (s *summary) note(format string, args ...any) {
	s.notes = append(s.notes, fmt.Sprintf(format, args...))
}

// at formats a moment of the run (zero: still open).
func (s *summary) at(t time.Time) string {
	if t.IsZero() {
		return "the end"
	}
	return t.Format("15:04:05.000")
}

func (s *summary) print(t *testing.T) {
	t.Logf("cluster acceptance summary:\n%s\n%s", strings.Join(s.lines, "\n"), "  "+strings.Join(s.notes, "\n  "))
}
