// Package bridgetest holds in-process adapters for testing the engine and
// anything built on it: a user channel and an agent workspace that record
// what they are sent, a notifier, a responder that answers by keyword, and
// a clock that moves only when told.
// They implement the same interfaces as the real adapters, optional
// capabilities included, and can be told to fail.
package bridgetest
