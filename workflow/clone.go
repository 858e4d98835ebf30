package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/fcsync/fcsync/filetree"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// Clone creates a new repository in dir whose live branch's first commit
// imports what is online, and whose current branch starts from that commit
// with the project files (without .fcsync/live.json), so that the sync point
// is set from the first moment.
func Clone(ctx context.Context, g Globals, st Streams, dir string, cfg *fsync.Config) (err error) {
	entries, statErr := os.ReadDir(dir)
	if statErr == nil && len(entries) > 0 {
		if !gitstate.StaleMarker(filepath.Join(dir, cloneMarker)) && !gitstate.StaleMarker(filepath.Join(dir, ".git", cloneMarker)) {
			return usagef("clone: %s exists and is not empty", dir)
		}
		// A clone killed outright (SIGKILL, power loss) could not clean
		// up; its marker says the content is its debris, nothing else.
		fmt.Fprintf(st.Err, "fcsync: removing the unfinished clone left in %s by a killed fcsync\n", dir)
		if err := removeCreated(dir, true); err != nil {
			return err
		}
	}
	existed := statErr == nil
	data := cfg.Marshal()
	if _, err := fsync.LoadConfig(filepath.Join(dir, configFile), data); err != nil {
		return withCode(ExitUsage, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// As git clone does, a clone that fails or is interrupted removes what
	// it created, and only that: the folder if it made it, else the
	// folder's content (it was empty). Otherwise the retry would meet
	// "exists and is not empty". Deferred first, it runs after the lock
	// inside is released.
	defer func() {
		if err == nil {
			return
		}
		if rerr := removeCreated(dir, existed); rerr != nil {
			err = fmt.Errorf("%w; removing the partial clone %s failed: %v", err, dir, rerr)
		}
	}()
	// The marker lives in the folder until the repository exists, then
	// inside .git, out of the commit; a rename moves it, so at every
	// moment a kill leaves either an empty folder or a marked one.
	marker := filepath.Join(dir, cloneMarker)
	if err := gitstate.WriteMarker(marker); err != nil {
		return err
	}
	repo, err := gitstate.Init(dir)
	if err != nil {
		return err
	}
	if inner := filepath.Join(dir, ".git", cloneMarker); isDir(filepath.Join(dir, ".git")) {
		if err := os.Rename(marker, inner); err != nil {
			return err
		}
		marker = inner
	}
	cfg, err = fsync.LoadConfig(filepath.Join(dir, configFile), data) // fills defaults
	if err != nil {
		return err
	}
	p, err := newProject(g, st, repo, dir, cfg)
	if err != nil {
		return err
	}
	release, err := p.lock()
	if err != nil {
		return err
	}
	defer release()

	client, err := p.client()
	if err != nil {
		return err
	}
	live := &liveState{state: fsync.NewState(), salt: p.defaultSalt()}
	// The work tree is written while FC is read (cloneWriter), then
	// corrected to what the whole state renders.
	co := repo.NewCheckout()
	early := newCloneWriter(p, co, live.salt)
	opt := p.readScope()
	opt.seen = early.seen
	raw, err := readOnline(ctx, client, p.concurrency, opt)
	early.finish()
	if err != nil {
		return err
	}
	if err := missingServices(raw, cfg); err != nil {
		return err
	}
	p.st.scrub.Add(fsync.SecretValues(raw, p.cfg.SecretPatterns)...)
	online, _ := p.admit(p.redact(raw, live.salt), nil)
	tip, _, err := p.recordOnline(live, online)
	if err != nil {
		return err
	}

	files, err := fsync.Render(online, fsync.RenderOptions{WithoutDefaults: true})
	if err != nil {
		return err
	}
	// Nothing below refers to the online state, so the garbage collector
	// may free its code while the work tree is committed: a clone would
	// otherwise hold every function's code twice at its peak.
	resources := len(online.Resources)
	online = nil
	files[configFile] = filetreeFile(data)
	if err := p.checkout(co, files); err != nil {
		return err
	}
	if err := writeGitignore(p.dir); err != nil {
		return err
	}
	branch, _, err := repo.Head()
	if err != nil && !errors.Is(err, gitstate.ErrNoHead) {
		return err
	}
	if err := repo.UpdateRef(branch, tip, gitstate.Hash{}); err != nil {
		return err
	}
	inFolder := marker == filepath.Join(dir, cloneMarker)
	if inFolder {
		if err := os.Remove(marker); err != nil {
			return err
		}
	}
	if _, err := repo.CommitWorktree(p.prefix, "fcsync clone: start from the online state of "+cfg.Region, repo.UserSignature()); err != nil {
		return err
	}
	if !inFolder {
		if err := os.Remove(marker); err != nil {
			return err
		}
	}
	fmt.Fprintf(st.Out, "Cloned %d resources from %s into %s (live branch %s).\n", resources, cfg.Region, dir, p.liveBranch())
	return nil
}

// missingServices fails a clone that names a service FC does not have:
// "Cloned 0 resources" would hide a typo or the wrong region. It is an
// error of the online state (exit 1), not of usage: the name is valid.
func missingServices(online *fsync.State, cfg *fsync.Config) error {
	var missing []string
	for _, s := range cfg.Roots() {
		if online.Resources[cfg.API.RootID(s)] == nil {
			missing = append(missing, strconv.Quote(s))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	root := cfg.API.RootKind()
	what := fmt.Sprintf("no %s %s", root, missing[0])
	if len(missing) > 1 {
		what = fmt.Sprintf("no %s %s", cfg.API.RootsKey(), strings.Join(missing, ", "))
	}
	return fmt.Errorf("clone: %s in %s; nothing was cloned (without --%s, clone takes every %s of the region)", what, cfg.Region, root, root)
}

// checkout makes the project's files in the work tree files, project-
// relative: it writes those the checkout has not written as they are,
// removes those it wrote that files lacks, and stages them all.
func (p *Project) checkout(co *gitstate.Checkout, files filetree.Tree) error {
	want := map[string]bool{}
	for _, rel := range files.Paths() {
		path, f := p.repoPath(rel), files[rel]
		want[path] = true
		if h, mode, ok := co.Written(path); ok && mode == f.Mode && h == gitstate.Hash(f.Hash()) {
			continue
		}
		if err := co.Write(path, f); err != nil {
			return err
		}
	}
	for _, path := range co.Paths() {
		if !want[path] {
			if err := co.Remove(path); err != nil {
				return err
			}
		}
	}
	return co.Stage()
}

// cloneMarker marks a clone in progress; it names the process (as the
// lock file does) so that a later clone can tell a killed one's debris.
// Inside an existing repository (a monorepo) it stays in the folder and
// would be committed, so there it is removed before the commit.
const cloneMarker = ".fcsync-clone-incomplete"

// removeCreated removes a failed clone: dir itself when clone created it,
// else everything inside it.
func removeCreated(dir string, existed bool) error {
	if !existed {
		return os.RemoveAll(dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		errs = append(errs, os.RemoveAll(filepath.Join(dir, e.Name())))
	}
	return errors.Join(errs...)
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
