package sync

import (
	"fmt"
	"reflect"
	"sort"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// Resolution says how Merge settles conflicts.
type Resolution int

const (
	// ResolveNone leaves conflicts in the files as git conflict markers.
	ResolveNone Resolution = iota
	// ResolveOnline settles every conflict to the online side (pull --use-remote).
	ResolveOnline
	// ResolveLocal settles every conflict to the local side (pull --use-local).
	ResolveLocal
)

// MergeInput is everything the three-way merge of fcsync pull needs
// (DESIGN section 4). The sync point has two sides, as online and local
// files differ in what they hold: Base (R) is the live commit and BaseLocal
// (L) the local commit that agreed with it. Both are nil when there is no
// sync point; a resource missing from them merges against an empty base.
type MergeInput struct {
	Base, BaseLocal *State // R, L: the sync point
	Online, Local   *State // R1, L1: now

	// BaseFiles and OnlineFiles are R and R1 rendered (project-relative,
	// without .fcsync/). LocalFiles are L1's files as committed, the bytes
	// the user wrote, comments included: merge edits those. Merge takes
	// new resources' files from OnlineFiles and reads code bases from the
	// states; BaseFiles travels with the input for the caller, which needs
	// all three sides of a conflicted path (git's index stages).
	BaseFiles, OnlineFiles, LocalFiles filetree.Tree

	Resolve Resolution
	// SecretPatterns name the environment variables whose values the
	// merge's notes (and so the merge commit's message) never show.
	SecretPatterns []string
	// Labels name the sides in conflict markers: Ours "HEAD", Base "sync
	// point", Theirs the live branch.
	Labels TextMergeLabels
}

// Conflict is a field, file or resource changed on both sides in ways that
// cannot be combined.
type Conflict struct {
	ID     fc.ID
	Path   string // project-relative file holding the conflict
	Field  string // dotted field path; "" for a whole resource or a code file
	Reason string
	// Paths, for a resource deleted on one side and changed on the other,
	// are every file of it and below it that the conflict leaves unmerged.
	Paths []string
}

// Files lists the paths the conflict leaves unmerged.
func (c Conflict) Files() []string {
	if len(c.Paths) > 0 {
		return c.Paths
	}
	return []string{c.Path}
}

func (c Conflict) String() string {
	if c.Field == "" {
		return c.Path + ": " + c.Reason
	}
	return c.Path + ": " + c.Field + ": " + c.Reason
}

// MergeResult is what merging online into local changes in the local tree.
type MergeResult struct {
	// Files maps every project-relative path the merge changes to its new
	// content; a nil file means delete. Every conflicted path is listed
	// too, with what the work tree holds for it, even when that is the
	// local file unchanged. Paths the merge leaves alone are absent.
	Files map[string]*filetree.File
	// Conflicts are left in Files as markers (or as the modified side of a
	// modify/delete), sorted by path and field. Empty under ResolveOnline
	// and ResolveLocal.
	Conflicts []Conflict
	// Changed describes, one line per item, what online brought in and how
	// conflicts were resolved: "function svc/fn: memorySize 128 -> 256".
	Changed []string
}

// Merge merges the online changes since the sync point into the local tree.
// It is pure: the caller writes Files and records the merge in git.
func Merge(in MergeInput) (*MergeResult, error) {
	m := &pullMerge{in: in, res: &MergeResult{Files: map[string]*filetree.File{}}, settled: map[fc.ID]bool{}}
	for _, id := range UnionIDs(in.Base, in.BaseLocal, in.Online, in.Local) {
		if err := m.resource(id); err != nil {
			return nil, err
		}
	}
	for _, c := range m.res.Conflicts {
		for _, p := range c.Files() {
			m.keepConflicted(p)
		}
	}
	sort.Slice(m.res.Conflicts, func(i, j int) bool {
		a, b := m.res.Conflicts[i], m.res.Conflicts[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Field < b.Field
	})
	return m.res, nil
}

type pullMerge struct {
	in  MergeInput
	res *MergeResult
	// settled holds resources that a decision about an ancestor covered:
	// a subtree is deleted, or left conflicted, as a whole.
	settled map[fc.ID]bool
}

// resource merges one resource. Local changes are measured against R (the
// sync point's live commit), as git measures both sides against the merge
// base; L (BaseLocal) only tells whether local had the resource and which
// fields it managed (DESIGN sections 3 and 4).
func (m *pullMerge) resource(id fc.ID) error {
	if m.settled[id] {
		return nil
	}
	r := resourceOf(m.in.Base, id)
	r1, l1 := resourceOf(m.in.Online, id), resourceOf(m.in.Local, id)
	had := resourceOf(m.in.BaseLocal, id) != nil
	switch {
	case r1 != nil && l1 != nil:
		return m.fields(id)
	case r1 != nil && (!had || r == nil):
		// Local never had it, whatever the live side of the sync point
		// holds (a deploy records every resource online, including ones
		// made in the console that were never pulled): it arrives.
		m.note(id, "added from online")
		return m.takeOnline(id)
	case r1 != nil:
		// Deleted locally. The deletion stands while nothing of the
		// resource or below it changed online; else it is a modify/delete
		// conflict over every file of it, as git leaves one.
		m.settle(id)
		if m.onlineChangedBelow(id) {
			return m.subtreeConflict(id, "changed online, deleted locally", m.takeOnlineBelow, m.takeOnlineBelow)
		}
		return nil
	case l1 != nil:
		if r == nil {
			return nil // never online: created locally, kept
		}
		if m.localChanged(id) {
			return m.subtreeConflict(id, "deleted online, changed locally", keepLocal, m.deleteLocalBelow)
		}
		if child, ok := m.survivingChild(id); ok {
			// Deleting it would orphan local work below it.
			return m.subtreeConflict(id, "deleted online, but "+child.String()+" changed locally", keepLocal, m.deleteLocalBelow)
		}
		m.note(id, "deleted online")
		return m.deleteLocal(id)
	}
	return nil
}

// subtreeConflict settles a resource deleted on one side and changed on the
// other, with everything below it. Unresolved, the work tree keeps the
// changed side, as git does for a modify/delete conflict (keep writes it),
// and every file of the subtree is left unmerged, so that git rm -r or git
// checkout --theirs/--ours settles it. online applies the online side, for
// ResolveOnline.
func (m *pullMerge) subtreeConflict(id fc.ID, reason string, keep, online func(fc.ID) error) error {
	m.settle(id)
	switch m.in.Resolve {
	case ResolveOnline:
		m.note(id, reason+": resolved to online")
		return online(id)
	case ResolveLocal:
		m.note(id, reason+": resolved to local")
		return nil
	}
	if err := keep(id); err != nil {
		return err
	}
	c := Conflict{ID: id, Path: id.File(), Reason: reason}
	for _, t := range []filetree.Tree{m.in.LocalFiles, m.in.OnlineFiles, m.in.BaseFiles} {
		for _, p := range t.Paths() {
			if owner, ok := ownerOf(id.API, p); ok && (owner == id || isBelow(owner, id)) {
				c.Paths = append(c.Paths, p)
			}
		}
	}
	c.Paths = uniqueSorted(c.Paths)
	m.conflict(c)
	return nil
}

// settle marks everything below id as decided by id's merge.
func (m *pullMerge) settle(id fc.ID) {
	for _, c := range UnionIDs(m.in.Base, m.in.BaseLocal, m.in.Online, m.in.Local) {
		if isBelow(c, id) {
			m.settled[c] = true
		}
	}
}

// below lists id and the resources below it, in any of the four states.
func (m *pullMerge) below(id fc.ID) []fc.ID {
	var out []fc.ID
	for _, c := range UnionIDs(m.in.Base, m.in.BaseLocal, m.in.Online, m.in.Local) {
		if c == id || isBelow(c, id) {
			out = append(out, c)
		}
	}
	return out
}

// onlineChangedBelow reports whether id or anything below it changed
// online since the sync point (created, changed or deleted).
func (m *pullMerge) onlineChangedBelow(id fc.ID) bool {
	for _, c := range m.below(id) {
		if !sameResource(m.in.Base, m.in.Online, c) {
			return true
		}
	}
	return false
}

// localChanged reports whether local changed resource id since the sync
// point: a field it manages differs from R, or its code does.
func (m *pullMerge) localChanged(id fc.ID) bool {
	return LocalChanged(m.in.Base, m.in.BaseLocal, m.in.Local, id)
}

// LocalChanged reports whether local work changed resource id since the
// sync point (DESIGN section 3): it exists on one side only, a field that
// local manages (present in L or in local now) differs from R, or its code
// differs from R's.
func LocalChanged(base, baseLocal, local *State, id fc.ID) bool {
	r, l1 := resourceOf(base, id), resourceOf(local, id)
	if r == nil || l1 == nil {
		return r != l1
	}
	if len(localFieldChanges(specOpt(r), specOpt(resourceOf(baseLocal, id)), specOpt(l1))) > 0 {
		return true
	}
	return id.HasCode() && !codeOf(local, id).Equal(codeOf(base, id))
}

// takeOnlineBelow writes the online files of id and of everything below
// it, and removes local files of resources below it that are gone online.
func (m *pullMerge) takeOnlineBelow(id fc.ID) error {
	for _, c := range m.below(id) {
		if resourceOf(m.in.Online, c) != nil {
			if err := m.takeOnline(c); err != nil {
				return err
			}
		} else if resourceOf(m.in.Local, c) != nil {
			if err := m.deleteLocal(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// deleteLocalBelow removes the local files of id and of everything below it.
func (m *pullMerge) deleteLocalBelow(id fc.ID) error {
	for _, c := range m.below(id) {
		if resourceOf(m.in.Local, c) != nil {
			if err := m.deleteLocal(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// fields merges a resource present on both sides now, field by field, then
// its code.
func (m *pullMerge) fields(id fc.ID) error {
	r, l := resourceOf(m.in.Base, id), resourceOf(m.in.BaseLocal, id)
	if l == nil {
		// Local never had it at the sync point (a deploy recorded it
		// online only): it merges with an empty base, as case 3 does.
		r = nil
	}
	reason := "changed online and locally"
	if r == nil {
		reason = "differs online and locally, never synced"
	}
	var edits []fieldEdit
	for _, e := range mergeFields(specOpt(r), specOpt(l), specOpt(resourceOf(m.in.Online, id)), specOpt(resourceOf(m.in.Local, id))) {
		switch {
		case !e.conflict:
			m.note(id, m.change(e))
		case m.in.Resolve == ResolveOnline:
			m.note(id, m.change(e)+" (conflict resolved to online)")
			e.conflict = false
		case m.in.Resolve == ResolveLocal:
			m.note(id, e.dotted()+" kept (conflict resolved to local)")
			continue
		default:
			m.conflict(Conflict{ID: id, Path: id.File(), Field: e.dotted(), Reason: reason})
		}
		edits = append(edits, e)
	}
	if len(edits) > 0 {
		path := id.File()
		f, ok := m.in.LocalFiles[path]
		if !ok {
			return fmt.Errorf("sync: merge: %s: missing from the local files", path)
		}
		old, err := f.Bytes()
		if err != nil {
			return fmt.Errorf("sync: merge: %s: %w", path, err)
		}
		data, err := patchYAML(old, edits, m.in.Labels)
		if err != nil {
			return fmt.Errorf("sync: merge: %s: %w", path, err)
		}
		m.setFile(path, &filetree.File{Data: data, Mode: f.Mode})
	}
	if id.HasCode() {
		return m.code(id)
	}
	return nil
}

// takeOnline writes the resource's online files: its configuration file
// and, for a function, its code.
func (m *pullMerge) takeOnline(id fc.ID) error {
	f, ok := m.in.OnlineFiles[id.File()]
	if !ok {
		return fmt.Errorf("sync: merge: %s: missing from the online files", id.File())
	}
	m.setFile(id.File(), &f)
	if id.HasCode() {
		for p, f := range m.in.OnlineFiles.Sub(id.CodeDir()) {
			m.setFile(codePath(id, p), &f)
		}
	}
	return nil
}

func keepLocal(fc.ID) error { return nil }

// survivingChild finds a resource below id (a service's function, a
// function's trigger) that stays in the local tree after the merge: one
// created or changed locally since the sync point, unless --use-remote
// deletes it.
func (m *pullMerge) survivingChild(id fc.ID) (fc.ID, bool) {
	for _, c := range m.in.Local.IDs() {
		if !isBelow(c, id) {
			continue
		}
		deleted := resourceOf(m.in.Online, c) == nil && resourceOf(m.in.Base, c) != nil &&
			(!m.localChanged(c) || m.in.Resolve == ResolveOnline)
		if !deleted {
			return c, true
		}
	}
	return fc.ID{}, false
}

func isBelow(c, id fc.ID) bool {
	for p, ok := c.Parent(); ok; p, ok = p.Parent() {
		if p == id {
			return true
		}
	}
	return false
}

// deleteLocal removes the resource's configuration file and, for a
// function, every file under its code folder.
func (m *pullMerge) deleteLocal(id fc.ID) error {
	m.setFile(id.File(), nil)
	if id.HasCode() {
		for p := range m.in.LocalFiles.Sub(id.CodeDir()) {
			m.setFile(codePath(id, p), nil)
		}
	}
	return nil
}

// setFile records a change to path, unless the local tree already holds
// exactly that, so that untouched files are never rewritten.
func (m *pullMerge) setFile(path string, f *filetree.File) {
	cur, exists := m.in.LocalFiles[path]
	if f == nil && !exists || f != nil && exists && cur.Equal(*f) {
		delete(m.res.Files, path)
		return
	}
	m.res.Files[path] = f
}

// keepConflicted lists a conflicted path in Files even where the work
// tree keeps the local version unchanged, so that the caller records the
// conflict (git's index stages) for every one of them.
func (m *pullMerge) keepConflicted(path string) {
	if _, ok := m.res.Files[path]; ok {
		return
	}
	if f, ok := m.in.LocalFiles[path]; ok {
		m.res.Files[path] = &f
	}
}

func (m *pullMerge) note(id fc.ID, what string) {
	m.res.Changed = append(m.res.Changed, id.String()+": "+what)
}

func (m *pullMerge) conflict(c Conflict) { m.res.Conflicts = append(m.res.Conflicts, c) }

func resourceOf(s *State, id fc.ID) *fc.Resource {
	if s == nil {
		return nil
	}
	return s.Resources[id]
}

func codeOf(s *State, id fc.ID) filetree.Tree {
	if s == nil {
		return nil
	}
	return s.Code[id]
}

func specOpt(r *fc.Resource) opt {
	if r == nil {
		return opt{}
	}
	return opt{v: r.Spec, ok: true}
}

// sameResource reports whether id has the same spec and code in a and b
// (absent from both counts as the same).
func sameResource(a, b *State, id fc.ID) bool {
	ra, rb := resourceOf(a, id), resourceOf(b, id)
	if ra == nil || rb == nil {
		return ra == rb
	}
	return reflect.DeepEqual(ra.Spec, rb.Spec) && codeOf(a, id).Equal(codeOf(b, id))
}

// codePath is the project-relative path of file p of function id's code.
func codePath(id fc.ID, p string) string { return id.CodeDir() + "/" + p }

// ownerOf names the resource a project file belongs to: its configuration
// file or a file of its code.
func ownerOf(api fc.API, p string) (fc.ID, bool) {
	if id, ok := api.CodeOwner(p); ok {
		return id, true
	}
	return api.ParseFile(p)
}

func uniqueSorted(ss []string) []string {
	sort.Strings(ss)
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// change describes a clean edit for the notes, withholding the values of
// an environment variable that is a secret by name or by value.
func (m *pullMerge) change(e fieldEdit) string {
	if len(e.path) == 2 && e.path[0] == "environmentVariables" &&
		(IsSecret(e.path[1], e.local.v, m.in.SecretPatterns) || IsSecret(e.path[1], e.theirs.v, m.in.SecretPatterns)) {
		return e.dotted() + " (secret value changed)"
	}
	return e.change()
}
