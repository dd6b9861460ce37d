// Package phrase normalises user text and matches trigger phrases in it.
//
// It is used on every inbound user message (the hot path of the bridge), so
// it is built to do the work once at configuration time and very little per
// message:
//
//   - Normalize folds text into a canonical form: Unicode compatibility
//     decomposition (NFKD), combining marks dropped (so "señora" and
//     "senora", "Über" and "uber" are the same), lower case, and every rune
//     that is neither a letter nor a digit turned into a single space. Two
//     spellings a user would consider "the same words" normalise to the same
//     string; that is what makes matching case-, accent- and punctuation-
//     insensitive without any per-phrase special casing.
//   - Matcher holds the phrase lists of the configured triggers, indexed by
//     their first word, and finds on which trigger a message fires. A phrase
//     matches on word boundaries ("human" is in "a human please" but not in
//     "humane"); the trigger listed first in the configuration wins when
//     several match, because configuration order is priority.
//   - IsYes and IsNo recognise a typed answer to a handoff offer ("would you
//     like to talk to a human?") on channels without buttons.
//
// Scripts written without spaces between words (Han, Hiragana, Katakana,
// Thai, Lao, Khmer, Myanmar) have no word boundaries to match on: a whole
// Chinese sentence would be a single "word" and a phrase like "人工客服"
// could never be found in it. Phrases containing such runes therefore match
// as a plain substring of the normalised text.
//
// Everything here is safe for concurrent use; a Matcher is immutable once
// built, so a configuration reload builds a new one and swaps the pointer.
package phrase
