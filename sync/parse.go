package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// ErrInvalidProject is matched by errors.Is for every problem found in a
// project file (the CLI's exit code 2).
var ErrInvalidProject = errors.New("invalid project file")

// FileError is a problem in one project file. Line is 1-based, 0 when the
// problem is the file as a whole (its path, its presence).
type FileError struct {
	Path string
	Line int
	Err  error
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Is makes every FileError match ErrInvalidProject.
func (e *FileError) Is(target error) bool { return target == ErrInvalidProject }

var yamlLineRE = regexp.MustCompile(`^line (\d+): (.*)`)

// parserProblems are the messages of yaml.v3's parser (as opposed to its
// scanner) errors. yaml.v3 prints their 0-based line, and no line at all for
// the first line (gopkg.in/yaml.v3 decode.go, parser.fail); yamlFileError
// corrects that.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// scannerPrefixes start the messages of yaml.v3's scanner errors, which
// carry no line when they happen on the first line.
var scannerPrefixes = []string{"did not find expected", "could not find expected", "found ",
	"mapping keys are", "mapping values are", "block sequence entries are"}

// yamlFileError turns a yaml.v3 error, whose text carries the line, into a
// FileError with the (1-based) line as a field.
func yamlFileError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "unmarshal errors:\n"); ok {
		msg = strings.TrimSpace(rest) // decode errors: lines are right
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			return &FileError{Path: path, Line: line, Err: errors.New(m[2])}
		}
		return &FileError{Path: path, Err: errors.New(msg)}
	}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if parserProblems[m[2]] {
			line++
		}
		return &FileError{Path: path, Line: line, Err: errors.New(m[2])}
	}
	for _, p := range scannerPrefixes {
		if strings.HasPrefix(msg, p) {
			return &FileError{Path: path, Line: 1, Err: errors.New(msg)}
		}
	}
	return &FileError{Path: path, Err: errors.New(msg)}
}

// Parse reads a project tree (or a live-branch tree) back into a State; it
// is the inverse of Render. Resource files are recognised by fc.ParseFile,
// the path naming the resource. Files under a function's code/ folder are
// its Code, less IgnoreFile and what it excludes. LiveFile, when present,
// fills Status and ETag (use LiveSalt for its salt); without it both stay
// empty. Every other file (fcsync.yaml, README, .gitignore) is ignored.
//
// Every problem found is reported, as *FileError values joined with
// errors.Join, sorted by path and line: YAML errors, documents that are not
// a mapping, server-owned fields, invalid names, a function or trigger
// whose parent has no file, code without function.yaml, a broken LiveFile.
func Parse(t filetree.Tree) (*State, error) {
	s, err := ParsePartial(t)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// ParsePartial is Parse for trees that fcsync must read even when a part
// of them is broken, such as an old commit that is a sync point (DESIGN
// section 4: an invalid sync point never wedges the repository). It
// returns the same error as Parse, and with it the state of everything
// that parsed: a resource whose file is broken, or whose parent is missing
// or broken, is left out together with everything below it.
func ParsePartial(t filetree.Tree) (*State, error) {
	s := NewState()
	var errs []*FileError
	add := func(err error) {
		var fe *FileError
		if errors.As(err, &fe) {
			errs = append(errs, fe)
		}
	}
	code := map[fc.ID]filetree.Tree{}
	codeFile := map[fc.ID]string{} // one code path per function, for messages
	for _, p := range t.Paths() {
		if id, ok := codeOwner(p); ok {
			if code[id] == nil {
				code[id] = filetree.Tree{}
				codeFile[id] = p
			}
			code[id][strings.TrimPrefix(p, id.CodeDir()+"/")] = t[p]
			continue
		}
		id, ok := fc.ParseFile(p)
		if !ok {
			if strings.HasPrefix(p, "services/") || strings.HasPrefix(p, "domains/") || strings.HasPrefix(p, "layers/") {
				// A file fcsync would ignore is a setting the user thinks
				// is deployed (a guessed aliases/prod.yaml): say so.
				add(&FileError{Path: p, Err: errors.New(unknownFileHelp)})
			}
			continue
		}
		if err := id.Validate(); err != nil {
			add(&FileError{Path: p, Err: err})
			continue
		}
		if t[p].Mode == filetree.Symlink {
			add(&FileError{Path: p, Err: errors.New("must be a regular file, not a symlink")})
			continue
		}
		spec, err := parseSpec(id.Kind, p, t[p].Data)
		if err != nil {
			add(err)
			continue
		}
		s.Resources[id] = &fc.Resource{ID: id, Spec: fc.Canonical(id.Kind, spec)}
	}
	for id, c := range code {
		if _, ok := s.Resources[id]; !ok {
			if _, exists := t[id.File()]; exists {
				continue // the function file's own error says enough
			}
			add(&FileError{Path: codeFile[id], Err: fmt.Errorf("code of %s, which has no %s", id, id.File())})
			continue
		}
		if _, ok := c[IgnoreFile]; ok && len(c) == 1 {
			continue // only an ignore file: no code
		}
		s.Code[id] = filterIgnored(c)
	}
	for _, id := range s.IDs() {
		parent, ok := id.Parent()
		if !ok {
			continue
		}
		if _, ok := t[parent.File()]; !ok {
			add(&FileError{Path: id.File(), Err: fmt.Errorf("%s has no %s", parent, parent.File())})
		}
		if _, ok := s.Resources[parent]; !ok {
			// IDs sorts parents first, so an orphan's own children follow
			// it out.
			delete(s.Resources, id)
			delete(s.Code, id)
		}
	}
	if f, ok := t[LiveFile]; ok {
		if err := readLive(s, f.Data); err != nil {
			add(err)
		}
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool {
			if errs[i].Path != errs[j].Path {
				return errs[i].Path < errs[j].Path
			}
			return errs[i].Line < errs[j].Line
		})
		joined := make([]error, len(errs))
		for i, e := range errs {
			joined[i] = e
		}
		return s, errors.Join(joined...)
	}
	return s, nil
}

// unknownFileHelp lists the files a project holds under services/,
// domains/ and layers/, for a file that is none of them.
var unknownFileHelp = "matches no kind of resource fcsync deploys; the project files are " +
	strings.Join(fc.FileLayout(), ", ")

// codeOwner recognises a path under a resource's code folder.
func codeOwner(p string) (fc.ID, bool) { return fc.CodeOwner(p) }

// parseSpec decodes one resource file. An empty or comment-only file is an
// empty Spec.
func parseSpec(kind fc.Kind, path string, data []byte) (map[string]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err == io.EOF {
		return map[string]any{}, nil
	} else if err != nil {
		return nil, yamlFileError(path, err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, &FileError{Path: path, Line: next.Line, Err: errors.New("more than one YAML document")}
	} else if err != io.EOF {
		return nil, yamlFileError(path, err)
	}
	if len(doc.Content) == 0 {
		return map[string]any{}, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, &FileError{Path: path, Line: top.Line, Err: fmt.Errorf("must be a mapping of %s fields, not %s", kind, nodeKindName(top))}
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, &FileError{Path: path, Line: k.Line, Err: errors.New("field names must be plain strings")}
		}
		if fc.IsServerOwned(kind, k.Value) {
			return nil, &FileError{Path: path, Line: k.Line, Err: fmt.Errorf("%s is set by Function Compute and cannot be written here (the file's path names the %s)", k.Value, kind)}
		}
		if fc.IsWireJSON(kind, k.Value) && v.Kind != yaml.MappingNode {
			// Sent as a JSON string, it must be an object here: a string
			// would be sent as it is and read back as an object.
			return nil, &FileError{Path: path, Line: v.Line, Err: fmt.Errorf("%s must be a mapping, not %s", k.Value, nodeKindName(v))}
		}
	}
	v, err := nodeValue(top)
	if err != nil {
		return nil, yamlFileError(path, err)
	}
	spec, ok := v.(map[string]any)
	if !ok {
		return nil, &FileError{Path: path, Line: top.Line, Err: fmt.Errorf("must be a mapping of %s fields", kind)}
	}
	return spec, nil
}

func nodeKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "null"
	}
	return "a single value"
}

// readLive fills Status and ETag from LiveFile.
func readLive(s *State, data []byte) error {
	doc, err := decodeLive(data)
	if err != nil {
		return &FileError{Path: LiveFile, Err: err}
	}
	for _, id := range s.IDs() {
		r := s.Resources[id]
		e, ok := doc.Resources[id.File()]
		if !ok {
			return &FileError{Path: LiveFile, Err: fmt.Errorf("no entry for %s", id.File())}
		}
		r.ETag = e.ETag
		r.Status = e.Status
		if r.Status == nil {
			r.Status = map[string]any{}
		}
	}
	for file := range doc.Resources {
		if id, ok := fc.ParseFile(file); !ok || s.Resources[id] == nil {
			return &FileError{Path: LiveFile, Err: fmt.Errorf("entry %q names no resource file of the tree", file)}
		}
	}
	return nil
}

func decodeLive(data []byte) (*liveDoc, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc liveDoc
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if doc.Version != liveVersion {
		return nil, fmt.Errorf("format version %d, want %d (written by another fcsync release?)", doc.Version, liveVersion)
	}
	for file, e := range doc.Resources {
		if e.Status != nil {
			e.Status = fc.Normalize(e.Status).(map[string]any)
			doc.Resources[file] = e
		}
	}
	return &doc, nil
}

// LiveSalt returns the secret-hash salt recorded in t's LiveFile, or "" when
// t has none (or an unreadable one, which Parse reports).
func LiveSalt(t filetree.Tree) string {
	f, ok := t[LiveFile]
	if !ok {
		return ""
	}
	doc, err := decodeLive(f.Data)
	if err != nil {
		return ""
	}
	return doc.Salt
}
