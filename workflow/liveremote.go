package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// One live history for a team (the README's "Sharing the live branch").
//
// The live branch travels with git like any branch. After `git clone`, the
// remote-tracking branch origin/fcsync/live/<region> is fcsync's own: the
// first command continues that history instead of starting an unrelated
// one, so that the sync points the clone inherits (merge commits and deploy
// commits' second parents) keep pointing into it. With `liveRemote` in
// fcsync.yaml, fcsync also fetches the live branch from that remote before
// reading FC and pushes it back after every live commit. The push is never
// forced: when another clone pushed first, the work is redone on top of
// theirs. An online-change commit is only a reading of FC, so it is read
// again rather than replayed; a deploy commit is replayed onto the new tip
// with its second parent, the local commit it deployed, so that the sync
// point it makes survives.

// maxLiveRaces bounds how often a lost race for the shared live branch is
// redone before fcsync gives up and says so.
const maxLiveRaces = 5

// liveRemote is the remote whose live branch fcsync continues: liveRemote
// from fcsync.yaml, else origin, whose remote-tracking branch a clone has.
func (p *Project) liveRemote() (name string, shared bool) {
	if p.cfg.LiveRemote != "" {
		return p.cfg.LiveRemote, true
	}
	return "origin", false
}

// continueRemoteLive makes the local live branch continue the remote's:
// it fetches it first when the branch is shared (fetch), then creates the
// local branch from it, fast-forwards to it, or, when both moved on,
// replays the local deploy commits onto it.
func (p *Project) continueRemoteLive(ctx context.Context, fetch bool) error {
	remote, shared := p.liveRemote()
	var theirs gitstate.Hash
	var err error
	if shared && fetch {
		theirs, err = p.repo.FetchBranch(ctx, remote, p.liveBranch())
	} else {
		theirs, err = p.repo.RemoteRef(remote, p.liveBranch())
	}
	if err != nil || theirs.IsZero() {
		return err
	}
	ours, err := p.repo.Ref(p.liveBranch())
	if err != nil {
		return err
	}
	switch {
	case ours == theirs:
		return nil
	case ours.IsZero():
		fmt.Fprintf(p.st.Err, "Continuing the live history of %s/%s (%s).\n", remote, p.liveBranch(), short(theirs))
		return p.repo.UpdateRef(p.liveBranch(), theirs, ours)
	}
	if behind, err := p.repo.IsAncestor(ours, theirs); err != nil || behind {
		if err != nil {
			return err
		}
		return p.repo.UpdateRef(p.liveBranch(), theirs, ours)
	}
	if ahead, err := p.repo.IsAncestor(theirs, ours); err != nil || ahead {
		return err // ours is published by the next push of the live branch
	}
	if !shared {
		fmt.Fprintf(p.st.Err, "fcsync: warning: %s and %s/%s have different histories; set liveRemote: %s in %s to share one\n",
			p.liveBranch(), remote, p.liveBranch(), remote, configFile)
		return nil
	}
	return p.replayLive(ours, theirs)
}

// replayLive puts the local live commits that the remote lacks on top of
// the remote's tip: deploy commits are replayed, online-change commits
// dropped (the caller reads FC again).
func (p *Project) replayLive(ours, theirs gitstate.Hash) error {
	mine, err := p.repo.FirstParents(ours, func(h gitstate.Hash) bool {
		shared, err := p.repo.IsAncestor(h, theirs)
		return err == nil && shared
	})
	if err != nil {
		return err
	}
	tip := theirs
	replayed := 0
	for i := len(mine) - 1; i >= 0; i-- {
		c := mine[i]
		if len(c.Parents) < 2 {
			continue
		}
		if tip, err = p.replayDeploy(c, tip); err != nil {
			return err
		}
		replayed++
	}
	fmt.Fprintf(p.st.Err, "%s moved on meanwhile; %d deploy commits of ours replayed on top of it.\n", p.liveBranch(), replayed)
	return p.repo.UpdateRef(p.liveBranch(), tip, ours)
}

// publishLive pushes the live branch to liveRemote, when it is shared.
func (p *Project) publishLive(ctx context.Context) error {
	remote, shared := p.liveRemote()
	if !shared {
		return nil
	}
	return p.repo.PushBranch(ctx, remote, p.liveBranch())
}

// publishReplaying publishes the live branch, replaying it onto the
// remote's when another clone pushed first. For a deploy commit, which
// cannot be redone.
func (p *Project) publishReplaying(ctx context.Context) error {
	for race := 0; ; race++ {
		err := p.publishLive(ctx)
		if !errors.Is(err, gitstate.ErrRejected) || race == maxLiveRaces {
			return err
		}
		if err := p.continueRemoteLive(ctx, true); err != nil {
			return err
		}
	}
}

// replayDeploy puts a deploy commit on top of onto, as git cherry-pick
// would: the resources the deploy changed get its version, every other
// resource keeps onto's, so that the replayed commit claims only what the
// deploy did. Its second parent (the local commit deployed), message and
// signatures stay.
func (p *Project) replayDeploy(c gitstate.Commit, onto gitstate.Hash) (gitstate.Hash, error) {
	before, _, err := p.readSyncCommit(c.Parents[0])
	if err != nil {
		return gitstate.Hash{}, err
	}
	mine, files, err := p.readSyncCommit(c.Hash)
	if err != nil {
		return gitstate.Hash{}, err
	}
	shared, _, err := p.readSyncCommit(onto)
	if err != nil {
		return gitstate.Hash{}, err
	}
	result := shared.Clone()
	for _, id := range fsync.UnionIDs(before, mine) {
		b, m := before.Resources[id], mine.Resources[id]
		if !fsync.OnlineChanged(b, m) && before.Code[id].Equal(mine.Code[id]) {
			continue
		}
		if m == nil {
			delete(result.Resources, id)
			delete(result.Code, id)
			continue
		}
		result.Resources[id] = m
		if code, ok := mine.Code[id]; ok {
			result.Code[id] = code
		} else {
			delete(result.Code, id)
		}
	}
	tree, err := p.liveTree(result, fsync.LiveSalt(files.files), shared)
	if err != nil {
		return gitstate.Hash{}, err
	}
	th, err := p.repo.WriteTree(p.toRepo(tree))
	if err != nil {
		return gitstate.Hash{}, err
	}
	return p.repo.CommitTree(th, append([]gitstate.Hash{onto}, c.Parents[1:]...), c.Message, c.Author, c.Committer)
}
