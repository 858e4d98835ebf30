package sync

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// errNotMapping is returned when a resource file, or a field the merge must
// descend into, is not a YAML mapping.
var errNotMapping = errors.New("not a mapping")

// patchYAML applies edits to src, the bytes of a local resource file, by
// splicing lines: only the lines of the fields that change are rewritten, so
// everything else (comments, blank lines, quoting, indentation, key order)
// stays byte for byte what the user wrote (DESIGN section 2). yaml.v3 nodes
// give each field's position; a re-encode of the whole document would
// reformat the untouched lines too.
//
// A field inside a flow collection ({a: 1}) cannot be spliced line-wise;
// the edit is lifted to the nearest block-style field above it, which is
// rewritten whole. A conflicting field is written between git conflict
// markers, the local lines on the HEAD side.
func patchYAML(src []byte, edits []fieldEdit, labels TextMergeLabels) ([]byte, error) {
	if len(edits) == 0 {
		return src, nil
	}
	p, err := newYAMLPatcher(src, labels)
	if err != nil {
		return nil, err
	}
	if err := p.plan(edits); err != nil {
		return nil, err
	}
	out := p.apply()
	if hasConflict(edits) {
		return out, nil
	}
	// The splice relies on the file's indentation telling where a field
	// ends; exotic layouts can fool it. Check the result parses to the
	// intended value, and fall back to a re-encode (comments kept, layout
	// normalised) if it does not.
	want, err := p.value()
	if err != nil {
		return nil, err
	}
	want = applyEdits(want, edits)
	if got, err := yamlValue(out); err == nil && reflect.DeepEqual(got, want) {
		return out, nil
	}
	return p.reencode(edits)
}

func hasConflict(edits []fieldEdit) bool {
	for _, e := range edits {
		if e.conflict {
			return true
		}
	}
	return false
}

type yamlPatcher struct {
	doc     yaml.Node
	root    *yaml.Node // top-level block mapping; nil for an empty file
	lines   []string   // the file's lines, each ending in "\n"
	labels  TextMergeLabels
	splices []splice
}

// splice replaces lines [start, end) with text. depth is the nesting depth
// of the mapping it edits, which orders insertions at the same line: the
// deeper mapping's new keys go first.
type splice struct {
	start, end, depth int
	text              []string
}

func newYAMLPatcher(src []byte, labels TextMergeLabels) (*yamlPatcher, error) {
	p := &yamlPatcher{labels: labels}
	if err := yaml.Unmarshal(src, &p.doc); err != nil {
		return nil, err
	}
	if len(p.doc.Content) > 0 {
		p.root = p.doc.Content[0]
		if p.root.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("top level: %w", errNotMapping)
		}
		switch {
		case len(p.root.Content) == 0:
			// "{}": nothing to keep; new keys start an empty file.
			p.root, src = nil, nil
		case p.root.Style&yaml.FlowStyle != 0:
			// A whole file in flow style has no lines to splice: lay it
			// out in block style once, then edit that.
			p.root.Style &^= yaml.FlowStyle
			b, err := encodeYAML(&p.doc)
			if err != nil {
				return nil, err
			}
			return newYAMLPatcher(b, labels)
		}
	}
	p.lines = strings.SplitAfter(string(src), "\n")
	if last := len(p.lines) - 1; p.lines[last] == "" {
		p.lines = p.lines[:last]
	} else {
		p.lines[last] += "\n"
	}
	return p, nil
}

// value is the file's content as a normalised value.
func (p *yamlPatcher) value() (map[string]any, error) {
	if p.root == nil {
		return map[string]any{}, nil
	}
	v, err := nodeValue(p.root)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	return m, nil
}

// anchorKey names the block-style field an edit is spliced at: key in
// mapping m. A field missing from m is appended at m's end.
type anchorKey struct {
	m   *yaml.Node
	key string
}

type anchorEdits struct {
	anchorKey
	depth int
	edits []fieldEdit
	rests [][]string // per edit, its path below the anchor (lifted edits)
}

func (p *yamlPatcher) plan(edits []fieldEdit) error {
	var order []*anchorEdits
	groups := map[anchorKey]*anchorEdits{}
	for _, e := range edits {
		m, depth, rest, err := p.locate(e.path)
		if err != nil {
			return fmt.Errorf("%s: %w", e.dotted(), err)
		}
		key := anchorKey{m, e.path[depth]}
		if _, _, found := findKey(m, key.key); !found {
			key.key = "" // every new key of m goes into one insertion
		}
		g := groups[key]
		if g == nil {
			g = &anchorEdits{anchorKey: key, depth: depth}
			groups[key] = g
			order = append(order, g)
		}
		g.edits = append(g.edits, e)
		g.rests = append(g.rests, rest)
	}
	for _, g := range order {
		if err := p.planGroup(g); err != nil {
			return err
		}
	}
	return nil
}

// locate walks path through block mappings from the root. It returns the
// mapping holding the anchor field (path[depth]) and the part of the path
// below it, non-empty when the field's value is a flow collection.
func (p *yamlPatcher) locate(path []string) (m *yaml.Node, depth int, rest []string, err error) {
	m = p.root
	for i := range path {
		_, v, found := findKey(m, path[i])
		if !found || i == len(path)-1 {
			return m, i, nil, nil
		}
		if v.Kind != yaml.MappingNode {
			return nil, 0, nil, fmt.Errorf("%s: %w", strings.Join(path[:i+1], "."), errNotMapping)
		}
		if v.Style&yaml.FlowStyle != 0 {
			return m, i, path[i+1:], nil
		}
		m = v
	}
	return m, len(path) - 1, nil, nil
}

func findKey(m *yaml.Node, key string) (k, v *yaml.Node, found bool) {
	if m == nil {
		return nil, nil, false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1], true
		}
	}
	return nil, nil, false
}

func (p *yamlPatcher) planGroup(g *anchorEdits) error {
	if g.key == "" {
		return p.planAppend(g)
	}
	k, v, _ := findKey(g.m, g.key)
	start, end := k.Line-1, p.pairEnd(k, v)
	indent := k.Column - 1
	if len(g.edits) == 1 && len(g.rests[0]) == 0 {
		e := g.edits[0]
		var text []string
		switch {
		case e.conflict && e.theirs.ok:
			theirs, err := renderPair(k, g.key, carryComments(v, valueNode(e.theirs.v)), indent)
			if err != nil {
				return err
			}
			text = p.markers(p.lines[start:end], theirs)
		case e.conflict:
			text = p.markers(p.lines[start:end], nil)
		case e.theirs.ok:
			var err error
			text, err = renderPair(k, g.key, carryComments(v, valueNode(e.theirs.v)), indent)
			if err != nil {
				return err
			}
		default:
			start = p.headStart(k, start)
		}
		p.splices = append(p.splices, splice{start, end, g.depth, text})
		return nil
	}
	// Edits inside a flow collection: rewrite the whole field, once with
	// the clean edits only (the local side) and once with the conflicts
	// taking the online side.
	ours, theirs := cloneNode(v), cloneNode(v)
	conflict := false
	for i, e := range g.edits {
		if !e.conflict {
			if err := setNode(ours, g.rests[i], e.theirs); err != nil {
				return err
			}
		}
		conflict = conflict || e.conflict
		if err := setNode(theirs, g.rests[i], e.theirs); err != nil {
			return err
		}
	}
	text, err := renderPair(k, g.key, ours, indent)
	if err != nil {
		return err
	}
	if conflict {
		t, err := renderPair(k, g.key, theirs, indent)
		if err != nil {
			return err
		}
		text = p.markers(text, t)
	}
	p.splices = append(p.splices, splice{start, end, g.depth, text})
	return nil
}

// planAppend adds new keys at the end of mapping g.m, at its indentation.
func (p *yamlPatcher) planAppend(g *anchorEdits) error {
	at, indent := len(p.lines), 0
	if g.m != nil && len(g.m.Content) > 0 {
		n := len(g.m.Content)
		at = p.pairEnd(g.m.Content[n-2], g.m.Content[n-1])
		indent = g.m.Content[0].Column - 1
	}
	var text []string
	for _, e := range g.edits {
		if !e.theirs.ok {
			continue // absent on every side that matters: nothing to write
		}
		pair, err := renderPair(nil, e.path[len(e.path)-1], valueNode(e.theirs.v), indent)
		if err != nil {
			return err
		}
		if e.conflict {
			pair = p.markers(nil, pair)
		}
		text = append(text, pair...)
	}
	p.splices = append(p.splices, splice{at, at, g.depth, text})
	return nil
}

func (p *yamlPatcher) markers(ours, theirs []string) []string {
	out := []string{"<<<<<<< " + p.labels.Ours + "\n"}
	out = append(out, ours...)
	out = append(out, "=======\n")
	out = append(out, theirs...)
	return append(out, ">>>>>>> "+p.labels.Theirs+"\n")
}

// pairEnd is the line index just past field k: v. A block field runs on
// while lines are indented deeper than its key (or, for a block sequence,
// start with "-" at the key's indentation); trailing blank lines belong to
// what follows.
func (p *yamlPatcher) pairEnd(k, v *yaml.Node) int {
	indent := k.Column - 1
	blockSeq := v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0
	end := k.Line
	for j := k.Line; j < len(p.lines); j++ {
		line := strings.TrimRight(p.lines[j], "\r\n")
		text := strings.TrimLeft(line, " ")
		if text == "" {
			continue
		}
		in := len(line) - len(text)
		if in > indent || blockSeq && in == indent && (text == "-" || strings.HasPrefix(text, "- ")) {
			end = j + 1
			continue
		}
		break
	}
	return end
}

// headStart extends a field about to be deleted upwards over its head
// comment: the comment lines right above it at its indentation.
func (p *yamlPatcher) headStart(k *yaml.Node, start int) int {
	if k.HeadComment == "" {
		return start
	}
	prefix := strings.Repeat(" ", k.Column-1) + "#"
	for start > 0 && strings.HasPrefix(p.lines[start-1], prefix) {
		start--
	}
	return start
}

func (p *yamlPatcher) apply() []byte {
	sort.SliceStable(p.splices, func(i, j int) bool {
		a, b := p.splices[i], p.splices[j]
		if a.start != b.start {
			return a.start > b.start
		}
		if a.end != b.end {
			return a.end > b.end
		}
		return a.depth < b.depth
	})
	// New lines follow the file's line endings.
	crlf := len(p.lines) > 0 && strings.HasSuffix(p.lines[0], "\r\n")
	lines := p.lines
	for _, s := range p.splices {
		text := make([]string, len(s.text))
		for i, l := range s.text {
			if crlf && !strings.HasSuffix(l, "\r\n") {
				l = strings.TrimSuffix(l, "\n") + "\r\n"
			}
			text[i] = l
		}
		lines = append(lines[:s.start:s.start], append(text, lines[s.end:]...)...)
	}
	return []byte(strings.Join(lines, ""))
}

// reencode applies the clean edits to the parsed document and encodes it
// whole: comments survive, the layout becomes yaml.v3's.
func (p *yamlPatcher) reencode(edits []fieldEdit) ([]byte, error) {
	if p.root == nil {
		p.root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		p.doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{p.root}}
	}
	for _, e := range edits {
		if err := setNode(p.root, e.path, e.theirs); err != nil {
			return nil, err
		}
	}
	return encodeYAML(&p.doc)
}

// renderPair renders the field key: v at the given indentation, keeping the
// key's style and line comment from the local key k when there is one.
func renderPair(k *yaml.Node, key string, v *yaml.Node, indent int) ([]string, error) {
	kn := strNode(key)
	if k != nil {
		kn.Style, kn.LineComment = k.Style, k.LineComment
	}
	b, err := encodeYAML(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{kn, v}})
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(string(b), "\n")
	lines = lines[:len(lines)-1] // the encoder ends with "\n"
	pad := strings.Repeat(" ", indent)
	for i, l := range lines {
		if l != "\n" {
			lines[i] = pad + l
		}
	}
	return lines, nil
}

func encodeYAML(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func yamlValue(b []byte) (map[string]any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return map[string]any{}, nil
	}
	v, err := nodeValue(doc.Content[0])
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errNotMapping
	}
	return m, nil
}

// carryComments moves the local value's line comment ("memorySize: 128 #
// MB") onto the scalar replacing it.
func carryComments(old, repl *yaml.Node) *yaml.Node {
	if old.Kind == yaml.ScalarNode && repl.Kind == yaml.ScalarNode {
		repl.LineComment = old.LineComment
	}
	return repl
}

// setNode sets the field at path below mapping node m to v, or removes it
// when v is absent; missing keys are appended.
func setNode(m *yaml.Node, path []string, v opt) error {
	for _, key := range path[:len(path)-1] {
		_, sub, found := findKey(m, key)
		if !found || sub.Kind != yaml.MappingNode {
			return fmt.Errorf("%s: %w", strings.Join(path, "."), errNotMapping)
		}
		m = sub
	}
	last := path[len(path)-1]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != last {
			continue
		}
		if v.ok {
			m.Content[i+1] = carryComments(m.Content[i+1], valueNode(v.v))
		} else {
			m.Content = append(m.Content[:i:i], m.Content[i+2:]...)
		}
		return nil
	}
	if v.ok {
		m.Content = append(m.Content, strNode(last), valueNode(v.v))
	}
	return nil
}

func cloneNode(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, e := range n.Content {
		c.Content[i] = cloneNode(e)
	}
	return &c
}
