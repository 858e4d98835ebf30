package gitstate

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/filetree"
)

func TestOpenAndInit(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	if b, _, err := r.Head(); b != "main" || !errors.Is(err, ErrNoHead) {
		t.Fatalf("Head of a new repository = %q, %v; want main, ErrNoHead", b, err)
	}
	sub := filepath.Join(r.Root(), "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{sub, r.Root()} {
		o, err := Open(p)
		if err != nil || o.Root() != r.Root() {
			t.Fatalf("Open(%s) root = %v, %v; want %s", p, o, err, r.Root())
		}
	}
	again, err := Init(sub)
	if err != nil || again.Root() != r.Root() {
		t.Fatalf("Init inside a work tree = %v, %v; want the existing repository", again, err)
	}
	if _, err := os.Stat(filepath.Join(sub, ".git")); !os.IsNotExist(err) {
		t.Fatal("Init created a nested repository")
	}
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNotRepository) {
		t.Fatalf("Open outside a repository = %v", err)
	}
	needGit(t)
	if got := git(t, r.Root(), "symbolic-ref", "HEAD"); got != "refs/heads/main" {
		t.Fatalf("HEAD = %s", got)
	}
}

// porcelainPaths lists the paths `git status` reports, sorted.
func porcelainPaths(t *testing.T, r *Repo) []string {
	t.Helper()
	out := git(t, r.Root(), "status", "--porcelain", "--untracked-files=all", "--no-renames")
	var ps []string
	for _, line := range strings.Split(out, "\n") {
		if line != "" {
			ps = append(ps, strings.Trim(line[3:], `"`))
		}
	}
	sort.Strings(ps)
	return ps
}

func TestReadWorktreeIgnoresLikeGit(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	writeFiles(t, r.Root(), filetree.Tree{
		".gitignore":              file("*.log\nbuild/\n!keep.log\n"),
		"app/.gitignore":          file("secret.txt\n"),
		"app/main.py":             file("print(1)\n"),
		"app/run.sh":              {Data: []byte("#!/bin/sh\n"), Mode: filetree.Executable},
		"app/link":                {Data: []byte("main.py"), Mode: filetree.Symlink},
		"app/secret.txt":          file("s"),
		"app/debug.log":           file("d"),
		"app/keep.log":            file("k"),
		"build/out.bin":           file("b"),
		"other/secret.txt":        file("not ignored here"),
		"tracked/build/force.txt": file("tracked although ignored"),
	})
	if err := os.WriteFile(filepath.Join(r.common, "info", "exclude"), []byte("*.tmp\n"), 0o644); err != nil {
		if err := os.MkdirAll(filepath.Join(r.common, "info"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(r.common, "info", "exclude"), []byte("*.tmp\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, r.Root(), filetree.Tree{"app/x.tmp": file("t")})
	needGit(t)
	git(t, r.Root(), "add", "-f", "tracked/build/force.txt")

	got, err := r.ReadWorktree("")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".gitignore", "app/.gitignore", "app/keep.log", "app/link", "app/main.py", "app/run.sh",
		"other/secret.txt", "tracked/build/force.txt"}
	if !reflect.DeepEqual(got.Paths(), want) {
		t.Fatalf("ReadWorktree = %v\nwant %v", got.Paths(), want)
	}
	if got["app/run.sh"].Mode != filetree.Executable || got["app/link"].Mode != filetree.Symlink ||
		string(got["app/link"].Data) != "main.py" || got["app/main.py"].Mode != filetree.Regular {
		t.Fatalf("modes: %+v", got)
	}
	// The same paths git status sees as untracked or added.
	if ps := porcelainPaths(t, r); !reflect.DeepEqual(ps, want) {
		t.Fatalf("git status paths = %v\nwant %v", ps, want)
	}
	// A nested repository is its own, not part of this one.
	git(t, r.Root(), "init", "-q", "nested")
	writeFiles(t, r.Root(), filetree.Tree{"nested/file": file("in a nested repository")})
	if again, _ := r.ReadWorktree(""); !reflect.DeepEqual(again.Paths(), want) {
		t.Fatalf("ReadWorktree with a nested repository = %v", again.Paths())
	}
	sub, err := r.ReadWorktree("app/")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"app/.gitignore", "app/keep.log", "app/link", "app/main.py", "app/run.sh"}; !reflect.DeepEqual(sub.Paths(), want) {
		t.Fatalf("ReadWorktree(app) = %v", sub.Paths())
	}
	one, err := r.ReadWorktree("app/main.py")
	if err != nil || !reflect.DeepEqual(one.Paths(), []string{"app/main.py"}) {
		t.Fatalf("ReadWorktree(file) = %v, %v", one.Paths(), err)
	}
	for _, ignored := range []string{"build", "app/debug.log", "app/secret.txt"} {
		if got, err := r.ReadWorktree(ignored); err != nil || len(got) != 0 {
			t.Fatalf("ReadWorktree(%s), which is ignored = %v, %v", ignored, got.Paths(), err)
		}
	}
	if got, err := r.ReadWorktree("tracked/build"); err != nil || !reflect.DeepEqual(got.Paths(), []string{"tracked/build/force.txt"}) {
		t.Fatalf("ReadWorktree(tracked/build) = %v, %v", got.Paths(), err)
	}
	if err := os.Symlink(t.TempDir(), filepath.Join(r.Root(), "out")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadWorktree("out/x"); err == nil {
		t.Fatal("ReadWorktree followed a symlinked folder out of the work tree")
	}
	none, err := r.ReadWorktree("missing")
	if err != nil || len(none) != 0 {
		t.Fatalf("ReadWorktree(missing) = %v, %v", none, err)
	}
	if _, err := r.ReadWorktree("../escape"); err == nil {
		t.Fatal("a prefix outside the work tree was accepted")
	}
}

func TestDirtyPathsAndCommitWorktree(t *testing.T) {
	t.Parallel()
	needGit(t)
	r := newRepo(t)
	writeFiles(t, r.Root(), filetree.Tree{
		".gitignore":       file("*.log\n"),
		"proj/fcsync.yaml": file("region: x\n"),
		"proj/a.txt":       file("a"),
		"proj/b.txt":       file("b"),
		"proj/run.sh":      {Data: []byte("#!/bin/sh\n"), Mode: filetree.Executable},
		"proj/link":        {Data: []byte("a.txt"), Mode: filetree.Symlink},
		"proj/debug.log":   file("ignored"),
		"other.txt":        file("o"),
	})
	dirty, err := r.DirtyPaths("proj")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"proj/a.txt", "proj/b.txt", "proj/fcsync.yaml", "proj/link", "proj/run.sh"}; !reflect.DeepEqual(dirty, want) {
		t.Fatalf("DirtyPaths on an unborn branch = %v", dirty)
	}

	first, err := r.CommitWorktree("proj", "first", testSig)
	if err != nil {
		t.Fatal(err)
	}
	if b, h, err := r.Head(); b != "main" || h != first || err != nil {
		t.Fatalf("Head = %s %s %v", b, h, err)
	}
	if got := git(t, r.Root(), "ls-tree", "-r", "--format=%(objectmode) %(path)", "HEAD"); got !=
		"100644 proj/a.txt\n100644 proj/b.txt\n100644 proj/fcsync.yaml\n120000 proj/link\n100755 proj/run.sh" {
		t.Fatalf("committed tree:\n%s", got)
	}
	// Only what lies outside the prefix is left for git status.
	if ps := porcelainPaths(t, r); !reflect.DeepEqual(ps, []string{".gitignore", "other.txt"}) {
		t.Fatalf("git status after CommitWorktree(proj) = %v", ps)
	}
	if _, err := r.CommitWorktree("proj", "again", testSig); !errors.Is(err, ErrNothingToCommit) {
		t.Fatalf("CommitWorktree with nothing changed = %v", err)
	}

	// Modify, delete, add, chmod; stage a change outside the prefix.
	writeFiles(t, r.Root(), filetree.Tree{
		"proj/a.txt":   file("a2"),
		"proj/new.txt": file("n"),
		"proj/b.txt":   {Data: []byte("b"), Mode: filetree.Executable},
	})
	if err := os.Remove(filepath.Join(r.Root(), "proj", "run.sh")); err != nil {
		t.Fatal(err)
	}
	git(t, r.Root(), "add", "other.txt")
	dirty, err = r.DirtyPaths("proj")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"proj/a.txt", "proj/b.txt", "proj/new.txt", "proj/run.sh"}
	if !reflect.DeepEqual(dirty, want) {
		t.Fatalf("DirtyPaths(proj) = %v, want %v", dirty, want)
	}
	all, _ := r.DirtyPaths("")
	if ps := porcelainPaths(t, r); !reflect.DeepEqual(all, ps) {
		t.Fatalf("DirtyPaths(\"\") = %v, git status = %v", all, ps)
	}

	second, err := r.CommitWorktree("proj", "second", testSig)
	if err != nil {
		t.Fatal(err)
	}
	if got := git(t, r.Root(), "rev-parse", "HEAD^"); got != first.String() {
		t.Fatalf("parent = %s", got)
	}
	if got := git(t, r.Root(), "status", "--porcelain"); got != "A  other.txt\n?? .gitignore" {
		t.Fatalf("git status after CommitWorktree = %q; the staged file outside the prefix must stay staged", got)
	}
	tree, err := r.ReadTree(second)
	if err == nil {
		tree, err = tree.Loaded()
	}
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"proj/a.txt", "proj/b.txt", "proj/fcsync.yaml", "proj/link", "proj/new.txt"}; !reflect.DeepEqual(tree.Paths(), want) {
		t.Fatalf("tree = %v", tree.Paths())
	}
	if tree["proj/b.txt"].Mode != filetree.Executable || string(tree["proj/a.txt"].Data) != "a2" {
		t.Fatalf("tree = %+v", tree)
	}
	if dirty, _ := r.DirtyPaths("proj"); len(dirty) != 0 {
		t.Fatalf("DirtyPaths after commit = %v", dirty)
	}
	// Unstaged edits and staged-then-reverted edits are both dirty.
	writeFiles(t, r.Root(), filetree.Tree{"proj/a.txt": file("a3")})
	git(t, r.Root(), "add", "proj/a.txt")
	writeFiles(t, r.Root(), filetree.Tree{"proj/a.txt": file("a2"), "proj/fcsync.yaml": file("region: y\n")})
	all, _ = r.DirtyPaths("")
	if ps := porcelainPaths(t, r); !reflect.DeepEqual(all, ps) {
		t.Fatalf("DirtyPaths(\"\") = %v, git status = %v", all, ps)
	}
	if dirty, _ := r.DirtyPaths("proj"); !reflect.DeepEqual(dirty, []string{"proj/a.txt", "proj/fcsync.yaml"}) {
		t.Fatalf("DirtyPaths = %v", dirty)
	}
	// git itself is happy to continue from what gitstate wrote.
	git(t, r.Root(), "commit", "-q", "-m", "by git")
	fsck(t, r)
}

// CommitWorktreeSome commits tracked changes and the new files chosen,
// and leaves other untracked files out of the commit and the index.
func TestCommitWorktreeSome(t *testing.T) {
	t.Parallel()
	needGit(t)
	r := newRepo(t)
	writeFiles(t, r.Root(), filetree.Tree{"fcsync.yaml": file("region: x\n"), "notes.txt": file("n")})
	git(t, r.Root(), "add", "notes.txt")
	if _, err := r.CommitWorktreeSome("", func(p string) bool { return p == "fcsync.yaml" }, "first", testSig); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, r.Root(), filetree.Tree{
		"notes.txt":                    file("changed"),
		".env":                         file("DB_PASSWORD=x"),
		"services/s/service.yaml":      file("description: d\n"),
		"services/s/functions/f/x.txt": file("x"),
	})
	tracked, err := r.Tracked("")
	if err != nil || !tracked["notes.txt"] || tracked[".env"] {
		t.Fatalf("Tracked = %v, %v", tracked, err)
	}
	project := func(p string) bool { return strings.HasPrefix(p, "services/") }
	if _, err := r.CommitWorktreeSome("", project, "second", testSig); err != nil {
		t.Fatal(err)
	}
	got := git(t, r.Root(), "ls-tree", "-r", "--name-only", "HEAD")
	if want := "fcsync.yaml\nnotes.txt\nservices/s/functions/f/x.txt\nservices/s/service.yaml"; got != want {
		t.Fatalf("HEAD holds\n%s\nwant\n%s", got, want)
	}
	if got := git(t, r.Root(), "status", "--porcelain"); got != "?? .env" {
		t.Fatalf("git status: %q", got)
	}
	git(t, r.Root(), "fsck", "--strict")
}
