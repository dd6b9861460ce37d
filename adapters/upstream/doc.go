// Package upstream is a responder that asks the team's existing bot over a
// webhook: each user message is POSTed as JSON to a configured URL, and the
// bot's JSON answer becomes the reply.
//
// The request body:
//
//	{
//	  "conversation_id": "42",
//	  "channel": "telegram",
//	  "language": "en",
//	  "text": "And on Sundays?",
//	  "history": [
//	    {"role": "user", "text": "When are you open?"},
//	    {"role": "ai", "text": "9 to 5."},
//	    {"role": "agent", "author": "Ana", "text": "Ana here."}
//	  ]
//	}
//
// conversation_id is a string (safe for JavaScript consumers); history is
// the conversation so far, oldest first, with the bridge's roles (user, ai,
// agent, system) and, for agents, their display name; internal agent notes
// and deleted messages are left out. With Options.Secret set, the request
// carries "X-Bridge-Signature: sha256=<hex HMAC-SHA256 of the body>" so the
// bot can check it comes from the bridge.
//
// The expected answer (200, or any 2xx):
//
//	{"text": "We are closed on Sundays.", "confidence": 0.8, "handoff": false, "reason": ""}
//
// An empty text without handoff, or an empty body (such as a 204 No
// Content), is "no answer" (an empty Reply). A missing confidence with a text means Options.Confidence
// (default 0.9); a handoff without a text has confidence 0. A confidence
// outside [0, 1] is rejected as an error rather than clamped: a bot sending
// percentages (85) or scores on another scale would otherwise be silently
// misread as always or never sure.
//
// Errors — a non-2xx status (a *StatusError, with the status and a body
// excerpt; 429 and 5xx included), a body that is not the expected JSON, a
// body larger than 1 MiB, a rejected confidence, and a timeout (Options.Timeout
// or the caller's context) — are returned to the engine, which counts them as
// misses and still answers the user.
package upstream
