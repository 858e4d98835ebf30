package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	gosync "sync"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	"github.com/fcsync/fcsync/gitstate"
	"github.com/fcsync/fcsync/internal/budget"
	fsync "github.com/fcsync/fcsync/sync"
)

// codeMemory is what code downloads and unpacks may hold at once: two of
// the largest archives fcsync accepts (sync.DefaultZipLimits).
const codeMemory = 1 << 30

// configFile is the name of the project file that marks a project folder.
const configFile = "fcsync.yaml"

// Project is an opened fcsync project: its folder inside a git work tree,
// its configuration, and the machinery to reach FC. Its methods are the
// workflow's commands (Fetch, Pull, Push, Status, Diff, Log, Validate,
// Import, Export); Run opens one.
type Project struct {
	st     Streams
	repo   *gitstate.Repo
	dir    string // absolute project folder
	prefix string // project folder relative to the repository root, slash-separated, "" at the root
	cfg    *fsync.Config

	endpoint    string
	concurrency int
	noColor     bool
	debug       bool
	creds       fsync.Scrubber // the credential values client() resolved

	warned      map[gitstate.Hash]bool            // sync point commits already reported unreadable
	commitMu    gosync.Mutex                      // commits and validations
	commits     map[gitstate.Hash]*commitParse    // see parseCommit
	validations map[gitstate.Hash]*validationOnce // see validationOf
	background  gosync.WaitGroup                  // inBackground, waited for when the command ends
	warnedMsgs  map[string]bool                   // warnings already printed by this command (warnOnce)
	work        filetree.Tree                     // see worktree
	workLeft    []string                          // the folders the walk of work left out, repository-relative
	// budget bounds the bytes code downloads and unpacks hold at once,
	// across all of them.
	budget *budget.Budget
	api    *fc.Client // made by client()
	// progress is the progress line of long work on a terminal; nil (every
	// method a no-op) otherwise, or with --no-progress.
	progress *progress
}

// Globals are the options every command shares: the global flags.
type Globals struct {
	Dir         string // project folder; "" searches upward for fcsync.yaml
	Endpoint    string // FC endpoint URL; "" derives it from region and account
	Concurrency int    // parallel FC API calls (at least 1)
	NoColor     bool   // never colour output (NO_COLOR also says so)
	Profile     string // credentials profile; "" keeps the environment's
	Debug       bool   // trace every FC API call on standard error
	NoProgress  bool   // no progress line, even on a terminal
}

// findProject locates the project folder: --dir, or the nearest folder
// upward from the working directory that holds fcsync.yaml.
func findProject(g Globals) (string, error) {
	if d := g.Dir; d != "" {
		abs, err := filepath.Abs(d)
		if err != nil {
			return "", err
		}
		if _, err := os.Stat(filepath.Join(abs, configFile)); err != nil {
			return "", usagef("%s: no %s here (run fcsync init)", abs, configFile)
		}
		return abs, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, configFile)); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", usagef("no %s in %s or any parent folder (run fcsync init or fcsync clone)", configFile, wd)
		}
	}
}

// openProject opens the project the globals name.
func openProject(g Globals, st Streams) (*Project, error) {
	dir, err := findProject(g)
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(dir, configFile)
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, err
	}
	cfg, err := fsync.LoadConfig(cfgPath, data)
	if err != nil {
		return nil, err
	}
	repo, err := gitstate.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return newProject(g, st, repo, dir, cfg)
}

func newProject(g Globals, st Streams, repo *gitstate.Repo, dir string, cfg *fsync.Config) (*Project, error) {
	root, err := filepath.EvalSymlinks(repo.Root())
	if err != nil {
		return nil, err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	realDir, err := filepath.EvalSymlinks(absDir)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(root, realDir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, fmt.Errorf("%s: not inside the git work tree %s", dir, root)
	}
	prefix := filepath.ToSlash(rel)
	if prefix == "." {
		prefix = ""
	}
	conc := g.Concurrency
	if conc < 1 {
		return nil, usagef("--concurrency must be at least 1")
	}
	if g.Profile != "" {
		// The credential chain reads the profile where every Alibaba
		// Cloud tool does.
		os.Setenv(fc.EnvProfile, g.Profile)
	}
	noColorEnv := os.Getenv("NO_COLOR") != "" // no-color.org: set and not empty
	pr := st.progress
	if g.NoProgress {
		pr = nil
	}
	if st.scrub == nil {
		st = st.WithScrubber()
	}
	return &Project{
		st: st, repo: repo, dir: realDir, prefix: prefix, cfg: cfg,
		endpoint: g.Endpoint, concurrency: conc,
		noColor:  g.NoColor || noColorEnv,
		debug:    g.Debug,
		budget:   budget.New(codeMemory),
		progress: pr,
	}, nil
}

func (p *Project) liveBranch() string { return p.cfg.LiveBranch }

// client builds the FC client from the project's region and account and
// the credential chain. The credential's values join the scrubber before
// any call is made, whichever source of the chain gave them.
func (p *Project) client() (*fc.Client, error) {
	// One client per command: its adaptive concurrency and pause for
	// throttling, its connections and its waiting notice are shared by
	// every phase (read, ETags, apply), as FC's limit is.
	if p.api != nil {
		return p.api, nil
	}
	cfg, err := fc.ResolveConfig(p.endpoint, p.cfg.Region, p.cfg.AccountID)
	if err != nil {
		return nil, err
	}
	values := fc.CredentialValues(cfg.Credential)
	p.st.scrub.Add(values...)
	p.creds.Add(values...)
	if p.debug {
		cfg.Trace = func(call fc.Call) { fmt.Fprintf(p.st.Err, "debug: %s\n", call) }
	}
	cfg.API = p.cfg.API
	cfg.Concurrency = p.concurrency
	cfg.Budget = p.budget
	cfg.Notify = func(line string) { fmt.Fprintf(p.st.Err, "fcsync: %s\n", line) }
	p.api, err = fc.NewClient(cfg)
	return p.api, err
}

// isCredential reports whether a value holds a credential fcsync runs
// with, as far as client() has resolved them (push does before planning).
func (p *Project) isCredential(v string) bool { return p.creds.Holds(v) }

// accountID is the account fcsync talks to, for the live branch's author:
// as configured, else as the credential chain gave it to client().
func (p *Project) accountID() string {
	if a := p.configuredAccount(); a != "" {
		return a
	}
	if p.api != nil && p.api.AccountID() != "" {
		return p.api.AccountID()
	}
	return "unknown"
}

// configuredAccount is the account id fcsync.yaml or the environment
// names, without asking the credential chain.
func (p *Project) configuredAccount() string {
	if p.cfg.AccountID != "" {
		return p.cfg.AccountID
	}
	return os.Getenv(fc.EnvAccountID)
}

// toRepo moves a project-relative tree to repository-relative paths.
func (p *Project) toRepo(t filetree.Tree) filetree.Tree {
	if p.prefix == "" {
		return t
	}
	out := filetree.Tree{}
	out.Graft(p.prefix, t)
	return out
}

// fromRepo takes the project's part of a repository-relative tree.
func (p *Project) fromRepo(t filetree.Tree) filetree.Tree {
	if p.prefix == "" {
		return t
	}
	return t.Sub(p.prefix)
}

// repoPath turns a project-relative path into a repository-relative one.
func (p *Project) repoPath(rel string) string {
	if p.prefix == "" {
		return rel
	}
	return path.Join(p.prefix, rel)
}

// userPath turns a project-relative path into one relative to the working
// directory when that is inside the project, for messages the user can
// paste; from elsewhere the project-relative path is clearer.
func (p *Project) userPath(rel string) string {
	return filetree.Quote(p.localPath(rel))
}

// localPath is userPath unquoted.
func (p *Project) localPath(rel string) string {
	wd, err := os.Getwd()
	if err != nil {
		return rel
	}
	if real, err := filepath.EvalSymlinks(wd); err == nil {
		wd = real
	}
	if inside, err := filepath.Rel(p.dir, wd); err != nil || inside == ".." || strings.HasPrefix(inside, ".."+string(filepath.Separator)) {
		return rel
	}
	r, err := filepath.Rel(wd, filepath.Join(p.dir, filepath.FromSlash(rel)))
	if err != nil {
		return rel
	}
	return r
}

// readCommit parses the project part of a commit's tree.
func (p *Project) readCommit(h gitstate.Hash) (*fsync.State, filetree.Tree, error) {
	c, err := p.parseCommit(h)
	if err != nil {
		return nil, nil, err
	}
	if c.err != nil {
		return nil, nil, fmt.Errorf("commit %s: %w", h.String()[:12], c.err)
	}
	return c.state, c.files, nil
}

// parsedCommit is a commit's project files and their state, as far as they
// parse (err says what does not).
type parsedCommit struct {
	state *fsync.State
	files filetree.Tree
	err   error

	byResourceOnce gosync.Once
	byResource     map[fc.ID]filetree.Tree // filesByResource(files), once needed
}

// filesByResource is filesByResource of the commit's files, worked out
// once.
func (c *parsedCommit) filesByResource() map[fc.ID]filetree.Tree {
	c.byResourceOnce.Do(func() { c.byResource = filesByResource(c.state.API, c.files) })
	return c.byResource
}

// commitParse is one parseCommit, done once done is closed.
type commitParse struct {
	done chan struct{}
	c    *parsedCommit
	err  error
}

// parseCommit reads and parses a commit once per process: the same few
// commits (the live tip, the sync point, HEAD) are read again and again by
// one command. The results are shared: callers must not modify them. It
// is safe for concurrent use (prefetch).
func (p *Project) parseCommit(h gitstate.Hash) (*parsedCommit, error) {
	if h.IsZero() {
		return &parsedCommit{state: fsync.NewState(), files: filetree.Tree{}}, nil
	}
	p.commitMu.Lock()
	if e, ok := p.commits[h]; ok {
		p.commitMu.Unlock()
		<-e.done
		return e.c, e.err
	}
	e := &commitParse{done: make(chan struct{})}
	if p.commits == nil {
		p.commits = map[gitstate.Hash]*commitParse{}
	}
	p.commits[h] = e
	p.commitMu.Unlock()
	defer close(e.done)
	t, err := p.repo.ReadTree(h)
	if err != nil {
		e.err = err
		return nil, err
	}
	files := p.fromRepo(t)
	s, perr := fsync.ParsePartial(p.cfg.API, files)
	if _, live := files[fsync.LiveFile]; live {
		// A live commit made before fcsync read a field FC keeps apart
		// (a service's tags) recorded it empty, not unknown: read so, the
		// first fetch of a newer fcsync finds no change there.
		for _, r := range s.Resources {
			fc.FillAttached(r)
		}
	}
	p.st.scrub.Add(fsync.SecretValues(s, p.cfg.SecretPatterns)...)
	e.c = &parsedCommit{state: s, files: files, err: perr}
	return e.c, nil
}

// inBackground runs f on another goroutine, waited for when the command
// ends.
func (p *Project) inBackground(f func()) {
	p.background.Add(1)
	go func() {
		defer p.background.Done()
		f()
	}()
}

// prefetch parses HEAD and the live tip on goroutines of their own, while
// the command reads the work tree (system calls, where the parse is CPU):
// the sync point is almost always made of those two commits, and
// parseCommit then finds them parsed.
func (p *Project) prefetch() {
	if _, head, err := p.repo.Head(); err == nil {
		p.inBackground(func() { p.parseCommit(head) })
	}
	if tip, err := p.repo.Ref(p.liveBranch()); err == nil && !tip.IsZero() {
		p.inBackground(func() {
			if c, err := p.parseCommit(tip); err == nil {
				c.filesByResource() // the sync point's files
			}
		})
	}
}

// readHistory reads a commit fcsync recorded (the live tip) that may hold
// what an older fcsync could not read back: that part is left out with a
// warning (fsync.RecordedProblems), never a wedge.
func (p *Project) readHistory(h gitstate.Hash) (*fsync.State, filetree.Tree, error) {
	c, err := p.parseCommit(h)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range fsync.RecordedProblems(c.err) {
		p.warnOnce(fmt.Sprintf("commit %s: %v: left out of what fcsync reads from it", short(h), e))
	}
	return c.state, c.files, nil
}

// worktree reads the project's files on disk, once per command until
// fcsync itself commits or merges (forgetWorktree): push reads them for its
// dirty files, then for the tracked services. The map is the caller's.
func (p *Project) worktree() (filetree.Tree, error) {
	if p.work == nil {
		t, left, err := p.repo.WalkWorktree(p.prefix)
		if err != nil {
			return nil, err
		}
		p.work, p.workLeft = t, left
	}
	out := make(filetree.Tree, len(p.work))
	for path, f := range p.work {
		out[path] = f
	}
	return out, nil
}

// forgetWorktree drops the work tree read: fcsync changes the index or
// the files.
func (p *Project) forgetWorktree() { p.work, p.workLeft = nil, nil }

// dirtyPaths is repo.DirtyPaths of the project's folder.
func (p *Project) dirtyPaths() ([]string, error) {
	t, err := p.worktree()
	if err != nil {
		return nil, err
	}
	return p.repo.DirtyPathsOf(p.prefix, t)
}

// readWorktree parses the project files on disk.
func (p *Project) readWorktree() (*fsync.State, filetree.Tree, error) {
	t, err := p.worktree()
	if err != nil {
		return nil, nil, err
	}
	files := p.fromRepo(t)
	s, ok := p.asHead(files)
	if !ok {
		if s, err = fsync.Parse(p.cfg.API, files); err != nil {
			return nil, nil, p.locateError(err)
		}
	}
	// Secrets a project file holds in plain text are hidden from output.
	p.st.scrub.Add(fsync.SecretValues(s, p.cfg.SecretPatterns)...)
	p.warnNestedGit(s)
	return s, files, nil
}

// asHead returns HEAD's parse (a copy of its maps, the resources shared)
// when the work tree's project files are HEAD's, as they are but for an
// edit in progress, and HEAD was parsed or is being parsed (prefetch): the
// files compare by hash, and parsing them again would give the same.
func (p *Project) asHead(files filetree.Tree) (*fsync.State, bool) {
	_, head, err := p.repo.Head()
	if err != nil {
		return nil, false
	}
	p.commitMu.Lock()
	_, started := p.commits[head]
	p.commitMu.Unlock()
	if !started {
		return nil, false
	}
	c, err := p.parseCommit(head)
	if err != nil || c.err != nil || !files.Equal(c.files) {
		return nil, false
	}
	return c.state.ShallowCopy(), true
}

// locateError rewrites a FileError's project-relative path into a path the
// user can open from the working directory.
func (p *Project) locateError(err error) error {
	var fe *fsync.FileError
	if errors.As(err, &fe) {
		c := *fe
		c.Path = p.userPath(fe.Path)
		return &c
	}
	return err
}

// trackedServices lists the roots of the project (services of FC 2.0,
// functions of FC 3.0): those named in fcsync.yaml, or else those with a
// folder in the given trees.
func (p *Project) trackedServices(trees ...*fsync.State) []string {
	if roots := p.cfg.Roots(); len(roots) > 0 {
		return roots
	}
	var out []string
	for name := range trackedNames(p.cfg.API.RootKind(), trees...) {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// readScope says what is in scope online, from the project's files and
// the live branch's: without a services list in fcsync.yaml, everything
// (every service and layer of the account, so that one created in the
// console is an online change like any other); with one, those services,
// the layers the project has or its functions use, and the custom domains
// the project has or that route to a tracked service.
func (p *Project) readScope(trees ...*fsync.State) readOptions {
	all := len(p.cfg.Roots()) == 0
	return readOptions{
		services: p.trackedServices(trees...), allServices: all,
		domains: trackedNames(fc.KindDomain, trees...),
		layers:  trackedNames(fc.KindLayer, trees...), allLayers: all,
		progress: p.progress,
	}
}

// liveTip returns the live branch's tip (zero when it does not exist yet)
// and the state it records.
func (p *Project) liveTip() (gitstate.Hash, *fsync.State, filetree.Tree, error) {
	tip, err := p.repo.Ref(p.liveBranch())
	if err != nil {
		return tip, nil, nil, err
	}
	s, files, err := p.readHistory(tip)
	return tip, s, files, err
}

// lock takes the repository lock for commands that write.
func (p *Project) lock() (func(), error) {
	release, err := p.repo.Lock()
	if err != nil {
		return nil, err
	}
	return func() {
		if err := release(); err != nil {
			fmt.Fprintf(p.st.Err, "fcsync: releasing lock: %v\n", err)
		}
	}, nil
}

// projectRel turns a path given on the command line (relative to the
// working directory) into a project-relative slash path.
func (p *Project) projectRel(arg string) (string, error) {
	abs, err := filepath.Abs(arg)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	rel, err := filepath.Rel(p.dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", usagef("%s is outside the project %s", arg, p.dir)
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		return "", nil
	}
	return strings.TrimSuffix(rel, "/"), nil
}

// SideEffects declares what a command does to the repository, as chezmoi's
// command annotations do: Run takes the lock only for writers.
type SideEffects int

const (
	ReadsOnly  SideEffects = iota // reads FC and the repository (status, diff, log)
	ReadsLocal                    // reads the repository only (status --offline, validate)
	WritesRepo                    // writes the repository (fetch, pull, push, import)
)

// Run opens the project the globals name and runs fn on it. For commands
// that write the repository it holds the repository lock and first
// finishes a pull that was interrupted; readers that read FC first fetch a
// shared live branch (liveRemote).
func Run(ctx context.Context, g Globals, st Streams, effects SideEffects, fn func(*Project) error) error {
	p, err := openProject(g, st)
	if err != nil {
		return err
	}
	defer p.background.Wait()
	if effects == WritesRepo {
		release, err := p.lock()
		if err != nil {
			return err
		}
		defer release()
		if h, done, err := p.repo.ResumeMerge(); err != nil {
			return err
		} else if done {
			fmt.Fprintf(p.st.Err, "Finished a pull that was interrupted: the branch is now %s.\n", short(h))
		}
	} else if p.repo.InterruptedMerge() {
		fmt.Fprintln(p.st.Err, "fcsync: warning: a pull was interrupted before it finished; the next fcsync pull, fetch or push finishes it")
	}
	// Writers fetch the shared live branch when they read FC; readers
	// fetch it here, unless they stay offline.
	if err := p.continueRemoteLive(ctx, effects == ReadsOnly); err != nil {
		return err
	}
	return fn(p)
}
