package slack

import (
	"testing"

	slackgo "github.com/slack-go/slack"
)

func sectionText(t *testing.T, b slackgo.Block) string {
	t.Helper()
	s, ok := b.(*slackgo.SectionBlock)
	if !ok || s.Text == nil {
		t.Fatalf("block %T is not a section with text", b)
	}
	return s.Text.Text
}
