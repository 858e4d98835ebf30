package sync

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// propGen makes random specs and edits of them for the merge properties.
type propGen struct{ r *rand.Rand }

var propKeys = []string{"description", "memorySize", "timeout", "layers", "environmentVariables", "triggerConfig", "zeta"}

func (g propGen) value(depth int) any {
	switch n := g.r.IntN(7); {
	case n == 0:
		return int64(g.r.IntN(1000))
	case n == 1:
		return []string{"x", "", "true", "123", "multi\nline\n", "a: b", "${env:DB_PASSWORD}"}[g.r.IntN(7)]
	case n == 2:
		return []any{"a", int64(g.r.IntN(3))}
	case n == 3:
		return g.r.IntN(2) == 0
	default:
		if depth >= 2 {
			return fmt.Sprint("v", g.r.IntN(5))
		}
		return g.mapping(depth + 1)
	}
}

func (g propGen) mapping(depth int) map[string]any {
	m := map[string]any{}
	for range g.r.IntN(4) + 1 {
		m[propKeys[g.r.IntN(len(propKeys))]] = g.value(depth)
	}
	return m
}

// mutate changes, adds or removes a few keys of m, at any depth.
func (g propGen) mutate(m map[string]any, depth int) map[string]any {
	out := deepCopy(m).(map[string]any)
	for range g.r.IntN(3) {
		k := propKeys[g.r.IntN(len(propKeys))]
		switch sub, isMap := out[k].(map[string]any); {
		case isMap && g.r.IntN(2) == 0:
			out[k] = g.mutate(sub, depth+1)
		case g.r.IntN(3) == 0:
			delete(out, k)
		default:
			out[k] = g.value(depth)
		}
	}
	return out
}

// file renders spec as a user might keep it: canonical layout plus
// comments on random keys and values.
func (g propGen) file(spec map[string]any) []byte {
	n := specNode(fc.ID{Kind: fc.KindFunction}, spec)
	var comment func(n *yaml.Node)
	comment = func(n *yaml.Node) {
		for i, c := range n.Content {
			if g.r.IntN(3) == 0 {
				if i%2 == 0 && n.Kind == yaml.MappingNode {
					c.HeadComment = fmt.Sprint("# note ", i)
				} else if c.Kind == yaml.ScalarNode && c.Style&yaml.LiteralStyle == 0 {
					c.LineComment = "# why"
				}
			}
			comment(c)
		}
	}
	comment(n)
	b, err := encodeYAML(n)
	if err != nil {
		panic(err)
	}
	return b
}

func propState(spec map[string]any, file []byte) (*State, filetree.Tree) {
	id := fc.FunctionID("svc", "fn")
	s := NewState()
	s.Resources[id] = &fc.Resource{ID: id, Spec: spec}
	return s, filetree.Tree{id.File(): {Data: file}}
}

// TestMergePropOnlineUnchanged: when nothing changed online, pull leaves
// every local file exactly as it is, whatever local did.
func TestMergePropOnlineUnchanged(t *testing.T) {
	t.Parallel()
	for seed := range uint64(300) {
		g := propGen{rand.New(rand.NewPCG(seed, 1))}
		r, l := g.mapping(0), g.mapping(0)
		l1 := g.mutate(l, 0)
		base, baseFiles := propState(r, g.file(r))
		local, localFiles := propState(l1, g.file(l1))
		baseLocal, _ := propState(l, g.file(l))
		res, err := Merge(MergeInput{Base: base, BaseLocal: baseLocal, Online: base, Local: local,
			BaseFiles: baseFiles, OnlineFiles: baseFiles, LocalFiles: localFiles, Labels: mergeLabels})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(res.Files) != 0 || len(res.Conflicts) != 0 {
			t.Fatalf("seed %d: files %v, conflicts %v", seed, res.Files, res.Conflicts)
		}
	}
}

// TestMergePropLocalUnchanged: when local did not change since the sync
// point, pull makes the local file say exactly what online says, keeping
// the comments on the fields it did not touch.
func TestMergePropLocalUnchanged(t *testing.T) {
	t.Parallel()
	id := fc.FunctionID("svc", "fn")
	for seed := range uint64(300) {
		g := propGen{rand.New(rand.NewPCG(seed, 2))}
		r := g.mapping(0)
		r1 := g.mutate(r, 0)
		base, baseFiles := propState(r, g.file(r))
		online, onlineFiles := propState(r1, g.file(r1))
		local, localFiles := propState(r, g.file(r))
		res, err := Merge(MergeInput{Base: base, BaseLocal: base, Online: online, Local: local,
			BaseFiles: baseFiles, OnlineFiles: onlineFiles, LocalFiles: localFiles, Labels: mergeLabels})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(res.Conflicts) != 0 {
			t.Fatalf("seed %d: conflicts %v", seed, res.Conflicts)
		}
		file := localFiles[id.File()].Data
		if f, ok := res.Files[id.File()]; ok {
			file = f.Data
		}
		got, err := yamlValue(file)
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, file)
		}
		if !reflect.DeepEqual(got, r1) {
			t.Fatalf("seed %d: merged file says %v, online %v\nlocal:\n%s\nmerged:\n%s",
				seed, got, r1, localFiles[id.File()].Data, file)
		}
	}
}

// pickSide resolves every conflict block in text to one side, as a user
// editing the file would.
func pickSide(text string, theirs bool) string {
	var out []string
	in := 0 // 0 outside a block, 1 in ours, 2 in theirs
	for _, line := range strings.SplitAfter(text, "\n") {
		switch {
		case strings.HasPrefix(line, "<<<<<<< "):
			in = 1
		case line == "=======\n" && in == 1:
			in = 2
		case strings.HasPrefix(line, ">>>>>>> ") && in == 2:
			in = 0
		case in == 0, in == 1 && !theirs, in == 2 && theirs:
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

// TestMergePropMarkers: when both sides changed, the conflict markers are
// placed so that keeping one side of every block gives the same value as
// resolving with --use-remote or --use-local.
func TestMergePropMarkers(t *testing.T) {
	t.Parallel()
	id := fc.FunctionID("svc", "fn")
	for seed := range uint64(300) {
		g := propGen{rand.New(rand.NewPCG(seed, 3))}
		r := g.mapping(0)
		r1, l1 := g.mutate(g.mutate(r, 0), 0), g.mutate(g.mutate(r, 0), 0)
		base, baseFiles := propState(r, g.file(r))
		online, onlineFiles := propState(r1, g.file(r1))
		local, localFiles := propState(l1, g.file(l1))
		merged := map[Resolution]string{}
		for _, how := range []Resolution{ResolveNone, ResolveOnline, ResolveLocal} {
			res, err := Merge(MergeInput{Base: base, BaseLocal: base, Online: online, Local: local,
				BaseFiles: baseFiles, OnlineFiles: onlineFiles, LocalFiles: localFiles,
				Resolve: how, Labels: mergeLabels})
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			merged[how] = string(localFiles[id.File()].Data)
			if f, ok := res.Files[id.File()]; ok {
				merged[how] = string(f.Data)
			}
		}
		for how, theirs := range map[Resolution]bool{ResolveOnline: true, ResolveLocal: false} {
			picked, err := yamlValue([]byte(pickSide(merged[ResolveNone], theirs)))
			if err != nil {
				t.Fatalf("seed %d: %v\n%s", seed, err, merged[ResolveNone])
			}
			want, err := yamlValue([]byte(merged[how]))
			if err != nil {
				t.Fatalf("seed %d: %v\n%s", seed, err, merged[how])
			}
			if !reflect.DeepEqual(picked, want) {
				t.Fatalf("seed %d, theirs=%v: markers give %v, resolving gives %v\n%s",
					seed, theirs, picked, want, merged[ResolveNone])
			}
		}
	}
}
