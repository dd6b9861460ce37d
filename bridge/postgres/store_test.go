package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/pgtest"
)

// conversationFor is what the engine does on a chat's first message: look
// the address up in the write transaction, create the conversation if
// there is none.
func conversationFor(ctx context.Context, s *Store, a bridge.ChatAddress) (bridge.ConversationID, error) {
	var id bridge.ConversationID
	err := s.Update(ctx, func(tx bridge.Tx) error {
		c, err := tx.ConversationByAddress(ctx, a)
		if err == nil {
			id = c.ID
			return nil
		}
		if !errors.Is(err, bridge.ErrNotFound) {
			return err
		}
		c = &bridge.Conversation{Address: a}
		if err := tx.CreateConversation(ctx, c); err != nil {
			return err
		}
		id = c.ID
		return nil
	})
	return id, err
}

// TestFirstMessageOnTwoReplicasMakesOneConversation: two stores (two
// replicas) see a chat's first message at the same moment, many times
// over; every caller gets the same conversation, and only one is stored.
func TestFirstMessageOnTwoReplicasMakesOneConversation(t *testing.T) {
	a, dsn := openStore(t, bridge.SystemClock{})
	b := openAt(t, dsn, bridge.SystemClock{})
	const chats, racersPerStore = 10, 4
	for chat := range chats {
		addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: fmt.Sprint("first-", chat)}
		start := make(chan struct{})
		var wg sync.WaitGroup
		got := make(chan bridge.ConversationID, 2*racersPerStore)
		for i := range 2 * racersPerStore {
			s := []*Store{a, b}[i%2]
			wg.Go(func() {
				<-start
				id, err := conversationFor(t.Context(), s, addr)
				if err != nil {
					t.Errorf("racer %d at %s: %v", i, addr, err)
				}
				got <- id
			})
		}
		close(start)
		wg.Wait()
		close(got)
		ids := map[bridge.ConversationID]bool{}
		for id := range got {
			ids[id] = true
		}
		if len(ids) != 1 {
			t.Errorf("%s: racers got conversations %v, want one", addr, ids)
		}
	}
	var n int
	if err := a.pool.QueryRow(t.Context(), `SELECT count(*) FROM conversations`).Scan(&n); err != nil || n != chats {
		t.Errorf("%d conversations stored (%v), want %d", n, err, chats)
	}
}

// raiseSerializationFailure makes the server abort the transaction the way
// a serialization failure does (SQLSTATE 40001).
const raiseSerializationFailure = `DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = 'serialization_failure'; END $$`

// TestUpdateRetriesSerializationFailure: a transaction aborted with 40001
// is run again from the start, and only the attempt that commits leaves
// writes, whether fn returned the error or swallowed it.
func TestUpdateRetriesSerializationFailure(t *testing.T) {
	for _, swallow := range []bool{false, true} {
		t.Run(fmt.Sprint("swallowed=", swallow), func(t *testing.T) {
			s, _ := openStore(t, bridge.SystemClock{})
			ctx := t.Context()
			var attempts atomic.Int32
			err := s.Update(ctx, func(btx bridge.Tx) error {
				n := attempts.Add(1)
				if _, err := btx.MarkInbound(ctx, "test", fmt.Sprint("attempt-", n)); err != nil {
					return err
				}
				if n == 1 {
					_, err := btx.(*tx).exec(ctx, raiseSerializationFailure)
					if !swallow {
						return fmt.Errorf("step: %w", err)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Update = %v, want success on the second attempt", err)
			}
			if n := attempts.Load(); n != 2 {
				t.Fatalf("fn ran %d times, want 2", n)
			}
			err = s.Update(ctx, func(tx bridge.Tx) error {
				first, err := tx.MarkInbound(ctx, "test", "attempt-1")
				if err != nil {
					return err
				}
				second, err := tx.MarkInbound(ctx, "test", "attempt-2")
				// fresh means not there before.
				if !first || second {
					t.Errorf("after the retry: first attempt's write kept %v, second's kept %v; want false, true", !first, !second)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestUpdateGivesUpAfterMaxAttempts: a transaction that fails every time
// ends with the server's error after a bounded number of attempts.
func TestUpdateGivesUpAfterMaxAttempts(t *testing.T) {
	s, _ := openStore(t, bridge.SystemClock{})
	var attempts int
	err := s.Update(t.Context(), func(btx bridge.Tx) error {
		attempts++
		_, err := btx.(*tx).exec(t.Context(), raiseSerializationFailure)
		return err
	})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != serializationFailure {
		t.Errorf("Update = %v, want the serialization failure", err)
	}
	if attempts != maxAttempts {
		t.Errorf("fn ran %d times, want %d", attempts, maxAttempts)
	}
}

// TestUpdateRetriesDeadlock: two Updates lock two conversations in
// opposite orders; PostgreSQL aborts one (40P01), which runs again, and
// both increments of both conversations are kept.
func TestUpdateRetriesDeadlock(t *testing.T) {
	s, _ := openStore(t, bridge.SystemClock{})
	ctx := t.Context()
	one, other := seed(t, s, "one"), seed(t, s, "other")
	var (
		attempts atomic.Int32
		locked   sync.WaitGroup // both hold their first lock
		wg       sync.WaitGroup
	)
	locked.Add(2)
	increment := func(first, second bridge.ConversationID) {
		var once sync.Once
		err := s.Update(ctx, func(tx bridge.Tx) error {
			attempts.Add(1)
			for i, id := range []bridge.ConversationID{first, second} {
				c, err := tx.Conversation(ctx, id)
				if err != nil {
					return err
				}
				c.Misses++
				if err := tx.UpdateConversation(ctx, c); err != nil {
					return err
				}
				if i == 0 {
					once.Do(func() { locked.Done(); locked.Wait() })
				}
			}
			return nil
		})
		if err != nil {
			t.Errorf("Update locking %d then %d: %v", first, second, err)
		}
	}
	wg.Go(func() { increment(one, other) })
	wg.Go(func() { increment(other, one) })
	wg.Wait()
	// At least one of the two deadlocked and ran again; on a loaded machine
	// PostgreSQL's detector may pick a victim more than once.
	if n := attempts.Load(); n < 3 {
		t.Errorf("%d attempts, want at least 3 (one of the two deadlocked and ran again)", n)
	}
	for _, id := range []bridge.ConversationID{one, other} {
		var misses int
		if err := s.pool.QueryRow(ctx, `SELECT misses FROM conversations WHERE id = $1`, int64(id)).Scan(&misses); err != nil || misses != 2 {
			t.Errorf("conversation %d: counter %d (%v), want 2", id, misses, err)
		}
	}
}

func seed(t *testing.T, s *Store, chatID string) bridge.ConversationID {
	t.Helper()
	id, err := conversationFor(t.Context(), s, bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chatID})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// appliedMigrations lists schema_migrations' versions in order.
func appliedMigrations(t *testing.T, dsn string) []int {
	t.Helper()
	c, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	rows, err := c.Query(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func wantAllMigrations(t *testing.T, dsn string) {
	t.Helper()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	got := appliedMigrations(t, dsn)
	if len(got) != len(ms) {
		t.Fatalf("applied migrations %v, want each of the %d once", got, len(ms))
	}
	for i, m := range ms {
		if got[i] != m.version {
			t.Fatalf("applied migrations %v, want %d at %d", got, m.version, i)
		}
	}
}

// TestMigrationsAreIdempotent: opening a migrated database again changes
// nothing and keeps what it holds.
func TestMigrationsAreIdempotent(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	s := openAt(t, dsn, bridge.SystemClock{})
	id := seed(t, s, "kept")
	s2 := openAt(t, dsn, bridge.SystemClock{})
	wantAllMigrations(t, dsn)
	err := s2.View(t.Context(), func(tx bridge.Tx) error {
		_, err := tx.Conversation(t.Context(), id)
		return err
	})
	if err != nil {
		t.Errorf("conversation after a second Open: %v", err)
	}
}

// TestReplicasStartingAtOnceMigrateOnce: several stores opened at once on
// an empty database all start, and each migration is applied once.
func TestReplicasStartingAtOnceMigrateOnce(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	const replicas = 4
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range replicas {
		wg.Go(func() {
			<-start
			s, err := Open(t.Context(), dsn)
			if err != nil {
				t.Errorf("replica %d: Open: %v", i, err)
				return
			}
			_ = s.Close()
		})
	}
	close(start)
	wg.Wait()
	wantAllMigrations(t, dsn)
}

// TestOpenRefusesANewerSchema: a binary must not write to a schema a newer
// version made.
func TestOpenRefusesANewerSchema(t *testing.T) {
	_, dsn := openStore(t, bridge.SystemClock{})
	c, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(t.Context(), `INSERT INTO schema_migrations VALUES (9999, '9999_future', 0)`); err != nil {
		t.Fatal(err)
	}
	_, err = Open(t.Context(), dsn)
	if err == nil || !strings.Contains(err.Error(), "schema version 9999") {
		t.Errorf("Open on a newer schema = %v, want it refused naming the version", err)
	}
}

// TestOpenErrorHidesThePassword: the DSN holds a password, and errors end
// up in logs.
func TestOpenErrorHidesThePassword(t *testing.T) {
	dsn := "postgres://bridge:s3cret-pw@127.0.0.1:1/bridge?sslmode=disable&connect_timeout=5"
	_, err := Open(t.Context(), dsn)
	if err == nil {
		t.Fatal("Open on a closed port succeeded")
	}
	if strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("error shows the password: %v", err)
	}
	if _, err := Open(t.Context(), "postgres://bridge:s3cret-pw@[::1"); err == nil || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("error of a malformed DSN = %v; want one without the password", err)
	}
}

// keyFor is what the engine does for the widget's signing key: read it,
// make and add it when there is none.
func keyFor(ctx context.Context, s *Store, name string, made []byte) ([]byte, error) {
	var key []byte
	err := s.Update(ctx, func(tx bridge.Tx) error {
		var err error
		key, err = tx.Key(ctx, name)
		if !errors.Is(err, bridge.ErrNotFound) {
			return err
		}
		key = made
		return tx.AddKey(ctx, name, key)
	})
	return key, err
}

// TestReplicasStartingTogetherShareOneKey: replicas making a signing key
// at their first start, at once, all end up with the same key, so a
// session one signed is valid on all.
func TestReplicasStartingTogetherShareOneKey(t *testing.T) {
	a, dsn := openStore(t, bridge.SystemClock{})
	b := openAt(t, dsn, bridge.SystemClock{})
	const names, replicas = 10, 8
	for n := range names {
		name := fmt.Sprint("key-", n)
		keys := make([][]byte, replicas)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range replicas {
			wg.Go(func() {
				<-start
				var err error
				keys[i], err = keyFor(t.Context(), []*Store{a, b}[i%2], name, []byte(fmt.Sprint("made by replica ", i)))
				if err != nil {
					t.Errorf("replica %d, %s: %v", i, name, err)
				}
			})
		}
		close(start)
		wg.Wait()
		for i := range keys {
			if string(keys[i]) != string(keys[0]) {
				t.Errorf("%s: replica %d signs with %q, replica 0 with %q", name, i, keys[i], keys[0])
			}
		}
	}
}
