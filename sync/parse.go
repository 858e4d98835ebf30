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
	gosync "sync"

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
func Parse(api fc.API, t filetree.Tree) (*State, error) {
	s, err := ParsePartial(api, t)
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
func ParsePartial(api fc.API, t filetree.Tree) (*State, error) {
	s := NewState()
	s.API = api
	roots := layoutRoots(api)
	var errs []*FileError
	add := func(err error) {
		var fe *FileError
		if errors.As(err, &fe) {
			errs = append(errs, fe)
		}
	}
	code := map[fc.ID]filetree.Tree{}
	codeFile := map[fc.ID]string{} // one code path per function, for messages
	liveFile, live := t[LiveFile]  // a live-branch tree, which Render wrote
	type decoded struct {
		doc *liveDoc
		err error
	}
	var liveDone chan decoded
	if live {
		// The live document (thousands of resources' status, JSON) is
		// decoded on another goroutine while the files are parsed here.
		liveDone = make(chan decoded, 1)
		go func() {
			doc, err := liveDocOf(liveFile)
			liveDone <- decoded{doc, err}
		}()
	}
	for _, p := range t.Paths() {
		if id, ok := api.CodeOwner(p); ok {
			if code[id] == nil {
				code[id] = filetree.Tree{}
				codeFile[id] = p
			}
			code[id][strings.TrimPrefix(p, id.CodeDir()+"/")] = t[p]
			continue
		}
		id, ok := api.ParseFile(p)
		if !ok {
			if top, _, _ := strings.Cut(p, "/"); roots[top] {
				// A file fcsync would ignore is a setting the user thinks
				// is deployed (a guessed aliases/prod.yaml): say so.
				help := unknownFileHelp(api)
				if api == fc.FC3 && top == "services" {
					help += " (services/ is FC 2.0's layout, which an api: fc3 project does not deploy; fcsync migrate --to fc3 turns an FC 2.0 project into FC 3.0's)"
				}
				add(&FileError{Path: p, Err: errors.New(help)})
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
		spec, entry, err := parseFile(id, p, t[p])
		if err != nil {
			add(err)
			continue
		}
		s.Resources[id] = &fc.Resource{ID: id, Spec: id.API.Canonical(id.Kind, spec)}
		if live {
			if s.rendered == nil {
				s.rendered = map[fc.ID]rendering{}
			}
			s.rendered[id] = rendering{file: t[p], spec: id.API.Canonical(id.Kind, entry.spec), id: id, entry: entry}
		}
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
		kept, err := filterIgnored(c)
		if err != nil {
			add(&FileError{Path: id.CodeDir() + "/" + IgnoreFile, Err: err})
			continue
		}
		s.Code[id] = kept
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
	if live {
		d := <-liveDone
		doc, err := d.doc, d.err
		if err == nil {
			err = readLive(s, doc)
		}
		if err != nil {
			add(asFileError(LiveFile, err))
		} else {
			s.live = &renderedLive{file: liveFile, doc: doc}
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

// unknownFileHelp lists the files a project of api holds under its
// layout's folders, for a file that is none of them.
func unknownFileHelp(api fc.API) string {
	return "matches no kind of resource fcsync deploys; the project files are " +
		strings.Join(api.FileLayout(), ", ")
}

// layoutRoots are the top folders of api's project files ("services",
// "domains", "layers" for FC 2.0; "functions" instead of "services" for
// FC 3.0): a file under one that no kind matches is a mistake.
func layoutRoots(api fc.API) map[string]bool {
	out := map[string]bool{}
	for _, p := range api.FileLayout() {
		top, _, _ := strings.Cut(p, "/")
		out[top] = true
	}
	if api == fc.FC3 {
		// FC 2.0's folder in an FC 3.0 project is work that would never
		// deploy (a project not migrated, a file put where FC 2.0 wants it).
		out["services"] = true
	}
	return out
}

// specCache memoises parseSpec by kind and content: one command parses
// the same files of the live tip, the sync point, HEAD and the work tree,
// and for a file read lazily from git the content hash comes without
// reading it. Only files that parse are kept; each caller gets its own
// copy of the spec.
var specCache struct {
	gosync.Mutex
	specs map[specKey]*specEntry
}

type specKey struct {
	kind fc.ID // API and kind only
	hash filetree.Hash
}

// specEntry is a parsed file: its spec (shared, never modified) and
// whether Render writes that spec back as the same bytes.
type specEntry struct {
	spec      map[string]any
	empty     bool // the file holds no YAML document
	canonical int8 // 0 unknown, 1 yes, -1 no; under specCache's lock
}

// parseFile is parseSpec of a file, by way of specCache.
func parseFile(id fc.ID, path string, f filetree.File) (map[string]any, *specEntry, error) {
	key := specKey{kindKey(id), f.Hash()}
	specCache.Lock()
	e, ok := specCache.specs[key]
	specCache.Unlock()
	if ok {
		return deepCopy(e.spec).(map[string]any), e, nil
	}
	data, err := f.Bytes()
	if err != nil {
		return nil, nil, &FileError{Path: path, Err: err}
	}
	spec, empty, err := parseDoc(id, path, data)
	if err != nil {
		return nil, nil, err
	}
	e = &specEntry{spec: deepCopy(spec).(map[string]any), empty: empty}
	specCache.Lock()
	if specCache.specs == nil {
		specCache.specs = map[specKey]*specEntry{}
	}
	if old, ok := specCache.specs[key]; ok {
		e = old
	} else {
		specCache.specs[key] = e
	}
	specCache.Unlock()
	return spec, e, nil
}

// isCanonical reports whether Render writes e's spec as f, byte for byte.
func (e *specEntry) isCanonical(id fc.ID, f filetree.File) bool {
	specCache.Lock()
	c := e.canonical
	specCache.Unlock()
	if c == 0 {
		c = -1
		data, err := f.Bytes()
		if err == nil {
			if out, err := encodeSpec(id, id.API.Canonical(id.Kind, e.spec)); err == nil && bytes.Equal(out, data) {
				c = 1
			}
		}
		specCache.Lock()
		e.canonical = c
		specCache.Unlock()
	}
	return c == 1
}

// parseSpec decodes one resource file. An empty or comment-only file is an
// empty Spec.
func parseSpec(id fc.ID, path string, data []byte) (map[string]any, error) {
	spec, _, err := parseDoc(id, path, data)
	return spec, err
}

// parseDoc is parseSpec, also telling whether the file holds no document
// (empty, or comments only).
func parseDoc(id fc.ID, path string, data []byte) (spec map[string]any, empty bool, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err == io.EOF {
		return map[string]any{}, true, nil
	} else if err != nil {
		return nil, false, yamlFileError(path, err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, false, &FileError{Path: path, Line: next.Line, Err: errors.New("more than one YAML document")}
	} else if err != io.EOF {
		return nil, false, yamlFileError(path, err)
	}
	if len(doc.Content) == 0 {
		return map[string]any{}, true, nil
	}
	spec, err = parseTop(id, path, doc.Content[0])
	return spec, false, err
}

// parseTop is parseSpec of a document's top node.
func parseTop(id fc.ID, path string, top *yaml.Node) (map[string]any, error) {
	kind := id.Kind
	if top.Kind != yaml.MappingNode {
		return nil, &FileError{Path: path, Line: top.Line, Err: fmt.Errorf("must be a mapping of %s fields, not %s", kind, nodeKindName(top))}
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, &FileError{Path: path, Line: k.Line, Err: errors.New("field names must be plain strings")}
		}
		if id.API.IsServerOwned(kind, k.Value) {
			return nil, &FileError{Path: path, Line: k.Line, Err: fmt.Errorf("%s is set by Function Compute and cannot be written here (the file's path names the %s)", k.Value, kind)}
		}
		if id.API.IsWireJSON(kind, k.Value) && v.Kind != yaml.MappingNode {
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

// asFileError is err as a FileError about path.
func asFileError(path string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	return &FileError{Path: path, Err: err}
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

// liveDocs memoises decodeLive by content, as specCache does parseSpec:
// the live tip is often the sync point too, and LiveSalt reads it again.
// The documents are shared: readers copy what they keep.
var liveDocs struct {
	gosync.Mutex
	docs map[filetree.Hash]*liveDoc
}

// liveDocOf decodes a LiveFile, by way of liveDocs.
func liveDocOf(f filetree.File) (*liveDoc, error) {
	h := f.Hash()
	liveDocs.Lock()
	doc, ok := liveDocs.docs[h]
	liveDocs.Unlock()
	if ok {
		return doc, nil
	}
	data, err := f.Bytes()
	if err != nil {
		return nil, err
	}
	if doc, err = decodeLive(data); err != nil {
		return nil, &FileError{Path: LiveFile, Err: err}
	}
	liveDocs.Lock()
	if liveDocs.docs == nil {
		liveDocs.docs = map[filetree.Hash]*liveDoc{}
	}
	liveDocs.docs[h] = doc
	liveDocs.Unlock()
	return doc, nil
}

// readLive fills Status and ETag from LiveFile's document.
func readLive(s *State, doc *liveDoc) error {
	for _, id := range s.IDs() {
		r := s.Resources[id]
		e, ok := doc.Resources[id.File()]
		if !ok {
			return &FileError{Path: LiveFile, Err: fmt.Errorf("no entry for %s", id.File())}
		}
		r.ETag = e.ETag
		r.Status = map[string]any{}
		if e.Status != nil {
			r.Status = deepCopy(e.Status).(map[string]any)
		}
	}
	for file := range doc.Resources {
		if id, ok := s.API.ParseFile(file); !ok || s.Resources[id] == nil {
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
	for _, e := range doc.Resources {
		normalizeInPlace(e.Status) // fc.Normalize without copying: the file has thousands
	}
	return &doc, nil
}

// normalizeInPlace is fc.Normalize of a value just decoded, which nobody
// else holds: its mappings and lists are changed in place.
func normalizeInPlace(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeInPlace(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalizeInPlace(e)
		}
		return x
	}
	return fc.Normalize(v)
}

// LiveSalt returns the secret-hash salt recorded in t's LiveFile, or "" when
// t has none (or an unreadable one, which Parse reports).
func LiveSalt(t filetree.Tree) string {
	f, ok := t[LiveFile]
	if !ok {
		return ""
	}
	doc, err := liveDocOf(f)
	if err != nil {
		return ""
	}
	return doc.Salt
}
