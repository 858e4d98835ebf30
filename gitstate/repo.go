// Package gitstate is everything fcsync does with git: commits on the live
// branch written without a checkout, the sync point derived from the commit
// graph, history, the working tree and index, merge state that the git
// command line understands, and the lock that keeps two fcsync processes
// from writing one repository at once.
//
// It knows nothing of FC: it deals in commits, refs and filetree.Tree values.
// Objects are read and written through go-git; refs, the index and the
// merge-state files are written with git's own lock-file protocol so that a
// git command running at the same time never sees a half-written file.
package gitstate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/fcsync/fcsync/filetree"
)

// Hash names a git object.
type Hash = plumbing.Hash

// ZeroHash is the hash of no object: an absent ref, or "must not exist yet"
// in UpdateRef.
var ZeroHash = plumbing.ZeroHash

var (
	// ErrLocked means another fcsync process holds the repository's lock.
	ErrLocked = errors.New("repository locked")
	// ErrRefChanged means a compare-and-swap ref update found another value.
	ErrRefChanged = errors.New("ref changed concurrently")
	// ErrNoHead means the current branch has no commit yet.
	ErrNoHead = errors.New("current branch has no commits yet")
	// ErrNotRepository means no git work tree contains the path.
	ErrNotRepository = errors.New("not a git repository")
	// ErrMergeInProgress means MERGE_HEAD exists: a merge must be concluded
	// or aborted first.
	ErrMergeInProgress = errors.New("a merge is in progress")
	// ErrNothingToCommit means the working tree matches HEAD under the prefix.
	ErrNothingToCommit = errors.New("nothing to commit")
)

// defaultBranch is the branch Init creates.
const defaultBranch = "main"

// Repo is a non-bare git repository: its work tree, its git directory and
// go-git's view of its objects.
type Repo struct {
	root   string // work-tree root, absolute
	gitDir string // HEAD, index, MERGE_HEAD; the worktree's own dir for a linked worktree
	common string // refs, objects, config, logs, fcsync.lock; equal to gitDir unless linked
	repo   *gogit.Repository

	treeMu   sync.Mutex
	trees    map[Hash]filetree.Tree // ReadTree's results by tree hash
	treeObjs map[Hash][]treeEntry   // tree objects parsed, by hash

	objMu sync.Mutex
	known map[Hash]bool // objects the repository is known to hold (hasObject)

	// gitMu serialises go-git's object and ref stores, which keep caches
	// (pack indexes, open files) that are not safe for concurrent use:
	// fcsync reads commits on one goroutine while it walks the work tree on
	// another. Every use of r.repo takes it.
	gitMu sync.Mutex
}

// Open opens the repository whose work tree contains path, looking upward
// for .git the way git does.
func Open(path string) (*Repo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("gitstate: open %s: %w", path, err)
	}
	for dir := abs; ; {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return openRoot(dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, fmt.Errorf("gitstate: %s: %w", abs, ErrNotRepository)
		}
		dir = parent
	}
}

// Init opens the repository containing path, or creates one at path (on
// branch main) when there is none, as `git init` would.
func Init(path string) (*Repo, error) {
	r, err := Open(path)
	if err == nil || !errors.Is(err, ErrNotRepository) {
		return r, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("gitstate: init %s: %w", path, err)
	}
	// The repository is made aside and moved into place whole: a process
	// killed meanwhile leaves no .git that git cannot read.
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("gitstate: init %s: %w", abs, err)
	}
	tmp, err := os.MkdirTemp(abs, ".fcsync-init-")
	if err != nil {
		return nil, fmt.Errorf("gitstate: init %s: %w", abs, err)
	}
	defer os.RemoveAll(tmp)
	_, err = gogit.PlainInitWithOptions(tmp, &gogit.PlainInitOptions{
		InitOptions: gogit.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(defaultBranch)},
	})
	if err == nil {
		err = os.Rename(filepath.Join(tmp, ".git"), filepath.Join(abs, ".git"))
	}
	if err != nil {
		return nil, fmt.Errorf("gitstate: init %s: %w", abs, err)
	}
	return openRoot(abs)
}

// openRoot opens the work tree rooted at root, resolving a .git file
// (linked worktree or submodule) and its commondir.
func openRoot(root string) (*Repo, error) {
	gitDir, err := resolveGitDir(root)
	if err != nil {
		return nil, err
	}
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		common = filepath.Clean(c)
	}
	repo, err := gogit.PlainOpenWithOptions(root, &gogit.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		if errors.Is(err, gogit.ErrRepositoryNotExists) {
			return nil, fmt.Errorf("gitstate: %s: %w", root, ErrNotRepository)
		}
		return nil, fmt.Errorf("gitstate: open %s: %w", root, err)
	}
	return &Repo{root: root, gitDir: gitDir, common: common, repo: repo}, nil
}

func resolveGitDir(root string) (string, error) {
	dot := filepath.Join(root, ".git")
	fi, err := os.Stat(dot)
	if err != nil {
		return "", fmt.Errorf("gitstate: %s: %w", root, ErrNotRepository)
	}
	if fi.IsDir() {
		return dot, nil
	}
	b, err := os.ReadFile(dot)
	if err != nil {
		return "", fmt.Errorf("gitstate: read %s: %w", dot, err)
	}
	line := strings.TrimSpace(string(b))
	dir, ok := strings.CutPrefix(line, "gitdir:")
	if !ok {
		return "", fmt.Errorf("gitstate: %s: not a gitdir file: %w", dot, ErrNotRepository)
	}
	dir = strings.TrimSpace(dir)
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	return filepath.Clean(dir), nil
}

// Root returns the absolute path of the work tree's root.
func (r *Repo) Root() string { return r.root }

// Head returns the current branch's short name and commit. On an unborn
// branch it returns the branch name with ErrNoHead; on a detached HEAD the
// branch is "".
func (r *Repo) Head() (string, Hash, error) {
	r.gitMu.Lock()
	ref, err := r.repo.Storer.Reference(plumbing.HEAD)
	r.gitMu.Unlock()
	if err != nil {
		return "", ZeroHash, fmt.Errorf("gitstate: read HEAD: %w", err)
	}
	if ref.Type() == plumbing.HashReference {
		return "", ref.Hash(), nil
	}
	branch := ref.Target().Short()
	h, err := r.ref(ref.Target())
	if err != nil {
		return branch, ZeroHash, err
	}
	if h.IsZero() {
		return branch, ZeroHash, fmt.Errorf("gitstate: branch %s: %w", branch, ErrNoHead)
	}
	return branch, h, nil
}

// Ref returns the commit of refs/heads/<branch>, or ZeroHash when the
// branch does not exist.
func (r *Repo) Ref(branch string) (Hash, error) {
	return r.ref(plumbing.NewBranchReferenceName(branch))
}

func (r *Repo) ref(name plumbing.ReferenceName) (Hash, error) {
	r.gitMu.Lock()
	ref, err := r.repo.Storer.Reference(name)
	r.gitMu.Unlock()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return ZeroHash, nil
	}
	if err != nil {
		return ZeroHash, fmt.Errorf("gitstate: read %s: %w", name, err)
	}
	if ref.Type() != plumbing.HashReference {
		return ZeroHash, fmt.Errorf("gitstate: %s is a symbolic ref to %s", name, ref.Target())
	}
	return ref.Hash(), nil
}

func (r *Repo) commit(h Hash) (*object.Commit, error) {
	r.gitMu.Lock()
	c, err := r.repo.CommitObject(h)
	r.gitMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("gitstate: commit %s: %w", h, err)
	}
	return c, nil
}

// TreeOf returns the tree of a commit.
func (r *Repo) TreeOf(commit Hash) (Hash, error) {
	c, err := r.commit(commit)
	if err != nil {
		return ZeroHash, err
	}
	return c.TreeHash, nil
}

// Parents returns a commit's parents in order.
func (r *Repo) Parents(commit Hash) ([]Hash, error) {
	c, err := r.commit(commit)
	if err != nil {
		return nil, err
	}
	return append([]Hash(nil), c.ParentHashes...), nil
}

// IsAncestor reports whether a is b or one of b's ancestors, like
// `git merge-base --is-ancestor a b`.
func (r *Repo) IsAncestor(a, b Hash) (bool, error) {
	ca, err := r.commit(a)
	if err != nil {
		return false, err
	}
	cb, err := r.commit(b)
	if err != nil {
		return false, err
	}
	r.gitMu.Lock()
	ok, err := ca.IsAncestor(cb)
	r.gitMu.Unlock()
	if err != nil {
		return false, fmt.Errorf("gitstate: is %s an ancestor of %s: %w", a, b, err)
	}
	return ok, nil
}
