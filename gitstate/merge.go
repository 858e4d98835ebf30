package gitstate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/fcsync/fcsync/filetree"
)

// ErrWouldOverwrite means a merge would overwrite a file whose work-tree or
// index content differs from HEAD's; nothing was written.
var ErrWouldOverwrite = errors.New("uncommitted changes would be overwritten by the merge")

// MergeFile is one path of a merge whose result the caller computed.
// Result is what the work tree gets (nil deletes the path); for a
// conflicted path it holds the file with conflict markers. Base, Ours and
// Theirs are set only for conflicted paths (nil: absent on that side) and
// become the index's stages 1, 2 and 3.
type MergeFile struct {
	Path               string
	Result             *filetree.File
	Base, Ours, Theirs *filetree.File
	Conflict           bool
}

// MergeInProgress reports whether .git/MERGE_HEAD exists.
func (r *Repo) MergeInProgress() (bool, error) {
	_, err := os.Stat(filepath.Join(r.gitDir, "MERGE_HEAD"))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("gitstate: %w", err)
	}
	return true, nil
}

func (r *Repo) noMergeInProgress() error {
	busy, err := r.MergeInProgress()
	if err == nil && busy {
		err = fmt.Errorf("gitstate: %w (conclude it with git commit or undo it with git merge --abort)", ErrMergeInProgress)
	}
	return err
}

// CommitMerge records a clean merge of theirs into the current branch: it
// writes the merge commit (parents HEAD and theirs) with HEAD's tree changed
// by files, moves the branch by compare-and-swap, then writes the files to
// the work tree and the index at stage 0. ORIG_HEAD is left at the old HEAD,
// as git merge leaves it.
func (r *Repo) CommitMerge(theirs Hash, msg string, files []MergeFile, sig Signature) (Hash, error) {
	branch, head, err := r.mergeStart(theirs, files)
	if err != nil {
		return ZeroHash, err
	}
	entries, err := r.commitEntries(head)
	if err != nil {
		return ZeroHash, err
	}
	for _, f := range files {
		if f.Conflict {
			return ZeroHash, fmt.Errorf("gitstate: commit merge: %s is conflicted", f.Path)
		}
		if f.Result == nil {
			delete(entries, f.Path)
			continue
		}
		h, err := r.writeFile(*f.Result)
		if err != nil {
			return ZeroHash, err
		}
		entries[f.Path] = entry{h, f.Result.Mode}
	}
	tree, err := r.writeEntries(entries)
	if err != nil {
		return ZeroHash, err
	}
	c, err := r.CommitTree(tree, []Hash{head, theirs}, msg, sig, sig)
	if err != nil {
		return ZeroHash, err
	}
	// git's order: work tree and index first, the branch last, so that a
	// kill in between never leaves a branch whose files the work tree does
	// not hold (they would read as thousands of staged local changes). The
	// marker, written first, makes such an interruption resumable.
	if err := r.writeGitFile(mergeMarker, fmt.Sprintf("%s %s %s\n", head, c, branch)); err != nil {
		return ZeroHash, err
	}
	if err := r.writeGitFile("ORIG_HEAD", head.String()+"\n"); err != nil {
		return ZeroHash, err
	}
	if err := r.applyMerge(files); err != nil {
		return ZeroHash, fmt.Errorf("gitstate: merge %s interrupted, the work tree was not fully updated (the next fcsync pull finishes it): %w", short(c), err)
	}
	if err := testHookBeforeMergeRef(); err != nil {
		return ZeroHash, err
	}
	if err := r.updateRef(refName(branch), c, head, "merge "+theirs.String()+": Merge made by fcsync"); err != nil {
		return ZeroHash, err
	}
	if err := os.Remove(filepath.Join(r.gitDir, mergeMarker)); err != nil {
		return ZeroHash, fmt.Errorf("gitstate: %w", err)
	}
	return c, nil
}

// testHookBeforeMergeRef lets a test stop CommitMerge where a kill would:
// work tree and index written, branch not moved.
var testHookBeforeMergeRef = func() error { return nil }

// mergeMarker, in the git directory, holds "OLD NEW BRANCH" while
// CommitMerge writes the work tree and index: present afterwards, it means a
// merge was interrupted before the branch moved from OLD to NEW.
const mergeMarker = "FCSYNC_MERGE"

// InterruptedMerge reports whether a clean merge was interrupted before
// its branch moved.
func (r *Repo) InterruptedMerge() bool {
	_, err := os.Stat(filepath.Join(r.gitDir, mergeMarker))
	return err == nil
}

// ResumeMerge finishes a merge that CommitMerge started and a kill
// interrupted: it writes the merge commit's files into the work tree and
// index again and moves the branch. It returns the merge commit and true
// when it finished one. It refuses to overwrite a file that holds neither
// the old nor the merged content (an edit made since), and forgets the
// interruption when the branch has moved on.
func (r *Repo) ResumeMerge() (Hash, bool, error) {
	data, err := os.ReadFile(filepath.Join(r.gitDir, mergeMarker))
	if errors.Is(err, fs.ErrNotExist) {
		return ZeroHash, false, nil
	}
	if err != nil {
		return ZeroHash, false, fmt.Errorf("gitstate: %w", err)
	}
	var oldS, newS, branch string
	if _, err := fmt.Sscanf(string(data), "%s %s %s", &oldS, &newS, &branch); err != nil {
		return ZeroHash, false, fmt.Errorf("gitstate: %s: %w", mergeMarker, err)
	}
	oldH, newH := plumbing.NewHash(oldS), plumbing.NewHash(newS)
	forget := func() error { return os.Remove(filepath.Join(r.gitDir, mergeMarker)) }
	cur, err := r.Ref(branch)
	if err != nil {
		return ZeroHash, false, err
	}
	if cur != oldH {
		return ZeroHash, false, forget() // finished, or the branch moved on
	}
	before, err := r.commitEntries(oldH)
	if err != nil {
		return ZeroHash, false, err
	}
	after, err := r.commitEntries(newH)
	if err != nil {
		return ZeroHash, false, err
	}
	var files []MergeFile
	var edited []string
	for _, p := range unionPaths(before, after) {
		b, inBefore := before[p]
		a, inAfter := after[p]
		if inBefore == inAfter && b == a {
			continue
		}
		mf := MergeFile{Path: p}
		if inAfter {
			f := r.lazyFile(a.hash, a.mode)
			if a.mode == filetree.Symlink {
				if f, err = f.Loaded(); err != nil {
					return ZeroHash, false, err
				}
			}
			mf.Result = &f
		}
		w, onDisk, err := r.workFile(p)
		if err != nil {
			return ZeroHash, false, err
		}
		holds := func(e entry, in bool) bool {
			return !in && !onDisk || in && onDisk && (entry{Hash(w.Hash()), w.Mode}) == e
		}
		if !holds(b, inBefore) && !holds(a, inAfter) {
			edited = append(edited, p)
		}
		files = append(files, mf)
	}
	if len(edited) > 0 {
		return ZeroHash, false, fmt.Errorf("gitstate: an interrupted merge (%s) cannot be finished: these files were edited since: %s", short(newH), strings.Join(edited, ", "))
	}
	if err := r.applyMerge(files); err != nil {
		return ZeroHash, false, err
	}
	if err := r.updateRef(refName(branch), newH, oldH, "merge: finished an interrupted merge made by fcsync"); err != nil {
		return ZeroHash, false, err
	}
	return newH, true, forget()
}

func unionPaths(a, b map[string]entry) []string {
	var out []string
	for p := range a {
		out = append(out, p)
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// StartMerge leaves a merge of theirs in progress exactly as `git merge`
// does when it stops on conflicts: the files are written to the work tree,
// clean paths are staged at stage 0 and conflicted ones as stages 1/2/3,
// and MERGE_HEAD, MERGE_MSG, MERGE_MODE and ORIG_HEAD are written. `git
// commit` then concludes it and `git merge --abort` undoes it.
func (r *Repo) StartMerge(theirs Hash, msg string, files []MergeFile) error {
	_, head, err := r.mergeStart(theirs, files)
	if err != nil {
		return err
	}
	if err := r.applyMerge(files); err != nil {
		return err
	}
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	for _, f := range []struct{ name, content string }{
		{"ORIG_HEAD", head.String() + "\n"},
		{"MERGE_MSG", msg},
		{"MERGE_MODE", ""},
		// MERGE_HEAD last: its presence is what says a merge is in progress.
		{"MERGE_HEAD", theirs.String() + "\n"},
	} {
		if err := r.writeGitFile(f.name, f.content); err != nil {
			return err
		}
	}
	return nil
}

// mergeStart checks what both merge kinds need: a branch with a commit, no
// merge in progress, theirs a commit, valid paths, and no path whose
// uncommitted content the merge would overwrite.
func (r *Repo) mergeStart(theirs Hash, files []MergeFile) (string, Hash, error) {
	if err := r.noMergeInProgress(); err != nil {
		return "", ZeroHash, err
	}
	branch, head, err := r.Head()
	if err != nil {
		return "", ZeroHash, err
	}
	if branch == "" {
		return "", ZeroHash, fmt.Errorf("gitstate: merge: HEAD is detached, not on a branch")
	}
	if _, err := r.commit(theirs); err != nil {
		return "", ZeroHash, err
	}
	for _, f := range files {
		if err := validPath(f.Path); err != nil {
			return "", ZeroHash, err
		}
	}
	if err := r.checkOverwrite(head, files); err != nil {
		return "", ZeroHash, err
	}
	return branch, head, nil
}

// checkOverwrite refuses a merge that would lose uncommitted work: a path
// whose index entry or work-tree file differs from HEAD, unless the work
// tree already holds the merge's result.
func (r *Repo) checkOverwrite(head Hash, files []MergeFile) error {
	headEntries, err := r.commitEntries(head)
	if err != nil {
		return err
	}
	idx, err := r.readIndex()
	if err != nil {
		return err
	}
	staged := map[string]*index.Entry{}
	for _, e := range idx.Entries {
		staged[e.Name] = e
	}
	var dirty []string
	for _, f := range files {
		h, inHead := headEntries[f.Path]
		if e, ok := staged[f.Path]; ok != inHead || (ok && (e.Hash != h.hash || e.Mode != gitModes[h.mode] || e.Stage != stageMerged)) {
			dirty = append(dirty, f.Path)
			continue
		}
		w, onDisk, err := r.workFile(f.Path)
		if err != nil {
			return err
		}
		switch {
		case !onDisk && (!inHead || f.Result == nil):
		case onDisk && inHead && (entry{Hash(w.Hash()), w.Mode}) == h:
		case onDisk && f.Result != nil && w.Equal(*f.Result):
		default:
			dirty = append(dirty, f.Path)
		}
	}
	if len(dirty) > 0 {
		sort.Strings(dirty)
		return fmt.Errorf("gitstate: %w: %s", ErrWouldOverwrite, strings.Join(dirty, ", "))
	}
	return nil
}

// workFile reads the work-tree file at p, if there is one.
func (r *Repo) workFile(p string) (filetree.File, bool, error) {
	fi, err := os.Lstat(filepath.Join(r.root, filepath.FromSlash(p)))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return filetree.File{}, false, nil
	}
	if err != nil {
		return filetree.File{}, false, fmt.Errorf("gitstate: stat %s: %w", p, err)
	}
	return r.readWorkFile(p, fi)
}

// applyMerge writes the merge's files to the work tree (deletions first, so
// a file can replace a folder and the reverse) and records them in the
// index: stage 0 for clean paths, stages 1-3 for conflicted ones.
func (r *Repo) applyMerge(files []MergeFile) error {
	sorted := append([]MergeFile(nil), files...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return (sorted[i].Result == nil) && (sorted[j].Result != nil)
	})
	touched := map[string]bool{}
	var add []*index.Entry
	for _, f := range sorted {
		touched[f.Path] = true
		if f.Result == nil {
			if err := r.removeWorkFile(f.Path); err != nil {
				return err
			}
		} else if err := r.writeWorkFile(f.Path, *f.Result); err != nil {
			return err
		}
		if f.Conflict {
			for stage, side := range map[index.Stage]*filetree.File{
				index.AncestorMode: f.Base, index.OurMode: f.Ours, index.TheirMode: f.Theirs,
			} {
				if side == nil {
					continue
				}
				h, err := r.writeFile(*side)
				if err != nil {
					return err
				}
				add = append(add, unmergedEntry(f.Path, h, side.Mode, stage))
			}
			continue
		}
		if f.Result != nil {
			h, err := r.writeFile(*f.Result)
			if err != nil {
				return err
			}
			e, err := r.stagedEntry(f.Path, h, f.Result.Mode)
			if err != nil {
				return err
			}
			add = append(add, e)
		}
	}
	idx, err := r.readIndex()
	if err != nil {
		return err
	}
	kept := add
	for _, e := range idx.Entries {
		if !touched[e.Name] {
			kept = append(kept, e)
		}
	}
	return r.writeIndex(kept)
}

// writeWorkFile replaces one work-tree file atomically (a temporary file
// renamed over it), refusing to write through a symlinked folder, which
// could lead outside the work tree.
func (r *Repo) writeWorkFile(p string, f filetree.File) error {
	abs := filepath.Join(r.root, filepath.FromSlash(p))
	if err := r.noSymlinkAbove(p); err != nil {
		return err
	}
	dir := filepath.Dir(abs)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fmt.Errorf("gitstate: write %s: %w", p, err)
	}
	tmp := filepath.Join(dir, ".fcsync-"+filepath.Base(abs)+".tmp")
	os.Remove(tmp)
	var err error
	if f.Mode == filetree.Symlink {
		err = os.Symlink(filepath.FromSlash(string(f.Data)), tmp)
	} else {
		perm := os.FileMode(0o644)
		if f.Mode == filetree.Executable {
			perm = 0o755
		}
		err = f.WriteFile(tmp, perm)
		if err == nil {
			err = os.Chmod(tmp, perm) // WriteFile's mode is subject to the umask
		}
	}
	if err == nil {
		err = os.Rename(tmp, abs)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("gitstate: write %s: %w", p, err)
	}
	return nil
}

// removeWorkFile deletes a work-tree file and the folders it leaves empty.
func (r *Repo) removeWorkFile(p string) error {
	if err := r.noSymlinkAbove(p); err != nil {
		return err
	}
	abs := filepath.Join(r.root, filepath.FromSlash(p))
	if err := os.Remove(abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("gitstate: remove %s: %w", p, err)
	}
	for dir := filepath.Dir(abs); dir != r.root && strings.HasPrefix(dir, r.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty, or gone
		}
	}
	return nil
}

func (r *Repo) noSymlinkAbove(p string) error {
	parts := strings.Split(p, "/")
	dir := r.root
	for _, el := range parts[:len(parts)-1] {
		dir = filepath.Join(dir, el)
		fi, err := os.Lstat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("gitstate: %s: %w", p, err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("gitstate: %s: refusing to write beyond the symlink %s", p, dir)
		}
	}
	return nil
}

// writeGitFile writes a file of the git directory (MERGE_HEAD and friends)
// atomically.
func (r *Repo) writeGitFile(name, content string) error {
	path := filepath.Join(r.gitDir, name)
	f, err := createLockFile(path)
	if err != nil {
		return err
	}
	return commitLockFile(f, path, []byte(content))
}

func refName(branch string) plumbing.ReferenceName {
	return plumbing.NewBranchReferenceName(branch)
}

// WriteGitFile writes a file of fcsync's own in the git directory
// atomically; ReadGitFile reads one (ok false when absent); RemoveGitFile
// removes one. They hold state that belongs to this repository only and
// must not travel with git push, such as a push's recorded intent.
func (r *Repo) WriteGitFile(name string, data []byte) error {
	return r.writeGitFile(name, string(data))
}

// ReadGitFile reads a file written by WriteGitFile.
func (r *Repo) ReadGitFile(name string) ([]byte, bool, error) {
	data, err := os.ReadFile(filepath.Join(r.gitDir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("gitstate: %w", err)
	}
	return data, true, nil
}

// RemoveGitFile removes a file written by WriteGitFile; absent is fine.
func (r *Repo) RemoveGitFile(name string) error {
	if err := os.Remove(filepath.Join(r.gitDir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("gitstate: %w", err)
	}
	return nil
}
