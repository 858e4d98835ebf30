package workflow

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/fcsync/fcsync/fc"
	fsync "github.com/fcsync/fcsync/sync"
)

// warnNestedGit says which git folders sit inside the functions' code
// folders on disk. git keeps a nested repository out of this one (at most a
// submodule link), so fcsync neither records nor deploys what is in it; a
// user who copied a project in with its .git would otherwise wonder where
// the code went.
//
// The walk of the work tree (worktree) saw every folder but those it left
// out (nested repositories, ignored folders): when it was made, only those
// are searched; otherwise every code folder is.
func (p *Project) warnNestedGit(local *fsync.State) {
	for _, id := range local.IDs() {
		dir := id.CodeDir()
		if dir == "" {
			continue
		}
		root := filepath.Join(p.dir, filepath.FromSlash(dir))
		if p.work == nil {
			p.findGit(id, root, root)
			continue
		}
		for _, l := range p.leftOutUnder(p.repoPath(dir)) {
			p.findGit(id, root, filepath.Join(p.repo.Root(), filepath.FromSlash(l)))
		}
	}
}

// leftOutUnder lists the folders the work tree's walk left out inside
// folder dir (repository-relative), in the order a walk of dir meets them.
func (p *Project) leftOutUnder(dir string) []string {
	var out []string
	for _, l := range p.workLeft {
		if l == dir || strings.HasPrefix(l, dir+"/") {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return slices.Compare(strings.Split(out[i], "/"), strings.Split(out[j], "/")) < 0
	})
	return out
}

// findGit warns of each .git under from, inside the code folder root of
// resource id.
func (p *Project) findGit(id fc.ID, root, from string) {
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		// Exactly ".git": the name git (and fcsync's work-tree reader)
		// takes for a nested repository. Other spellings are refused as
		// paths (filetree.CheckPath), not left out.
		if path == root || d.Name() != ".git" {
			return nil
		}
		rel, _ := filepath.Rel(p.dir, path)
		p.warnOnce(fmt.Sprintf("%s: a git folder inside the code of %s: git and fcsync leave out the folder that holds it, so none of its files are deployed",
			p.userPath(filepath.ToSlash(rel)), id))
		if d.IsDir() {
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		p.warnOnce(fmt.Sprintf("%s: %v", p.userPath(id.CodeDir()), err))
	}
}

// warnOnce prints a warning unless this command printed it already.
func (p *Project) warnOnce(msg string) {
	if p.warnedMsgs == nil {
		p.warnedMsgs = map[string]bool{}
	}
	if !p.warnedMsgs[msg] {
		p.warnedMsgs[msg] = true
		fmt.Fprintf(p.st.Err, "fcsync: warning: %s\n", msg)
	}
}
