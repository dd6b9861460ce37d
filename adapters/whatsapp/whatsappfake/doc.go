// Package whatsappfake is a local WhatsApp Cloud API for tests and load
// runs: the Graph API send endpoint POST /{version}/{phone-number-id}/messages
// (text, interactive reply buttons validated like the real API, templates,
// media by link, mark-as-read), its error answers (131047 outside the
// 24-hour customer-service window, 131009 for invalid parameters, 130429
// with HTTP 429 when throttled, 190 for a bad token), and helpers that
// build and sign webhook deliveries (X-Hub-Signature-256 = sha256=HMAC of
// the raw body with the app secret) of user messages, button replies and
// status updates.
package whatsappfake
