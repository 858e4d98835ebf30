package sync

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// MigrateTree is Migrate of an FC 2.0 project tree: the FC 3.0 project
// tree and what was not carried over. A file that survives as a whole (a
// trigger, a config, a domain, a layer) keeps its comments and layout,
// edited in place where a field is renamed; a function's file, made of
// two, is written anew. Code folders move with every file they hold
// (.fcignore and what it leaves out included). Every file outside
// services/ but the resource files stays as it is (fcsync.yaml is the
// caller's). The result is refused unless it validates as FC 3.0.
func MigrateTree(old filetree.Tree) (filetree.Tree, *Migration, error) {
	s, err := Parse(fc.FC2, old)
	if err != nil {
		return nil, nil, err
	}
	m := Migrate(s)
	noCode := m.State.ShallowCopy()
	noCode.Code = map[fc.ID]filetree.Tree{}
	rendered, err := Render(noCode, RenderOptions{WithoutDefaults: true})
	if err != nil {
		return nil, nil, err
	}
	out := filetree.Tree{}
	for p, f := range old {
		if top, _, _ := strings.Cut(p, "/"); top == "services" {
			continue
		}
		if _, isResource := fc.FC2.ParseFile(p); isResource {
			continue
		}
		out[p] = f
	}
	for _, id := range m.State.IDs() {
		from := m.From[id]
		out[id.File()] = carried(id, m.State.Resources[id].Spec, old[from.File()], rendered[id.File()])
		if !id.HasCode() || from.CodeDir() == id.CodeDir() {
			continue
		}
		for p, f := range old {
			if rest, ok := strings.CutPrefix(p, from.CodeDir()+"/"); ok {
				out[id.CodeDir()+"/"+rest] = f
			}
		}
	}
	if _, err := Validate(out, ValidateOptions{API: fc.FC3}); err != nil {
		return nil, nil, err
	}
	return out, m, nil
}

// carried is the FC 2.0 file of a resource edited for FC 3.0 when it then
// holds spec exactly, else the rendered file.
func carried(id fc.ID, spec map[string]any, old, rendered filetree.File) filetree.File {
	data, err := old.Bytes()
	if err != nil {
		return rendered
	}
	if edit := carryEdits[id.Kind]; edit != nil {
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			return rendered
		}
		edit(doc.Content[0])
		var b bytes.Buffer
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if enc.Encode(&doc) != nil || enc.Close() != nil {
			return rendered
		}
		data = b.Bytes()
	}
	f := filetree.File{Data: data, Mode: old.Mode}
	got, _, err := parseFile(id, id.File(), f)
	if err != nil || !reflect.DeepEqual(fc.Normalize(id.API.Canonical(id.Kind, got)), fc.Normalize(spec)) {
		return rendered
	}
	return f
}

// carryEdits are Migrate's renames, done on a file's YAML nodes.
var carryEdits = map[fc.Kind]func(top *yaml.Node){
	fc.KindAsyncInvoke: func(top *yaml.Node) {
		for i := 1; i < len(top.Content); i += 2 {
			if cfg := top.Content[i]; cfg.Kind == yaml.MappingNode {
				if k := mappingKey(cfg, "statefulInvocation"); k != nil {
					k.Value = "asyncTask"
				}
			}
		}
	},
	fc.KindDomain: func(top *yaml.Node) {
		routes := mappingValue(mappingValue(top, "routeConfig"), "routes")
		if routes == nil || routes.Kind != yaml.SequenceNode {
			return
		}
		for _, r := range routes.Content {
			svc, fn := mappingValue(r, "serviceName"), mappingValue(r, "functionName")
			if svc == nil || fn == nil {
				continue
			}
			fn.Value, fn.Style = MigratedName(svc.Value, fn.Value), 0
			if fn.LineComment == "" {
				fn.LineComment = svc.LineComment // what was said of the route's target
			}
			for i := 0; i+1 < len(r.Content); i += 2 {
				if r.Content[i].Value == "serviceName" {
					r.Content = append(r.Content[:i:i], r.Content[i+2:]...)
					break
				}
			}
		}
	},
}

func mappingKey(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// MigrateConfig rewrites fcsync.yaml for FC 3.0, keeping its comments:
// api: fc3, and a services list becomes the list of those services'
// functions (functions, by service). Settings naming service fields
// (extraFields service.x) name the function's. notes say what changed
// meaning.
func MigrateConfig(data []byte, functions map[string][]string) (out []byte, notes []string, err error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, yamlFileError(ConfigFile, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, &FileError{Path: ConfigFile, Err: fmt.Errorf("must be a mapping of settings")}
	}
	top := doc.Content[0]
	if v := mappingValue(top, "api"); v != nil {
		v.Value, v.Tag, v.Style = fc.FC3.String(), "!!str", 0
	} else {
		at := 0
		if mappingKey(top, "region") != nil {
			at = 2 // after region, where a reader looks for it
		}
		kv := []*yaml.Node{strNode("api"), strNode(fc.FC3.String())}
		top.Content = append(top.Content[:at:at], append(kv, top.Content[at:]...)...)
	}
	if k := mappingKey(top, "services"); k != nil {
		v := mappingValue(top, "services")
		k.Value = "functions"
		list := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: v.Style}
		for _, s := range v.Content {
			for _, fn := range functions[s.Value] {
				list.Content = append(list.Content, strNode(fn))
			}
			if len(functions[s.Value]) == 0 {
				notes = append(notes, fmt.Sprintf("%s: services: %s has no function, so no FC 3.0 function stands for it", ConfigFile, s.Value))
			}
		}
		if len(v.Content) > 0 && len(list.Content) == 0 {
			return nil, nil, &FileError{Path: ConfigFile, Line: k.Line, Err: fmt.Errorf("services: the services listed have no function; an empty functions list would track every function")}
		}
		list.HeadComment, list.LineComment, list.FootComment = v.HeadComment, v.LineComment, v.FootComment
		for i := 1; i < len(top.Content); i += 2 {
			if top.Content[i] == v {
				top.Content[i] = list
			}
		}
	}
	if v := mappingValue(top, "extraFields"); v != nil && v.Kind == yaml.SequenceNode {
		for _, e := range v.Content {
			if rest, ok := strings.CutPrefix(e.Value, "service."); ok {
				e.Value = "function." + rest
				notes = append(notes, fmt.Sprintf("%s: extraFields: service.%s is now function.%s", ConfigFile, rest, rest))
			}
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, nil, err
	}
	if _, err := LoadConfig(ConfigFile, b.Bytes()); err != nil {
		return nil, nil, err
	}
	return b.Bytes(), notes, nil
}
