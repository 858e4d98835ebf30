package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	gosync "sync"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// PushOptions are push's options.
type PushOptions struct {
	UseLocal bool   // overwrite online changes that were not merged
	DryRun   bool   // print the plan and change nothing
	Yes      bool   // confirm deletions without asking
	Message  string // commit uncommitted project changes with this message first
	// Services and Functions ("SERVICE/FUNCTION") limit the deploy to them.
	Services, Functions []string
	Output              string // "text" or "json"
	// Publish publishes a version of the service after a successful
	// deploy, described by PublishMessage (default: the deployed commit's
	// subject); Alias then points that alias at it (created if missing).
	Publish        bool
	PublishMessage string
	Alias          string
}

// Push deploys the committed project, and refuses to overwrite online
// changes the current branch has not merged (DESIGN section 5).
func (p *Project) Push(ctx context.Context, opt PushOptions) error {
	format, err := outputFormat(opt.Output)
	if err != nil {
		return err
	}
	report := p.pushReport(format)
	scope, err := pushScope(p.cfg.API, opt.Services, opt.Functions)
	if err != nil {
		return err
	}
	var early *earlyRead
	if opt.Message == "" {
		// HEAD (what is deployed, no commit coming) is parsed and
		// validated first (against the live tip, parsed alongside), and
		// FC read once it passes: the network phase, the longest, starts
		// as early as it may, and reading the work tree for uncommitted
		// changes overlaps it. (Run alongside the validation on two cores,
		// the work tree's walk delayed the first call by as long again.)
		p.prefetch()
		if _, head, err := p.repo.Head(); err == nil {
			early = p.startEarlyRead(ctx, head)
			defer early.abandon()
			early.started()
		}
	}
	validated, err := p.commitIfDirty(opt.Message, format)
	if err != nil {
		return err
	}
	tipBefore, err := p.repo.Ref(p.liveBranch())
	if err != nil {
		return err
	}
	sp, err := p.syncPoint()
	if err != nil {
		return err
	}
	if sp.head.IsZero() {
		return errors.New("push: the current branch has no commit yet: commit the project first (git add . && git commit)")
	}
	local, files, err := p.readCommit(sp.head)
	if err != nil {
		return p.locateError(err)
	}
	// Nothing FC would refuse, or silently drop, leaves this machine.
	if !validated {
		if err := p.report(p.validationOf(sp.head)); err != nil {
			return err
		}
	}
	if err := fsync.CheckLocalCode(local); err != nil {
		return p.locateError(err)
	}
	p.warnNestedGit(local)
	p.warnPlainSecrets(local)

	// Step 1: read online and record drift before anything else, so that
	// it is never lost, even when the push is then refused. (Only now: a
	// project that fails validation makes no API call at all.)
	read := early.take()
	if read == nil {
		read = p.startRead(ctx)
	}
	res, err := p.fetch(ctx, read)
	if err != nil {
		return err
	}
	if len(res.changes) > 0 {
		fmt.Fprintf(p.st.Err, "Recorded online changes on %s (%s).\n", p.liveBranch(), short(res.live.tip))
	}
	if err := refusedInScope(res.refused, scope); err != nil {
		return err
	}
	if res.live.tip != tipBefore {
		// A new live commit may make another sync point.
		if sp, err = p.syncPoint(); err != nil {
			return err
		}
	}

	// Step 2: refuse when online changed since the sync point.
	drift := fsync.Drift(sp.base, sp.baseLocal, local, res.online, scope)
	useLocal := opt.UseLocal
	if len(drift) > 0 && !useLocal {
		p.printDrift(drift)
		if !p.st.IsTerminal || opt.DryRun {
			return errors.Join(report.refused(drift), silentExit(ExitDrift))
		}
		if !p.confirm("Overwrite these online changes with the local version? [y/N] ") {
			fmt.Fprintln(p.st.Err, "Push cancelled; nothing was changed online.")
			return errors.Join(report.refused(drift), silentExit(ExitDrift))
		}
		useLocal = true
	}

	// Step 3: plan.
	plan, err := sp.plan(fsync.PlanInput{
		Local: local, Online: res.raw, InScope: scope, LocalFiles: files,
		Env:      fsync.RefEnv{Lookup: os.LookupEnv, IsCredential: p.isCredential},
		Patterns: p.cfg.SecretPatterns, Salt: res.live.salt,
	})
	if err != nil {
		return p.locateError(err)
	}
	p.st.scrub.Add(plan.SecretValues(p.cfg.SecretPatterns)...)
	for _, op := range plan.Ops {
		if op.Action != fsync.ActionCreate {
			continue
		}
		if err := fc.ValidateCreate(op.ID); err != nil {
			// Before any call: FC would refuse it half-way through a push.
			return withCode(ExitUsage, fmt.Errorf("%s: %w", p.userPath(op.ID.File()), err))
		}
	}
	pub, err := p.preparePublish(ctx, opt, local, res.raw, plan)
	if err != nil {
		return err
	}
	if opt.DryRun {
		if report != nil {
			return report.write(pushDoc{Result: pushPlanned, Operations: plan.Ops})
		}
		if err := p.printPlan(plan, format); err != nil {
			return err
		}
		if pub != nil && format == "text" {
			fmt.Fprint(p.st.Out, pub.describe())
		}
		return nil
	}
	if report != nil {
		report.pub = pub
	}
	if plan.Empty() && pub != nil {
		deploy, err := p.publishOnly(ctx, pub, res, sp, local, plan, scopeTrailers(opt.Services, opt.Functions))
		if pub.version.ID == "" {
			return err
		}
		return errors.Join(report.write(pushDoc{Result: pushDeployed, LiveCommit: deploy.String()}), err)
	}
	if plan.Empty() {
		if len(drift) > 0 && useLocal {
			// Online differs only where local does not manage: record that
			// local accepts it, so the sync point moves past the drift.
			if _, err := p.writeDeploy(deployRecord{res: res, sp: sp, local: local, after: res.raw.Clone(), plan: plan,
				trailers: scopeTrailers(opt.Services, opt.Functions)}); err != nil {
				return err
			}
		}
		fmt.Fprintln(p.st.Out, "Everything up to date: online already matches the project.")
		return report.write(pushDoc{Result: pushUpToDate})
	}
	if dels := plan.Deletions(); len(dels) > 0 && !opt.Yes {
		fmt.Fprint(p.st.Out, (&fsync.Plan{Ops: dels}).Text())
		if !p.st.IsTerminal {
			return usagef("push: the plan deletes %d resources online; rerun with --yes to confirm", len(dels))
		}
		if !p.confirm(fmt.Sprintf("Delete these %d resources online? [y/N] ", len(dels))) {
			fmt.Fprintln(p.st.Err, "Push cancelled; nothing was changed online.")
			return silentExit(ExitError)
		}
	}
	fmt.Fprint(p.st.Out, plan.Text())

	// Steps 4 and 5: record the intent, apply with If-Match, then record
	// the deploy.
	trailers := scopeTrailers(opt.Services, opt.Functions)
	if res.raw, err = p.withETags(ctx, plan, res.raw); err != nil {
		return err
	}
	if err := p.writeIntent(sp.head, res.live.tip, trailers, plan.Ops, res.live.salt); err != nil {
		return err
	}
	applied, applyErr := p.apply(ctx, plan, res.raw)
	deploy := res.live.tip
	var pubErr error
	if len(applied) > 0 {
		after := applyResults(res.raw, local, applied)
		d := deployRecord{res: res, sp: sp, local: local, after: after, applied: applied, applyErr: applyErr, plan: plan, trailers: trailers}
		if applyErr == nil && pub != nil {
			pubErr = p.runPublish(ctx, pub, &d)
		}
		var err error
		if deploy, err = p.writeDeploy(d); err != nil {
			if applyErr != nil {
				return fmt.Errorf("%w (and recording the deploy failed: %v)", applyErr, err)
			}
			return err
		}
	}
	if len(applied) > 0 {
		if err := p.publishReplaying(ctx); err != nil {
			fmt.Fprintf(p.st.Err, "fcsync: the deploy is recorded as %s, but sharing %s failed (the next fcsync fetch shares it): %v\n", short(deploy), p.liveBranch(), err)
		}
	}
	if applyErr == nil {
		fmt.Fprintf(p.st.Out, "Deployed %d operations; %s is now %s.\n", len(applied), p.liveBranch(), short(deploy))
		pub.report(p)
		if pubErr != nil {
			if err := p.repo.RemoveGitFile(intentFile); err != nil {
				return err
			}
			return pubErr
		}
		created := fsync.NewState()
		for _, a := range applied {
			if a.op.Action == fsync.ActionCreate && a.result != nil {
				created.Resources[a.op.ID] = a.result
			}
		}
		urls := endpoints(created)
		for _, u := range urls {
			fmt.Fprintf(p.st.Out, "  %s\n", u)
		}
		if err := p.repo.RemoveGitFile(intentFile); err != nil {
			return err
		}
		return report.done(plan, applied, deploy, urls, nil, p.scrub)
	}
	// What was not acknowledged may still have reached FC (a lost answer,
	// an interruption): the intent stays for those, and the next fetch,
	// pull or push settles them by reading online.
	rest := notApplied(plan, applied)
	if err := p.writeIntent(sp.head, deploy, trailers, rest, res.live.salt); err != nil {
		return fmt.Errorf("%w (and recording the push's intent failed: %v)", applyErr, err)
	}
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(p.st.Err, "Push interrupted: %d applied, %d unknown; the next fcsync fetch, pull or push finds out which reached FC:\n", len(applied), len(rest))
	case len(applied) == 0:
		fmt.Fprintln(p.st.Err, "Push stopped before FC acknowledged any change. Not applied:")
	default:
		fmt.Fprintf(p.st.Err, "Push stopped after %d of %d operations; the partial deploy is recorded as %s. Not applied:\n", len(applied), len(plan.Ops), short(deploy))
	}
	for _, op := range rest {
		fmt.Fprintf(p.st.Err, "  %s %s%s\n", op.Action, op.ID, partNote(op, plan))
	}
	fmt.Fprintln(p.st.Err, "Run fcsync push again to finish.")
	return errors.Join(report.done(plan, applied, deploy, nil, applyErr, p.scrub), pushFailure(applyErr))
}

// earlyRead is the read of FC a push starts as soon as HEAD validates,
// while it still reads the work tree for uncommitted changes: a project
// that fails validation makes no API call at all (as before), one with
// uncommitted changes stops the reads made for nothing.
type earlyRead struct {
	done      chan struct{}
	mu        gosync.Mutex
	read      *onlineRead
	abandoned bool
}

func (p *Project) startEarlyRead(ctx context.Context, head gitstate.Hash) *earlyRead {
	e := &earlyRead{done: make(chan struct{})}
	if _, err := p.client(); err != nil {
		close(e.done) // no credentials: the push says so in due course
		return e
	}
	p.inBackground(func() {
		defer close(e.done)
		if p.validationOf(head).err != nil {
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if !e.abandoned {
			e.read = p.startRead(ctx)
		}
	})
	return e
}

// started waits until the read is started, or known not to be.
func (e *earlyRead) started() { <-e.done }

// take returns the read, nil when none was started.
func (e *earlyRead) take() *onlineRead {
	if e == nil {
		return nil
	}
	<-e.done
	return e.read
}

// abandon stops the read, or keeps it from starting.
func (e *earlyRead) abandon() {
	if e == nil {
		return
	}
	e.mu.Lock()
	e.abandoned = true
	r := e.read
	e.mu.Unlock()
	if r != nil {
		r.stop()
	}
}

// pushFailure is the error of a push that FC stopped: a 412 means the
// resource changed online during the push, which is drift (exit 3).
func pushFailure(err error) error {
	if errors.Is(err, fc.ErrPreconditionFailed) {
		return withCode(ExitDrift, fmt.Errorf("%w\nit changed online during the push; nothing of it was overwritten: run fcsync pull, then push again", err))
	}
	return err
}

// pushScope turns --service and --function into a predicate.
func pushScope(api fc.API, services, functions []string) (func(fc.ID) bool, error) {
	if api == fc.FC3 {
		if len(services) > 0 {
			return nil, usagef("--service: an FC 3.0 project has no services; name functions with --function")
		}
		for _, f := range functions {
			if err := api.RootID(f).Validate(); err != nil {
				return nil, withCode(ExitUsage, fmt.Errorf("--function: %w", err))
			}
		}
		return inScope(nil, functions), nil
	}
	for _, s := range services {
		if err := fc.FC2.ValidateName(fc.KindService, s); err != nil {
			return nil, withCode(ExitUsage, fmt.Errorf("--service: %w", err))
		}
	}
	for _, f := range functions {
		svc, fn, ok := strings.Cut(f, "/")
		if !ok {
			return nil, usagef("--function %q: want SERVICE/FUNCTION", f)
		}
		if err := fc.FunctionID(svc, fn).Validate(); err != nil {
			return nil, withCode(ExitUsage, fmt.Errorf("--function: %w", err))
		}
	}
	return inScope(services, functions), nil
}

// commitIfDirty makes push deploy exactly what is committed: uncommitted
// project changes stop it, unless -m commits them first, once they pass
// validation (validated then says the new HEAD was checked). Project
// changes are those of tracked files and new files where resources live
// (isProjectFile): a stray untracked file elsewhere (.env, notes, an
// editor's backup) neither stops push nor is committed, since -m must
// never put into git history what nobody meant to add.
func (p *Project) commitIfDirty(message, format string) (validated bool, err error) {
	if busy, err := p.repo.MergeInProgress(); err != nil {
		return false, err
	} else if busy {
		return false, errors.New("push: a merge is in progress: conclude it with git commit (or git merge --abort) first")
	}
	all, err := p.dirtyPaths()
	if err != nil {
		return false, err
	}
	tracked, err := p.repo.Tracked(p.prefix)
	if err != nil {
		return false, err
	}
	var dirty []string
	for _, d := range all {
		if tracked[d] || p.isProjectFile(d) {
			dirty = append(dirty, d)
		}
	}
	if len(dirty) == 0 {
		return false, nil
	}
	if message == "" {
		return false, fmt.Errorf("push: uncommitted changes in the project:\n  %s\npush deploys what is committed: commit them, or pass -m MESSAGE to commit them first", filetree.QuoteList(dirty, "\n  "))
	}
	// A project that cannot be deployed is not committed either; what push
	// would refuse after committing is refused before, naming the file,
	// rather than committed (or refused by git's own rules).
	wt, files, err := p.readWorktree()
	if err != nil {
		return false, err
	}
	if err := fsync.CheckLocalCode(wt); err != nil {
		return false, p.locateError(err)
	}
	if err := p.validate(files); err != nil {
		return false, err
	}
	h, err := p.repo.CommitWorktreeSome(p.prefix, p.isProjectFile, message, p.repo.UserSignature())
	p.forgetWorktree()
	if err != nil {
		return false, err
	}
	w := p.st.Out
	if format == "json" {
		w = p.st.Err // standard output holds one JSON document
	}
	fmt.Fprintf(w, "Committed %d changed files as %s.\n", len(dirty), short(h))
	return true, nil
}

// isProjectFile reports whether a repository-relative path is one of the
// project's own files, which -m adds when new: fcsync.yaml and what lies
// under services/ (FC 3.0: functions/), domains/ and layers/.
func (p *Project) isProjectFile(repoPath string) bool {
	rel := repoPath
	if p.prefix != "" {
		var ok bool
		if rel, ok = strings.CutPrefix(repoPath, p.prefix+"/"); !ok {
			return false
		}
	}
	if rel == configFile {
		return true
	}
	top, _, _ := strings.Cut(rel, "/")
	root := "services"
	if p.cfg.API == fc.FC3 {
		root = "functions"
	}
	return top == root || top == "domains" || top == "layers"
}

func (p *Project) printDrift(drift []fsync.DriftItem) {
	w := p.st.Err
	fmt.Fprintf(w, "%s\n", p.color(colorRed, "push refused: online changes that this branch has not merged"))
	for _, d := range drift {
		fmt.Fprintf(w, "  %s (%s): %s\n", d.ID, p.userPath(d.ID.File()), d.Reason)
		fmt.Fprint(w, indent(describeChanges(d.Changes), "  "))
		for _, c := range d.Changes {
			for i, f := range c.CodeFiles {
				if i == filetree.MaxListed {
					fmt.Fprintf(w, "      and %s more files\n", filetree.Thousands(len(c.CodeFiles)-i))
					break
				}
				fmt.Fprintf(w, "      code changed online: %s\n", p.userPath(c.ID.CodeDir()+"/"+f))
			}
		}
	}
	fmt.Fprintln(w, "Run fcsync pull to merge them, or fcsync push --use-local to overwrite them.")
}

func indent(s, by string) string {
	if s == "" {
		return ""
	}
	return by + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+by) + "\n"
}

func (p *Project) printPlan(plan *fsync.Plan, format string) error {
	if format == "json" {
		if plan.Ops == nil {
			plan.Ops = []fsync.Op{}
		}
		return json.NewEncoder(p.st.Out).Encode(plan)
	}
	fmt.Fprint(p.st.Out, plan.Text())
	return nil
}

// confirm asks a yes/no question on the terminal; the default is no.
func (p *Project) confirm(question string) bool {
	fmt.Fprint(p.st.Err, question)
	var answer string
	if _, err := fmt.Fscanln(p.st.In, &answer); err != nil {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return true
	}
	return false
}

// deployRecord is what a deploy commit records.
type deployRecord struct {
	res      *fetchResult
	sp       *syncPoint
	local    *fsync.State // the local commit deployed
	after    *fsync.State // online after the deploy, not redacted
	applied  []appliedOp
	applyErr error
	plan     *fsync.Plan
	trailers string        // a scoped push's scope, and what push --publish did
	head     gitstate.Hash // the local commit deployed, when not the sync point's (push --alias committed the alias)
}

// writeDeploy records a deploy commit on the live branch: parents the live
// tip and the local commit deployed, tree the online state after the
// deploy. A failed push records exactly what was applied, marked partial.
// A scoped push names its scope in trailers: the commit tells the truth
// about every resource online, but moves the sync point of those in scope
// only, so online changes elsewhere stay unmerged (see syncPoint).
// Secrets keep the references the deployed commit gives them, so that
// local and the new sync point agree; FC's error text is scrubbed, since
// it may quote what was sent.
func (p *Project) writeDeploy(d deployRecord) (gitstate.Hash, error) {
	res, sp, applied, applyErr, plan, trailers := d.res, d.sp, d.applied, d.applyErr, d.plan, d.trailers
	head := sp.head
	if !d.head.IsZero() {
		head = d.head
	}
	online := p.redact(d.after, res.live.salt, d.local, res.live.state)
	tree, err := p.liveTree(online, res.live.salt, res.live.state)
	if err != nil {
		return gitstate.Hash{}, err
	}
	changes := fsync.Diff(res.live.state, online)
	subject := "deploy " + short(head) + ": " + strings.TrimPrefix(fsync.Subject(changes), "online change: ")
	if len(changes) == 0 {
		subject = "deploy " + short(head) + ": accept online state"
	}
	versions := fsync.VersionChanges(res.live.state, online)
	if len(changes) == 0 && len(versions) > 0 {
		subject = "deploy " + short(head) + ": " + versions[0]
	}
	var body strings.Builder
	body.WriteString(fsync.Summary(changes))
	for _, v := range versions {
		body.WriteString(v + "\n")
	}
	if applyErr != nil {
		subject = "partial " + subject
		fmt.Fprintf(&body, "\npartial deploy: %d of %d operations applied\n", len(applied), len(plan.Ops))
		for _, a := range applied {
			fmt.Fprintf(&body, "applied: %s %s%s\n", a.op.Action, a.op.ID, partNote(a.op, plan))
		}
		for _, op := range notApplied(plan, applied) {
			fmt.Fprintf(&body, "not applied: %s %s%s\n", op.Action, op.ID, partNote(op, plan))
		}
		fmt.Fprintf(&body, "error: %s\n", p.scrub(applyErr.Error()))
	}
	if trailers != "" {
		body.WriteString("\n" + trailers)
	}
	sig := p.repo.UserSignature()
	tip, err := p.commitLive(tree, []gitstate.Hash{res.live.tip, head}, subject+"\n\n"+body.String(), sig, res.live.tip)
	if err != nil {
		return tip, err
	}
	res.live.tip, res.live.state, res.live.files = tip, online, tree
	return tip, nil
}

// notApplied lists the plan's operations that FC did not acknowledge, in
// plan order.
func notApplied(plan *fsync.Plan, applied []appliedOp) []fsync.Op {
	done := map[fc.ID]fsync.Op{}
	for _, a := range applied {
		done[a.op.ID] = a.op
	}
	var out []fsync.Op
	for _, op := range plan.Ops {
		d, ok := done[op.ID]
		switch {
		case !ok:
			out = append(out, op)
		case len(d.Send) < len(op.Send):
			out = append(out, rest(op, d)) // a part of its configs written
		}
	}
	return out
}

// refusedInScope stops a push that would write a resource whose online
// state fcsync could not record: it cannot tell what the push would
// overwrite there.
func refusedInScope(refused []*fsync.Refusal, scope func(fc.ID) bool) error {
	var ids []string
	for _, r := range refused {
		if scope == nil || scope(r.ID) {
			ids = append(ids, r.ID.String())
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return fmt.Errorf("push: online state not recorded for %s (see the warnings above): nothing was changed online; fix it online, or push the rest with --service or --function", strings.Join(ids, ", "))
}
