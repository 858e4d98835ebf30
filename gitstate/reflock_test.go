package gitstate

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fcsync/fcsync/filetree"
)

// A ref's .lock left by a process killed mid-update (issue 9, Killed
// process) stopped every later fetch, pull and push. One older than this
// process is taken over after the wait; a fresh one, which a running git
// may hold, is not.
func TestUpdateRefBreaksStaleRefLock(t *testing.T) {
	r := newRepo(t)
	c := commitFiles(t, r, "one", filetree.Tree{"a": file("a")})
	lock := filepath.Join(r.common, "refs", "heads", "fcsync", "live", "r.lock")
	if err := os.MkdirAll(filepath.Dir(lock), 0o777); err != nil {
		t.Fatal(err)
	}

	if err := os.WriteFile(lock, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := r.UpdateRef("fcsync/live/r", c, ZeroHash); err == nil {
		t.Fatal("a fresh ref lock was broken")
	}

	old := processStart.Add(-time.Minute)
	if err := os.Chtimes(lock, old, old); err != nil {
		t.Fatal(err)
	}
	if err := r.UpdateRef("fcsync/live/r", c, ZeroHash); err != nil {
		t.Fatalf("a ref lock older than the process: %v", err)
	}
	if _, err := os.Stat(lock); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("lock still there: %v", err)
	}
	fsck(t, r)
}
