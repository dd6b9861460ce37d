package knowledgebase

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	kb, err := Parse([]byte(`
- question: When do you open?
  answer: At nine.
  keywords: [hours, schedule]
- question: "  Where are you?  "
  answer: |
    In **Paris**.
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Question: "When do you open?", Answer: "At nine.", Keywords: []string{"hours", "schedule"}},
		{Question: "Where are you?", Answer: "In **Paris**."},
	}
	if !slices.EqualFunc(kb.entries, want, entryEqual) {
		t.Errorf("entries = %+v, want %+v", kb.entries, want)
	}
	if m, _ := kb.Lookup("what is your schedule"); m.Entry.Answer != "At nine." {
		t.Errorf("keyword lookup = %+v", m)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"not YAML", "- question: [unclosed", "knowledgebase: parse: yaml:"},
		{"not a list", "question: a\nanswer: b\n", "knowledgebase: parse: yaml:"},
		{"unknown key", "- question: a\n  answr: b\n", "field answr not found"},
		{"missing answer", "- question: a\n", `knowledgebase: parse: entry 1 ("a"): answer is empty`},
		{"keywords not a list", "- question: a\n  answer: b\n  keywords: 3\n", "knowledgebase: parse: yaml:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kb.yaml")
	if err := os.WriteFile(path, SampleYAML(), 0o600); err != nil {
		t.Fatal(err)
	}
	kb, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if kb.Len() != Sample().Len() {
		t.Errorf("Len = %d, want %d", kb.Len(), Sample().Len())
	}

	_, err = Load(filepath.Join(dir, "missing.yaml"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "knowledgebase: load: ") {
		t.Errorf("Load(missing) error = %v", err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("- question: x\n  answer: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("Load(bad) error = %v, want it to name the file", err)
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadDir(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"b-refunds.md": "# Can I get a refund?\n\nYes, within **30 days**.\n\n- annual plans\n- monthly plans\n",
		"a-hours.md":   "\uFEFF\n# What are your opening hours?\nKeywords: schedule, weekend , \n\nMonday to Friday.\n",
		"c-crlf.MD":    "# Where is the office?\r\n\r\nIn Paris.\r\n",
		"notes.txt":    "# Not an entry\nignored",
		"sub/d.md":     "# Not read either\nignored",
	})
	kb, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Question: "What are your opening hours?", Answer: "Monday to Friday.", Keywords: []string{"schedule", "weekend"}},
		{Question: "Can I get a refund?", Answer: "Yes, within **30 days**.\n\n- annual plans\n- monthly plans"},
		{Question: "Where is the office?", Answer: "In Paris."},
	}
	if !slices.EqualFunc(kb.entries, want, entryEqual) {
		t.Errorf("entries = %q\nwant      %q", kb.entries, want)
	}
	for text, answer := range map[string]string{
		"open on the weekend?": "Monday to Friday.",
		"refunds":              want[1].Answer,
		"office":               "In Paris.",
	} {
		if m, ok := kb.Lookup(text); !ok || m.Entry.Answer != answer || m.Confidence < 0.8 {
			t.Errorf("Lookup(%q) = %+v, %v; want %q", text, m, ok, answer)
		}
	}
}

func TestLoadDirErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no markdown", map[string]string{"readme.txt": "x"}, "no Markdown (.md) files"},
		{"no title", map[string]string{"a.md": "# Good\nok", "b.md": "\n\nJust text.\n"}, "b.md: first line must be the question"},
		{"empty title", map[string]string{"a.md": "# \nanswer"}, "a.md: first line must be the question"},
		{"h2 title", map[string]string{"a.md": "## Question\nanswer"}, "a.md: first line must be the question"},
		{"empty file", map[string]string{"a.md": "\n \n"}, "a.md: empty file"},
		{"no answer", map[string]string{"a.md": "# Question?\nKeywords: a\n"}, "answer is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadDir(writeFiles(t, tt.files))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "knowledgebase: load dir") {
				t.Errorf("LoadDir error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := LoadDir(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadDir(missing) error = %v", err)
	}
}

func TestSampleYAMLIsACopy(t *testing.T) {
	a := SampleYAML()
	a[0] = 'X'
	if SampleYAML()[0] == 'X' {
		t.Error("SampleYAML returned the embedded bytes")
	}
}

func entryEqual(a, b Entry) bool {
	return a.Question == b.Question && a.Answer == b.Answer && slices.Equal(a.Keywords, b.Keywords)
}
