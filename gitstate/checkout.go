package gitstate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/fcsync/fcsync/filetree"
)

// Checkout writes files into the work tree as `git checkout` does: each
// file's blob goes into the object store, the file onto disk, and its index
// entry (with the stat data just written) is kept for Stage, so that git
// and ReadWorktree then see those files clean without reading them back.
// A clone writes thousands of files; creating them is most of its local
// work, which a Checkout lets it do while FC is still answering. Write and
// Remove are safe for concurrent use.
type Checkout struct {
	r  *Repo
	mu sync.Mutex
	// dirs are folders known to be real folders (made here, or checked):
	// no file is written through a symlinked folder.
	dirs    map[string]bool
	written map[string]*index.Entry
	removed map[string]bool
}

// NewCheckout starts a checkout into the work tree.
func (r *Repo) NewCheckout() *Checkout {
	return &Checkout{r: r, dirs: map[string]bool{}, written: map[string]*index.Entry{}, removed: map[string]bool{}}
}

// Write writes f at the repo-relative path p, replacing what is there.
func (c *Checkout) Write(p string, f filetree.File) error {
	if err := filetree.CheckFile(p, f); err != nil {
		return fmt.Errorf("gitstate: write %s: %w", filetree.Quote(p), err)
	}
	h, err := c.r.writeFile(f)
	if err != nil {
		return err
	}
	if err := c.mkdirs(p); err != nil {
		return err
	}
	abs := filepath.Join(c.r.root, filepath.FromSlash(p))
	var fi os.FileInfo
	if f.Mode == filetree.Symlink {
		os.Remove(abs)
		if err = os.Symlink(filepath.FromSlash(string(f.Data)), abs); err == nil {
			fi, err = os.Lstat(abs)
		}
	} else {
		fi, err = create(abs, f)
	}
	if err != nil {
		return fmt.Errorf("gitstate: write %s: %w", p, err)
	}
	e := &index.Entry{Name: p, Hash: h, Mode: gitModes[f.Mode], ModifiedAt: fi.ModTime(), Size: uint32(fi.Size())}
	fillStat(e, fi)
	c.mu.Lock()
	c.written[p] = e
	delete(c.removed, p)
	c.mu.Unlock()
	return nil
}

// create writes a regular file, as a checkout does: the mode's permission
// subject to the umask, a file already there replaced.
func create(abs string, f filetree.File) (os.FileInfo, error) {
	perm := os.FileMode(0o666)
	if f.Mode == filetree.Executable {
		perm = 0o777
	}
	out, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if errors.Is(err, fs.ErrExist) {
		if err = os.Remove(abs); err == nil {
			out, err = os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		}
	}
	if err != nil {
		return nil, err
	}
	_, err = f.WriteTo(out)
	var fi os.FileInfo
	if err == nil {
		fi, err = out.Stat()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return fi, err
}

// mkdirs makes the folders above p, refusing to go through a symlink.
func (c *Checkout) mkdirs(p string) error {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return nil
	}
	dir := p[:i]
	c.mu.Lock()
	known := c.dirs[dir]
	c.mu.Unlock()
	if known {
		return nil
	}
	if err := c.mkdirs(dir); err != nil {
		return err
	}
	abs := filepath.Join(c.r.root, filepath.FromSlash(dir))
	err := os.Mkdir(abs, 0o777)
	if errors.Is(err, fs.ErrExist) {
		fi, lerr := os.Lstat(abs)
		switch {
		case lerr != nil:
			err = lerr
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("gitstate: %s: refusing to write beyond the symlink %s", p, abs)
		case fi.IsDir():
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("gitstate: write %s: %w", p, err)
	}
	c.mu.Lock()
	c.dirs[dir] = true
	c.mu.Unlock()
	return nil
}

// Written returns the blob and mode the checkout wrote at p.
func (c *Checkout) Written(p string) (Hash, filetree.Mode, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.written[p]
	if !ok {
		return ZeroHash, 0, false
	}
	m, _ := treeMode(e.Mode)
	return e.Hash, m, true
}

// Paths lists the paths the checkout wrote.
func (c *Checkout) Paths() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.written))
	for p := range c.written {
		out = append(out, p)
	}
	return out
}

// Remove deletes the file at p, written by the checkout, and the folders
// it leaves empty.
func (c *Checkout) Remove(p string) error {
	c.mu.Lock()
	delete(c.written, p)
	c.removed[p] = true
	c.dirs = map[string]bool{} // folders may go
	c.mu.Unlock()
	return c.r.removeWorkFile(p)
}

// Stage records the files written in the index, at stage 0, and drops
// the entries of the files removed.
func (c *Checkout) Stage() error {
	idx, err := c.r.readIndex()
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	kept := make([]*index.Entry, 0, len(idx.Entries)+len(c.written))
	for _, e := range idx.Entries {
		if _, ok := c.written[e.Name]; !ok && !c.removed[e.Name] {
			kept = append(kept, e)
		}
	}
	for _, e := range c.written {
		kept = append(kept, e)
	}
	return c.r.writeIndex(kept)
}
