package cli

import (
	"errors"

	"github.com/fcsync/fcsync/filetree"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// syncPoint is the newest (R, L) pair of DESIGN section 3 for the current
// branch, with the states and files the three-way functions need.
type syncPoint struct {
	ok        bool
	branch    string
	head      gitstate.Hash // zero on an unborn branch
	r, l      gitstate.Hash
	base      *fsync.State  // R's state; empty when !ok
	baseLocal *fsync.State  // L's state; empty when !ok
	baseFiles filetree.Tree // R's project files, without .fcsync/
}

func (p *project) syncPoint() (*syncPoint, error) {
	sp := &syncPoint{base: fsync.NewState(), baseLocal: fsync.NewState(), baseFiles: filetree.Tree{}}
	branch, head, err := p.repo.Head()
	sp.branch = branch
	if errors.Is(err, gitstate.ErrNoHead) {
		return sp, nil
	}
	if err != nil {
		return nil, err
	}
	sp.head = head
	r, l, ok, err := p.repo.SyncPoint(head, p.liveBranch())
	if err != nil || !ok {
		return sp, err
	}
	sp.ok, sp.r, sp.l = true, r, l
	if sp.base, sp.baseFiles, err = p.readCommit(r); err != nil {
		return nil, err
	}
	sp.baseFiles = sp.baseFiles.Without(".fcsync")
	if sp.baseLocal, _, err = p.readCommit(l); err != nil {
		return nil, err
	}
	return sp, nil
}
