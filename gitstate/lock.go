package gitstate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// lockName is the lock file's name inside the git directory (the common
// one, so that linked worktrees share it with the live branch they share).
const lockName = "fcsync.lock"

// Lock takes the repository's fcsync lock, .git/fcsync.lock, created
// exclusively (see createExclusive) so that of two racing processes exactly one wins. The file
// records the holder's pid, host and start time. When the lock is held,
// Lock returns ErrLocked naming the file and its holder; when the holder is
// a process of this host that no longer exists, the error says the lock is
// stale and how to remove it. Lock never removes a lock it does not own: a
// pid can be reused, and a lock file on a shared disk may belong to another
// host.
//
// release removes the lock file; it must be called once the writes it
// guards are done.
func (r *Repo) Lock() (release func() error, err error) {
	path := filepath.Join(r.common, lockName)
	host, _ := os.Hostname()
	content := fmt.Sprintf("pid %d\nhost %s\nstarted %s\n", os.Getpid(), host, time.Now().Format(time.RFC3339))
	if err := createExclusive(path, content); errors.Is(err, fs.ErrExist) {
		return nil, lockedError(path, host)
	} else if err != nil {
		return nil, fmt.Errorf("gitstate: lock %s: %w", path, err)
	}
	released := false
	return func() error {
		if released {
			return nil
		}
		released = true
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("gitstate: unlock %s: %w", path, err)
		}
		return nil
	}, nil
}

// createExclusive creates path holding content, failing with fs.ErrExist
// when it exists. The content is written to a temporary file first and
// hard-linked into place, so a competitor never reads a lock file that is
// still empty; where hard links are not supported it falls back to
// O_CREATE|O_EXCL.
func createExclusive(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), lockName+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(content)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	err = os.Link(tmp.Name(), path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// WriteMarker writes a file naming this process as a lock file does, for
// a state that a killed process leaves behind (an unfinished clone).
func WriteMarker(path string) error {
	host, _ := os.Hostname()
	content := fmt.Sprintf("pid %d\nhost %s\nstarted %s\n", os.Getpid(), host, time.Now().Format(time.RFC3339))
	return os.WriteFile(path, []byte(content), 0o644)
}

// StaleMarker reports whether the file at path, written by WriteMarker or
// Lock, names a process of this host that no longer runs.
func StaleMarker(path string) bool {
	host, _ := os.Hostname()
	h, ok := readLockHolder(path)
	return ok && h.host == host && !processAlive(h.pid)
}

// lockHolder is what a lock file says about the process holding it.
type lockHolder struct {
	pid     int
	host    string
	started string
}

func readLockHolder(path string) (lockHolder, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return lockHolder{}, false
	}
	var h lockHolder
	for _, line := range strings.Split(string(b), "\n") {
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "pid":
			h.pid, _ = strconv.Atoi(val)
		case "host":
			h.host = val
		case "started":
			h.started = val
		}
	}
	return h, h.pid > 0
}

// lockedError explains a held lock; a holder that cannot be read is most
// likely a process that has created the file and not yet written it.
func lockedError(path, host string) error {
	h, ok := readLockHolder(path)
	if !ok {
		return fmt.Errorf("gitstate: %s: %w by another fcsync process that is starting up", path, ErrLocked)
	}
	if h.host == host && !processAlive(h.pid) {
		return fmt.Errorf("gitstate: %s: %w by pid %d since %s, which no longer runs: "+
			"a stale lock left by a killed process; if no fcsync is running, remove it with: rm %s",
			path, ErrLocked, h.pid, h.started, path)
	}
	where := ""
	if h.host != host {
		where = " on host " + h.host
	}
	return fmt.Errorf("gitstate: %s: %w by pid %d%s since %s; wait for it to finish", path, ErrLocked, h.pid, where, h.started)
}
