package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// FetchOptions are fetch's options.
type FetchOptions struct {
	// ExitCode: exit 3 when the live branch holds online changes that the
	// current branch has not merged.
	ExitCode bool
}

// Fetch reads the online state and records any change as a commit on the
// live branch; it never touches local files.
func (p *Project) Fetch(ctx context.Context, opt FetchOptions) error {
	res, err := p.fetch(ctx, nil)
	if err != nil {
		return err
	}
	res.print(p)
	if opt.ExitCode {
		return p.unmergedExit(res.live)
	}
	return nil
}

// fetchResult is what a fetch learned.
type fetchResult struct {
	live    *liveState
	before  gitstate.Hash // live tip before the fetch
	raw     *fsync.State  // online now, with secret values: never print or render it
	online  *fsync.State  // online now, redacted
	changes []fsync.ResourceChange
	refused []*fsync.Refusal // online resources not recorded (Admit)
}

// fetch reads the online state of the project's tracked resources and
// records any difference from the live branch as an online-change commit.
// read, when not nil, is a read of the online state the command started
// earlier (startRead), so that its local work overlapped the network.
//
// With a shared live branch (liveRemote), the remote's is fetched and
// continued first, and the result is pushed back; when another clone
// pushed first, the reading is redone on top of theirs.
func (p *Project) fetch(ctx context.Context, read *onlineRead) (*fetchResult, error) {
	if read != nil {
		defer read.stop()
	}
	for race := 0; ; race++ {
		if err := p.continueRemoteLive(ctx, true); err != nil {
			return nil, err
		}
		res, err := p.fetchOnce(ctx, read)
		if err != nil {
			return nil, err
		}
		read = nil
		err = p.publishLive(ctx)
		if errors.Is(err, gitstate.ErrRejected) && race < maxLiveRaces {
			fmt.Fprintf(p.st.Err, "Another clone pushed %s first; reading FC again on top of it.\n", p.liveBranch())
			continue
		}
		return res, err
	}
}

func (p *Project) fetchOnce(ctx context.Context, read *onlineRead) (*fetchResult, error) {
	if read == nil {
		if read = p.startRead(ctx); read != nil {
			defer read.stop()
		}
	}
	live, err := p.loadLive()
	if err != nil {
		return nil, err
	}
	if read != nil {
		read.setPrev(live.state)
	}
	// Worked out now, while FC answers, rather than when the live tree is
	// rendered.
	p.inBackground(live.state.PrepareRendering)
	local := fsync.NewState()
	if len(p.cfg.Roots()) == 0 {
		// Without a services list, domains and layers are tracked by the
		// files of the committed project as well as the work tree, so that
		// fetch works whatever the work tree holds. A broken file only
		// hides its own resource here: fetch reads FC, whatever state the
		// project files are in.
		if _, head, err := p.repo.Head(); err == nil {
			if c, err := p.parseCommit(head); err == nil {
				for id, r := range c.state.Resources {
					local.Resources[id] = r
				}
			}
		}
		if wt, _, err := p.readWorktree(); err == nil {
			for id, r := range wt.Resources {
				local.Resources[id] = r
			}
		}
	}
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	opt := p.readScope(local, live.state)
	opt.prev = live.state
	if root := p.cfg.API.RootKind(); opt.allServices && !hasKind(root, local, live.state) {
		plural := p.cfg.API.RootsKey()
		fmt.Fprintf(p.st.Err, "fcsync: no %s tracked yet: reading every %s of %s (name some in fcsync.yaml, %s: [...], to track only those)\n",
			plural, root, p.cfg.Region, plural)
	}
	if read == nil {
		read = startOnline(ctx, client, p.concurrency, opt)
		defer read.stop()
	}
	read.setPrev(live.state)
	raw, err := read.wait(opt)
	if err != nil {
		return nil, err
	}
	p.st.scrub.Add(fsync.SecretValues(raw, p.cfg.SecretPatterns)...)
	before := live.tip
	if err := p.recoverIntent(live, raw); err != nil {
		return nil, err
	}
	online, refused := p.admit(p.redact(raw, live.salt, live.state), live.state)
	_, changes, err := p.recordOnline(live, online)
	if err != nil {
		return nil, err
	}
	return &fetchResult{live: live, before: before, raw: raw, online: online, changes: changes, refused: refused}, nil
}

// startRead starts reading the online state, as far as fcsync.yaml tells
// what to read (the services it names, or every one), before the command's
// local work tells the rest (startOnline). nil when the credentials cannot
// be resolved yet: the command says so in due course.
func (p *Project) startRead(ctx context.Context) *onlineRead {
	client, err := p.client()
	if err != nil {
		return nil
	}
	roots := p.cfg.Roots()
	all := len(roots) == 0
	return startOnline(ctx, client, p.concurrency, readOptions{
		services: roots, allServices: all, allLayers: all, progress: p.progress,
	})
}

func (r *fetchResult) print(p *Project) {
	if len(r.changes) == 0 && r.before == r.live.tip {
		fmt.Fprintf(p.st.Out, "No online changes (%s at %s).\n", p.liveBranch(), short(r.live.tip))
		return
	}
	fmt.Fprintf(p.st.Out, "%s: %s..%s online change\n%s", p.liveBranch(), short(r.before), short(r.live.tip), describeChanges(r.changes))
}

// unmergedExit returns the drift exit code when the live branch holds
// online changes that the current branch has not merged.
func (p *Project) unmergedExit(live *liveState) error {
	sp, err := p.syncPoint()
	if err != nil {
		return err
	}
	for _, e := range fsync.Status(sp.base, sp.base, sp.base, live.state) {
		if e.Category.Online() {
			return silentExit(ExitDrift)
		}
	}
	return nil
}

// hasKind reports whether any of the states holds a resource of kind k.
func hasKind(k fc.Kind, states ...*fsync.State) bool {
	for _, s := range states {
		for id := range s.Resources {
			if id.Kind == k {
				return true
			}
		}
	}
	return false
}

func short(h gitstate.Hash) string {
	if h.IsZero() {
		return "(none)"
	}
	return h.String()[:7]
}
