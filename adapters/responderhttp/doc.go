// Package responderhttp holds what the HTTP-based responders (openai,
// upstream) report the same way: a non-2xx answer as a StatusError with a
// short, clean excerpt of the body.
package responderhttp
