package workflow

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// syncPoint is the sync point of DESIGN section 3 for the current branch,
// with the states and files the three-way functions need.
//
// base is R's state: the online state that local work last merged or
// deployed, which local changes are measured against. baseLocal is L's
// state, which only says which fields local managed and which resources
// local had: a resource in base but not in baseLocal was never local's (a
// deploy recorded it while it existed online only). When L merged R (a
// pull, or clone), local had everything R holds, so a resource of R missing
// from L was deleted locally: baseLocal then lists it with an empty spec.
//
// A scoped push (push --service/--function) moves the sync point of the
// resources in its scope only: for the others, base and baseLocal hold what
// the sync point before that deploy held. r is the newest sync point's live
// commit, for messages.
type syncPoint struct {
	ok bool
	// scoped is set when a scoped push made the newest sync point, so that
	// some resources have an older one: a pull must then record a merge
	// even when it changes no file, to move them all to the live tip.
	scoped    bool
	branch    string
	head      gitstate.Hash // zero on an unborn branch
	r         gitstate.Hash
	l         gitstate.Hash // the local commit that merged or deployed r
	base      *fsync.State  // R's state; empty when !ok
	baseLocal *fsync.State  // L's state; empty when !ok
	baseFiles filetree.Tree // R's project files, without .fcsync/
}

// maxScopedDeploys bounds the walk back through scoped deploys, each of
// which sends the resources outside its scope to the sync point before it.
const maxScopedDeploys = 100

func (p *Project) syncPoint() (*syncPoint, error) {
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
	tip, err := p.repo.Ref(p.liveBranch())
	if err != nil {
		return nil, err
	}
	// settled says whether a newer sync point already decided a resource:
	// one it held, or one in the scope of a newer scoped deploy, even when
	// that deploy's commits hold it nowhere (a trigger the deploy deleted).
	done := map[fc.ID]bool{}
	var scopes []func(fc.ID) bool
	settled := func(id fc.ID) bool {
		if done[id] {
			return true
		}
		for _, in := range scopes {
			if in(id) {
				return true
			}
		}
		return false
	}
	for i := 0; i < maxScopedDeploys; i++ {
		at, ok, err := p.repo.SyncPointAt(head, tip)
		if err != nil || !ok {
			return sp, err
		}
		scope, err := p.deployScope(at)
		if err != nil {
			return nil, err
		}
		if !sp.ok {
			sp.ok, sp.r, sp.l = true, at.R, at.L
		}
		if err := p.addSyncPoint(sp, at, scope, settled, done); err != nil {
			return nil, err
		}
		if scope == nil {
			return sp, nil
		}
		scopes = append(scopes, scope)
		sp.scoped = true
		// The resources outside the scoped deploy keep the sync point that
		// local work had before it.
		c, err := p.repo.ReadCommit(at.R)
		if err != nil || len(c.Parents) == 0 {
			return sp, err
		}
		head, tip = at.L, c.Parents[0]
	}
	return sp, nil
}

// addSyncPoint adds to sp the resources of one sync point that scope
// holds (nil: all) and that no newer sync point settled.
func (p *Project) addSyncPoint(sp *syncPoint, at gitstate.SyncPoint, scope, settled func(fc.ID) bool, done map[fc.ID]bool) error {
	r, rCommit, err := p.readSyncCommit(at.R)
	if err != nil {
		return err
	}
	byResource := rCommit.filesByResource()
	l, _, err := p.readSyncCommit(at.L)
	if err != nil {
		return err
	}
	take := func(id fc.ID) bool { return !settled(id) && (scope == nil || scope(id)) }
	for _, id := range fsync.UnionIDs(r, l) {
		if !take(id) {
			continue
		}
		if res := r.Resources[id]; res != nil {
			sp.base.Resources[id] = res
			if code, ok := r.Code[id]; ok {
				sp.base.Code[id] = code
			}
			for path, f := range byResource[id] {
				sp.baseFiles[path] = f
			}
		}
		if res := l.Resources[id]; res != nil {
			sp.baseLocal.Resources[id] = res
			if code, ok := l.Code[id]; ok {
				sp.baseLocal.Code[id] = code
			}
		} else if !at.Deploy && r.Resources[id] != nil {
			// L merged R: a resource of R that L lacks was deleted locally.
			sp.baseLocal.Resources[id] = &fc.Resource{ID: id, Spec: map[string]any{}}
		}
	}
	for _, id := range fsync.UnionIDs(r, l) {
		if take(id) {
			done[id] = true
		}
	}
	return nil
}

// filesByResource splits a rendered tree by the resource each file belongs
// to: its file and, for a resource with code, its code. Other files
// (.fcsync/, fcsync.yaml) belong to none. One pass over the tree: a lookup
// per resource made status of 3,000 functions quadratic.
func filesByResource(api fc.API, t filetree.Tree) map[fc.ID]filetree.Tree {
	out := map[fc.ID]filetree.Tree{}
	for p, f := range t {
		id, ok := api.ParseFile(p)
		if !ok {
			id, ok = api.CodeOwner(p)
		}
		if !ok {
			continue
		}
		if out[id] == nil {
			out[id] = filetree.Tree{}
		}
		out[id][p] = f
	}
	return out
}

// readSyncCommit reads a commit of a sync point. A commit that does not
// parse whole (an old fcsync recorded something it cannot read back) must
// not wedge the repository: what is broken is named once, and left out,
// so that those resources have no sync point (DESIGN section 4).
func (p *Project) readSyncCommit(h gitstate.Hash) (*fsync.State, *parsedCommit, error) {
	c, err := p.parseCommit(h)
	if err != nil {
		return nil, nil, err
	}
	if c.err != nil && !p.warned[h] {
		if p.warned == nil {
			p.warned = map[gitstate.Hash]bool{}
		}
		p.warned[h] = true
		fmt.Fprintf(p.st.Err, "fcsync: warning: the sync point %s holds files fcsync cannot read; those resources are treated as never synced:\n  %s\n",
			short(h), strings.ReplaceAll(c.err.Error(), "\n", "\n  "))
	}
	return c.state, c, nil
}

// Deploy commits of a scoped push name their scope in trailers, one line
// per service or function, so that the sync point moves for those only.
const (
	scopeServiceTrailer  = "Deploy-Scope-Service: "
	scopeFunctionTrailer = "Deploy-Scope-Function: "
)

// scopeTrailers renders a push scope as commit trailers ("" for a full push).
func scopeTrailers(services, functions []string) string {
	var b strings.Builder
	for _, s := range services {
		b.WriteString(scopeServiceTrailer + s + "\n")
	}
	for _, f := range functions {
		b.WriteString(scopeFunctionTrailer + f + "\n")
	}
	return b.String()
}

// deployScope reads the scope of the deploy commit of a sync point: nil
// when it is not a deploy or deployed everything.
func (p *Project) deployScope(at gitstate.SyncPoint) (func(fc.ID) bool, error) {
	if !at.Deploy {
		return nil, nil
	}
	c, err := p.repo.ReadCommit(at.R)
	if err != nil {
		return nil, err
	}
	var services, functions []string
	for _, line := range strings.Split(c.Message, "\n") {
		if s, ok := strings.CutPrefix(line, scopeServiceTrailer); ok {
			services = append(services, strings.TrimSpace(s))
		}
		if f, ok := strings.CutPrefix(line, scopeFunctionTrailer); ok {
			functions = append(functions, strings.TrimSpace(f))
		}
	}
	return inScope(services, functions), nil
}

// plan is the one computation of what push changes online (DESIGN section
// 5, step 3): push applies it, push --dry-run prints it, diff shows its
// Target. in says what is compared; the sync point fills in its part.
func (sp *syncPoint) plan(in fsync.PlanInput) (*fsync.Plan, error) {
	in.Base, in.BaseLocal = sp.base, sp.baseLocal
	return fsync.MakePlan(in)
}
