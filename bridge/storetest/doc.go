// Package storetest is the conformance suite of bridge.Store: the contract
// every store implementation must keep, written against the bridge
// interfaces alone, so that each implementation runs the same tests.
//
// # Running it for a new store
//
// A store's own package calls Run from a test, with a function that opens a
// new, empty store for each subtest:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, clock bridge.Clock) bridge.Store {
//			s, err := mystore.Open(t.Context(), freshDatabase(t), mystore.WithClock(clock))
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// The opener must give every call a database of its own (a file in
// t.TempDir(), a schema or database created for the test and dropped in a
// t.Cleanup), with its schema in place and nothing in it. The store must
// take the times a caller leaves zero (CreatedAt, UpdatedAt, At, NextTry)
// from clock, which the suite moves by hand. The suite closes the store at
// the end of each subtest and fails it if Close fails.
//
// # What the suite expects beside the interface comments
//
//   - Times come back as the same instant, to the nanosecond, in UTC. A
//     database with coarser timestamps stores them as integers (bridge/sqlite
//     keeps unix nanoseconds).
//   - Every value round-trips: what a Create or Add stored, a lookup returns
//     equal (reflect.DeepEqual) to the caller's copy after the call.
//   - Updates run as if one after another: concurrent read-modify-write
//     Updates lose nothing, and an Update that fails undoes only its own
//     writes, even when the store commits several Updates together.
//   - A lookup of a missing thing, and a write to a missing row, return an
//     error wrapping bridge.ErrNotFound; a write inside View fails.
//
// The optional capabilities bridge.Inbox and bridge.DeliveryLog are tested
// when the store implements them, and skipped otherwise.
//
// Tests of what is particular to one implementation (its connection pools,
// its migrations, its encoding) stay in that implementation's package.
package storetest
