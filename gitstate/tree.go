package gitstate

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/fcsync/fcsync/filetree"
)

// ReadTree returns every file of a commit's tree with repo-relative paths.
// Submodule entries (gitlinks) are not files and are left out.
//
// A process reads the same trees again and again (the live tip is often the
// sync point too), so trees read are kept by hash for the Repo's lifetime;
// each call returns its own map, the files' bytes shared and never to be
// modified.
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
		if e.mode == gitlink {
			continue
		}
		data, err := r.blob(e.hash)
		if err != nil {
			return nil, fmt.Errorf("gitstate: %s in %s: %w", p, short(commit), err)
		}
		t[p] = filetree.File{Data: data, Mode: e.mode}
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
	entries, ok, err := r.looseTree(h)
	if err != nil {
		return err
	}
	if !ok {
		t, err := r.repo.TreeObject(h)
		if err != nil {
			return fmt.Errorf("gitstate: tree %s: %w", h, err)
		}
		for _, e := range t.Entries {
			entries = append(entries, treeEntry{name: e.Name, mode: uint32(e.Mode), hash: e.Hash})
		}
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

func (r *Repo) blob(h Hash) ([]byte, error) {
	if data, ok, err := r.looseObject(h, "blob"); ok || err != nil {
		return data, err
	}
	b, err := r.repo.BlobObject(h)
	if err != nil {
		return nil, err
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// WriteTree stores t as blobs and nested trees and returns the root tree's
// hash: the hash `git write-tree` gives for an index holding the same files.
// It writes objects only: no ref, no index, no work tree, no HEAD.
func (r *Repo) WriteTree(t filetree.Tree) (Hash, error) {
	entries := make(map[string]entry, len(t))
	for _, p := range t.Paths() {
		f := t[p]
		if err := filetree.CheckFile(p, f); err != nil {
			return ZeroHash, fmt.Errorf("%s: %w", filetree.Quote(p), err)
		}
		h, err := r.writeBlob(f.Data)
		if err != nil {
			return ZeroHash, err
		}
		entries[p] = entry{h, f.Mode}
	}
	return r.writeEntries(entries)
}

func (r *Repo) writeBlob(data []byte) (Hash, error) {
	obj := r.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err != nil {
		return ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return ZeroHash, err
	}
	return r.store(obj)
}

// store writes an object unless the repository has it already.
func (r *Repo) store(obj plumbing.EncodedObject) (Hash, error) {
	h := obj.Hash()
	if r.repo.Storer.HasEncodedObject(h) == nil {
		return h, nil
	}
	if _, err := r.repo.Storer.SetEncodedObject(obj); err != nil {
		return ZeroHash, fmt.Errorf("gitstate: write %s %s: %w", obj.Type(), h, err)
	}
	return h, nil
}

// dirNode is a folder being assembled into a git tree.
type dirNode struct {
	files map[string]entry
	dirs  map[string]*dirNode
}

// writeEntries writes the trees for a flat path -> blob map, whose blobs
// already exist, and returns the root tree.
func (r *Repo) writeEntries(entries map[string]entry) (Hash, error) {
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
	return r.writeDir(root)
}

var gitModes = map[filetree.Mode]filemode.FileMode{
	filetree.Regular:    filemode.Regular,
	filetree.Executable: filemode.Executable,
	filetree.Symlink:    filemode.Symlink,
	gitlink:             filemode.Submodule,
}

func (r *Repo) writeDir(n *dirNode) (Hash, error) {
	var t object.Tree
	for name, e := range n.files {
		m, ok := gitModes[e.mode]
		if !ok {
			return ZeroHash, fmt.Errorf("gitstate: %s: unknown file mode %d", name, e.mode)
		}
		t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: m, Hash: e.hash})
	}
	for name, sub := range n.dirs {
		h, err := r.writeDir(sub)
		if err != nil {
			return ZeroHash, err
		}
		t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	// git orders tree entries by name, comparing a folder as if its name
	// ended in "/"; fsck rejects any other order.
	sortKey := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(t.Entries, func(i, j int) bool { return sortKey(t.Entries[i]) < sortKey(t.Entries[j]) })
	obj := r.repo.Storer.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return ZeroHash, fmt.Errorf("gitstate: encode tree: %w", err)
	}
	return r.store(obj)
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

// blobHash is the hash git gives a blob holding data.
func blobHash(data []byte) Hash {
	return plumbing.ComputeHash(plumbing.BlobObject, data)
}
