package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// ParseRecorded reads a tree that fcsync recorded earlier (a live-branch
// commit, the commits of a sync point). Such a tree is history: an older
// fcsync may have recorded a value it cannot read back (a triggerConfig
// that is not a mapping), and refusing the whole tree would wedge every
// command in every clone. So each resource whose files do not parse is
// left out, with the resources inside it, and reported; the rest is read
// as Parse reads it. A LiveFile that cannot be read is left out too
// (resources then have no Status).
func ParseRecorded(t filetree.Tree) (*State, []error) {
	t = copyTree(t)
	var problems []error
	for range len(t) + 2 {
		s, err := Parse(t)
		if err == nil {
			return s, problems
		}
		// Resource files first: LiveFile's own complaint is often only
		// that it names a resource that did not parse, which pruning
		// its entries answers.
		dropped := false
		var liveErrs []error
		for _, fe := range fileErrors(err) {
			if fe.Path == LiveFile {
				liveErrs = append(liveErrs, fe)
				continue
			}
			problems = append(problems, fe)
			if dropResource(t, fe.Path) {
				dropped = true
			}
		}
		if dropped {
			pruneLive(t)
			continue
		}
		if len(liveErrs) == 0 {
			break
		}
		problems = append(problems, liveErrs...)
		delete(t, LiveFile)
	}
	// Unreachable for a tree Parse reads at all; keep nothing rather
	// than guess.
	return NewState(), append(problems, errors.New("left out entirely"))
}

func copyTree(t filetree.Tree) filetree.Tree {
	out := make(filetree.Tree, len(t))
	for p, f := range t {
		out[p] = f
	}
	return out
}

func fileErrors(err error) []*FileError {
	var out []*FileError
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var fe *FileError
		if errors.As(err, &fe) {
			out = append(out, fe)
		}
	}
	walk(err)
	return out
}

// dropResource removes the resource a path belongs to, with everything
// inside it, and reports whether anything went.
func dropResource(t filetree.Tree, path string) bool {
	id, ok := fc.ParseFile(path)
	if !ok {
		id, ok = codeOwner(path)
	}
	if !ok {
		_, had := t[path]
		delete(t, path)
		return had
	}
	n := len(t)
	delete(t, id.File())
	if dir := id.Dir(); dir != "" {
		for p := range t {
			if strings.HasPrefix(p, dir+"/") {
				delete(t, p)
			}
		}
	}
	return len(t) < n
}

// pruneLive removes LiveFile entries of resource files the tree no longer
// holds.
func pruneLive(t filetree.Tree) {
	f, ok := t[LiveFile]
	if !ok {
		return
	}
	doc, err := decodeLive(f.Data)
	if err != nil {
		return // Parse reports it, and it goes
	}
	for file := range doc.Resources {
		if _, ok := t[file]; !ok {
			delete(doc.Resources, file)
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		panic(fmt.Sprintf("sync: re-encoding %s: %v", LiveFile, err))
	}
	t[LiveFile] = filetree.File{Data: b.Bytes()}
}
