package gitstate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// UpdateRef moves refs/heads/<branch> from oldH to newH by compare-and-swap:
// when the branch does not hold oldH (ZeroHash: when it already exists) it
// returns ErrRefChanged and changes nothing. It never touches HEAD, the index
// or the work tree; a reflog entry records the move.
func (r *Repo) UpdateRef(branch string, newH, oldH Hash) error {
	return r.updateRef(plumbing.NewBranchReferenceName(branch), newH, oldH, "fcsync: update "+branch)
}

// lockWait bounds how long a ref or index update waits for a git process
// that holds the same file's .lock.
const lockWait = 2 * time.Second

// createLockFile creates path+".lock" exclusively, git's protocol for
// updating refs and the index, waiting briefly for a concurrent holder.
func createLockFile(path string) (*os.File, error) {
	return createLock(path, false)
}

// processStart is when this process started, to date lock files.
var processStart = time.Now()

// createLock is createLockFile; with breakStale, a lock file still there
// after the wait and older than this process is removed and taken: for a
// ref under fcsync's own lock, that is the debris of a process killed in
// the middle of the update (git holds a ref's lock for milliseconds), and
// leaving it would stop every later fetch, pull and push.
func createLock(path string, breakStale bool) (*os.File, error) {
	lock := path + ".lock"
	deadline := time.Now().Add(lockWait)
	for {
		f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			return f, nil
		}
		if errors.Is(err, fs.ErrExist) && time.Now().After(deadline) && breakStale {
			if fi, serr := os.Stat(lock); serr == nil && fi.ModTime().Before(processStart) && os.Remove(lock) == nil {
				breakStale = false
				continue
			}
		}
		if !errors.Is(err, fs.ErrExist) || time.Now().After(deadline) {
			return nil, fmt.Errorf("gitstate: create %s (another git process may be running; remove the file if none is): %w", lock, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// commitLockFile writes data into the lock file and renames it over path.
func commitLockFile(f *os.File, path string, data []byte) error {
	lock := f.Name()
	_, err := f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(lock, path)
	}
	if err != nil {
		os.Remove(lock)
		return fmt.Errorf("gitstate: write %s: %w", path, err)
	}
	return nil
}

func (r *Repo) updateRef(name plumbing.ReferenceName, newH, oldH Hash, reflogMsg string) error {
	if err := name.Validate(); err != nil {
		return fmt.Errorf("gitstate: ref %q: %w", name, err)
	}
	if newH.IsZero() {
		return fmt.Errorf("gitstate: update %s: new value is the zero hash", name)
	}
	if _, err := r.commit(newH); err != nil {
		return err
	}
	path := filepath.Join(r.common, filepath.FromSlash(string(name)))
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return fmt.Errorf("gitstate: update %s: %w", name, err)
	}
	f, err := createLock(path, true)
	if err != nil {
		return err
	}
	cur, err := r.ref(name)
	if err == nil && cur != oldH {
		err = fmt.Errorf("gitstate: %s is %s, expected %s: %w", name, short(cur), short(oldH), ErrRefChanged)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := commitLockFile(f, path, []byte(newH.String()+"\n")); err != nil {
		return err
	}
	return r.writeReflog(name, oldH, newH, reflogMsg)
}

// writeReflog appends the move to the ref's reflog and, when HEAD points at
// the ref, to HEAD's, as git does.
func (r *Repo) writeReflog(name plumbing.ReferenceName, oldH, newH Hash, msg string) error {
	sig := r.UserSignature()
	line := fmt.Sprintf("%s %s %s <%s> %d %s\t%s\n", oldH, newH, clean(sig.Name), clean(sig.Email),
		sig.When.Unix(), sig.When.Format("-0700"), msg)
	logs := []string{filepath.Join(r.common, "logs", filepath.FromSlash(string(name)))}
	r.gitMu.Lock()
	head, err := r.repo.Storer.Reference(plumbing.HEAD)
	r.gitMu.Unlock()
	if err == nil &&
		head.Type() == plumbing.SymbolicReference && head.Target() == name {
		logs = append(logs, filepath.Join(r.gitDir, "logs", "HEAD"))
	}
	for _, p := range logs {
		if err := appendFile(p, line); err != nil {
			return fmt.Errorf("gitstate: reflog of %s: %w", name, err)
		}
	}
	return nil
}

func appendFile(path, s string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// short abbreviates a hash for messages; the zero hash reads "absent".
func short(h Hash) string {
	if h.IsZero() {
		return "absent"
	}
	return h.String()[:12]
}
