package knowledgebase

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Entry is one question and its answer.
type Entry struct {
	// Question is how users typically ask it.
	Question string `yaml:"question"`
	// Answer is sent to the user as is (Markdown).
	Answer string `yaml:"answer"`
	// Keywords are other words users may use for it (synonyms, related
	// terms); they are scored with the question.
	Keywords []string `yaml:"keywords,omitempty"`
}

// Parse reads a YAML list of entries and builds a knowledge base from them.
// Unknown keys are errors, so that a misspelt "answr" does not go unnoticed.
// An empty document gives an empty knowledge base, which never answers.
func Parse(data []byte) (*KB, error) {
	entries, err := parseYAML(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("knowledgebase: parse: %w", err)
	}
	kb, err := New(Options{Entries: entries})
	if err != nil {
		return nil, fmt.Errorf("knowledgebase: parse: %w", err)
	}
	return kb, nil
}

// Load reads the YAML file at path (see Parse).
func Load(path string) (*KB, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("knowledgebase: load: %w", err)
	}
	entries, err := parseYAML(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("knowledgebase: load %s: %w", path, err)
	}
	kb, err := New(Options{Entries: entries})
	if err != nil {
		return nil, fmt.Errorf("knowledgebase: load %s: %w", path, err)
	}
	return kb, nil
}

func parseYAML(r io.Reader) ([]Entry, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var entries []Entry
	if err := dec.Decode(&entries); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil // empty document
		}
		return nil, err
	}
	return entries, nil
}

// LoadDir reads every Markdown file (*.md, *.markdown) of dir, in name
// order, one entry per file: the first non-blank line, "# question", is the
// question; an optional "Keywords: a, b" line right after it lists keywords;
// the rest of the file, trimmed, is the answer. Sub-directories are not
// read. A directory without Markdown files is an error: it is surely not
// the one meant.
func LoadDir(dir string) (*KB, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("knowledgebase: load dir: %w", err)
	}
	var names []string
	for _, de := range des {
		ext := strings.ToLower(filepath.Ext(de.Name()))
		if de.Type().IsRegular() && (ext == ".md" || ext == ".markdown") {
			names = append(names, de.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("knowledgebase: load dir %s: no Markdown (.md) files", dir)
	}
	slices.Sort(names)
	entries := make([]Entry, 0, len(names))
	for _, name := range names {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("knowledgebase: load dir: %w", err)
		}
		e, err := parseMarkdown(data)
		if err != nil {
			return nil, fmt.Errorf("knowledgebase: load dir: %s: %w", path, err)
		}
		entries = append(entries, e)
	}
	kb, err := New(Options{Entries: entries})
	if err != nil {
		return nil, fmt.Errorf("knowledgebase: load dir %s: %w", dir, err)
	}
	return kb, nil
}

// parseMarkdown reads one entry: "# question", optional "Keywords: …", body.
func parseMarkdown(data []byte) (Entry, error) {
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	sc.Buffer(make([]byte, 0, 64*1024), len(data)+1)
	var e Entry
	var body []string
	titled, afterTitle := false, false
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t\r")
		switch {
		case !titled:
			if strings.TrimSpace(line) == "" {
				continue
			}
			q, ok := strings.CutPrefix(strings.TrimSpace(line), "# ")
			if !ok || strings.TrimSpace(q) == "" {
				return Entry{}, fmt.Errorf("first line must be the question as a title (\"# question\"), got %q", line)
			}
			e.Question, titled, afterTitle = strings.TrimSpace(q), true, true
		case afterTitle && strings.TrimSpace(line) == "":
			// blank lines between the title and what follows
		case afterTitle && hasKeywordsPrefix(line):
			afterTitle = false
			for k := range strings.SplitSeq(line[len("keywords:"):], ",") {
				if k = strings.TrimSpace(k); k != "" {
					e.Keywords = append(e.Keywords, k)
				}
			}
		default:
			afterTitle = false
			body = append(body, line)
		}
	}
	if err := sc.Err(); err != nil {
		return Entry{}, err
	}
	if !titled {
		return Entry{}, errors.New("empty file: want \"# question\" then the answer")
	}
	e.Answer = strings.TrimSpace(strings.Join(body, "\n"))
	return e, nil
}

func hasKeywordsPrefix(line string) bool {
	return len(line) >= len("keywords:") && strings.EqualFold(line[:len("keywords:")], "keywords:")
}
