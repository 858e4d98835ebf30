package gitstate

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fcsync/fcsync/filetree"
)

// A tree read from git holds its files' hashes, not their bytes: comparing
// trees, hashing them and writing them again never reads a blob (issue 12:
// a no-op fetch of a 50 MB function held it several times over).
func TestReadTreeIsLazy(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	big := filetree.File{Data: make([]byte, 1<<20)}
	files := filetree.Tree{"code/big.bin": big, "code/index.py": file("print(1)\n"), "link": {Data: []byte("code/index.py"), Mode: filetree.Symlink}}
	th, err := r.WriteTree(files)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.CommitTree(th, nil, "lazy", testSig, testSig)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := Open(r.Root())
	if err != nil {
		t.Fatal(err)
	}
	got, err := fresh.ReadTree(c)
	if err != nil {
		t.Fatal(err)
	}
	if !got["code/big.bin"].Lazy() || got["link"].Lazy() || string(got["link"].Data) != "code/index.py" {
		t.Fatalf("ReadTree: big.bin lazy %v, link lazy %v", got["code/big.bin"].Lazy(), got["link"].Lazy())
	}
	// Without its object, the blob cannot be read: what follows proves it
	// is not read.
	obj := fresh.loosePath(Hash(big.Hash()))
	if err := os.Chmod(obj, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(obj, obj+".away"); err != nil {
		t.Fatal(err)
	}
	if !got.Equal(files) {
		t.Fatal("the lazy tree differs from the one written")
	}
	if h, err := fresh.TreeHash(got); err != nil || h != th {
		t.Fatalf("TreeHash = %s, %v; want %s", h, err, th)
	}
	got["code/index.py"] = file("print(2)\n")
	if _, err := fresh.WriteTree(got); err != nil {
		t.Fatalf("WriteTree of a lazy tree read the blob: %v", err)
	}
	if _, err := got["code/big.bin"].Bytes(); err == nil {
		t.Fatal("the blob moved away was still read")
	}
	if err := os.Rename(obj+".away", obj); err != nil {
		t.Fatal(err)
	}
	data, err := got["code/big.bin"].Bytes()
	if err != nil || len(data) != 1<<20 {
		t.Fatalf("Bytes = %d bytes, %v", len(data), err)
	}
	needGit(t)
	fsck(t, fresh)
}

// A work-tree file whose stat data matches its index entry is taken to hold
// the entry's blob without being read, as git does; a file changed since,
// even to the same size, is read.
func TestReadWorktreeTrustsTheIndex(t *testing.T) {
	needGit(t)
	t.Parallel()
	r := newRepo(t)
	writeFiles(t, r.Root(), filetree.Tree{"a.txt": file("one"), "b.txt": file("two")})
	git(t, r.Root(), "add", "-A")
	// Past git's racy-clean window: the index must be newer than the files.
	time.Sleep(10 * time.Millisecond)
	git(t, r.Root(), "update-index", "--really-refresh")
	git(t, r.Root(), "commit", "-qm", "files")
	writeFiles(t, r.Root(), filetree.Tree{"b.txt": file("TWO")})
	got, err := r.ReadWorktree("")
	if err != nil {
		t.Fatal(err)
	}
	if !got["a.txt"].Lazy() {
		t.Error("a.txt, unchanged since git add, was read")
	}
	if got["b.txt"].Lazy() || string(got["b.txt"].Data) != "TWO" {
		t.Errorf("b.txt, changed to the same size: lazy %v, %q", got["b.txt"].Lazy(), got["b.txt"].Data)
	}
	if data, err := got["a.txt"].Bytes(); err != nil || string(data) != "one" {
		t.Errorf("a.txt reads %q, %v", data, err)
	}
	if dirty, err := r.DirtyPaths(""); err != nil || len(dirty) != 1 || dirty[0] != "b.txt" {
		t.Errorf("DirtyPaths = %v, %v; want [b.txt]", dirty, err)
	}
	// A file no older than the index (it may have changed within the
	// index's own timestamp) is read: git's racy-clean rule.
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(r.Root(), ".git", "index"), past, past); err != nil {
		t.Fatal(err)
	}
	if got, err = r.ReadWorktree(""); err != nil || got["a.txt"].Lazy() {
		t.Errorf("a racily clean file was not read: %v", err)
	}
}

// readIndex decodes what git writes (version 2, and 3 with intent-to-add
// and skip-worktree entries) exactly as go-git's decoder does.
func TestReadIndexAsGoGit(t *testing.T) {
	needGit(t)
	t.Parallel()
	r := newRepo(t)
	long := strings.Repeat(strings.Repeat("d", 200)+"/", 20) + "f" // beyond 0xfff bytes
	writeFiles(t, r.Root(), filetree.Tree{"a.txt": file("a"), "sub/b.sh": {Data: []byte("b"), Mode: filetree.Executable},
		"new.txt": file("n"), long: file("long")})
	git(t, r.Root(), "add", "a.txt", "sub/b.sh", long)
	for _, args := range [][]string{nil, {"add", "-N", "new.txt"}, {"update-index", "--skip-worktree", "a.txt"}} {
		if args != nil {
			git(t, r.Root(), args...)
		}
		got, err := r.readIndex()
		if err != nil {
			t.Fatal(err)
		}
		want, err := r.repo.Storer.Index()
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Entries) != len(want.Entries) || got.Version != want.Version {
			t.Fatalf("after %v: %d entries of version %d, go-git %d of %d", args, len(got.Entries), got.Version, len(want.Entries), want.Version)
		}
		for i, e := range got.Entries {
			if !reflect.DeepEqual(*e, *want.Entries[i]) {
				t.Errorf("after %v: entry %d = %+v, go-git %+v", args, i, *e, *want.Entries[i])
			}
		}
	}
}

// A Checkout writes files as git checkout does: git status then sees them
// staged and clean, and ReadWorktree takes them as the index says without
// reading them. It never writes through a symlinked folder.
func TestCheckout(t *testing.T) {
	needGit(t)
	t.Parallel()
	r := newRepo(t)
	co := r.NewCheckout()
	files := filetree.Tree{"p/a.txt": file("a"), "p/sub/run.sh": {Data: []byte("#!/bin/sh\n"), Mode: filetree.Executable},
		"p/link": {Data: []byte("a.txt"), Mode: filetree.Symlink}, "p/gone.txt": file("x")}
	for _, p := range files.Paths() {
		if err := co.Write(p, files[p]); err != nil {
			t.Fatal(err)
		}
	}
	if err := co.Write("p/a.txt", file("A")); err != nil {
		t.Fatal(err)
	}
	if err := co.Remove("p/gone.txt"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // the index newer than the files: not racily clean
	if err := co.Stage(); err != nil {
		t.Fatal(err)
	}
	if got := git(t, r.Root(), "status", "--porcelain"); got != "A  p/a.txt\nA  p/link\nA  p/sub/run.sh" {
		t.Fatalf("git status after Stage:\n%s", got)
	}
	got, err := r.ReadWorktree("p")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !got["p/a.txt"].Lazy() || !got["p/sub/run.sh"].Lazy() || got["p/sub/run.sh"].Mode != filetree.Executable {
		t.Fatalf("ReadWorktree after Stage: %v", got)
	}
	if data, _ := got["p/a.txt"].Bytes(); string(data) != "A" {
		t.Fatalf("p/a.txt holds %q", data)
	}
	if err := os.Symlink(t.TempDir(), filepath.Join(r.Root(), "out")); err != nil {
		t.Fatal(err)
	}
	if err := r.NewCheckout().Write("out/x.txt", file("x")); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Fatalf("write through a symlinked folder: %v", err)
	}
}
