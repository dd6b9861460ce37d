// Package telegram is the Telegram user channel: users chat with a Telegram
// bot, and after a handoff with an agent, without leaving Telegram.
//
// Updates arrive by long polling (the default; the offset is kept in the
// store and advanced only after an update is handled, so a restart neither
// repeats nor skips one) or by webhook at /telegram/webhook, verified with
// the X-Telegram-Bot-Api-Secret-Token header. Messages go out in Telegram's
// HTML parse mode: agent Markdown is converted with every piece of text
// escaped, and long messages are split at 4,096 characters on safe
// boundaries. The offer is an inline keyboard; "agent is typing" is
// sendChatAction; agent edits and deletions change the delivered message.
// 429 answers become bridge.RetryAfterError and a user who blocked the bot
// (403) a bridge.PermanentError, which the engine reports in the thread.
package telegram
