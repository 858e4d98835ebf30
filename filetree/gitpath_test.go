package filetree

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// dotGitSpellings are names that are the .git folder on some platform git
// supports (issue 9, hole 1); each must be refused.
var dotGitSpellings = []string{
	".git", ".GIT", ".Git", ".git ", ".git.", ".git. . ", ".git:stream", ".git::$INDEX_ALLOCATION",
	"git~1", "GIT~1", "Git~1.", "git~1 ",
	".g\u200cit", "\u200c.git", ".git\u200d", ".\u200fgi\u206at", ".GI\ufeffT", ".g\u202eit",
	"x\\.git", ".git\\x",
}

// harmless are names close to those above that git accepts.
var harmless = []string{
	".gitx", ".git-x", "git", "git~2", "xgit~1", ".gi", "..git", ".g it", ".g\u00e9it",
	".gitmodules", ".gitignore", ".gitattributes", ".mailmap", "git~1x", "\xff.git", ".g\xffit",
}

func TestCheckPathRefusesDotGit(t *testing.T) {
	for _, name := range dotGitSpellings {
		for _, p := range []string{name, "code/" + name, name + "/HEAD", "a/" + name + "/config"} {
			err := CheckPath(p, Regular)
			if !errors.Is(err, ErrUnsafePath) || !strings.Contains(err.Error(), ".git folder") {
				t.Errorf("CheckPath(%q) = %v, want a .git refusal", p, err)
			}
		}
	}
	for _, name := range harmless {
		if err := CheckPath("code/"+name, Regular); err != nil {
			t.Errorf("CheckPath(%q) = %v, want nil", "code/"+name, err)
		}
	}
}

func TestCheckPathShape(t *testing.T) {
	for p, want := range map[string]string{
		"":        "has no name",
		"/etc/x":  "absolute",
		"a//b":    "empty path element",
		"a/./b":   `"." path element`,
		"a/../b":  `".." path element`,
		"..":      `".." path element`,
		"a/b/":    "empty path element",
		"a\x00b":  "NUL",
		"ok/file": "",
	} {
		err := CheckPath(p, Regular)
		if (want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("CheckPath(%q) = %v, want %q", p, err, want)
		}
	}
}

func TestCheckPathMetaSymlinks(t *testing.T) {
	for _, name := range []string{".gitmodules", ".GITMODULES", ".gitmodules .", "gitmod~1", "GI7EBA~1",
		"gi7eba~9", ".gitattributes", "gitatt~2", ".gitignore", "gi250a~1", ".mailmap", "maba30~3",
		".g\u200citmodules"} {
		if err := CheckPath("code/"+name, Symlink); err == nil {
			t.Errorf("symlink %q accepted", name)
		}
		if err := CheckPath("code/"+name, Regular); err != nil {
			t.Errorf("regular file %q: %v", name, err)
		}
	}
	for _, name := range []string{"gitmod~5", "gi7eba~a", ".gitmodulesx", "gi7ebb~1"} {
		if err := CheckPath("code/"+name, Symlink); err != nil {
			t.Errorf("symlink %q: %v", name, err)
		}
	}
}

// TestCheckPathAgreesWithGitFsck puts every name into a tree with git's own
// plumbing and asks `git fsck --strict`: whatever fsck calls a .git must be
// refused, and what CheckPath refuses as .git fsck must report too.
func TestCheckPathAgreesWithGitFsck(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command line")
	}
	dir := t.TempDir()
	git := func(stdin string, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil && args[0] != "fsck" {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("", "init", "-q")
	blob := git("x", "hash-object", "-w", "--stdin")
	treeOf := map[string]string{} // tree hash -> name
	var names []string
	for _, n := range append(append([]string(nil), dotGitSpellings...), harmless...) {
		if strings.ContainsAny(n, "/\\") || !validUTF8OrHarmless(n) {
			continue // one tree entry each; backslashes are git's Windows-only rule
		}
		names = append(names, n)
	}
	for i, n := range names {
		tree := git(fmt.Sprintf("100644 blob %s\t%s\n", blob, n), "mktree")
		treeOf[tree] = n
		commit := git("", "commit-tree", "-m", "x", tree)
		git("", "update-ref", fmt.Sprintf("refs/heads/t%d", i), commit)
	}
	bad := map[string]bool{}
	for _, line := range strings.Split(git("", "fsck", "--strict"), "\n") {
		if rest, ok := strings.CutPrefix(line, "error in tree "); ok && strings.Contains(line, "hasDotgit") {
			bad[treeOf[strings.SplitN(rest, ":", 2)[0]]] = true
		}
	}
	for _, n := range names {
		refused := CheckPath(n, Regular) != nil
		if refused != bad[n] {
			t.Errorf("%q: CheckPath refuses: %v, git fsck reports hasDotgit: %v", n, refused, bad[n])
		}
	}
}

func validUTF8OrHarmless(n string) bool { return !strings.ContainsRune(n, 0) }
