// Package handofflink serves the stable link of a handoff, the one every
// notification carries: GET /handoffs/{id} answers a redirect to the
// handoff's thread on its platform (a Slack permalink, a Discord thread,
// the web console), looked up when the link is clicked. So a notification
// written before the thread exists, such as handoff.requested, still leads
// to it, and an agent never lands on a dead link: while the thread is not
// open, or when the platform cannot say where it is, the link leads to the
// handoff in the web console.
//
// The route needs no login: handoff ids are small numbers anyone can
// guess, so the answer reveals nothing of the conversation, only the
// address of the thread, which itself needs a login to the workspace.
package handofflink
