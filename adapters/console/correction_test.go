package console

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// A correction of a user's message that the console holds no copy of is
// posted as a line: it is the user's own text, so a link in it stays text
// and never becomes a link under the bridge's name.
func TestUserCorrectionLineIsShownAsTyped(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	ana.connect()
	id := w.requestHuman("c-corr", ana)
	ref := bridge.ThreadRef{Workspace: bridge.WorkspaceConsole, ThreadID: id}
	typed := "✏️ Edited: [Sign in again](https://evil.example) **now**"
	if err := w.console.PostToThread(w.ctx, ref, []bridge.ThreadPost{{Role: bridge.RoleUser, Author: "Eve", Text: typed}}); err != nil {
		t.Fatal(err)
	}
	d := ana.waitDetail(id, "the correction line", func(d detailResponse) bool {
		for _, e := range d.Entries {
			if e.Kind == "line" && e.Text == typed {
				return true
			}
		}
		return false
	})
	for _, e := range d.Entries {
		if e.Kind == "line" && e.Text == typed && (e.HTML != "" || strings.Contains(e.HTML, "<a")) {
			t.Errorf("the user's correction is rendered as Markdown: %q", e.HTML)
		}
	}
}
