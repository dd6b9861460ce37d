// Package openai is a responder that asks an OpenAI-compatible chat
// completions endpoint: hosted APIs, and local servers such as Ollama
// (http://localhost:11434/v1), vLLM or llama.cpp. It uses plain net/http and
// encoding/json, no SDK.
//
// Each user message becomes one POST {BaseURL}/chat/completions carrying the
// system prompt, the conversation so far and the new message. History roles
// map as follows: user → "user"; ai → "assistant"; agent → "assistant", the
// text prefixed with the agent's name ("[Ana, human agent] …") since the
// optional "name" field is ignored or restricted by many servers; system
// messages (the bridge's own notices), internal agent notes and deleted
// messages are left out.
//
// The request offers the model one tool, request_human_handoff(reason). When
// the model calls it, the reply asks for a human (Reply.Handoff, with the
// reason and any text the model wrote for the user, confidence 0).
//
// # Confidence
//
// A chat model gives no usable confidence, so an answer in content gets the
// configured Options.Confidence (default 0.9): set it below the deployment's
// minimum confidence to make every LLM answer offer a human, or to 1 to trust
// the model fully. The model asks for a human through the tool instead. An
// empty answer without a tool call is "no answer" (an empty Reply), which the
// engine counts as a miss.
//
// # Errors
//
// A non-2xx status (a *StatusError, with the status and an excerpt of the
// body; 429 and 5xx included), a body that is not the expected JSON, a
// response without choices, a body larger than 1 MiB, and a timeout
// (Options.Timeout or the caller's context) are returned as errors: the engine
// counts them as misses and still answers the user. The API key is sent as a
// Bearer token and never appears in errors or in the Options' printed or
// logged form.
package openai
