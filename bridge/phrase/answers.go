package phrase

// Typed answers to a handoff offer ("would you like to talk to a human?"),
// for channels without buttons. Written as a user would type them; they are
// normalised once at start-up, so "d'accord" is stored as "d accord" and
// "não" as "nao", exactly what Normalize makes of the user's message.
var (
	yesAnswers = answerSet(
		// en
		"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "please",
		"yes please", "of course",
		// fr
		"oui", "d'accord", "ouais", "oui merci",
		// es (si also covers it), pt
		"sí", "claro", "vale", "sim",
		// de
		"ja", "gerne", "ja bitte",
		// it
		"certo",
	)
	noAnswers = answerSet(
		// en (no also covers es, it)
		"no", "n", "nope", "nah", "no thanks", "no thank you",
		// fr
		"non", "non merci",
		// de
		"nein", "nein danke",
		// pt
		"não",
		// es, it
		"no gracias", "no grazie",
	)
)

func answerSet(answers ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(answers))
	for _, a := range answers {
		m[Normalize(a)] = struct{}{}
	}
	return m
}

// IsYes reports whether text, as a whole, is an affirmative answer such as
// "yes", "Yes 👍", "oui !" or "Sí.". The whole message must be the answer
// (trailing punctuation and emoji aside): "yes but what about pricing"
// is a new question, not a yes, and must go on to the responder rather than
// start a handoff; neither IsYes nor IsNo accepts it.
func IsYes(text string) bool { return isAnswer(text, yesAnswers) }

// IsNo reports whether text, as a whole, is a negative answer such as "no",
// "No thanks.", "non", "nein", "não". See IsYes for why the whole message
// must be the answer.
func IsNo(text string) bool { return isAnswer(text, noAnswers) }

func isAnswer(text string, answers map[string]struct{}) bool {
	n := getNormalizer()
	n.appendString(text)
	_, ok := answers[string(n.out)]
	putNormalizer(n)
	return ok
}
