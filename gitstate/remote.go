package gitstate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// ErrRejected means a remote refused a push because its branch moved on
// (not a fast-forward): someone else pushed first.
var ErrRejected = errors.New("the remote's branch moved on since it was fetched")

// Talking to remotes goes through the git command line, not go-git's
// transports: the user's git already knows how to reach their remote (SSH
// keys and config, credential helpers, proxies), and a live branch shared
// by a team is useless if fcsync cannot reach it the way git does.

// RemoteRef returns refs/remotes/<remote>/<branch>, ZeroHash when absent.
func (r *Repo) RemoteRef(remote, branch string) (Hash, error) {
	return r.ref(plumbing.NewRemoteReferenceName(remote, branch))
}

// FetchBranch fetches one branch of a remote into its remote-tracking
// ref and returns the branch's tip there: ZeroHash when the remote has no
// such branch yet.
func (r *Repo) FetchBranch(ctx context.Context, remote, branch string) (Hash, error) {
	spec := fmt.Sprintf("+refs/heads/%s:refs/remotes/%s/%s", branch, remote, branch)
	out, err := r.git(ctx, "fetch", "--quiet", "--no-tags", remote, spec)
	if err != nil {
		if strings.Contains(out, "couldn't find remote ref") {
			return ZeroHash, nil
		}
		return ZeroHash, fmt.Errorf("git fetch %s %s: %w\n%s", remote, branch, err, strings.TrimSpace(out))
	}
	return r.RemoteRef(remote, branch)
}

// PushBranch pushes a branch to the same name on a remote, never forced:
// when the remote's branch is not an ancestor of ours it returns
// ErrRejected, and the caller redoes its work on top of the remote's.
func (r *Repo) PushBranch(ctx context.Context, remote, branch string) error {
	spec := fmt.Sprintf("refs/heads/%s:refs/heads/%s", branch, branch)
	out, err := r.git(ctx, "push", "--quiet", "--porcelain", remote, spec)
	if err != nil {
		if strings.Contains(out, "[rejected]") || strings.Contains(out, "non-fast-forward") || strings.Contains(out, "fetch first") {
			return fmt.Errorf("git push %s %s: %w", remote, branch, ErrRejected)
		}
		return fmt.Errorf("git push %s %s: %w\n%s", remote, branch, err, strings.TrimSpace(out))
	}
	// Keep the remote-tracking ref in step, as git push does for a
	// configured remote, so that the next reconcile sees no divergence.
	h, err := r.Ref(branch)
	if err != nil {
		return err
	}
	name := plumbing.NewRemoteReferenceName(remote, branch)
	cur, err := r.ref(name)
	if err != nil || cur == h {
		return err
	}
	return r.updateRef(name, h, cur, "fcsync: pushed "+branch)
}

// git runs the git command line in the repository with prompts off, so a
// remote that wants a password fails instead of hanging.
func (r *Repo) git(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", r.root}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GCM_INTERACTIVE=never")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// FirstParents lists from's first-parent chain, newest first, stopping
// before the first commit for which stop returns true.
func (r *Repo) FirstParents(from Hash, stop func(Hash) bool) ([]Commit, error) {
	var out []Commit
	for h := from; !h.IsZero() && !stop(h); {
		c, err := r.ReadCommit(h)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		h = ZeroHash
		if len(c.Parents) > 0 {
			h = c.Parents[0]
		}
	}
	return out, nil
}
