package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// publishStep is push --publish [--alias NAME]: after a successful deploy,
// publish a version of the one root in scope (a service of FC 2.0, a
// function of FC 3.0, which both version) and point an alias at it,
// the blue-green step users otherwise do by hand in the console. Both are
// recorded in the deploy commit. The alias's ETag is read before anything
// is written, so a console traffic shift made during the push is caught by
// If-Match (412, exit 3) rather than overwritten.
type publishStep struct {
	root        fc.ID  // the service (FC 2.0) or function (FC 3.0) published
	service     string // root's name
	description string
	alias       string
	aliasETag   string       // empty: the alias does not exist online yet
	aliasNow    *fc.Resource // the alias as read before the push; nil when new

	version fc.Version   // what was published
	moved   *fc.Resource // the alias as FC answered the move
}

// preparePublish checks the options against the project and the plan, and
// reads the alias's ETag.
func (p *Project) preparePublish(ctx context.Context, opt PushOptions, local *fsync.State, online *fsync.State, plan *fsync.Plan) (*publishStep, error) {
	if !opt.Publish {
		if opt.Alias != "" {
			return nil, usagef("push: --alias %s points the alias at the version --publish makes: add --publish", opt.Alias)
		}
		return nil, nil
	}
	api := p.cfg.API
	roots, named := opt.Services, len(opt.Functions) > 0
	if api == fc.FC3 {
		roots, named = opt.Functions, false
	}
	if len(roots) == 0 {
		roots = p.trackedServices(local)
	}
	if len(roots) != 1 || named {
		return nil, usagef("push --publish publishes a version of one %s: name it with --%s (this push covers %d)",
			api.RootKind(), api.RootKind(), len(roots))
	}
	step := &publishStep{root: api.RootID(roots[0]), service: roots[0], description: opt.PublishMessage, alias: opt.Alias}
	if step.description == "" {
		if _, head, err := p.repo.Head(); err == nil {
			if c, err := p.repo.ReadCommit(head); err == nil {
				step.description, _, _ = strings.Cut(strings.TrimSpace(c.Message), "\n")
			}
		}
	}
	if step.alias == "" {
		return step, nil
	}
	id, ok := api.IDFromPath(fc.KindAlias, step.service+"/"+step.alias)
	if !ok {
		return nil, usagef("push --alias: invalid alias name %q", step.alias)
	}
	if err := id.Validate(); err != nil {
		return nil, usagef("push --alias: %v", err)
	}
	for _, op := range plan.Ops {
		if op.ID == id {
			return nil, usagef("push --alias %s: the project changes %s too; push that change first, or leave --alias out", step.alias, p.userPath(id.File()))
		}
	}
	if opt.DryRun {
		return step, nil
	}
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	cur, err := client.Get(ctx, id)
	switch {
	case errors.Is(err, fc.ErrNotFound):
		if online.Resources[id] != nil {
			return nil, inconsistent(id, err)
		}
	case err != nil:
		return nil, err
	default:
		step.aliasETag, step.aliasNow = cur.ETag, cur
	}
	return step, nil
}

// describe is the dry run's and the plan's line for the step.
func (s *publishStep) describe() string {
	line := fmt.Sprintf("then publish a version of %s", s.root)
	if s.description != "" {
		line += " " + fsync.FormatValue(s.description)
	}
	if s.alias != "" {
		line += fmt.Sprintf(" and point alias %s at it", s.alias)
	}
	return line + "\n"
}

// run publishes the version and moves the alias, and adds both to after,
// the online state the deploy commit records.
func (s *publishStep) run(ctx context.Context, client *fc.Client, after *fsync.State) error {
	v, err := client.PublishVersion(ctx, s.root, s.description, "")
	if errors.Is(err, fc.ErrNothingToPublish) {
		return fmt.Errorf("push --publish: %s has not changed since its last version, and FC publishes a version only of something new: deploy a change first (%w)", s.root, err)
	}
	if err != nil {
		return err
	}
	s.version = v
	if svc := after.Resources[s.root]; svc != nil {
		r := *svc
		r.Status = copyStatus(svc.Status)
		r.Status[fsync.VersionsField] = fsync.VersionsStatus(append(fsync.Versions(svc), v))
		after.Resources[svc.ID] = &r
	}
	if s.alias == "" {
		return nil
	}
	id, _ := s.root.API.IDFromPath(fc.KindAlias, s.service+"/"+s.alias)
	var moved *fc.Resource
	if s.aliasNow == nil {
		moved, err = client.Create(ctx, id, map[string]any{"versionId": v.ID}, nil)
	} else {
		fields := map[string]any{"versionId": v.ID}
		if w, ok := s.aliasNow.Spec["additionalVersionWeight"].(map[string]any); ok {
			rest := map[string]any{}
			for k, x := range w {
				if k != v.ID {
					rest[k] = x
				}
			}
			fields["additionalVersionWeight"] = rest
		}
		moved, err = client.Update(ctx, id, fields, nil, s.aliasETag)
	}
	if errors.Is(err, fc.ErrPreconditionFailed) {
		return WithCode(ExitDrift, fmt.Errorf("push --alias: version %s of %s is published, but alias %s changed online during the push, so it was not moved: run fcsync pull to see the change, then point it at version %s in %s and push (%w)",
			v.ID, s.root, s.alias, v.ID, id.File(), err))
	}
	if err != nil {
		return fmt.Errorf("push --alias: version %s of %s is published, but moving alias %s failed: %w", v.ID, s.root, s.alias, err)
	}
	s.moved = moved
	after.Resources[id] = moved
	return nil
}

// trailers records the step in the deploy commit.
func (s *publishStep) trailers() string {
	if s == nil || s.version.ID == "" {
		return ""
	}
	t := fmt.Sprintf("Published-Version: %s %s\n", s.service, s.version.ID)
	if s.moved != nil {
		t += fmt.Sprintf("Alias-Moved: %s/%s %s\n", s.service, s.alias, s.version.ID)
	}
	return t
}

// syncLocalAlias writes the moved alias into the project and commits it,
// so that the project says what is online and the next push does not move
// the alias back: the file keeps its comments, only versionId (and the new
// version's canary weight) change; a project without the file gains it.
// It returns the new HEAD, which the deploy commit records as deployed.
func (p *Project) syncLocalAlias(s *publishStep, local *fsync.State) (gitstate.Hash, error) {
	id := s.moved.ID
	path := filepath.Join(p.dir, filepath.FromSlash(id.File()))
	var data []byte
	if r := local.Resources[id]; r != nil {
		src, err := os.ReadFile(path)
		if err != nil {
			return gitstate.Hash{}, err
		}
		if data, err = fsync.PointAlias(src, r.Spec, s.version.ID); err != nil {
			return gitstate.Hash{}, fmt.Errorf("%s: %w", p.userPath(id.File()), err)
		}
	} else {
		// The new file manages what push set, no more: FC's defaults
		// (an empty description, no weights) stay unmanaged.
		st := fsync.NewState()
		st.Resources[id] = &fc.Resource{ID: id, Spec: map[string]any{"versionId": s.version.ID}}
		t, err := fsync.Render(st, fsync.RenderOptions{})
		if err != nil {
			return gitstate.Hash{}, err
		}
		data = t[id.File()].Data
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return gitstate.Hash{}, err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return gitstate.Hash{}, err
	}
	file := p.repoPath(id.File())
	msg := fmt.Sprintf("point alias %s of %s at version %s\n\nfcsync push --publish --alias %s published version %s and moved the alias online.\n",
		s.alias, s.service, s.version.ID, s.alias, s.version.ID)
	defer p.forgetWorktree()
	return p.repo.CommitWorktreeSome(p.prefix, func(path string) bool { return path == file }, msg, p.repo.UserSignature())
}

// runPublish runs the step after a successful apply and adds it to the
// deploy record: the version and alias in the online state, the trailers,
// and, when the alias moved, the local commit that says so.
func (p *Project) runPublish(ctx context.Context, s *publishStep, d *deployRecord) error {
	client, err := p.client()
	if err != nil {
		return err
	}
	err = s.run(ctx, client, d.after)
	if t := s.trailers(); t != "" {
		if d.trailers != "" && !strings.HasSuffix(d.trailers, "\n") {
			d.trailers += "\n"
		}
		d.trailers += t
	}
	if err != nil || s.moved == nil {
		return err
	}
	head, cerr := p.syncLocalAlias(s, d.local)
	if cerr != nil {
		return fmt.Errorf("push --alias: alias %s now routes to version %s online, but writing it into %s failed: %w; set versionId: %q there and commit",
			s.alias, s.version.ID, p.userPath(s.moved.ID.File()), cerr, s.version.ID)
	}
	d.head = head
	return nil
}

// publishOnly is push --publish with nothing to deploy: FC decides whether
// anything changed since the last version.
func (p *Project) publishOnly(ctx context.Context, s *publishStep, res *fetchResult, sp *syncPoint, local *fsync.State, plan *fsync.Plan, trailers string) (gitstate.Hash, error) {
	fmt.Fprint(p.st.Out, "Everything up to date: online already matches the project.\n")
	d := deployRecord{res: res, sp: sp, local: local, after: res.raw.Clone(), plan: plan, trailers: trailers}
	pubErr := p.runPublish(ctx, s, &d)
	if s.version.ID == "" {
		return gitstate.Hash{}, pubErr
	}
	deploy, err := p.writeDeploy(d)
	if err != nil {
		return deploy, err
	}
	fmt.Fprintf(p.st.Out, "%s is now %s.\n", p.liveBranch(), short(deploy))
	s.report(p)
	if err := p.publishReplaying(ctx); err != nil {
		fmt.Fprintf(p.st.Err, "fcsync: the deploy is recorded as %s, but sharing %s failed (the next fcsync fetch shares it): %v\n", short(deploy), p.liveBranch(), err)
	}
	return deploy, pubErr
}

// report prints what the step did.
func (s *publishStep) report(p *Project) {
	if s == nil || s.version.ID == "" {
		return
	}
	fmt.Fprintf(p.st.Out, "Published version %s of %s.\n", s.version.ID, s.root)
	if s.moved != nil {
		fmt.Fprintf(p.st.Out, "Alias %s now routes to version %s (committed to %s).\n", s.alias, s.version.ID, p.userPath(s.moved.ID.File()))
	}
}
