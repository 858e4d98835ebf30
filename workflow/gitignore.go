package workflow

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ignoredByDefault are the .gitignore lines clone and init write: the
// files that hold secrets by convention (.env, used to set the variables
// that ${env:NAME} references read) and editors' leftovers, which would
// otherwise sit untracked beside the project, one `git add -A` away from
// history.
var ignoredByDefault = []string{".env", ".env.*", "*.swp", "*.swo", "*~", ".#*", ".DS_Store", ".idea/", ".vscode/"}

// writeGitignore makes dir/.gitignore ignore ignoredByDefault, adding the
// lines it lacks to an existing file and keeping the rest.
func writeGitignore(dir string) error {
	path := filepath.Join(dir, ".gitignore")
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(old), "\n") {
		have[strings.TrimSpace(line)] = true
	}
	var add []string
	for _, line := range ignoredByDefault {
		if !have[line] {
			add = append(add, line)
		}
	}
	if len(add) == 0 {
		return nil
	}
	text := string(old)
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	text += "# added by fcsync: secrets (.env) and editor leftovers are never committed\n" + strings.Join(add, "\n") + "\n"
	return os.WriteFile(path, []byte(text), 0o644)
}
