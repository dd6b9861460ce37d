package deploytest

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// dockerfile is what the tests need from the Dockerfile.
type dockerfile struct {
	// args are the ARG defaults.
	args map[string]string
	// env is the final image's ENV.
	env map[string]string
	// build is the RUN line of `go build`, split into shell words,
	// variables not yet expanded.
	build []string
	// healthcheck, entrypoint and cmd are exec forms (JSON arrays).
	healthcheck, entrypoint, cmd []string
}

func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// readDockerfile parses the instructions the tests rely on. It is no
// general parser: it knows the forms our Dockerfile uses, and fails the
// test on one it does not find.
func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := dockerfile{args: map[string]string{}, env: map[string]string{}}
	var lines []string
	var cont strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		if s, ok := strings.CutSuffix(line, `\`); ok {
			cont.WriteString(s + " ")
			continue
		}
		cont.WriteString(line)
		lines = append(lines, cont.String())
		cont.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, line := range lines {
		instr, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(instr) {
		case "FROM":
			// A new stage: ENV is the final stage's.
			clear(d.env)
		case "ARG":
			name, value, _ := strings.Cut(rest, "=")
			d.args[name] = value
		case "ENV":
			name, value, _ := strings.Cut(rest, "=")
			d.env[name] = value
		case "RUN":
			if words := shellWords(rest); strings.Contains(rest, "go build") {
				d.build = words
			}
		case "HEALTHCHECK":
			_, cmd, _ := strings.Cut(rest, "CMD ")
			d.healthcheck = execForm(t, cmd)
		case "ENTRYPOINT":
			d.entrypoint = execForm(t, rest)
		case "CMD":
			d.cmd = execForm(t, rest)
		}
	}
	if d.build == nil || d.healthcheck == nil || d.entrypoint == nil || d.cmd == nil {
		t.Fatalf("Dockerfile: no go build, HEALTHCHECK, ENTRYPOINT or CMD found: %+v", d)
	}
	return d
}

func execForm(t *testing.T, s string) []string {
	t.Helper()
	var argv []string
	if err := json.Unmarshal([]byte(s), &argv); err != nil || len(argv) == 0 {
		t.Fatalf("Dockerfile: %q is not an exec form: %v", s, err)
	}
	return argv
}

// shellWords splits a command line on blanks outside double quotes, which
// it removes; enough for our RUN lines.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}
