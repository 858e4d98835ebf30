package sync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"runtime"
	"strings"
	gosync "sync"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// LiveFile holds the server-owned facts of a live-branch tree.
const LiveFile = ".fcsync/live.json"

// liveVersion is the format of LiveFile; Parse refuses others.
const liveVersion = 1

// RenderOptions chooses between the two kinds of tree Render makes.
type RenderOptions struct {
	// Live adds LiveFile, making the tree of a live-branch commit.
	Live bool
	// Salt of the secret hashes, recorded in LiveFile so that the next
	// fetch hashes with the same salt (see Redact).
	Salt string
	// WithoutDefaults leaves out of each resource file what FC fills in by
	// itself (fc.WithoutDefaults): for project files made from the online
	// state, never for the live branch, which keeps the full record.
	WithoutDefaults bool
	// Reuse is a state parsed from a live-branch tree (the live tip): a
	// resource whose spec it holds as written takes that file as it is,
	// and an unchanged LiveFile is taken too, instead of writing the same
	// bytes again. The result is the same either way. (Not with
	// WithoutDefaults, whose files the live branch does not hold.)
	Reuse *State
}

// liveDoc is LiveFile's content. encoding/json writes map keys sorted, so
// the file is as deterministic as the YAML files.
type liveDoc struct {
	Version   int                  `json:"version"`
	Salt      string               `json:"salt,omitempty"`
	Resources map[string]liveEntry `json:"resources"`
}

type liveEntry struct {
	ETag   string         `json:"etag,omitempty"`
	Status map[string]any `json:"status"`
}

// Render writes s as project files (DESIGN section 2): for each resource,
// its Spec as YAML at id.File() (keys in the order documented at wellKnown,
// triggerConfig as a mapping, an empty Spec as "{}"), and for each function
// with code its files under id.CodeDir(). Status and ETag go only to
// LiveFile, and only with opt.Live. The same state always gives
// byte-identical files.
func Render(s *State, opt RenderOptions) (filetree.Tree, error) {
	ids := s.IDs()
	reuse := opt.Reuse
	if opt.WithoutDefaults {
		reuse = nil
	}
	files, err := renderFiles(s, ids, reuse, opt.WithoutDefaults)
	if err != nil {
		return nil, err
	}
	t := filetree.Tree{}
	live := liveDoc{Version: liveVersion, Salt: opt.Salt, Resources: make(map[string]liveEntry, len(ids))}
	// The live tip's LiveFile is taken when every entry is as it holds it,
	// which is told entry by entry, stopping at the first that is not.
	var reuseLive *renderedLive
	if opt.Live && reuse != nil && opt.Reuse.live != nil && opt.Reuse.live.doc.Salt == opt.Salt &&
		opt.Reuse.live.doc.Version == liveVersion && len(opt.Reuse.live.doc.Resources) == len(ids) {
		reuseLive = opt.Reuse.live
	}
	var rendered map[fc.ID]rendering
	if opt.Live {
		rendered = make(map[fc.ID]rendering, len(ids))
	}
	for i, id := range ids {
		r := s.Resources[id]
		t[id.File()] = files[i].file
		if rendered != nil {
			rendered[id] = files[i]
		}
		status := r.Status
		if status == nil {
			status = map[string]any{}
		}
		e := liveEntry{ETag: r.ETag, Status: status}
		live.Resources[id.File()] = e
		if reuseLive != nil {
			if old, ok := reuseLive.doc.Resources[id.File()]; !ok || old.ETag != e.ETag || !reflect.DeepEqual(old.Status, e.Status) {
				reuseLive = nil
			}
		}
	}
	for id, code := range s.Code {
		if _, ok := s.Resources[id]; !ok || !id.HasCode() {
			return nil, fmt.Errorf("render: code for %s, which is not a function of the state", id)
		}
		for p, f := range code {
			if !validCodePath(p) {
				return nil, fmt.Errorf("render %s: invalid code path %q", id, p)
			}
			if err := filetree.CheckFile(p, f); err != nil {
				return nil, fmt.Errorf("%s: code file %s %v", id, filetree.Quote(p), err)
			}
			t[id.CodeDir()+"/"+p] = f
		}
	}
	if !opt.Live {
		return t, nil
	}
	if reuseLive != nil {
		t[LiveFile] = reuseLive.file
		s.rendered, s.live = rendered, reuseLive
		return t, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(live); err != nil {
		return nil, fmt.Errorf("render %s: %w", LiveFile, err)
	}
	t[LiveFile] = filetree.File{Data: b.Bytes()}
	// What s remembers must not change with s: the statuses are copied.
	for file, e := range live.Resources {
		e.Status, _ = deepCopy(e.Status).(map[string]any)
		live.Resources[file] = e
	}
	s.rendered, s.live = rendered, &renderedLive{file: t[LiveFile], doc: &live}
	return t, nil
}

// renderFiles renders the resource files of s, in the order of ids, on as
// many goroutines as there are CPUs: taking a file from reuse means
// comparing a spec with the one it holds, for each of thousands.
func renderFiles(s *State, ids []fc.ID, reuse *State, withoutDefaults bool) ([]rendering, error) {
	out := make([]rendering, len(ids))
	errs := make([]error, len(ids))
	workers := min(runtime.GOMAXPROCS(0), 1+len(ids)/256)
	var wg gosync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ids); i += workers {
				out[i], errs[i] = renderFile(ids[i], s.Resources[ids[i]], reuse, withoutDefaults)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// renderFile is one resource's file: reuse's when it holds the spec as
// written, else written anew.
func renderFile(id fc.ID, r *fc.Resource, reuse *State, withoutDefaults bool) (rendering, error) {
	if err := id.Validate(); err != nil {
		return rendering{}, fmt.Errorf("render %s: %w", id, err)
	}
	if rd, ok := reuse.renderingFor(id, r); ok {
		return rd, nil
	}
	spec := r.Spec
	if withoutDefaults {
		spec = id.API.WithoutDefaults(id.Kind, spec)
	}
	data, err := encodeSpec(id, spec)
	if err != nil {
		return rendering{}, fmt.Errorf("render %s: %w", id, err)
	}
	kept, _ := deepCopy(fc.Normalize(r.Spec)).(map[string]any)
	return rendering{file: filetree.File{Data: data}, spec: kept}, nil
}

// encodeSpec is the content of a resource file.
func encodeSpec(id fc.ID, spec map[string]any) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(specNode(id, spec)); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// validCodePath accepts the relative, clean, slash-separated paths a tree
// may hold.
func validCodePath(p string) bool {
	return p != "" && p != "." && path.Clean(p) == p && !strings.HasPrefix(p, "/") &&
		p != ".." && !strings.HasPrefix(p, "../") && !strings.Contains(p, "\\")
}
