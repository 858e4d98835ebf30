package gitstate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	gosync "sync"
	"syscall"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/fcsync/fcsync/filetree"
)

// ReadWorktree returns the files on disk under prefix (a folder or a file;
// "" is the whole work tree) with repo-relative paths. It skips .git, nested
// repositories and the paths .gitignore, .git/info/exclude and
// core.excludesfile ignore, except files the index tracks, which git keeps
// seeing however they are ignored. Symlinks are read as links, never
// followed; the owner's exec bit makes a file Executable.
//
// As git does, a file whose stat data matches its index entry is taken to
// hold the entry's blob without being read: it is lazy (filetree.File.Blob),
// its bytes read from the object store when needed. A file changed within
// the index's own timestamp is read (git's racy-clean rule).
func (r *Repo) ReadWorktree(prefix string) (filetree.Tree, error) {
	t, _, err := r.WalkWorktree(prefix)
	return t, err
}

// WalkWorktree is ReadWorktree, also listing (repo-relative, sorted) the
// folders the walk left out without entering them: nested repositories and
// ignored folders that the index tracks nothing in. A search of the work
// tree (for nested .git folders) then needs to look in those only.
func (r *Repo) WalkWorktree(prefix string) (filetree.Tree, []string, error) {
	t, left, err := r.walkWorktree(prefix)
	sort.Strings(left)
	return t, left, err
}

func (r *Repo) walkWorktree(prefix string) (filetree.Tree, []string, error) {
	prefix = normPrefix(prefix)
	if prefix != "" {
		if err := validPath(prefix); err != nil {
			return nil, nil, err
		}
	}
	idx, err := r.readIndex()
	if err != nil {
		return nil, nil, err
	}
	tracked := make([]string, 0, len(idx.Entries))
	staged := make(map[string]*index.Entry, len(idx.Entries))
	for _, e := range idx.Entries {
		tracked = append(tracked, e.Name)
		if e.Stage == stageMerged && !e.IntentToAdd && !e.SkipWorktree {
			staged[e.Name] = e
		}
	}
	sort.Strings(tracked)
	w := &walker{r: r, tracked: tracked, staged: staged, out: filetree.Tree{}, sem: make(chan struct{}, walkers)}
	if fi, err := os.Stat(filepath.Join(r.gitDir, "index")); err == nil {
		w.indexTime = fi.ModTime()
	}
	patterns := w.basePatterns()
	// The .gitignore files of the folders above prefix apply inside it.
	var dirs []string
	if prefix != "" {
		dirs = strings.Split(prefix, "/")
	}
	for i := range dirs {
		patterns = append(patterns, readIgnore(r.root, dirs[:i])...)
	}
	if err := r.noSymlinkAbove(prefix); err != nil {
		return nil, nil, err
	}
	fi, err := os.Lstat(filepath.Join(r.root, filepath.FromSlash(prefix)))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return w.out, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("gitstate: read %s: %w", prefix, err)
	}
	// prefix itself, or a folder above it, may be ignored.
	m := gitignore.NewMatcher(patterns)
	ignored := false
	for i := 1; i <= len(dirs) && !ignored; i++ {
		ignored = m.Match(dirs[:i], i < len(dirs) || fi.IsDir())
	}
	if fi.IsDir() {
		w.fail(w.dir(prefix, dirs, ignored, patterns))
	} else {
		var files []workFile
		files, err = w.file(files, prefix, fi, ignored)
		w.fail(err)
		w.add(files)
	}
	w.wg.Wait()
	return w.out, w.left, w.err
}

// walkers is how many folders ReadWorktree reads at once: the walk is
// system calls (a listing per folder, a stat per file), which wait on the
// file system rather than the CPU.
const walkers = 4

// walker collects work-tree files, applying ignore rules folder by folder,
// several folders at once.
type walker struct {
	r         *Repo
	tracked   []string                // index paths, sorted
	staged    map[string]*index.Entry // stage-0 entries, by path
	indexTime time.Time               // the index file's modification time
	sem       chan struct{}           // a slot per folder read on a goroutine of its own
	wg        gosync.WaitGroup

	mu   gosync.Mutex
	out  filetree.Tree
	left []string // folders not entered
	err  error    // the first error
}

// leave records a folder the walk does not enter.
func (w *walker) leave(p string) {
	w.mu.Lock()
	w.left = append(w.left, p)
	w.mu.Unlock()
}

// dirEntry is an entry of a folder with its lstat data (readDirStat).
type dirEntry struct {
	name string
	fi   fs.FileInfo
}

// workFile is a file the walk found.
type workFile struct {
	path string
	f    filetree.File
}

func (w *walker) add(files []workFile) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range files {
		w.out[f.path] = f.f
	}
}

func (w *walker) fail(err error) {
	if err == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

func (w *walker) failed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err != nil
}

// basePatterns are the ignore rules that hold everywhere, lowest priority.
func (w *walker) basePatterns() []gitignore.Pattern {
	ps, _ := gitignore.LoadSystemPatterns(osfs.New("/"))
	global, _ := gitignore.LoadGlobalPatterns(osfs.New("/"))
	ps = append(ps, global...)
	return append(ps, readPatternFile(filepath.Join(w.r.common, "info", "exclude"), nil)...)
}

// isTracked reports whether the index holds p or, for a folder, any path in it.
func (w *walker) isTracked(p string, dir bool) bool {
	key := p
	if dir {
		key = p + "/"
	}
	i := sort.SearchStrings(w.tracked, key)
	if i == len(w.tracked) {
		return false
	}
	if dir {
		return strings.HasPrefix(w.tracked[i], key)
	}
	return w.tracked[i] == p
}

func (w *walker) dir(rel string, parts []string, ignored bool, patterns []gitignore.Pattern) error {
	if w.failed() {
		return nil
	}
	abs := filepath.Join(w.r.root, filepath.FromSlash(rel))
	ents, err := readDirStat(abs)
	if err != nil {
		return fmt.Errorf("gitstate: read %s: %w", abs, err)
	}
	// The listing says whether the folder holds .git (a nested repository
	// is not part of this one) and .gitignore: no system call looks for them.
	for _, de := range ents {
		switch de.name {
		case ".git":
			if rel != "" {
				w.leave(rel)
				return nil
			}
		case ".gitignore":
			patterns = append(patterns[:len(patterns):len(patterns)], readIgnore(w.r.root, parts)...)
		}
	}
	m := gitignore.NewMatcher(patterns)
	var files []workFile
	for _, de := range ents {
		name, fi := de.name, de.fi
		if name == ".git" {
			continue
		}
		p := name
		if rel != "" {
			p = rel + "/" + name
		}
		sub := append(parts[:len(parts):len(parts)], name)
		if fi.IsDir() {
			subIgnored := ignored || m.Match(sub, true)
			if subIgnored && !w.isTracked(p, true) {
				w.leave(p)
				continue
			}
			select {
			case w.sem <- struct{}{}:
				w.wg.Add(1)
				go func() {
					defer w.wg.Done()
					defer func() { <-w.sem }()
					w.fail(w.dir(p, sub, subIgnored, patterns))
				}()
			default:
				if err := w.dir(p, sub, subIgnored, patterns); err != nil {
					return err
				}
			}
			continue
		}
		// A tracked file is read however it is ignored: no need to match.
		fileIgnored := ignored || w.staged[p] == nil && m.Match(sub, false)
		if files, err = w.file(files, p, fi, fileIgnored); err != nil {
			return err
		}
	}
	w.add(files)
	return nil
}

// file adds the file at p to files, unless it is ignored and untracked.
func (w *walker) file(files []workFile, p string, fi fs.FileInfo, ignored bool) ([]workFile, error) {
	if ignored && !w.isTracked(p, false) {
		return files, nil
	}
	if e := w.staged[p]; e != nil && fi.Mode().IsRegular() && statMatches(e, fi) && e.ModifiedAt.Before(w.indexTime) {
		if mode, ok := treeMode(e.Mode); ok && mode == fileMode(fi) {
			return append(files, workFile{p, w.r.lazyFile(e.Hash, mode)}), nil
		}
	}
	f, ok, err := w.r.readWorkFile(p, fi)
	if ok {
		files = append(files, workFile{p, f})
	}
	return files, err
}

// readWorkFile reads one work-tree file as git would store it; ok is false
// for what git does not store (folders, devices, sockets).
func (r *Repo) readWorkFile(p string, fi fs.FileInfo) (f filetree.File, ok bool, err error) {
	abs := filepath.Join(r.root, filepath.FromSlash(p))
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(abs)
		if err != nil {
			return f, false, fmt.Errorf("gitstate: read link %s: %w", p, err)
		}
		return filetree.File{Data: []byte(filepath.ToSlash(target)), Mode: filetree.Symlink}, true, nil
	case fi.Mode().IsRegular():
		data, err := os.ReadFile(abs)
		if err != nil {
			return f, false, fmt.Errorf("gitstate: read %s: %w", p, err)
		}
		return filetree.File{Data: data, Mode: fileMode(fi)}, true, nil
	}
	return f, false, nil
}

// fileMode is the mode git records for a regular file: the owner's exec
// bit makes it Executable.
func fileMode(fi fs.FileInfo) filetree.Mode {
	if fi.Mode().Perm()&0o100 != 0 {
		return filetree.Executable
	}
	return filetree.Regular
}

// readIgnore reads the .gitignore of the folder with the given path parts.
func readIgnore(root string, parts []string) []gitignore.Pattern {
	return readPatternFile(filepath.Join(root, filepath.Join(parts...), ".gitignore"), parts)
}

func readPatternFile(path string, domain []string) []gitignore.Pattern {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var ps []gitignore.Pattern
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}

// DirtyPaths lists, sorted, the paths under prefix that `git status` would
// report: staged or unstaged modifications, additions and deletions,
// unmerged paths, and untracked files that are not ignored.
func (r *Repo) DirtyPaths(prefix string) ([]string, error) {
	work, err := r.ReadWorktree(prefix)
	if err != nil {
		return nil, err
	}
	return r.DirtyPathsOf(prefix, work)
}

// DirtyPathsOf is DirtyPaths with the work tree under prefix as
// ReadWorktree just read it, for a caller that needs that too.
func (r *Repo) DirtyPathsOf(prefix string, work filetree.Tree) ([]string, error) {
	prefix = normPrefix(prefix)
	_, head, err := r.Head()
	if err != nil && !errors.Is(err, ErrNoHead) {
		return nil, err
	}
	headEntries, err := r.commitEntries(head)
	if err != nil {
		return nil, err
	}
	idx, err := r.readIndex()
	if err != nil {
		return nil, err
	}
	dirty := map[string]bool{}
	staged := map[string]entry{}
	for _, e := range idx.Entries {
		if !underPrefix(e.Name, prefix) || e.Mode == filemode.Submodule {
			continue
		}
		if e.Stage != stageMerged {
			dirty[e.Name] = true
			continue
		}
		m, _ := treeMode(e.Mode)
		staged[e.Name] = entry{e.Hash, m}
	}
	for p, h := range headEntries {
		if underPrefix(p, prefix) && h.mode != gitlink && staged[p] != h {
			dirty[p] = true
		}
	}
	for p, s := range staged {
		if h, ok := headEntries[p]; !ok || h != s {
			dirty[p] = true
		}
		if f, ok := work[p]; !ok || (entry{Hash(f.Hash()), f.Mode}) != s {
			dirty[p] = true
		}
	}
	for p := range work {
		if _, ok := staged[p]; !ok {
			dirty[p] = true
		}
	}
	out := make([]string, 0, len(dirty))
	for p := range dirty {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

// CommitWorktree commits the work tree's files under prefix (additions,
// modifications and deletions) on the current branch, like
// `git add -A prefix && git commit -- prefix`: changes staged outside prefix
// stay staged and out of the commit. It handles an unborn branch, refuses
// during a merge, and returns ErrNothingToCommit when nothing under prefix
// differs from HEAD.
func (r *Repo) CommitWorktree(prefix, msg string, sig Signature) (Hash, error) {
	return r.CommitWorktreeSome(prefix, nil, msg, sig)
}

// CommitWorktreeSome is CommitWorktree leaving out the untracked files
// (neither in HEAD nor in the index) for which addUntracked is false, like
// `git commit -a` plus the new files chosen; nil adds them all.
func (r *Repo) CommitWorktreeSome(prefix string, addUntracked func(path string) bool, msg string, sig Signature) (Hash, error) {
	return r.commitWorktree(prefix, addUntracked, nil, msg, sig)
}

// CommitWorktreeMerge is CommitWorktree making a merge commit whose second
// parent is theirs: the work tree is the merge's result (fcsync migrate
// joins HEAD with the live branch's tip in the new layout this way, as a
// pull joins them).
func (r *Repo) CommitWorktreeMerge(prefix string, theirs Hash, msg string, sig Signature) (Hash, error) {
	return r.commitWorktree(prefix, nil, []Hash{theirs}, msg, sig)
}

func (r *Repo) commitWorktree(prefix string, addUntracked func(path string) bool, extra []Hash, msg string, sig Signature) (Hash, error) {
	prefix = normPrefix(prefix)
	if err := r.noMergeInProgress(); err != nil {
		return ZeroHash, err
	}
	branch, head, err := r.Head()
	if err != nil && !errors.Is(err, ErrNoHead) {
		return ZeroHash, err
	}
	if branch == "" {
		return ZeroHash, fmt.Errorf("gitstate: commit: HEAD is detached, not on a branch")
	}
	idx, err := r.readIndex()
	if err != nil {
		return ZeroHash, err
	}
	for _, e := range idx.Entries {
		if e.Stage != stageMerged && underPrefix(e.Name, prefix) {
			return ZeroHash, fmt.Errorf("gitstate: commit: %s is unmerged", e.Name)
		}
	}
	headEntries, err := r.commitEntries(head)
	if err != nil {
		return ZeroHash, err
	}
	work, err := r.ReadWorktree(prefix)
	if err != nil {
		return ZeroHash, err
	}
	if addUntracked != nil {
		indexed := map[string]bool{}
		for _, e := range idx.Entries {
			indexed[e.Name] = true
		}
		for p := range work {
			if _, inHead := headEntries[p]; !inHead && !indexed[p] && !addUntracked(p) {
				delete(work, p)
			}
		}
	}
	entries := map[string]entry{}
	for p, e := range headEntries {
		if !underPrefix(p, prefix) || e.mode == gitlink {
			entries[p] = e
		}
	}
	changed := false
	for p, f := range work {
		h, err := r.writeFile(f)
		if err != nil {
			return ZeroHash, err
		}
		entries[p] = entry{h, f.Mode}
		changed = changed || headEntries[p] != entries[p]
	}
	changed = changed || len(entries) != len(headEntries)
	if !changed && len(extra) == 0 {
		return ZeroHash, fmt.Errorf("gitstate: commit %s: %w", prefixName(prefix), ErrNothingToCommit)
	}
	tree, err := r.writeEntries(entries)
	if err != nil {
		return ZeroHash, err
	}
	var parents []Hash
	if !head.IsZero() {
		parents = []Hash{head}
	}
	parents = append(parents, extra...)
	c, err := r.CommitTree(tree, parents, msg, sig, sig)
	if err != nil {
		return ZeroHash, err
	}
	if err := r.updateRef(refName(branch), c, head, "commit: "+firstLine(msg)); err != nil {
		return ZeroHash, err
	}
	kept := idx.Entries[:0]
	for _, e := range idx.Entries {
		if !underPrefix(e.Name, prefix) || e.Mode == filemode.Submodule {
			kept = append(kept, e)
		}
	}
	for _, p := range work.Paths() {
		e, err := r.stagedEntry(p, entries[p].hash, entries[p].mode)
		if err != nil {
			return ZeroHash, err
		}
		kept = append(kept, e)
	}
	if err := r.writeIndex(kept); err != nil {
		return ZeroHash, fmt.Errorf("gitstate: commit %s made, but the index was not updated: %w", short(c), err)
	}
	return c, nil
}

func prefixName(prefix string) string {
	if prefix == "" {
		return "work tree"
	}
	return prefix
}

func firstLine(msg string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(msg), "\n")
	return line
}

// Tracked lists the paths under prefix that HEAD or the index holds: the
// files git would commit with `git commit -a`.
func (r *Repo) Tracked(prefix string) (map[string]bool, error) {
	prefix = normPrefix(prefix)
	_, head, err := r.Head()
	if err != nil && !errors.Is(err, ErrNoHead) {
		return nil, err
	}
	headEntries, err := r.commitEntries(head)
	if err != nil {
		return nil, err
	}
	idx, err := r.readIndex()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for p := range headEntries {
		if underPrefix(p, prefix) {
			out[p] = true
		}
	}
	for _, e := range idx.Entries {
		if underPrefix(e.Name, prefix) {
			out[e.Name] = true
		}
	}
	return out, nil
}
