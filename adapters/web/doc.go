// Package web is the embeddable web widget: a user channel the bridge serves
// itself. One <script src="…/widget.js"> tag puts a chat launcher on any
// page; the widget talks to the bridge over a WebSocket at /ws, and the
// bridge serves a demo page at /.
//
// The store is the source of truth. Every message a user sees is stored
// before it is delivered, and its message id travels with it, so a widget
// that reconnects asks for everything after the last id it saw and gets each
// message exactly once, in order, whether it arrived live or while the
// widget was away. With several replicas on one database, a frame is pushed to the
// sockets of the replica that sends it and told to the others through
// bridge.Fanout; a replica that may have missed notices catches its
// sockets up from the store in the same way. Sessions are identified by a signed token the widget
// keeps in localStorage: a reload or a second tab resumes the same
// conversation.
//
// Markdown from agents and the AI is rendered on the server with goldmark
// (raw HTML dropped, dangerous URLs emptied, links opened in a new tab with
// rel="noopener noreferrer"); user text is always shown as text.
package web
