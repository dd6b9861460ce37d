// Package whatsapp is the WhatsApp Cloud API user channel, over plain
// net/http: the webhook at /whatsapp/webhook (GET verification, POST
// deliveries checked against X-Hub-Signature-256 before they are parsed),
// text and reply-button messages, read receipts, status updates (a failed
// delivery is reported in the agent thread), and the 24-hour
// customer-service window: an agent reply outside it is refused with a
// clear error in the thread, and a configured template is sent instead.
package whatsapp
