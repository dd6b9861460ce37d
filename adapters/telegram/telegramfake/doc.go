// Package telegramfake is a local Telegram Bot API server for tests and load
// runs. It speaks the real wire protocol (form-encoded method calls answered
// with {"ok":…,"result":…} JSON) so that the real client library
// (go-telegram-bot-api) can be pointed at it with NewBotAPIWithAPIEndpoint
// and Server.Endpoint.
//
// It implements getMe, getUpdates (long polling: offsets confirm updates,
// the request is held until an update arrives or its timeout passes),
// setWebhook/deleteWebhook (getUpdates then answers 409 like Telegram, as
// it does to a call that a newer getUpdates call terminated),
// sendMessage (parse_mode HTML validated like Telegram: malformed markup is
// a 400 "can't parse entities"), editMessageText, deleteMessage,
// answerCallbackQuery, sendChatAction, sendPhoto, sendDocument and getFile
// with file downloads. It enforces Telegram's limits (about one message per
// second per chat with a short burst, 30 per second overall) with 429
// answers carrying parameters.retry_after, and answers 403 "bot was blocked
// by the user" for chats told to Block.
//
// Tests inject what users do with UserSays, UserSends and UserPresses, and
// read what the bot sent per chat with Sent and WaitSent.
package telegramfake
