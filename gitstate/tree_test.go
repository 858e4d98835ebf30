package gitstate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/filetree"
)

// sortTree has names whose git order differs from plain string order: a
// folder sorts as if its name ended in "/", so "foo.bar" < "foo/" < "foo0".
var sortTree = filetree.Tree{
	"foo":                    file("x"),
	"foo.bar":                file("y"),
	"dir/foo/x":              file("nested\n"),
	"dir/foo.bar":            file("z"),
	"dir/foo0":               file("0"),
	"dir/run.sh":             {Data: []byte("#!/bin/sh\necho hi\n"), Mode: filetree.Executable},
	"dir/link":               {Data: []byte("foo/x"), Mode: filetree.Symlink},
	"a/b/c/d/e.txt":          file(""),
	"services/s/functions/f": file("fn"),
}

func TestWriteTreeReadTreeRoundTrip(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	tree, err := r.WriteTree(sortTree)
	if err != nil {
		t.Fatal(err)
	}
	again, err := r.WriteTree(sortTree)
	if err != nil || again != tree {
		t.Fatalf("second WriteTree = %s, %v; want %s", again, err, tree)
	}
	c, err := r.CommitTree(tree, nil, "import", testSig, testSig)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.ReadTree(c)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(sortTree) {
		t.Fatalf("ReadTree = %v, want %v", got.Paths(), sortTree.Paths())
	}
	if th, _ := r.TreeOf(c); th != tree {
		t.Fatalf("TreeOf = %s, want %s", th, tree)
	}
	if ps, _ := r.Parents(c); len(ps) != 0 {
		t.Fatalf("Parents = %v", ps)
	}

	needGit(t)
	fsck(t, r)
	// The same files committed by git give the same tree hash.
	other := filepath.Join(t.TempDir(), "other")
	git(t, t.TempDir(), "init", "-q", other)
	writeFiles(t, other, sortTree)
	git(t, other, "add", "-A")
	if want := git(t, other, "write-tree"); want != tree.String() {
		t.Fatalf("WriteTree = %s, git write-tree = %s", tree, want)
	}
	if msg := git(t, r.Root(), "log", "-1", "--format=%B", c.String()); msg != "import" {
		t.Fatalf("message %q", msg)
	}
}

func TestWriteTreeRejectsBadPaths(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	for _, tc := range []struct {
		name string
		tree filetree.Tree
	}{
		{"empty", filetree.Tree{"": file("x")}},
		{"absolute", filetree.Tree{"/etc/passwd": file("x")}},
		{"double slash", filetree.Tree{"a//b": file("x")}},
		{"dot dot", filetree.Tree{"a/../b": file("x")}},
		{"dot", filetree.Tree{"./b": file("x")}},
		{"dot git", filetree.Tree{".git/config": file("x")}},
		{"nested dot git", filetree.Tree{"a/.GIT/hooks/x": file("x")}},
		{"file and folder", filetree.Tree{"a": file("x"), "a/b": file("y")}},
		{"bad mode", filetree.Tree{"a": {Mode: 7}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if h, err := r.WriteTree(tc.tree); err == nil {
				t.Fatalf("WriteTree = %s, want an error", h)
			}
		})
	}
}

func TestCommitTreeAndUpdateRefLeaveWorktreeAlone(t *testing.T) {
	t.Parallel()
	needGit(t)
	r := newRepo(t)
	head := commitFiles(t, r, "local", filetree.Tree{"fcsync.yaml": file("region: x\n")})
	writeFiles(t, r.Root(), filetree.Tree{"fcsync.yaml": file("region: y\n"), "new.txt": file("n")})
	git(t, r.Root(), "add", "new.txt")
	status := git(t, r.Root(), "status", "--porcelain")
	index := git(t, r.Root(), "ls-files", "-s")

	const live = "fcsync/live/cn-hangzhou"
	if h, err := r.Ref(live); err != nil || !h.IsZero() {
		t.Fatalf("Ref of absent branch = %s, %v", h, err)
	}
	c1 := mkCommit(t, r, filetree.Tree{"services/s/service.yaml": file("a: 1\n"), ".fcsync/live.json": file("{}")}, "import")
	c2 := mkCommit(t, r, filetree.Tree{"services/s/service.yaml": file("a: 2\n")}, "online change", c1)
	c3 := mkCommit(t, r, filetree.Tree{"services/s/service.yaml": file("a: 3\n")}, "online change", c1)

	steps := []struct {
		newH, oldH Hash
		wantErr    error
	}{
		{c1, ZeroHash, nil},
		{c2, ZeroHash, ErrRefChanged}, // must not exist yet, but does
		{c2, c1, nil},
		{c3, c1, ErrRefChanged}, // stale old value
	}
	for i, s := range steps {
		err := r.UpdateRef(live, s.newH, s.oldH)
		if !errors.Is(err, s.wantErr) || (s.wantErr == nil) != (err == nil) {
			t.Fatalf("step %d: UpdateRef = %v, want %v", i, err, s.wantErr)
		}
	}
	if h, _ := r.Ref(live); h != c2 {
		t.Fatalf("live = %s, want %s", h, c2)
	}
	if got := git(t, r.Root(), "rev-parse", live); got != c2.String() {
		t.Fatalf("git rev-parse = %s, want %s", got, c2)
	}
	if got := git(t, r.Root(), "log", "--format=%s", live); got != "online change\nimport" {
		t.Fatalf("git log = %q", got)
	}
	if got := git(t, r.Root(), "reflog", "--format=%H", live); got != c2.String()+"\n"+c1.String() {
		t.Fatalf("git reflog = %q", got)
	}
	if b, h, err := r.Head(); b != "main" || h != head || err != nil {
		t.Fatalf("Head = %s %s %v, want main %s", b, h, err, head)
	}
	if got := git(t, r.Root(), "status", "--porcelain"); got != status {
		t.Fatalf("status changed:\n%s\nwas:\n%s", got, status)
	}
	if got := git(t, r.Root(), "ls-files", "-s"); got != index {
		t.Fatalf("index changed:\n%s\nwas:\n%s", got, index)
	}
	if _, err := os.Stat(filepath.Join(r.common, "refs", "heads", "fcsync", "live", "cn-hangzhou.lock")); !os.IsNotExist(err) {
		t.Fatalf("lock file left behind: %v", err)
	}
	fsck(t, r)
}

func TestUpdateRefPackedAndAncestry(t *testing.T) {
	t.Parallel()
	needGit(t)
	r := newRepo(t)
	c1 := mkCommit(t, r, filetree.Tree{"a": file("1")}, "one")
	c2 := mkCommit(t, r, filetree.Tree{"a": file("2")}, "two", c1)
	other := mkCommit(t, r, filetree.Tree{"a": file("3")}, "other")
	if err := r.UpdateRef("live", c1, ZeroHash); err != nil {
		t.Fatal(err)
	}
	git(t, r.Root(), "pack-refs", "--all")
	if err := r.UpdateRef("live", c2, other); !errors.Is(err, ErrRefChanged) {
		t.Fatalf("UpdateRef over packed ref with stale old = %v", err)
	}
	if err := r.UpdateRef("live", c2, c1); err != nil {
		t.Fatal(err)
	}
	if got := git(t, r.Root(), "rev-parse", "live"); got != c2.String() {
		t.Fatalf("live = %s", got)
	}
	if err := r.UpdateRef("bad..name", c2, ZeroHash); err == nil {
		t.Fatal("invalid branch name accepted")
	}
	for _, tc := range []struct {
		a, b Hash
		want bool
	}{{c1, c2, true}, {c2, c2, true}, {c2, c1, false}, {other, c2, false}} {
		if got, err := r.IsAncestor(tc.a, tc.b); err != nil || got != tc.want {
			t.Errorf("IsAncestor(%s, %s) = %v, %v", short(tc.a), short(tc.b), got, err)
		}
	}
	if ps, _ := r.Parents(c2); len(ps) != 1 || ps[0] != c1 {
		t.Fatalf("Parents = %v", ps)
	}
	fsck(t, r)
}

func TestCommitTreeMessageAndSignature(t *testing.T) {
	t.Parallel()
	needGit(t)
	r := newRepo(t)
	author := Signature{Name: "Function Compute", Email: "fc@123.cn-hangzhou", When: testSig.When}
	c := mkCommit(t, r, filetree.Tree{"a": file("1")}, "x")
	c2, err := r.CommitTree(mustTree(t, r, c), []Hash{c}, "function s/f: memorySize 128 -> 256\n\ncode: 2 files changed", author, testSig)
	if err != nil {
		t.Fatal(err)
	}
	got := git(t, r.Root(), "log", "-1", "--format=%an <%ae> %at|%cn <%ce>|%B", c2.String())
	want := "Function Compute <fc@123.cn-hangzhou> 1700000000|Test User <test@example.com>|function s/f: memorySize 128 -> 256\n\ncode: 2 files changed"
	if strings.TrimSpace(got) != want {
		t.Fatalf("git log = %q\nwant %q", got, want)
	}
	fsck(t, r)
}

func mustTree(t *testing.T, r *Repo, c Hash) Hash {
	t.Helper()
	h, err := r.TreeOf(c)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
