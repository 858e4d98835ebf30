package gitstate

import (
	"container/heap"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Commit is one commit of a history.
type Commit struct {
	Hash              Hash
	Parents           []Hash
	Message           string
	Author, Committer Signature
}

// CommitTree writes a commit object for tree with the given parents, like
// `git commit-tree`. It moves no ref and touches no work tree, index or
// HEAD. A message without a final newline gets one, as git writes it.
func (r *Repo) CommitTree(tree Hash, parents []Hash, msg string, author, committer Signature) (Hash, error) {
	if !r.hasObject(tree) {
		return ZeroHash, fmt.Errorf("gitstate: commit tree %s: %w", tree, plumbing.ErrObjectNotFound)
	}
	for _, p := range parents {
		if _, err := r.commit(p); err != nil {
			return ZeroHash, err
		}
	}
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	c := &object.Commit{
		Author:       author.object(),
		Committer:    committer.object(),
		Message:      msg,
		TreeHash:     tree,
		ParentHashes: append([]Hash(nil), parents...),
	}
	obj := &plumbing.MemoryObject{}
	if err := c.Encode(obj); err != nil {
		return ZeroHash, fmt.Errorf("gitstate: encode commit: %w", err)
	}
	rd, err := obj.Reader()
	if err != nil {
		return ZeroHash, err
	}
	data, err := io.ReadAll(rd)
	if err != nil {
		return ZeroHash, err
	}
	return r.writeObject(plumbing.CommitObject, data)
}

// Log lists from's history newest first (parents after all their children,
// otherwise by committer date, like `git log --date-order`), or only its
// first-parent chain. With a path prefix it keeps the commits whose tree
// differs from their first parent's under that prefix (a folder or a file).
func (r *Repo) Log(from Hash, pathPrefix string, firstParent bool) ([]Commit, error) {
	var hist []*object.Commit
	var err error
	if firstParent {
		hist, err = r.firstParents(from)
	} else {
		hist, err = r.history(from)
	}
	if err != nil {
		return nil, err
	}
	prefix := strings.Trim(pathPrefix, "/")
	if prefix == "." {
		prefix = ""
	}
	var out []Commit
	for _, c := range hist {
		if prefix != "" {
			changed, err := r.changedUnder(c, prefix)
			if err != nil {
				return nil, err
			}
			if !changed {
				continue
			}
		}
		out = append(out, Commit{
			Hash:      c.Hash,
			Parents:   append([]Hash(nil), c.ParentHashes...),
			Message:   c.Message,
			Author:    fromObject(c.Author),
			Committer: fromObject(c.Committer),
		})
	}
	return out, nil
}

// changedUnder reports whether c's tree differs from its first parent's at
// prefix, by comparing the hash and mode of the entry found there.
func (r *Repo) changedUnder(c *object.Commit, prefix string) (bool, error) {
	h, m, err := r.entryAt(c.TreeHash, prefix)
	if err != nil || len(c.ParentHashes) == 0 {
		return !h.IsZero(), err
	}
	p, err := r.loadCommit(c.ParentHashes[0])
	if err != nil || p == nil {
		return !h.IsZero(), err
	}
	ph, pm, err := r.entryAt(p.TreeHash, prefix)
	return h != ph || m != pm, err
}

// TreeAt returns the hash of folder dir ("" for the root) in a commit's
// tree, ZeroHash when the commit has no such folder: comparing it with
// TreeHash of a tree tells whether the tree is what the commit holds there.
func (r *Repo) TreeAt(commit Hash, dir string) (Hash, error) {
	c, err := r.commit(commit)
	if err != nil {
		return ZeroHash, err
	}
	h := c.TreeHash
	if dir == "" {
		return h, nil
	}
	for _, name := range strings.Split(dir, "/") {
		entries, err := r.treeObject(h)
		if err != nil {
			return ZeroHash, err
		}
		found := false
		for _, e := range entries {
			if e.name == name && filemode.FileMode(e.mode) == filemode.Dir {
				h, found = e.hash, true
				break
			}
		}
		if !found {
			return ZeroHash, nil
		}
	}
	return h, nil
}

// ListDir returns the names in folder dir of a commit's tree: none when
// the commit is ZeroHash or has no such folder.
func (r *Repo) ListDir(commit Hash, dir string) ([]string, error) {
	if commit.IsZero() {
		return nil, nil
	}
	h, err := r.TreeAt(commit, dir)
	if err != nil || h.IsZero() {
		return nil, err
	}
	entries, err := r.treeObject(h)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.name
	}
	return names, nil
}

// entryAt returns the object at path in a tree, ZeroHash when absent.
func (r *Repo) entryAt(tree Hash, path string) (Hash, filemode.FileMode, error) {
	r.gitMu.Lock()
	defer r.gitMu.Unlock()
	t, err := r.repo.TreeObject(tree)
	if err != nil {
		return ZeroHash, 0, fmt.Errorf("gitstate: tree %s: %w", tree, err)
	}
	e, err := t.FindEntry(path)
	switch {
	case errors.Is(err, object.ErrEntryNotFound), errors.Is(err, object.ErrDirectoryNotFound),
		errors.Is(err, object.ErrFileNotFound):
		return ZeroHash, 0, nil
	case err != nil:
		return ZeroHash, 0, fmt.Errorf("gitstate: %s in tree %s: %w", path, tree, err)
	}
	return e.Hash, e.Mode, nil
}

// loadCommit reads a commit, or nil when the object is missing, which is
// the boundary of a shallow clone.
func (r *Repo) loadCommit(h Hash) (*object.Commit, error) {
	r.gitMu.Lock()
	c, err := r.repo.CommitObject(h)
	r.gitMu.Unlock()
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("gitstate: commit %s: %w", h, err)
	}
	return c, nil
}

func (r *Repo) firstParents(from Hash) ([]*object.Commit, error) {
	var out []*object.Commit
	for h := from; !h.IsZero(); {
		c, err := r.loadCommit(h)
		if err != nil || c == nil {
			return out, err
		}
		out = append(out, c)
		h = ZeroHash
		if len(c.ParentHashes) > 0 {
			h = c.ParentHashes[0]
		}
	}
	return out, nil
}

// history returns every commit reachable from from, each after all of its
// children and otherwise newest committer date first, so that equal or
// skewed timestamps never put an ancestor before its descendant.
func (r *Repo) history(from Hash) ([]*object.Commit, error) {
	if from.IsZero() {
		return nil, nil
	}
	commits := map[Hash]*object.Commit{}
	children := map[Hash]int{}
	for stack := []Hash{from}; len(stack) > 0; {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, seen := commits[h]; seen {
			continue
		}
		c, err := r.loadCommit(h)
		if err != nil {
			return nil, err
		}
		commits[h] = c
		if c == nil {
			continue
		}
		for _, p := range c.ParentHashes {
			children[p]++
			stack = append(stack, p)
		}
	}
	var out []*object.Commit
	ready := &dateQueue{}
	heap.Push(ready, commits[from])
	for ready.Len() > 0 {
		c := heap.Pop(ready).(*object.Commit)
		out = append(out, c)
		for _, p := range c.ParentHashes {
			children[p]--
			if pc := commits[p]; children[p] == 0 && pc != nil {
				heap.Push(ready, pc)
			}
		}
	}
	return out, nil
}

// dateQueue pops the newest commit first; ties go to the one pushed first.
type dateQueue struct {
	items []*object.Commit
	seq   []int
	n     int
}

func (q *dateQueue) Len() int { return len(q.items) }
func (q *dateQueue) Less(i, j int) bool {
	ti, tj := q.items[i].Committer.When, q.items[j].Committer.When
	if !ti.Equal(tj) {
		return ti.After(tj)
	}
	return q.seq[i] < q.seq[j]
}
func (q *dateQueue) Swap(i, j int) {
	q.items[i], q.items[j] = q.items[j], q.items[i]
	q.seq[i], q.seq[j] = q.seq[j], q.seq[i]
}
func (q *dateQueue) Push(x any) {
	q.items = append(q.items, x.(*object.Commit))
	q.seq = append(q.seq, q.n)
	q.n++
}
func (q *dateQueue) Pop() any {
	last := len(q.items) - 1
	c := q.items[last]
	q.items, q.seq = q.items[:last], q.seq[:last]
	return c
}

// SyncPoint is a sync point (DESIGN section 3): R a commit of the live
// branch, L the local commit that agreed with it.
type SyncPoint struct {
	R, L Hash
	// Deploy is set when L was deployed and R is the deploy commit (L is
	// R's second parent). Otherwise L merged R: a pull's merge commit, or
	// clone's first local commit on top of the import.
	Deploy bool
}

// SyncPoint finds the newest pair (R, L) where R is a commit of the live
// branch and L the local commit that agreed with it (DESIGN section 3). It
// walks head's history newest first and stops at the first commit C that
//   - is the second parent of a deploy commit D on the live branch's
//     first-parent chain: (R, L) = (D, C), the newest such D when C was
//     deployed more than once; or
//   - is not itself a live commit but has a parent P that is one (a pull's
//     merge commit, or clone's first local commit on top of the import):
//     (R, L) = (P, C).
//
// ok is false when there is no such commit, or no live branch.
func (r *Repo) SyncPoint(head Hash, liveBranch string) (R, L Hash, ok bool, err error) {
	tip, err := r.Ref(liveBranch)
	if err != nil {
		return ZeroHash, ZeroHash, false, err
	}
	sp, ok, err := r.SyncPointAt(head, tip)
	return sp.R, sp.L, ok, err
}

// SyncPointAt is SyncPoint with the live branch's first-parent chain taken
// from liveTip: with the first parent of a deploy commit, it finds the sync
// point that local work had before that deploy.
func (r *Repo) SyncPointAt(head, liveTip Hash) (SyncPoint, bool, error) {
	if liveTip.IsZero() || head.IsZero() {
		return SyncPoint{}, false, nil
	}
	chain, err := r.firstParents(liveTip)
	if err != nil {
		return SyncPoint{}, false, err
	}
	live := map[Hash]bool{}
	deployOf := map[Hash]Hash{}
	for _, c := range chain {
		live[c.Hash] = true
		if len(c.ParentHashes) >= 2 {
			if _, newer := deployOf[c.ParentHashes[1]]; !newer {
				deployOf[c.ParentHashes[1]] = c.Hash
			}
		}
	}
	hist, err := r.history(head)
	if err != nil {
		return SyncPoint{}, false, err
	}
	for _, c := range hist {
		if d, found := deployOf[c.Hash]; found {
			return SyncPoint{R: d, L: c.Hash, Deploy: true}, true, nil
		}
		if live[c.Hash] {
			continue
		}
		for _, p := range c.ParentHashes {
			if live[p] {
				return SyncPoint{R: p, L: c.Hash}, true, nil
			}
		}
	}
	return SyncPoint{}, false, nil
}

// ReadCommit returns one commit's parents, message and signatures.
func (r *Repo) ReadCommit(h Hash) (Commit, error) {
	c, err := r.commit(h)
	if err != nil {
		return Commit{}, err
	}
	return Commit{
		Hash:      c.Hash,
		Parents:   append([]Hash(nil), c.ParentHashes...),
		Message:   c.Message,
		Author:    fromObject(c.Author),
		Committer: fromObject(c.Committer),
	}, nil
}
