package workflow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/fcsync/fcsync/filetree"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// PullOptions are pull's options.
type PullOptions struct {
	// Resolve settles every conflict to one side; ResolveNone leaves them
	// in the work tree, as git merge does.
	Resolve fsync.Resolution
}

// Pull fetches, then merges the online changes into the current branch.
func (p *Project) Pull(ctx context.Context, opt PullOptions) error {
	resolve := opt.Resolve
	if busy, err := p.repo.MergeInProgress(); err != nil {
		return err
	} else if busy {
		return errors.New("pull: a merge is in progress: resolve it and git commit, or git merge --abort")
	}
	if _, _, err := p.repo.Head(); errors.Is(err, gitstate.ErrNoHead) {
		return errors.New("pull: the current branch has no commit yet: commit the project first (git add . && git commit)")
	}
	res, err := p.fetch(ctx, p.startRead(ctx))
	if err != nil {
		return err
	}
	res.print(p)
	sp, err := p.syncPoint()
	if err != nil {
		return err
	}
	tip := res.live.tip
	if tip.IsZero() {
		fmt.Fprintln(p.st.Out, "Already up to date.")
		return nil
	}
	if sp.ok {
		if merged, err := p.repo.IsAncestor(tip, sp.head); err == nil && merged {
			fmt.Fprintln(p.st.Out, "Already up to date.")
			return nil
		}
	}
	local, localFiles, err := p.readCommit(sp.head)
	if err != nil {
		return p.locateError(err)
	}
	onlineFiles, err := fsync.Render(res.live.state, fsync.RenderOptions{WithoutDefaults: true})
	if err != nil {
		return err
	}
	in := fsync.MergeInput{
		Online: res.live.state, Local: local,
		BaseFiles: sp.baseFiles, OnlineFiles: onlineFiles, LocalFiles: localFiles,
		Resolve: resolve, SecretPatterns: p.cfg.SecretPatterns,
		Labels: fsync.TextMergeLabels{Ours: "HEAD", Base: "sync point", Theirs: p.liveBranch()},
	}
	if sp.ok {
		in.Base, in.BaseLocal = sp.base, sp.baseLocal
	}
	result, err := fsync.Merge(in)
	if err != nil {
		return err
	}
	if sp.ok && sp.r == tip && len(result.Files) == 0 && !sp.scoped {
		// The sync point is the live tip and nothing of it is missing
		// locally. (Even at the tip, a deploy may record resources made in
		// the console that local never had; those still merge in.)
		fmt.Fprintln(p.st.Out, "Already up to date.")
		return nil
	}
	files := p.mergeFiles(result, in)
	if err := p.refuseDirty(files); err != nil {
		return err
	}
	changed := groupByResource(result.Changed)
	msg := fmt.Sprintf("Merge online changes from %s (%s)\n\n%s", p.liveBranch(), short(tip), strings.Join(changed, "\n"))
	if len(result.Conflicts) == 0 {
		h, err := p.repo.CommitMerge(tip, msg, files, p.repo.UserSignature())
		p.forgetWorktree()
		if err != nil {
			return err
		}
		fmt.Fprintf(p.st.Out, "Merged %s into %s (%s).\n", p.liveBranch(), sp.branch, short(h))
		for _, line := range changed {
			fmt.Fprintf(p.st.Out, "  %s\n", line)
		}
		return nil
	}
	err = p.repo.StartMerge(tip, msg, files)
	p.forgetWorktree()
	if err != nil {
		return err
	}
	for _, line := range changed {
		fmt.Fprintf(p.st.Out, "  %s\n", line)
	}
	fmt.Fprintf(p.st.Out, "CONFLICT: %d conflicts between local and online changes:\n", len(result.Conflicts))
	for _, cf := range result.Conflicts {
		fmt.Fprintf(p.st.Out, "  %s\n", p.color(colorRed, p.userPath(cf.Path)+": "+conflictWhat(cf)))
	}
	fmt.Fprintln(p.st.Out, "Fix them, then git add and git commit to conclude the merge (or git merge --abort),")
	fmt.Fprintln(p.st.Out, "or rerun fcsync pull with --use-remote or --use-local after git merge --abort.")
	return silentExit(ExitConflict)
}

func conflictWhat(c fsync.Conflict) string {
	if c.Field == "" {
		return c.Reason
	}
	return c.Field + ": " + c.Reason
}

// mergeFiles turns a merge result into the files gitstate records,
// repository-relative, with the three sides of each conflicted path for the
// index's stages 1-3.
func (p *Project) mergeFiles(result *fsync.MergeResult, in fsync.MergeInput) []gitstate.MergeFile {
	conflicted := map[string]bool{}
	for _, c := range result.Conflicts {
		for _, f := range c.Files() {
			conflicted[f] = true
		}
	}
	paths := make([]string, 0, len(result.Files))
	for rel := range result.Files {
		paths = append(paths, rel)
	}
	sort.Strings(paths)
	side := func(t filetree.Tree, rel string) *filetree.File {
		if f, ok := t[rel]; ok {
			return &f
		}
		return nil
	}
	var out []gitstate.MergeFile
	for _, rel := range paths {
		mf := gitstate.MergeFile{Path: p.repoPath(rel), Result: result.Files[rel]}
		if conflicted[rel] {
			mf.Conflict = true
			mf.Base = side(in.BaseFiles, rel)
			mf.Ours = side(in.LocalFiles, rel)
			mf.Theirs = side(in.OnlineFiles, rel)
		}
		out = append(out, mf)
	}
	return out
}

// refuseDirty stops before anything is written when a file the merge must
// change has uncommitted edits (DESIGN section 4).
func (p *Project) refuseDirty(files []gitstate.MergeFile) error {
	dirty, err := p.dirtyPaths()
	if err != nil {
		return err
	}
	isDirty := map[string]bool{}
	for _, d := range dirty {
		isDirty[d] = true
	}
	var hit []string
	for _, f := range files {
		if isDirty[f.Path] {
			hit = append(hit, f.Path)
		}
	}
	if len(hit) == 0 {
		return nil
	}
	return fmt.Errorf("pull: uncommitted changes in files the merge must change:\n  %s\ncommit or stash them, then pull again; nothing was changed", filetree.QuoteList(hit, "\n  "))
}

// groupByResource joins consecutive merge notes about one resource
// ("function s/f: memorySize ...", "function s/f: timeout ...") into one
// line, the way online-change commits summarise a resource.
//
// A resource lists at most filetree.MaxListed changes, then "and 99,970
// more changes": a pull of 100,000 files must not print a megabyte-long
// line, nor write one into the merge commit's message.
func groupByResource(lines []string) []string {
	var out []string
	last, n := "", 0
	flush := func() {
		if n > filetree.MaxListed {
			out[len(out)-1] += fmt.Sprintf("; and %s more changes", filetree.Thousands(n-filetree.MaxListed))
		}
	}
	for _, line := range lines {
		res, what, ok := strings.Cut(line, ": ")
		if ok && res == last {
			if n++; n <= filetree.MaxListed {
				out[len(out)-1] += "; " + what
			}
			continue
		}
		flush()
		out = append(out, line)
		last, n = "", 1
		if ok {
			last = res
		}
	}
	flush()
	return out
}
