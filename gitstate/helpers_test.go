package gitstate

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fcsync/fcsync/filetree"
)

// testSig signs test commits; a fixed time makes hashes reproducible and
// puts every commit in one second, which the history order must handle.
var testSig = Signature{Name: "Test User", Email: "test@example.com", When: time.Unix(1700000000, 0).UTC()}

// newRepo initialises a repository in a fresh folder, with a home folder
// for the git command line that holds only a user identity.
func newRepo(t *testing.T) *Repo {
	t.Helper()
	r, err := Init(filepath.Join(t.TempDir(), "repo"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// needGit skips a test that verifies with the git command line when there
// is none.
func needGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

// gitEnv isolates the git command line from the machine's configuration.
func gitEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	cfg := "[user]\n\tname = Git User\n\temail = git@example.com\n[init]\n\tdefaultBranch = main\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_EDITOR=true", "LC_ALL=C")
}

// git runs the git command line in dir and returns its trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := gitErr(t, dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func gitErr(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(t)
	out, err := cmd.CombinedOutput()
	return strings.TrimRight(string(out), "\n"), err
}

// fsck asserts that git finds nothing wrong with the repository.
func fsck(t *testing.T, r *Repo) {
	t.Helper()
	out, err := gitErr(t, r.Root(), "fsck", "--strict", "--no-progress", "--no-dangling")
	for _, line := range strings.Split(out, "\n") {
		if line != "" && !strings.HasPrefix(line, "notice:") {
			err = errors.New(line)
		}
	}
	if err != nil {
		t.Fatalf("git fsck --strict: %v\n%s", err, out)
	}
}

// writeFiles writes a tree into the work tree.
func writeFiles(t *testing.T, root string, files filetree.Tree) {
	t.Helper()
	for p, f := range files {
		abs := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		os.Remove(abs)
		var err error
		switch f.Mode {
		case filetree.Symlink:
			err = os.Symlink(string(f.Data), abs)
		case filetree.Executable:
			err = os.WriteFile(abs, f.Data, 0o755)
		default:
			err = os.WriteFile(abs, f.Data, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// commitFiles writes files into the work tree and commits the whole work
// tree on the current branch through gitstate.
func commitFiles(t *testing.T, r *Repo, msg string, files filetree.Tree) Hash {
	t.Helper()
	writeFiles(t, r.Root(), files)
	h, err := r.CommitWorktree("", msg, testSig)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// mkCommit writes a commit of tree t with the given parents, touching no ref.
func mkCommit(t *testing.T, r *Repo, files filetree.Tree, msg string, parents ...Hash) Hash {
	t.Helper()
	tree, err := r.WriteTree(files)
	if err != nil {
		t.Fatal(err)
	}
	h, err := r.CommitTree(tree, parents, msg, testSig, testSig)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func file(s string) filetree.File { return filetree.File{Data: []byte(s)} }

func fileP(s string) *filetree.File { f := file(s); return &f }
