package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// MigrateOptions are fcsync migrate's.
type MigrateOptions struct {
	To string // the API to migrate to; only fc3
}

// Migrate turns the FC 2.0 project at HEAD into FC 3.0's layout
// (fsync.MigrateTree) as one commit for the user to review, with
// fcsync.yaml saying api: fc3. Nothing is pushed: the functions FC 3.0
// shows as svc$fn are the same online functions, and the first push is the
// user's decision. What FC 3.0 has no place for is printed and written
// into the commit message. A project that is FC 3.0 already, a work tree
// with changes, or a result that would not validate is refused (exit 2)
// before anything is written.
func (p *Project) Migrate(ctx context.Context, opt MigrateOptions) error {
	if opt.To != fc.FC3.String() {
		return usagef("migrate: --to %s: only --to fc3 is known", opt.To)
	}
	if p.cfg.API == fc.FC3 {
		return usagef("migrate: the project is api: fc3 already (%s)", configFile)
	}
	if busy, err := p.repo.MergeInProgress(); err != nil {
		return err
	} else if busy {
		return usagef("migrate: a merge is in progress: conclude it with git commit (or git merge --abort) first")
	}
	dirty, err := p.dirtyPaths()
	if err != nil {
		return err
	}
	if len(dirty) > 0 {
		return usagef("migrate: the work tree has changes; commit or stash them first, so that the migration is one commit of its own:\n  %s", filetree.QuoteList(dirty, "\n  "))
	}
	_, head, err := p.repo.Head()
	if errors.Is(err, gitstate.ErrNoHead) {
		return usagef("migrate: nothing is committed yet: commit the FC 2.0 project first")
	} else if err != nil {
		return err
	}
	repoTree, err := p.repo.ReadTree(head)
	if err != nil {
		return err
	}
	old := p.fromRepo(repoTree)
	files, m, err := fsync.MigrateTree(old)
	if err != nil {
		return withCode(ExitUsage, fmt.Errorf("migrate: nothing was written: the FC 3.0 project would not be valid:\n%w", err))
	}
	cfgData, err := old[configFile].Bytes()
	if err != nil {
		return err
	}
	newCfg, cfgNotes, err := fsync.MigrateConfig(cfgData, m.Functions)
	if err != nil {
		return withCode(ExitUsage, fmt.Errorf("migrate: nothing was written: %w", err))
	}
	files[configFile] = filetree.File{Data: newCfg}
	notes := append(cfgNotes, m.Notes...)
	live, liveTip, err := p.migrateLive()
	if err != nil {
		return fmt.Errorf("migrate: nothing was written: the live branch: %w", err)
	}
	if err := p.writeMigrated(old, files); err != nil {
		return fmt.Errorf("migrate: writing the FC 3.0 files: %w (git checkout -- . and git clean restore HEAD)", err)
	}
	msg := migrateMessage(m, notes)
	var h gitstate.Hash
	if liveTip.IsZero() {
		h, err = p.repo.CommitWorktree(p.prefix, msg, p.repo.UserSignature())
	} else {
		h, err = p.repo.CommitWorktreeMerge(p.prefix, liveTip, msg, p.repo.UserSignature())
	}
	p.forgetWorktree()
	if err != nil {
		return err
	}
	if !liveTip.IsZero() {
		// The branch moves last: until the commit above exists, the live
		// branch still says what the FC 2.0 project knows.
		if err := p.repo.UpdateRef(p.liveBranch(), liveTip, live.tip); err != nil {
			return fmt.Errorf("migrate: %s: %w (the migration commit %s is made; git reset --hard HEAD~1 undoes it)", p.liveBranch(), err, short(h))
		}
	}
	n := 0
	for _, fns := range m.Functions {
		n += len(fns)
	}
	fmt.Fprintf(p.st.Out, "Migrated %d functions of %d services to FC 3.0 as commit %s (not pushed).\n", n, len(m.Functions), short(h))
	if len(notes) > 0 {
		fmt.Fprintln(p.st.Out, "Not carried over:")
		for _, n := range notes {
			fmt.Fprintf(p.st.Out, "  %s\n", n)
		}
	}
	fmt.Fprintln(p.st.Out, "Next: review it (git show --stat HEAD), then fcsync status and fcsync push. git reset --hard HEAD~1 undoes it.")
	return nil
}

// migrateLive writes, without moving the live branch, a commit on top of
// its tip that records the same online state in FC 3.0's layout (the
// functions FC 3.0 shows as svc$fn, as fsync.Migrate names them), and
// returns it (zero when the project has no live branch yet). The migration
// commit then takes it as its second parent, as a pull's merge takes the
// live tip: the sync point stays where it was, now in the new layout, so
// that the next fetch finds no change that is not one online and local
// work not yet deployed is still local work.
func (p *Project) migrateLive() (*liveState, gitstate.Hash, error) {
	live, err := p.loadLive()
	if err != nil || live.tip.IsZero() || live.state == nil {
		return live, gitstate.Hash{}, err
	}
	lm := fsync.Migrate(live.state)
	for to, from := range lm.From {
		// What FC said of the resource (codeChecksum, times) is as true
		// through FC 3.0; the next fetch replaces what FC 3.0 says
		// otherwise.
		if r, old := lm.State.Resources[to], live.state.Resources[from]; r != nil && old != nil && from.Kind == to.Kind {
			r.Status = old.Status
		}
	}
	tree, err := p.liveTree(lm.State, live.salt, nil)
	if err != nil {
		return live, gitstate.Hash{}, err
	}
	treeHash, err := p.repo.WriteTree(p.toRepo(tree))
	if err != nil {
		return live, gitstate.Hash{}, err
	}
	msg := "fcsync migrate: the online state in FC 3.0's layout\n\n" +
		"The same online resources, recorded as FC 3.0 shows them: each FC 2.0\n" +
		"function svc/fn is the FC 3.0 function svc$fn. Nothing changed online.\n"
	tip, err := p.repo.CommitTree(treeHash, []gitstate.Hash{live.tip}, msg, p.repo.UserSignature(), p.repo.UserSignature())
	return live, tip, err
}

// migrateMessage is the migration commit's message: why the names have a
// $, and what was left out.
func migrateMessage(m *fsync.Migration, notes []string) string {
	var b strings.Builder
	b.WriteString("Migrate the project to FC 3.0 (fcsync migrate --to fc3)\n\n")
	b.WriteString("Each FC 2.0 function svc/fn is now the FC 3.0 function svc$fn, the name\n")
	b.WriteString("FC 3.0 gives the same online function, with its service's role, log, VPC,\n")
	b.WriteString("NAS, OSS mount, tracing and internet settings, its triggers and configs.\n")
	if len(notes) > 0 {
		b.WriteString("\nNot carried over:\n")
		for _, n := range notes {
			b.WriteString("  " + n + "\n")
		}
	}
	return b.String()
}

// writeMigrated makes the work tree hold files instead of old: removes
// what old has and files do not (and the folders left empty), writes what
// is new or changed.
func (p *Project) writeMigrated(old, files filetree.Tree) error {
	dirs := map[string]bool{}
	for _, rel := range old.Paths() {
		if _, kept := files[rel]; kept {
			continue
		}
		if err := os.Remove(filepath.Join(p.dir, filepath.FromSlash(rel))); err != nil && !os.IsNotExist(err) {
			return err
		}
		for d := filepath.Dir(filepath.FromSlash(rel)); d != "."; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	for _, rel := range files.Paths() {
		f := files[rel]
		if o, ok := old[rel]; ok && o.Hash() == f.Hash() && o.Mode == f.Mode {
			continue
		}
		abs := filepath.Join(p.dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if f.Mode == filetree.Executable {
			mode = 0o755
		}
		if f.Mode == filetree.Symlink {
			target, err := f.Bytes()
			if err != nil {
				return err
			}
			if err := os.Symlink(string(target), abs); err != nil {
				return err
			}
			continue
		}
		if err := f.WriteFile(abs, mode); err != nil {
			return err
		}
	}
	// Deepest first: a folder goes once its sub-folders went.
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, d := range list {
		os.Remove(filepath.Join(p.dir, d)) // fails, as wanted, when not empty
	}
	return nil
}
