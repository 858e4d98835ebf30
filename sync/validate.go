package sync

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// Validate checks every resource file of a project tree against the table
// of kinds (fc.Check) and the rules that span files (one HTTP trigger per
// function), before anything is sent: FC silently drops a field it does not
// know, so a typo would otherwise read as "changed locally" forever.
//
// Problems come back as *FileError values naming file and line: warnings as
// a list, errors joined (matching ErrInvalidProject), both sorted by path
// and line. Parse's own problems are errors too.
func Validate(t filetree.Tree, opt ValidateOptions) (warnings []*FileError, err error) {
	var errs []*FileError
	broken := map[string]bool{}
	parsed, perr := opt.Parsed, opt.ParseErr
	if parsed == nil {
		parsed, perr = ParsePartial(opt.API, t)
	}
	if perr != nil {
		for _, e := range unjoin(perr) {
			var fe *FileError
			if !errors.As(e, &fe) {
				return nil, perr
			}
			errs = append(errs, fe)
			broken[fe.Path] = true
		}
	}
	httpTriggers := map[fc.ID][]string{}  // function -> files of its HTTP triggers
	lines := map[string]func([]any) int{} // file -> the line of a path in it
	for _, p := range t.Paths() {
		id, ok := parsed.API.ParseFile(p)
		if !ok || broken[p] {
			continue
		}
		// The spec Parse read (memoised): the file's YAML nodes are read
		// again only to tell the line of a problem.
		spec, entry, err := parseFile(id, p, t[p])
		if err != nil || entry.empty {
			continue // Parse reported it, or the file is empty
		}
		var top *yaml.Node
		line := func(path []any) int {
			if top == nil {
				data, err := t[p].Bytes()
				if err == nil {
					top, err = topNode(data)
				}
				if err != nil || top == nil {
					return 0
				}
			}
			return lineOf(top, path)
		}
		for _, pr := range id.API.Check(id.Kind, spec, extraFor(id.Kind, opt.ExtraFields)) {
			fe := &FileError{Path: p, Line: line(pr.Path), Err: errors.New(pr.Msg)}
			switch {
			case pr.Warning:
				warnings = append(warnings, fe)
			case opt.fromOnline(id, spec, pr.Path):
				fe.Err = fmt.Errorf("%s (kept: Function Compute itself returned this value)", pr.Msg)
				warnings = append(warnings, fe)
			default:
				errs = append(errs, fe)
			}
		}
		for _, ref := range id.API.Refs(id.Kind, fc.Normalize(spec).(map[string]any)) {
			if _, ok := t[ref.Target.File()]; !ok && ref.Target.Validate() == nil {
				errs = append(errs, &FileError{Path: p, Line: line(ref.Path), Err: fmt.Errorf(
					"%s: %s names %s, which the project does not have (no %s)",
					fc.PathString(ref.Path), fc.Ref(ref.Target), ref.Target, ref.Target.File())})
			}
		}
		if id.Schema().CodeRequired && parsed.Resources[id] != nil && len(parsed.Code[id]) == 0 {
			errs = append(errs, &FileError{Path: p, Err: fmt.Errorf("%s has no code: a %s is published with the files under %s/", id, id.Kind, id.CodeDir())})
		}
		if id.Kind == fc.KindTrigger && spec["triggerType"] == "http" {
			fn, _ := id.Parent()
			httpTriggers[fn] = append(httpTriggers[fn], p)
			lines[p] = line
		}
	}
	for fn, files := range httpTriggers {
		sort.Strings(files)
		first := strings.TrimSuffix(files[0][strings.LastIndex(files[0], "/")+1:], ".yaml")
		for _, f := range files[1:] {
			errs = append(errs, &FileError{Path: f, Line: lines[f]([]any{"triggerType"}), Err: fmt.Errorf(
				"%s already has the HTTP trigger %s and Function Compute allows one per function; merge the two (one trigger can list every method) or delete one",
				fn, first)})
		}
	}
	sortFileErrors(warnings)
	sortFileErrors(errs)
	if len(errs) == 0 {
		return warnings, nil
	}
	joined := make([]error, len(errs))
	for i, e := range errs {
		joined[i] = e
	}
	return warnings, errors.Join(joined...)
}

// ValidateOptions tune Validate.
type ValidateOptions struct {
	// API is the project's: its table of kinds reads the files.
	API fc.API
	// ExtraFields are the extraFields of fcsync.yaml ("function.newField"):
	// let through unchecked.
	ExtraFields []string
	// Parsed, when not nil, is the tree as ParsePartial read it, with
	// ParseErr its error: Validate then does not parse it again.
	Parsed   *State
	ParseErr error
	// Online is what FC last answered (the live branch's tip), nil when
	// unknown. A value the table refuses but FC itself returned (a runtime
	// or a field FC added after this release) is only warned about: FC
	// accepts it, and refusing it would stop every push of the resource.
	Online *State
}

// fromOnline reports whether the value at path in spec is the one FC
// returned for the resource id.
func (opt ValidateOptions) fromOnline(id fc.ID, spec map[string]any, path []any) bool {
	if opt.Online == nil || opt.Online.Resources[id] == nil {
		return false
	}
	local, ok := valueAt(spec, path)
	if !ok {
		return false
	}
	online, ok := valueAt(opt.Online.Resources[id].Spec, path)
	return ok && reflect.DeepEqual(local, online)
}

// valueAt follows path (map keys, list indexes) into v.
func valueAt(v any, path []any) (any, bool) {
	for _, step := range path {
		switch x := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[x]; !ok {
				return nil, false
			}
		case int:
			l, ok := v.([]any)
			if !ok || x >= len(l) {
				return nil, false
			}
			v = l[x]
		}
	}
	return v, true
}

// extraFor picks the extraFields of one kind, without the kind prefix.
func extraFor(k fc.Kind, extra []string) []string {
	var out []string
	for _, e := range extra {
		if rest, ok := strings.CutPrefix(e, string(k)+"."); ok {
			out = append(out, rest)
		}
	}
	return out
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func sortFileErrors(l []*FileError) {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Path != l[j].Path {
			return l[i].Path < l[j].Path
		}
		return l[i].Line < l[j].Line
	})
}

// topNode is the top-level node of a one-document YAML file, nil when empty.
func topNode(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// lineOf finds the line of the value at path (map keys, list indexes) under
// n: the key's line for a mapping entry, the deepest node found when the
// path goes further than the file (a missing field: its mapping's line).
func lineOf(n *yaml.Node, path []any) int {
	line := n.Line
	for _, step := range path {
		switch x := step.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == x {
					line, n, found = n.Content[i].Line, n.Content[i+1], true
					break
				}
			}
			if !found {
				return line
			}
		case int:
			if n.Kind != yaml.SequenceNode || x >= len(n.Content) {
				return line
			}
			n = n.Content[x]
			line = n.Line
		}
	}
	return line
}
