package gitstate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// TestReadDirStatIsLstat checks readDirStat against os.Lstat: names in
// order, modes, sizes, times and the stat data the index compares.
func TestReadDirStatIsLstat(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "b.txt"), []byte("hello"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "a.sh"), []byte("#!/bin/sh\n"), 0o755))
	must(os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	must(os.Symlink("b.txt", filepath.Join(dir, "link")))
	got, err := readDirStat(dir)
	must(err)
	want := []string{"a.sh", "b.txt", "link", "sub"}
	if len(got) != len(want) {
		t.Fatalf("readDirStat = %d entries, want %v", len(got), want)
	}
	for i, e := range got {
		if e.name != want[i] {
			t.Errorf("entry %d = %q, want %q", i, e.name, want[i])
		}
		fi, err := os.Lstat(filepath.Join(dir, e.name))
		must(err)
		if e.fi.Mode() != fi.Mode() || e.fi.Size() != fi.Size() || !e.fi.ModTime().Equal(fi.ModTime()) || e.fi.IsDir() != fi.IsDir() || e.fi.Name() != fi.Name() {
			t.Errorf("%s: readDirStat %v %d %v, Lstat %v %d %v", e.name, e.fi.Mode(), e.fi.Size(), e.fi.ModTime(), fi.Mode(), fi.Size(), fi.ModTime())
		}
		var mine, theirs index.Entry
		fillStat(&mine, e.fi)
		fillStat(&theirs, fi)
		if !mine.CreatedAt.Equal(theirs.CreatedAt) || mine.Dev != theirs.Dev || mine.Inode != theirs.Inode || mine.UID != theirs.UID || mine.GID != theirs.GID {
			t.Errorf("%s: index stat data %+v, Lstat's %+v", e.name, mine, theirs)
		}
	}
}
