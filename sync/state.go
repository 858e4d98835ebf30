// Package sync holds fcsync's pure core: rendering FC resources to project
// files and back, the three states (sync point, local, online) and the
// functions of them (drift, status, diff, three-way merge, push plans).
//
// It knows nothing of HTTP or go-git: FC resources arrive as fc.Resource
// values and files as filetree.Tree values.
package sync

import (
	"reflect"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// State is one of the three states fcsync compares: what the project files
// say (local), what the live branch recorded at the sync point (base), or what
// FC reports now (online). All three are values of this one type.
//
// Resources carry Spec for every state; Status and ETag are filled only for
// states read from FC or from a live-branch tree (.fcsync/live.json).
// Code holds each function's code files, relative to its code/ folder, with
// the files that code/.fcignore excludes already removed. A function with no
// entry in Code has no zip code (a custom-container function).
//
// Refused holds, for a state read from FC, the resources that cannot be
// recorded as they are (State.Refuse, Admit).
type State struct {
	// API is the dialect whose table of kinds the state's files are read
	// and written by; every ID of Resources carries it.
	API       fc.API
	Resources map[fc.ID]*fc.Resource
	Code      map[fc.ID]filetree.Tree
	Refused   map[fc.ID]error

	// rendered holds, for a state parsed from a live-branch tree, the
	// resource files Render would write again byte for byte, with the
	// spec each holds: Render and Admit reuse those instead of writing
	// and checking the same YAML again. live is its LiveFile, likewise.
	// Derived states (Clone) have neither.
	rendered map[fc.ID]rendering
	live     *renderedLive
}

// rendering is a resource file and the spec it holds, both shared and
// never modified. For a state parsed from a tree, entry tells (lazily)
// whether Render writes spec back as file byte for byte; a rendering Render
// made itself has no entry, and is.
type rendering struct {
	file  filetree.File
	spec  map[string]any
	id    fc.ID // its API and kind
	entry *specEntry
}

// written reports whether Render writes rd.spec as rd.file.
func (rd rendering) written() bool {
	return rd.entry == nil || rd.entry.isCanonical(rd.id, rd.file)
}

// PrepareRendering works out, for a state parsed from a live-branch tree,
// which of its files Render would write again byte for byte (see Render's
// Reuse): a YAML encoding per resource, which a command does on another
// goroutine while it waits for FC rather than when Render asks.
func (s *State) PrepareRendering() {
	for _, rd := range s.rendered {
		rd.written()
	}
}

// renderedLive is a LiveFile and the document it holds (shared, never
// modified).
type renderedLive struct {
	file filetree.File
	doc  *liveDoc
}

// renderingFor returns the file Render would write for r when s holds it.
func (s *State) renderingFor(id fc.ID, r *fc.Resource) (rendering, bool) {
	if s == nil {
		return rendering{}, false
	}
	rd, ok := s.rendered[id]
	if !ok || !reflect.DeepEqual(r.Spec, rd.spec) && !reflect.DeepEqual(fc.Normalize(r.Spec), rd.spec) || !rd.written() {
		return rendering{}, false
	}
	return rd, true
}

// NewState returns an empty state.
func NewState() *State {
	return &State{Resources: map[fc.ID]*fc.Resource{}, Code: map[fc.ID]filetree.Tree{}}
}

// IDs returns the state's resource ids in fc.ID.Less order.
func (s *State) IDs() []fc.ID {
	ids := make([]fc.ID, 0, len(s.Resources))
	for id := range s.Resources {
		ids = append(ids, id)
	}
	fc.SortIDs(ids)
	return ids
}

// Clone returns a deep copy of s: redaction and merging may then change
// the copy freely.
func (s *State) Clone() *State {
	out := NewState()
	out.API = s.API
	for id, r := range s.Resources {
		c := *r
		c.Spec, _ = fc.Normalize(r.Spec).(map[string]any)
		c.Status, _ = fc.Normalize(r.Status).(map[string]any)
		out.Resources[id] = &c
	}
	for id, t := range s.Code {
		out.Code[id] = t
	}
	for id, err := range s.Refused {
		out.Refuse(id, err)
	}
	return out
}

// ShallowCopy returns a copy of s's maps, sharing its resources and code:
// for a state parsed once and read by several, none of which changes a
// resource.
func (s *State) ShallowCopy() *State {
	out := &State{API: s.API, Resources: make(map[fc.ID]*fc.Resource, len(s.Resources)), Code: make(map[fc.ID]filetree.Tree, len(s.Code))}
	for id, r := range s.Resources {
		out.Resources[id] = r
	}
	for id, c := range s.Code {
		out.Code[id] = c
	}
	for id, err := range s.Refused {
		out.Refuse(id, err)
	}
	return out
}

// UnionIDs returns every resource id of the given states (nil states are
// skipped), once each, in fc.ID.Less order.
func UnionIDs(states ...*State) []fc.ID {
	seen := map[fc.ID]bool{}
	var ids []fc.ID
	for _, s := range states {
		if s == nil {
			continue
		}
		for id := range s.Resources {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	fc.SortIDs(ids)
	return ids
}

// arns maps the ARN of each resource of s that has one (every form FC
// spells it in) to the resource.
func (s *State) arns() map[string]fc.ID {
	out := map[string]fc.ID{}
	for id, r := range s.Resources {
		for _, a := range fc.ARNs(r) {
			out[a] = id
		}
	}
	return out
}

// NameRefs rewrites s in place so that every value naming a resource s
// holds by its current ARN (a function's layers naming the newest version
// of a layer) is that resource's reference ("layer:shared"), as project
// files write it (fc.NameRefs). An online state is read this way, so that
// a function deployed from "layer:shared" reads back as it was written.
func (s *State) NameRefs() {
	byARN := s.arns()
	if len(byARN) == 0 {
		return
	}
	for id, r := range s.Resources {
		c := *r
		c.Spec = id.API.NameRefs(id.Kind, r.Spec, byARN)
		s.Resources[id] = &c
	}
}

// ResolveRefs returns a copy of s in which every reference to a resource
// of s is replaced by that resource's current ARN, as FC holds it (the
// inverse of NameRefs), so that the values stay true when the resource
// gets a new ARN (a layer's new version).
func (s *State) ResolveRefs() *State {
	out := s.Clone()
	for id, r := range out.Resources {
		r.Spec = id.API.ReplaceRefs(id.Kind, r.Spec, s.ARN)
	}
	return out
}

// ARN is the ARN of the resource id of s, the form a reference to it
// resolves to (fc.ARNs); ok is false when s has none for it.
func (s *State) ARN(id fc.ID) (arn string, ok bool) {
	if r := s.Resources[id]; r != nil {
		if arns := fc.ARNs(r); len(arns) > 0 {
			return arns[0], true
		}
	}
	return "", false
}
