// Package enginetest is what every test harness that runs the real engine
// needs around it: a SQLite store in the test's temp dir, a logger that
// writes to the test's log, and its runners (the engine, the adapters)
// started in the background and stopped, waited for, before the store
// closes.
//
// The in-process adapters those harnesses register (a recording user
// channel, workspace, notifier, a scripted responder, a clock) are package
// bridge/bridgetest; this package only frames them.
package enginetest
