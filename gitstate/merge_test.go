package gitstate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/filetree"
)

const conflicted = "<<<<<<< HEAD\nmemory: 128\n=======\nmemory: 256\n>>>>>>> fcsync/live/r\n"

// mergeFixture is a local branch and a live commit to merge into it. Local
// deleted gone.txt, which the live side changed.
func mergeFixture(t *testing.T) (r *Repo, head, theirs Hash) {
	t.Helper()
	r = newRepo(t)
	base := commitFiles(t, r, "base", filetree.Tree{
		"conf.yaml": file("memory: 64\n"), "keep.txt": file("k"), "mod.txt": file("m1"),
		"del.txt": file("d"), "gone.txt": file("g0"), "bin/run": {Data: []byte("#!/bin/sh\n"), Mode: filetree.Executable},
	})
	if err := os.Remove(filepath.Join(r.Root(), "gone.txt")); err != nil {
		t.Fatal(err)
	}
	head = commitFiles(t, r, "local", filetree.Tree{"conf.yaml": file("memory: 128\n")})
	theirs = mkCommit(t, r, filetree.Tree{
		"conf.yaml": file("memory: 256\n"), "keep.txt": file("k"), "mod.txt": file("m2"),
		"new/c.txt": file("c"), "gone.txt": file("g1"),
	}, "online change", base)
	if err := r.UpdateRef("fcsync/live/r", theirs, ZeroHash); err != nil {
		t.Fatal(err)
	}
	return r, head, theirs
}

var cleanFiles = []MergeFile{
	{Path: "mod.txt", Result: fileP("m2")},
	{Path: "new/c.txt", Result: fileP("c")},
	{Path: "del.txt"},
	{Path: "bin/run", Result: &filetree.File{Data: []byte("#!/bin/sh\nexit 0\n"), Mode: filetree.Executable}},
}

var conflictFiles = append([]MergeFile{
	{Path: "conf.yaml", Result: fileP(conflicted), Conflict: true,
		Base: fileP("memory: 64\n"), Ours: fileP("memory: 128\n"), Theirs: fileP("memory: 256\n")},
	{Path: "gone.txt", Result: fileP("g1"), Conflict: true, Base: fileP("g0"), Theirs: fileP("g1")},
}, cleanFiles...)

func TestCommitMerge(t *testing.T) {
	t.Parallel()
	needGit(t)
	r, head, theirs := mergeFixture(t)
	files := append([]MergeFile{{Path: "conf.yaml", Result: fileP("memory: 256\n")}}, cleanFiles...)
	m, err := r.CommitMerge(theirs, "Merge fcsync/live/r", files, testSig)
	if err != nil {
		t.Fatal(err)
	}
	if got := git(t, r.Root(), "rev-list", "--parents", "-n1", "HEAD"); got != m.String()+" "+head.String()+" "+theirs.String() {
		t.Fatalf("HEAD with parents = %s", got)
	}
	if got := git(t, r.Root(), "status", "--porcelain"); got != "" {
		t.Fatalf("git status after a clean merge:\n%s", got)
	}
	if got := git(t, r.Root(), "rev-parse", "ORIG_HEAD"); got != head.String() {
		t.Fatalf("ORIG_HEAD = %s", got)
	}
	want := filetree.Tree{
		"conf.yaml": file("memory: 256\n"), "keep.txt": file("k"), "mod.txt": file("m2"), "new/c.txt": file("c"),
		"bin/run": {Data: []byte("#!/bin/sh\nexit 0\n"), Mode: filetree.Executable},
	}
	for _, read := range []func() (filetree.Tree, error){
		func() (filetree.Tree, error) { return r.ReadTree(m) },
		func() (filetree.Tree, error) { return r.ReadWorktree("") },
	} {
		got, err := read()
		if err != nil || !got.Equal(want) {
			t.Fatalf("merged files = %v, %v; want %v", got.Paths(), err, want.Paths())
		}
	}
	if busy, _ := r.MergeInProgress(); busy {
		t.Fatal("a clean merge left a merge in progress")
	}
	fsck(t, r)
}

func TestMergeRefusesToOverwriteLocalChanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		dirty func(t *testing.T, r *Repo)
	}{
		{"modified file", func(t *testing.T, r *Repo) { writeFiles(t, r.Root(), filetree.Tree{"mod.txt": file("edited")}) }},
		{"untracked file in the way", func(t *testing.T, r *Repo) { writeFiles(t, r.Root(), filetree.Tree{"new/c.txt": file("mine")}) }},
		{"deleted file", func(t *testing.T, r *Repo) { os.Remove(filepath.Join(r.Root(), "mod.txt")) }},
		{"staged change", func(t *testing.T, r *Repo) {
			needGit(t)
			writeFiles(t, r.Root(), filetree.Tree{"del.txt": file("staged")})
			git(t, r.Root(), "add", "del.txt")
			writeFiles(t, r.Root(), filetree.Tree{"del.txt": file("d")})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, head, theirs := mergeFixture(t)
			tc.dirty(t, r)
			before, err := r.ReadWorktree("")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.CommitMerge(theirs, "m", cleanFiles, testSig); !errors.Is(err, ErrWouldOverwrite) {
				t.Fatalf("CommitMerge = %v, want ErrWouldOverwrite", err)
			}
			if err := r.StartMerge(theirs, "m", conflictFiles); !errors.Is(err, ErrWouldOverwrite) {
				t.Fatalf("StartMerge = %v, want ErrWouldOverwrite", err)
			}
			after, _ := r.ReadWorktree("")
			if _, h, _ := r.Head(); h != head || !after.Equal(before) {
				t.Fatal("a refused merge changed HEAD or the work tree")
			}
		})
	}
	// A file already holding the merge's result is no obstacle.
	r, _, theirs := mergeFixture(t)
	writeFiles(t, r.Root(), filetree.Tree{"new/c.txt": file("c")})
	if _, err := r.CommitMerge(theirs, "m", cleanFiles, testSig); err != nil {
		t.Fatalf("CommitMerge over an identical untracked file = %v", err)
	}
}

func TestStartMergeThenGitCommit(t *testing.T) {
	t.Parallel()
	needGit(t)
	r, head, theirs := mergeFixture(t)
	msg := "Merge fcsync/live/r: function s/f: memorySize 128 -> 256"
	if err := r.StartMerge(theirs, msg, conflictFiles); err != nil {
		t.Fatal(err)
	}
	if busy, err := r.MergeInProgress(); !busy || err != nil {
		t.Fatalf("MergeInProgress = %v, %v", busy, err)
	}
	status := git(t, r.Root(), "status")
	for _, want := range []string{"You have unmerged paths", "both modified:   conf.yaml", "deleted by us:   gone.txt"} {
		if !strings.Contains(status, want) {
			t.Errorf("git status lacks %q:\n%s", want, status)
		}
	}
	stages := git(t, r.Root(), "ls-files", "-u", "--format=%(stage) %(path)")
	if stages != "1 conf.yaml\n2 conf.yaml\n3 conf.yaml\n1 gone.txt\n3 gone.txt" {
		t.Fatalf("unmerged index entries:\n%s", stages)
	}
	if got := git(t, r.Root(), "show", ":2:conf.yaml"); got != "memory: 128" {
		t.Fatalf("stage 2 = %q", got)
	}
	if b, _ := os.ReadFile(filepath.Join(r.Root(), "conf.yaml")); string(b) != conflicted {
		t.Fatalf("conf.yaml = %q", b)
	}
	if err := r.StartMerge(theirs, msg, conflictFiles); !errors.Is(err, ErrMergeInProgress) {
		t.Fatalf("a second StartMerge = %v, want ErrMergeInProgress", err)
	}
	if _, err := r.CommitWorktree("", "x", testSig); !errors.Is(err, ErrMergeInProgress) {
		t.Fatalf("CommitWorktree during a merge = %v", err)
	}
	if dirty, _ := r.DirtyPaths(""); strings.Join(dirty, " ") != "bin/run conf.yaml del.txt gone.txt mod.txt new/c.txt" {
		t.Fatalf("DirtyPaths during the merge = %v", dirty)
	}

	writeFiles(t, r.Root(), filetree.Tree{"conf.yaml": file("memory: 256\n")})
	git(t, r.Root(), "add", "conf.yaml", "gone.txt")
	git(t, r.Root(), "commit", "-q", "--no-edit")
	if got := git(t, r.Root(), "rev-list", "--parents", "-n1", "HEAD"); !strings.HasSuffix(got, " "+head.String()+" "+theirs.String()) {
		t.Fatalf("git commit made %s, want parents %s %s", got, head, theirs)
	}
	if got := git(t, r.Root(), "log", "-1", "--format=%B"); got != msg {
		t.Fatalf("merge message = %q", got)
	}
	if got := git(t, r.Root(), "status", "--porcelain"); got != "" {
		t.Fatalf("git status after concluding:\n%s", got)
	}
	if busy, _ := r.MergeInProgress(); busy {
		t.Fatal("merge still in progress after git commit")
	}
	_, m, _ := r.Head()
	if R, L, ok, err := r.SyncPoint(m, "fcsync/live/r"); !ok || err != nil || R != theirs || L != m {
		t.Fatalf("SyncPoint after the merge = %s %s %v %v", R, L, ok, err)
	}
	fsck(t, r)
}

func TestStartMergeThenGitMergeAbort(t *testing.T) {
	t.Parallel()
	needGit(t)
	r, head, theirs := mergeFixture(t)
	index := git(t, r.Root(), "ls-files", "-s")
	if err := r.StartMerge(theirs, "Merge fcsync/live/r", conflictFiles); err != nil {
		t.Fatal(err)
	}
	git(t, r.Root(), "merge", "--abort")
	if got := git(t, r.Root(), "status", "--porcelain", "--untracked-files=all"); got != "" {
		t.Fatalf("git status after abort:\n%s", got)
	}
	if got := git(t, r.Root(), "ls-files", "-s"); got != index {
		t.Fatalf("index after abort:\n%s\nwant:\n%s", got, index)
	}
	want, err := r.ReadTree(head)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.ReadWorktree(""); err != nil || !got.Equal(want) {
		t.Fatalf("work tree after abort = %v, want HEAD's %v", got.Paths(), want.Paths())
	}
	if _, h, _ := r.Head(); h != head {
		t.Fatalf("HEAD moved to %s", h)
	}
	if busy, _ := r.MergeInProgress(); busy {
		t.Fatal("merge still in progress after abort")
	}
}

// A kill between writing the work tree and moving the branch (issue 7,
// scenario 12) leaves the branch where it was, never a branch ahead of its
// work tree, and the next ResumeMerge finishes the merge.
func TestCommitMergeInterruptedThenResumed(t *testing.T) {
	needGit(t)
	r, head, theirs := mergeFixture(t)
	files := append([]MergeFile{{Path: "conf.yaml", Result: fileP("memory: 256\n")}}, cleanFiles...)
	killed := errors.New("killed")
	testHookBeforeMergeRef = func() error { return killed }
	_, err := r.CommitMerge(theirs, "Merge fcsync/live/r", files, testSig)
	testHookBeforeMergeRef = func() error { return nil }
	if !errors.Is(err, killed) {
		t.Fatalf("CommitMerge: %v, want the simulated kill", err)
	}
	if got := git(t, r.Root(), "rev-parse", "HEAD"); got != head.String() {
		t.Fatalf("HEAD moved to %s before the work tree was complete", got)
	}
	if !r.InterruptedMerge() {
		t.Fatal("the interruption is not detectable")
	}
	m, done, err := r.ResumeMerge()
	if err != nil || !done {
		t.Fatalf("ResumeMerge: %v, %v", done, err)
	}
	if got := git(t, r.Root(), "rev-list", "--parents", "-n1", "HEAD"); got != m.String()+" "+head.String()+" "+theirs.String() {
		t.Fatalf("HEAD after resume: %s", got)
	}
	if st := git(t, r.Root(), "status", "--porcelain"); st != "" {
		t.Fatalf("git status after resume:\n%s", st)
	}
	if r.InterruptedMerge() {
		t.Fatal("marker left behind")
	}
	git(t, r.Root(), "fsck", "--strict")
	if _, done, err := r.ResumeMerge(); done || err != nil {
		t.Fatalf("second ResumeMerge: %v, %v", done, err)
	}
}

// An edit made after the interruption is never overwritten by the resume.
func TestResumeMergeRefusesEditedFiles(t *testing.T) {
	needGit(t)
	r, head, theirs := mergeFixture(t)
	testHookBeforeMergeRef = func() error { return errors.New("killed") }
	_, _ = r.CommitMerge(theirs, "m", cleanFiles, testSig)
	testHookBeforeMergeRef = func() error { return nil }
	if err := os.WriteFile(filepath.Join(r.Root(), "mod.txt"), []byte("edited by hand"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.ResumeMerge(); err == nil || !strings.Contains(err.Error(), "mod.txt") {
		t.Fatalf("ResumeMerge: %v, want a refusal naming mod.txt", err)
	}
	if got, _ := os.ReadFile(filepath.Join(r.Root(), "mod.txt")); string(got) != "edited by hand" {
		t.Fatalf("mod.txt overwritten: %q", got)
	}
	if got := git(t, r.Root(), "rev-parse", "HEAD"); got != head.String() {
		t.Fatalf("HEAD moved: %s", got)
	}
}
