package sync

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	gosync "sync"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// ErrUnrecordable is matched by errors.Is for every resource Admit refuses.
var ErrUnrecordable = errors.New("online resource cannot be recorded")

// Refusal is one resource Admit refused; its message names the resource.
type Refusal struct {
	ID  fc.ID
	Err error
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("%s: not recorded: %s", r.ID, strings.TrimPrefix(r.Err.Error(), r.ID.String()+": "))
}
func (r *Refusal) Unwrap() error        { return r.Err }
func (r *Refusal) Is(target error) bool { return target == ErrUnrecordable }

// Admit returns the part of an online state that can be recorded: every
// resource whose files read back exactly as FC gave it (Render then Parse
// give the same Spec: a triggerConfig that is not an object, for instance,
// does not) and whose code paths git accepts, plus the refusals that online
// carries already (Refuse: an unsafe code zip). A refused resource keeps
// its previous recorded version from prev when it has one, so that the
// rest of the state can be recorded without pretending it was deleted;
// otherwise it is left out, with the resources inside it. One hostile
// value online thus never stops the rest, nor wedges a repository.
//
// The refusals, one per refused resource in fc.ID order, name the
// resource and the problem; they match ErrUnrecordable.
//
// The result shares online's resources (as Clone would copy them: online
// is a copy made for recording, which nobody changes).
func Admit(online, prev *State) (*State, []*Refusal) {
	out := NewState()
	for id, r := range online.Resources {
		out.Resources[id] = r
	}
	for id, code := range online.Code {
		out.Code[id] = code
	}
	why := map[fc.ID]error{}
	for id, err := range online.Refused {
		why[id] = err
	}
	ids := online.IDs()
	checked := make([]error, len(ids))
	workers := min(runtime.GOMAXPROCS(0), 1+len(ids)/256)
	var wg gosync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ids); i += workers {
				if why[ids[i]] == nil {
					checked[i] = recordableAgain(ids[i], online.Resources[ids[i]], online.Code[ids[i]], prev)
				}
			}
		}()
	}
	wg.Wait()
	for i, err := range checked {
		if err != nil {
			why[ids[i]] = err
		}
	}
	out.Refused = nil
	var errs []*Refusal
	for _, id := range online.IDs() {
		err := why[id]
		if err == nil {
			continue
		}
		delete(out.Resources, id)
		delete(out.Code, id)
		old := (*fc.Resource)(nil)
		if prev != nil {
			old = prev.Resources[id]
		}
		if old != nil && recordable(id, old, nil) == nil {
			// Keeping the previous version, rather than leaving it out,
			// keeps a pull from reading the refusal as a deletion.
			c := *old
			out.Resources[id] = &c
			if code, ok := prev.Code[id]; ok {
				out.Code[id] = safeCode(code)
			}
			err = fmt.Errorf("%w; the live branch keeps its previous version", err)
		}
		errs = append(errs, &Refusal{id, err})
	}
	// No resource without its parent: what sat inside a resource that is
	// now left out goes too.
	for _, id := range out.IDs() {
		for p, ok := id.Parent(); ok; p, ok = p.Parent() {
			if out.Resources[p] == nil {
				delete(out.Resources, id)
				delete(out.Code, id)
				errs = append(errs, &Refusal{id, fmt.Errorf("%s is not recorded", p)})
				break
			}
		}
	}
	return out, errs
}

// Refuse marks a resource of s as one that cannot be recorded, for Admit.
func (s *State) Refuse(id fc.ID, err error) {
	if s.Refused == nil {
		s.Refused = map[fc.ID]error{}
	}
	s.Refused[id] = err
}

// recordableAgain is recordable, knowing that a spec prev holds as
// written (a live tip's file that Render writes byte for byte) reads back
// as itself: only its code remains to check.
func recordableAgain(id fc.ID, r *fc.Resource, code filetree.Tree, prev *State) error {
	if _, ok := prev.renderingFor(id, r); !ok {
		return recordable(id, r, code)
	}
	return recordableCode(code)
}

// recordable reports why a resource cannot be written to a live-branch
// tree and read back the same, or nil.
func recordable(id fc.ID, r *fc.Resource, code filetree.Tree) error {
	if err := id.Validate(); err != nil {
		return err
	}
	data, err := encodeSpec(id, r.Spec)
	if err != nil {
		return fmt.Errorf("its configuration cannot be written as YAML: %v", err)
	}
	back, err := parseSpec(id, id.File(), data)
	if err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			err = fe.Err // the file does not exist yet: its name says nothing
		}
		return fmt.Errorf("its configuration would not read back: %v", err)
	}
	want, _ := fc.Normalize(r.Spec).(map[string]any)
	if want == nil {
		want = map[string]any{}
	}
	for _, k := range sortedKeysOfBoth(want, back) {
		if !reflect.DeepEqual(want[k], back[k]) {
			return fmt.Errorf("its field %s would read back as %s, not %s", filetree.Quote(k), FormatValue(back[k]), FormatValue(want[k]))
		}
	}
	return recordableCode(code)
}

// recordableCode reports why a code tree cannot be written to git, or nil.
func recordableCode(code filetree.Tree) error {
	for _, p := range code.Paths() {
		if !validCodePath(p) {
			return fmt.Errorf("code file %s: invalid path", filetree.Quote(p))
		}
		if err := filetree.CheckFile(p, code[p]); err != nil {
			return fmt.Errorf("code file %s %v", filetree.Quote(p), err)
		}
	}
	return nil
}

// safeCode drops from a recorded code tree the paths git refuses, which a
// commit written before fcsync checked them may hold.
func safeCode(code filetree.Tree) filetree.Tree {
	out := filetree.Tree{}
	for p, f := range code {
		if validCodePath(p) && filetree.CheckFile(p, f) == nil {
			out[p] = f
		}
	}
	return out
}
