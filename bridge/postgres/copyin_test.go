package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/blobdir"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

var (
	copyUser    = bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: "tg-uma"}
	copyWaiting = bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "web-wes"}
	copyDone    = bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "web-dan"}
	copyAna     = bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U-ANA", DisplayName: "Ana"}
)

func copySettings() bridge.Settings {
	return bridge.Settings{
		Enabled: true, NotePrefix: "//", DefaultTeam: "support", BotName: "Bot",
		CancelPhrases: []string{"cancel"},
		Triggers: []bridge.Trigger{{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"},
			Action: bridge.ActionHandoff, Team: "support"}},
		Teams: map[bridge.TeamID]*bridge.Team{"support": {ID: "support", Workspace: bridge.WorkspaceSlack,
			Channel: "C-SUPPORT", SLA: 24 * time.Hour, Fallback: bridge.FallbackNone}},
		Agents: []*bridge.Agent{{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support"},
			Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "U-ANA"}}},
		Messages: bridge.DefaultMessages(),
	}
}

// copyEngine is an engine on a store, with recording channels.
type copyEngine struct {
	t      *testing.T
	engine *bridge.Engine
	web    bridgetest.RichUserChannel
	tg     *bridgetest.UserChannel // copyUser's alone
	slack  *bridgetest.Workspace
	stop   func()
}

func startCopyEngine(t *testing.T, st bridge.Store, clock bridge.Clock) *copyEngine {
	t.Helper()
	e, err := bridge.New(bridge.Options{Store: st, Settings: copySettings(), Clock: clock, DrainTimeout: time.Second,
		Responder: bridge.ResponderFunc(func(context.Context, bridge.Question) (bridge.Reply, error) {
			return bridge.Reply{Text: "The bot answers.", Confidence: 0.9}, nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	ce := &copyEngine{t: t, engine: e, web: bridgetest.NewRichUserChannel(bridge.ChannelWeb), tg: bridgetest.NewUserChannel(bridge.ChannelTelegram), slack: bridgetest.NewWorkspace(bridge.WorkspaceSlack)}
	e.RegisterUserChannel(ce.web)
	e.RegisterUserChannel(ce.tg)
	e.RegisterWorkspace(ce.slack)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); _ = e.Run(ctx) }()
	stopped := false
	ce.stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(ce.stop)
	return ce
}

func (ce *copyEngine) handle(ev bridge.Event) bridge.Outcome {
	ce.t.Helper()
	out, err := ce.engine.Handle(ce.t.Context(), ev)
	if err != nil {
		ce.t.Fatalf("handle %T: %v", ev, err)
	}
	return out
}

func (ce *copyEngine) say(addr bridge.ChatAddress, id, text string, files ...bridge.Attachment) bridge.Outcome {
	ce.t.Helper()
	return ce.handle(bridge.UserMessage{Address: addr, User: bridge.User{DisplayName: addr.ChatID}, PlatformID: id, Text: text, Attachments: files})
}

func (ce *copyEngine) thread(h bridge.HandoffID) string {
	ce.t.Helper()
	var id string
	if _, err := ce.slack.WaitFor(ce.t.Context(), "the thread of the handoff, recorded", func(ops []bridgetest.ThreadOp) bool {
		id = ce.slack.ThreadOf(h)
		return id != "" && len(bridgetest.Posts(ops, id)) > 0
	}); err != nil {
		ce.t.Fatal(err)
	}
	return id
}

func (ce *copyEngine) waitDelivery(addr bridge.ChatAddress, text string) {
	ce.t.Helper()
	ch := ce.web.UserChannel
	if addr.Channel == bridge.ChannelTelegram {
		ch = ce.tg
	}
	if _, err := ch.WaitFor(ce.t.Context(), addr.ChatID, "a delivery of "+text, func(ds []bridgetest.Delivery) bool {
		return slices.ContainsFunc(ds, func(d bridgetest.Delivery) bool { return d.Message.Text == text })
	}); err != nil {
		ce.t.Fatal(err)
	}
}

func copyClock() *bridgetest.Clock {
	return bridgetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
}

// seeded is what the SQLite store holds before the copy.
type seeded struct {
	path                      string       // the SQLite file
	files                     bridge.Blobs // the files directory beside it
	active, pending, resolved bridge.HandoffID
	file                      bridge.BlobMeta
	fileBytes                 []byte
	history                   []bridge.Message
	conversations             []*bridge.Conversation
	handoffs                  []*bridge.Handoff
	owed                      string // a reply the outbox still owes copyUser
}

// seedSQLite runs the engine on a SQLite store and leaves in it: an active
// handoff with a conversation and a user's file, a pending one, a
// resolved one, and a reply to the user that failed once and waits an
// hour for its retry in the outbox.
func seedSQLite(t *testing.T, clock *bridgetest.Clock) seeded {
	dir := t.TempDir()
	path := filepath.Join(dir, "bridge.db")
	files, err := blobdir.Open(filepath.Join(dir, "files"), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(t.Context(), path, sqlite.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ce := startCopyEngine(t, st, clock)
	defer ce.stop()
	s := seeded{path: path, files: files}

	ce.say(copyUser, "u1", "hello")
	ce.waitDelivery(copyUser, "The bot answers.")
	s.active = ce.say(copyUser, "u2", "talk to a human").Handoff
	thread := ce.thread(s.active)
	ce.handle(bridge.AgentAction{Agent: copyAna, Handoff: s.active, Action: bridge.ActJoin})
	ce.handle(bridge.AgentMessage{Agent: copyAna, ThreadID: thread, PlatformID: "a1", Text: "Hi, Ana here."})
	ce.waitDelivery(copyUser, "Hi, Ana here.")
	s.fileBytes = []byte("\x89PNG a screenshot")
	s.file, err = files.Put(t.Context(), bridge.BlobMeta{Name: "shot.png", ContentType: "image/png", Owner: "telegram:tg-uma"},
		1<<20, bytes.NewReader(s.fileBytes))
	if err != nil {
		t.Fatal(err)
	}
	ce.say(copyUser, "u3", "here is what I see", bridge.Attachment{Name: "shot.png", ContentType: "image/png", Size: s.file.Size, Blob: s.file.ID})

	s.pending = ce.say(copyWaiting, "w1", "talk to a human").Handoff
	s.resolved = ce.say(copyDone, "d1", "talk to a human").Handoff
	ce.thread(s.resolved)
	ce.handle(bridge.AgentAction{Agent: copyAna, Handoff: s.resolved, Action: bridge.ActJoin})
	ce.handle(bridge.AgentAction{Agent: copyAna, Handoff: s.resolved, Action: bridge.ActResolve})

	s.owed = "Let me check that for you."
	ce.tg.FailNext(&bridge.RetryAfterError{After: time.Hour, Err: errors.New("429")})
	ce.handle(bridge.AgentMessage{Agent: copyAna, ThreadID: thread, PlatformID: "a2", Text: s.owed})
	ce.stop()
	if b, err := ce.engine.Backlog(t.Context()); err != nil || b.Outbox == 0 {
		t.Fatalf("after the seeding the outbox holds %+v (%v), want the owed reply", b, err)
	}
	h, err := ce.engine.ChatHistory(t.Context(), copyUser, bridge.HistoryQuery{Fresh: 100})
	if err != nil {
		t.Fatal(err)
	}
	s.history = h.Messages
	s.conversations, s.handoffs = readBack(t, ce.engine, s)
	return s
}

// readBack reads the seeded conversations and handoffs through the engine.
func readBack(t *testing.T, e *bridge.Engine, s seeded) ([]*bridge.Conversation, []*bridge.Handoff) {
	t.Helper()
	var cs []*bridge.Conversation
	for _, addr := range []bridge.ChatAddress{copyUser, copyWaiting, copyDone} {
		h, err := e.ChatHistory(t.Context(), addr, bridge.HistoryQuery{})
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, h.Conversation)
	}
	var hs []*bridge.Handoff
	for _, id := range []bridge.HandoffID{s.active, s.pending, s.resolved} {
		h, err := e.Handoff(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	return cs, hs
}

// copyFromSQLite copies the SQLite store at path, and files, into pg.
func copyFromSQLite(t *testing.T, path string, files bridge.Blobs, pg *Store, replace bool) (CopyReport, error) {
	t.Helper()
	src, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var report CopyReport
	err = src.Snapshot(t.Context(), func(sn *sqlite.Snapshot) error {
		var err error
		report, err = pg.CopyIn(t.Context(), sn, CopyOptions{Files: files, Replace: replace})
		return err
	})
	return report, err
}

// TestCopyFromSQLiteCarriesOn: a SQLite store copied into PostgreSQL
// serves on as if nothing happened: the user's history and file are
// there, the handoffs keep their states, the reply the outbox owed goes
// out, and new rows get new ids.
func TestCopyFromSQLiteCarriesOn(t *testing.T) {
	clock := copyClock()
	s := seedSQLite(t, clock)
	path, files := s.path, s.files

	pg, _ := openStore(t, clock)
	report, err := copyFromSQLite(t, path, files, pg, false)
	if err != nil {
		t.Fatal(err)
	}
	if report.AlreadyCopied || report.Rows["conversations"] != 3 || report.Rows["handoffs"] != 3 || report.Rows["blobs"] != 1 {
		t.Errorf("report = %+v, want 3 conversations, 3 handoffs and 1 file copied", report)
	}

	// The owed reply is due when the engine starts on PostgreSQL, an hour
	// later: its retry time has come.
	clock.Advance(time.Hour)
	ce := startCopyEngine(t, pg, clock)
	h, err := ce.engine.ChatHistory(t.Context(), copyUser, bridge.HistoryQuery{Fresh: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := describeMessages(h.Messages), describeMessages(s.history); got != want {
		t.Errorf("history on PostgreSQL:\n%s\nwant, as on SQLite:\n%s", got, want)
	}
	if h.Handoff == nil || h.Handoff.ID != s.active || h.Handoff.State != bridge.StateActive || h.Handoff.Owner != "ana" {
		t.Errorf("the user's open handoff = %+v, want %d active with ana", h.Handoff, s.active)
	}
	cs, hs := readBack(t, ce.engine, s)
	if !reflect.DeepEqual(cs, s.conversations) {
		t.Errorf("conversations on PostgreSQL:\n%+v\nwant, as on SQLite:\n%+v", cs, s.conversations)
	}
	if !reflect.DeepEqual(hs, s.handoffs) {
		t.Errorf("handoffs on PostgreSQL:\n%+v\nwant, as on SQLite:\n%+v", hs, s.handoffs)
	}
	if hs[1].State != bridge.StatePending || hs[2].State != bridge.StateResolved {
		t.Errorf("handoff states %s and %s, want pending and resolved", hs[1].State, hs[2].State)
	}
	r, meta, err := pg.Blobs().Open(t.Context(), s.file.ID)
	if err != nil {
		t.Fatalf("the user's file on PostgreSQL: %v", err)
	}
	body, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(body, s.fileBytes) || meta.Name != "shot.png" || meta.Owner != "telegram:tg-uma" {
		t.Errorf("file = %q %+v, want the user's shot.png", body, meta)
	}

	ce.waitDelivery(copyUser, s.owed)
	ce.say(copyUser, "u4", "thanks!")
	if _, err := ce.slack.WaitFor(t.Context(), "the user's next message in the agent's thread", func(ops []bridgetest.ThreadOp) bool {
		return slices.ContainsFunc(bridgetest.Posts(ops, h.Handoff.Thread.ThreadID), func(p bridge.ThreadPost) bool { return p.Text == "thanks!" })
	}); err != nil {
		t.Fatal(err)
	}
	h, err = ce.engine.ChatHistory(t.Context(), copyUser, bridge.HistoryQuery{Fresh: 100})
	if err != nil {
		t.Fatal(err)
	}
	last := h.Messages[len(h.Messages)-1]
	if last.Text != "thanks!" || last.ID <= s.history[len(s.history)-1].ID {
		t.Errorf("new message %+v, want an id after the copied ones (last %d)", last, s.history[len(s.history)-1].ID)
	}
}

// describeMessages is what a user and an agent see of a history.
func describeMessages(ms []bridge.Message) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(string(m.Role) + " " + m.Author + ": " + m.Text)
		for _, a := range m.Attachments {
			b.WriteString(" [" + a.Name + " " + string(a.Blob) + "]")
		}
		fmt.Fprintf(&b, " #%d\n", m.ID)
	}
	return b.String()
}

// TestCopyTwiceAndIntoData: a second copy of an unchanged store into the
// database it filled changes nothing; once the bridge wrote there, a copy
// is refused, and with Replace it makes the database the store's copy
// again.
func TestCopyTwiceAndIntoData(t *testing.T) {
	clock := copyClock()
	s := seedSQLite(t, clock)
	path, files := s.path, s.files
	pg, _ := openStore(t, clock)
	if _, err := copyFromSQLite(t, path, files, pg, false); err != nil {
		t.Fatal(err)
	}
	before := dumpTables(t, pg)

	again, err := copyFromSQLite(t, path, files, pg, false)
	if err != nil || !again.AlreadyCopied || again.Rows != nil {
		t.Fatalf("second copy = %+v, %v; want already copied, nothing done", again, err)
	}
	if after := dumpTables(t, pg); after != before {
		t.Errorf("the second copy changed the database:\n%s\nwas:\n%s", after, before)
	}

	ce := startCopyEngine(t, pg, clock)
	ce.say(copyWaiting, "w2", "still there?")
	ce.stop()
	_, err = copyFromSQLite(t, path, files, pg, false)
	if !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "messages") {
		t.Fatalf("copy into a database the bridge wrote to = %v, want ErrNotEmpty naming what it holds", err)
	}
	if _, err := copyFromSQLite(t, path, files, pg, true); err != nil {
		t.Fatalf("copy with Replace: %v", err)
	}
	if after := dumpTables(t, pg); after != before {
		t.Errorf("after Replace the database is not the store's copy:\n%s\nwant:\n%s", after, before)
	}
}

// dumpTables is every copied table's rows as text, in key order, and the
// sequences' positions.
func dumpTables(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, table := range append(tableNames(copyTables), blobsTable) {
		rows, err := s.pool.Query(t.Context(), `SELECT t::text FROM `+table+` t ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			b.WriteString(table + " " + line + "\n")
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	counts, err := func() (copyCounts, error) {
		tx, err := s.pool.Begin(t.Context())
		if err != nil {
			return nil, err
		}
		defer tx.Rollback(t.Context())
		return targetCounts(t.Context(), tx)
	}()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		fmt.Fprintf(&b, "%s last id %d\n", c.table, c.last)
	}
	return b.String()
}

func tableNames(ts []copyTable) []string {
	var names []string
	for _, t := range ts {
		names = append(names, t.name)
	}
	return names
}

// TestCopyKnowsEveryTable: each table of the PostgreSQL schema is copied,
// or left alone on purpose; a migration adding a table must say which.
func TestCopyKnowsEveryTable(t *testing.T) {
	s, _ := openStore(t, bridge.SystemClock{})
	rows, err := s.pool.Query(t.Context(), `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	known := append(append(tableNames(copyTables), notCopied...), blobsTable)
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(known, name) {
			t.Errorf("table %s is neither copied by CopyIn nor listed in notCopied", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
