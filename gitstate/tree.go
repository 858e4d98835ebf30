package gitstate

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/fcsync/fcsync/filetree"
)

// ReadTree returns every file of a commit's tree with repo-relative paths.
// Submodule entries (gitlinks) are not files and are left out. Files are
// lazy (filetree.File.Blob): only tree objects are read here, a blob's
// bytes when someone reads them; symlinks, a few bytes each, are read
// whole, since their target is checked wherever they go.
//
// A process reads the same trees again and again (the live tip is often the
// sync point too), so trees read are kept by hash for the Repo's lifetime;
// each call returns its own map, the files shared.
func (r *Repo) ReadTree(commit Hash) (filetree.Tree, error) {
	if commit.IsZero() {
		return filetree.Tree{}, nil
	}
	c, err := r.commit(commit)
	if err != nil {
		return nil, err
	}
	r.treeMu.Lock()
	cached, ok := r.trees[c.TreeHash]
	r.treeMu.Unlock()
	if ok {
		return copyTree(cached), nil
	}
	entries := map[string]entry{}
	if err := r.walkTree(c.TreeHash, "", entries); err != nil {
		return nil, err
	}
	t := make(filetree.Tree, len(entries))
	for p, e := range entries {
		switch e.mode {
		case gitlink:
			continue
		case filetree.Symlink:
			data, err := r.blob(e.hash)
			if err != nil {
				return nil, fmt.Errorf("gitstate: %s in %s: %w", p, short(commit), err)
			}
			t[p] = filetree.File{Data: data, Mode: e.mode}
		default:
			t[p] = r.lazyFile(e.hash, e.mode)
		}
	}
	r.treeMu.Lock()
	if r.trees == nil {
		r.trees = map[Hash]filetree.Tree{}
	}
	r.trees[c.TreeHash] = t
	r.treeMu.Unlock()
	return copyTree(t), nil
}

func copyTree(t filetree.Tree) filetree.Tree {
	out := make(filetree.Tree, len(t))
	for p, f := range t {
		out[p] = f
	}
	return out
}

// gitlink marks a submodule entry among files; it never leaves gitstate,
// and is carried over unchanged when a commit rewrites a tree.
const gitlink filetree.Mode = 255

// entry is a file of a git tree without its content.
type entry struct {
	hash Hash
	mode filetree.Mode
}

// commitEntries lists a commit's files by blob hash; ZeroHash gives none,
// which is the tree of an unborn branch.
func (r *Repo) commitEntries(commit Hash) (map[string]entry, error) {
	out := map[string]entry{}
	if commit.IsZero() {
		return out, nil
	}
	c, err := r.commit(commit)
	if err != nil {
		return nil, err
	}
	return out, r.walkTree(c.TreeHash, "", out)
}

func (r *Repo) walkTree(h Hash, dir string, out map[string]entry) error {
	entries, err := r.treeObject(h)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := dir + e.name
		switch filemode.FileMode(e.mode) {
		case filemode.Dir:
			if err := r.walkTree(e.hash, p+"/", out); err != nil {
				return err
			}
		case filemode.Regular, filemode.Deprecated:
			out[p] = entry{e.hash, filetree.Regular}
		case filemode.Executable:
			out[p] = entry{e.hash, filetree.Executable}
		case filemode.Symlink:
			out[p] = entry{e.hash, filetree.Symlink}
		case filemode.Submodule:
			out[p] = entry{e.hash, gitlink}
		}
	}
	return nil
}

// treeObject returns a tree object's entries, parsed once per process: the
// trees of the live tip, the sync point and HEAD share most folders.
func (r *Repo) treeObject(h Hash) ([]treeEntry, error) {
	r.treeMu.Lock()
	entries, ok := r.treeObjs[h]
	r.treeMu.Unlock()
	if ok {
		return entries, nil
	}
	entries, ok, err := r.looseTree(h)
	if err != nil {
		return nil, err
	}
	if !ok {
		r.gitMu.Lock()
		t, err := r.repo.TreeObject(h)
		r.gitMu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("gitstate: tree %s: %w", h, err)
		}
		for _, e := range t.Entries {
			entries = append(entries, treeEntry{name: e.Name, mode: uint32(e.Mode), hash: e.Hash})
		}
	}
	// What a tree names, the repository holds: writing a tree that reuses
	// those objects need not look for them.
	known := make([]Hash, 0, len(entries)+1)
	known = append(known, h)
	for _, e := range entries {
		if filemode.FileMode(e.mode) != filemode.Submodule {
			known = append(known, e.hash)
		}
	}
	r.remember(known...)
	r.treeMu.Lock()
	if r.treeObjs == nil {
		r.treeObjs = map[Hash][]treeEntry{}
	}
	r.treeObjs[h] = entries
	r.treeMu.Unlock()
	return entries, nil
}

func (r *Repo) blob(h Hash) ([]byte, error) {
	if data, ok, err := r.looseObject(h, "blob"); ok || err != nil {
		return data, err
	}
	r.gitMu.Lock()
	defer r.gitMu.Unlock()
	b, err := r.repo.BlobObject(h)
	if err != nil {
		return nil, err
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	data := make([]byte, 0, b.Size)
	buf := bytes.NewBuffer(data)
	_, err = buf.ReadFrom(rd)
	return buf.Bytes(), err
}

// WriteTree stores t as blobs and nested trees and returns the root tree's
// hash: the hash `git write-tree` gives for an index holding the same files.
// It writes objects only: no ref, no index, no work tree, no HEAD. Objects
// the repository holds already are not written again, and lazy files
// naming its blobs are not read.
func (r *Repo) WriteTree(t filetree.Tree) (Hash, error) {
	return r.storeTree(t, true)
}

// TreeHash is the hash WriteTree would return for t, without writing
// anything: comparing it with a commit's tree tells whether t differs, and
// costs a hash of each file held in memory, none of the lazy ones.
func (r *Repo) TreeHash(t filetree.Tree) (Hash, error) {
	return r.storeTree(t, false)
}

func (r *Repo) storeTree(t filetree.Tree, write bool) (Hash, error) {
	entries := make(map[string]entry, len(t))
	for p, f := range t {
		if err := filetree.CheckFile(p, f); err != nil {
			return ZeroHash, fmt.Errorf("%s: %w", filetree.Quote(p), err)
		}
		h := Hash(f.Hash())
		if write {
			var err error
			if h, err = r.writeFile(f); err != nil {
				return ZeroHash, err
			}
		}
		entries[p] = entry{h, f.Mode}
	}
	return r.buildEntries(entries, write)
}

// dirNode is a folder being assembled into a git tree.
type dirNode struct {
	files map[string]entry
	dirs  map[string]*dirNode
}

// writeEntries writes the trees for a flat path -> blob map, whose blobs
// already exist, and returns the root tree.
func (r *Repo) writeEntries(entries map[string]entry) (Hash, error) {
	return r.buildEntries(entries, true)
}

// buildEntries computes, and with write stores, the trees for a flat path
// -> blob map and returns the root tree's hash.
func (r *Repo) buildEntries(entries map[string]entry, write bool) (Hash, error) {
	root := &dirNode{files: map[string]entry{}, dirs: map[string]*dirNode{}}
	for p, e := range entries {
		if err := validEntry(p, e.mode); err != nil {
			return ZeroHash, err
		}
		parts := strings.Split(p, "/")
		n := root
		for _, d := range parts[:len(parts)-1] {
			if _, clash := n.files[d]; clash {
				return ZeroHash, fmt.Errorf("gitstate: %s: a parent folder is also a file", p)
			}
			sub := n.dirs[d]
			if sub == nil {
				sub = &dirNode{files: map[string]entry{}, dirs: map[string]*dirNode{}}
				n.dirs[d] = sub
			}
			n = sub
		}
		name := parts[len(parts)-1]
		if _, clash := n.dirs[name]; clash {
			return ZeroHash, fmt.Errorf("gitstate: %s: is both a file and a folder", p)
		}
		n.files[name] = e
	}
	return r.writeDir(root, write)
}

var gitModes = map[filetree.Mode]filemode.FileMode{
	filetree.Regular:    filemode.Regular,
	filetree.Executable: filemode.Executable,
	filetree.Symlink:    filemode.Symlink,
	gitlink:             filemode.Submodule,
}

func (r *Repo) writeDir(n *dirNode, write bool) (Hash, error) {
	type named struct {
		key  string // git's sort key: a folder's name ends in "/"
		mode filemode.FileMode
		name string
		hash Hash
	}
	ents := make([]named, 0, len(n.files)+len(n.dirs))
	for name, e := range n.files {
		m, ok := gitModes[e.mode]
		if !ok {
			return ZeroHash, fmt.Errorf("gitstate: %s: unknown file mode %d", name, e.mode)
		}
		ents = append(ents, named{name, m, name, e.hash})
	}
	for name, sub := range n.dirs {
		h, err := r.writeDir(sub, write)
		if err != nil {
			return ZeroHash, err
		}
		ents = append(ents, named{name + "/", filemode.Dir, name, h})
	}
	// git orders tree entries by name, comparing a folder as if its name
	// ended in "/"; fsck rejects any other order.
	sort.Slice(ents, func(i, j int) bool { return ents[i].key < ents[j].key })
	var b bytes.Buffer
	for _, e := range ents {
		b.WriteString(strconv.FormatUint(uint64(e.mode), 8))
		b.WriteByte(' ')
		b.WriteString(e.name)
		b.WriteByte(0)
		b.Write(e.hash[:])
	}
	if !write {
		return plumbing.ComputeHash(plumbing.TreeObject, b.Bytes()), nil
	}
	return r.writeObject(plumbing.TreeObject, b.Bytes())
}

// validPath rejects paths git would refuse or that would escape the work
// tree (filetree.CheckPath: empty, absolute, ".", ".." or .git elements in
// any spelling git knows), so that no commit fcsync writes fails
// git fsck --strict or a checkout on Windows or macOS.
func validPath(p string) error { return validEntry(p, filetree.Regular) }

func validEntry(p string, mode filetree.Mode) error {
	if err := filetree.CheckPath(p, mode); err != nil {
		return fmt.Errorf("%s: %w", filetree.Quote(p), err)
	}
	return nil
}
