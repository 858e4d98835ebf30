package sync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"

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
	t := filetree.Tree{}
	live := liveDoc{Version: liveVersion, Salt: opt.Salt, Resources: map[string]liveEntry{}}
	for _, id := range s.IDs() {
		r := s.Resources[id]
		if err := id.Validate(); err != nil {
			return nil, fmt.Errorf("render %s: %w", id, err)
		}
		spec := r.Spec
		if opt.WithoutDefaults {
			spec = fc.WithoutDefaults(id.Kind, spec)
		}
		data, err := encodeSpec(id.Kind, spec)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", id, err)
		}
		t[id.File()] = filetree.File{Data: data}
		status := r.Status
		if status == nil {
			status = map[string]any{}
		}
		live.Resources[id.File()] = liveEntry{ETag: r.ETag, Status: status}
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
	if opt.Live {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(live); err != nil {
			return nil, fmt.Errorf("render %s: %w", LiveFile, err)
		}
		t[LiveFile] = filetree.File{Data: b.Bytes()}
	}
	return t, nil
}

// encodeSpec is the content of a resource file.
func encodeSpec(kind fc.Kind, spec map[string]any) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(specNode(kind, spec)); err != nil {
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
