package sync

import "github.com/fcsync/fcsync/fc"

// DriftItem is one resource whose online state moved since the sync point
// in a way push must not overwrite unasked.
type DriftItem struct {
	ID       fc.ID
	Category Category
	Reason   string
	Changes  []ResourceChange
}

// Drift lists the resources in scope (nil: all) that changed online since
// the sync point (DESIGN section 3): changed or deleted online (case 2),
// created online, or existing online without a sync point while the project
// has them too (case 3). It is Status's online categories, so status,
// fetch --exit-code and push cannot disagree about what changed online; the
// one entry it leaves out is a resource a deploy recorded that local never
// had (push --use-local accepted it) and that has not changed since:
// status shows it as new online, for pull to import, but a push overwrites
// nothing of it.
func Drift(base, baseLocal, local, online *State, scope func(fc.ID) bool) []DriftItem {
	if base == nil {
		base = NewState()
	}
	var out []DriftItem
	for _, e := range Status(base, baseLocal, local, online) {
		if scope != nil && !scope(e.ID) {
			continue
		}
		id := e.ID
		b, o := base.Resources[id], online.Resources[id]
		d := DriftItem{ID: id, Category: e.Category}
		switch {
		case e.Category == NotSynced:
			d.Reason = "exists online but was never deployed from or pulled into this repository"
		case e.Category == NewOnline && b == nil:
			// Like a commit on the remote that a git push has not merged:
			// the deploy would record local as agreeing with it.
			d.Reason = "created online since the last sync"
			d.Changes = Diff(NewState(), only(online, id))
		case e.Category == DeletedOnline:
			d.Reason = "deleted online since the last sync"
		case e.Category == ChangedOnline || e.Category == ChangedBoth || e.Category == NewOnline && OnlineChanged(b, o):
			d.Reason = "changed online since the last sync"
			d.Changes = Diff(only(base, id), only(online, id))
		default:
			continue
		}
		out = append(out, d)
	}
	return out
}

// only is the part of a state that concerns one resource.
func only(s *State, id fc.ID) *State {
	out := NewState()
	if r := s.Resources[id]; r != nil {
		out.Resources[id] = r
	}
	if code, ok := s.Code[id]; ok {
		out.Code[id] = code
	}
	return out
}
