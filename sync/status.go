package sync

import (
	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// Category is where a resource stands between local, sync point and online.
type Category string

const (
	InSync         Category = "in sync"
	ChangedLocally Category = "changed locally"
	ChangedOnline  Category = "changed online"
	ChangedBoth    Category = "changed both"
	NewLocal       Category = "new"            // local only: push creates it
	DeletedLocal   Category = "deleted"        // removed locally, still online: push deletes it
	NewOnline      Category = "new online"     // online only, never synced: pull imports it
	DeletedOnline  Category = "deleted online" // synced, then deleted online
	NotSynced      Category = "exists online, never synced"
)

// Online reports whether the category means online changes that are not
// merged (status --exit-code 3).
func (c Category) Online() bool {
	switch c {
	case ChangedOnline, ChangedBoth, NewOnline, DeletedOnline, NotSynced:
		return true
	}
	return false
}

// Entry is one resource's status.
type Entry struct {
	ID       fc.ID    `json:"-"`
	Resource string   `json:"resource"`
	Path     string   `json:"path"`
	Category Category `json:"status"`
	Local    []string `json:"local,omitempty"`  // fields (and "code") changed locally
	Online   []string `json:"online,omitempty"` // fields (and "code") changed online
}

// Status compares the three states. base and baseLocal are the two sides
// of the sync point, R and L (nil when there is none); local is the
// project; online is FC now (or the live branch tip when offline).
// Resources in sync are included with InSync so callers can count them.
func Status(base, baseLocal, local, online *State) []Entry {
	if base == nil {
		base = NewState()
	}
	if baseLocal == nil {
		baseLocal = base
	}
	var out []Entry
	for _, id := range UnionIDs(base, local, online) {
		b, l, o := base.Resources[id], local.Resources[id], online.Resources[id]
		e := Entry{ID: id, Resource: id.String(), Path: id.File()}
		switch {
		case b == nil && l != nil && o == nil && holdsNothing(l):
			continue // configs deleted, or never made: nothing online, nothing to do
		case b == nil && l != nil && o == nil:
			e.Category = NewLocal
		case b == nil && l == nil && o != nil:
			e.Category = NewOnline
		case b == nil && l != nil && o != nil:
			e.Category = NotSynced
		case b != nil && l == nil && o != nil && baseLocal.Resources[id] == nil:
			// Recorded by a deploy while online only, never pulled.
			e.Category = NewOnline
		case b != nil && l == nil && o != nil:
			e.Category = DeletedLocal
			if OnlineChanged(b, o) {
				e.Category = ChangedBoth
			}
		case b != nil && o == nil:
			e.Category = DeletedOnline
		case b != nil && l != nil && o != nil && baseLocal.Resources[id] == nil:
			// Recorded by a deploy while online only, never pulled, and
			// now created locally too: case 3.
			e.Category = NotSynced
		case b != nil && l != nil && o != nil:
			e.Local = localChanges(id, b, l, base.Code[id], local.Code[id])
			e.Online = onlineChanges(b, o)
			switch {
			case len(e.Local) > 0 && len(e.Online) > 0:
				e.Category = ChangedBoth
			case len(e.Local) > 0:
				e.Category = ChangedLocally
			case len(e.Online) > 0:
				e.Category = ChangedOnline
			default:
				e.Category = InSync
			}
		default:
			continue // only in base: deleted on both sides, nothing to do
		}
		out = append(out, e)
	}
	return out
}

// localChanges lists what local would change online relative to the sync
// point: managed fields that differ, and "code" when the code tree differs.
func localChanges(id fc.ID, base, local *fc.Resource, baseCode, localCode filetree.Tree) []string {
	out := ManagedDiff(local.Spec, base.Spec)
	if id.HasCode() && localCode != nil && !localCode.Equal(baseCode) {
		out = append(out, "code")
	}
	return out
}

// onlineChanges lists what changed online since the sync point.
func onlineChanges(base, online *fc.Resource) []string {
	if !OnlineChanged(base, online) {
		return nil
	}
	out := fieldDiff("", base.Spec, online.Spec)
	if base.CodeChecksum() != online.CodeChecksum() {
		out = append(out, "code")
	}
	bh, _ := base.Status["secretHashes"].(map[string]any)
	oh, _ := online.Status["secretHashes"].(map[string]any)
	names := map[string]bool{}
	for n := range bh {
		names[n] = true
	}
	for n := range oh {
		names[n] = true
	}
	for _, n := range sortedKeys(names) {
		if !equalValues(bh[n], oh[n]) {
			out = append(out, "environmentVariables."+n+" (secret)")
		}
	}
	return out
}

// fieldDiff lists every dotted field path that differs between a and b,
// recursing into mappings.
func fieldDiff(prefix string, a, b map[string]any) []string {
	var out []string
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		am, aIsMap := a[k].(map[string]any)
		bm, bIsMap := b[k].(map[string]any)
		if aIsMap && bIsMap {
			out = append(out, fieldDiff(path, am, bm)...)
			continue
		}
		if !equalValues(a[k], b[k]) {
			out = append(out, path)
		}
	}
	return out
}
