// Package webfake is a scripted web widget: a Go client of the widget's
// WebSocket protocol, speaking the same JSON frames as widget.js. Tests use
// it to drive the real server over loopback, and cmd/widget-load uses it to
// open thousands of sessions.
package webfake
