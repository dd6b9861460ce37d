package pgtest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// errNoBinaries is why tests skip on a machine without PostgreSQL.
var errNoBinaries = errors.New("no PostgreSQL server binaries (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin; install the postgresql package")

// debianBinDirs is where Debian's packages put each major version's
// binaries, off PATH.
const debianBinDirs = "/usr/lib/postgresql/*/bin"

// findBinDir returns the directory holding initdb and postgres: initdb's
// on PATH, else the newest version's under debianBinDirs. Symlinks are
// resolved, since postgres finds its share directory next to its real path
// and the two must come from one installation.
func findBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && hasServer(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
	}
	dirs, _ := filepath.Glob(debianBinDirs)
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
	for _, d := range dirs {
		if hasServer(d) {
			return d, nil
		}
	}
	return "", errNoBinaries
}

func hasServer(dir string) bool {
	for _, name := range []string{"initdb", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// majorOf reads N from /usr/lib/postgresql/N/bin; 0 when it is no number.
func majorOf(binDir string) int {
	v, _ := strconv.Atoi(strings.TrimSpace(filepath.Base(filepath.Dir(binDir))))
	return v
}
