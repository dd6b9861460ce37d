// Package knowledgebase is the default responder of the handoff bridge: it
// answers from a list of question/answer entries, needs no network and no
// model, and says how sure it is.
//
// # Entries
//
// Entries come from YAML (Parse, Load), a list of
//
//	# kb.yaml
//	- question: How do I reset my password?
//	  answer: Open **Settings → Security** and choose *Reset password*.
//	  keywords: [forgot, login, locked out]
//
// or from a folder of Markdown files (LoadDir), one entry per file: the first
// line "# question" is the question, the rest of the file is the answer. An
// optional "Keywords: a, b, c" line right after the title adds keywords.
// Sample returns a small embedded knowledge base about a fictional product,
// used by the zero-configuration default.
//
// # Scoring
//
// The user's message and each entry's question and keywords are reduced to
// normalised tokens: Unicode compatibility decomposition with combining marks
// removed (so "Réinitialiser" matches "reinitialiser"), lower case, split on
// anything that is not a letter or a digit (apostrophes are dropped, so
// "can't" is one token), a small English stop-word list removed (including
// chat fillers such as "hi", "please" and "thanks"), and a light suffix
// stemmer (plurals, -ing, -ed, final e: "shipping", "shipped" and "ships" are
// one term). Entries are ranked with Okapi BM25 (k1 = 1.2, b = 0.75) over
// those tokens; the index is built once, when the knowledge base is made, and
// never changes, so a KB is safe for concurrent use.
//
// # Confidence
//
// A BM25 score has no scale, so the confidence is a ratio: the best entry's
// score divided by the score that same entry would get if it contained every
// term of the message (each missing term counted once, at the entry's own
// length). It is the share of the message's information, weighted by how
// rare each word is (IDF) and with term-frequency saturation, that the entry
// covers, and it lies in [0, 1]:
//
//   - the entry's own question, or a rewording of it that keeps its words
//     (with different stop words, case, accents or punctuation), scores 1;
//   - a message of which the entry covers the rare words but not some others
//     scores in between, lower as more of the message is left unexplained;
//   - a message sharing no term with any entry gets no answer (an empty
//     Reply, confidence 0).
//
// Words that appear in no entry weigh as much as the rarest word the
// knowledge base knows, so a message that is mostly about something else
// scores low even when it shares a common word with an entry.
package knowledgebase
