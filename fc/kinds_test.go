package fc

import (
	"strings"
	"testing"
)

// sampleID builds an ID of kind k with a distinct name in each slot.
func sampleID(k Kind) ID {
	id := ID{Kind: k}
	for i, s := range FC2.schema(k).Slots {
		id.set(s, []string{"svc", "fn", "t1"}[min(i, 2)]+"_"+string(k))
	}
	return id
}

// TestKindTable checks each entry of the table of kinds against itself:
// the file path parses back to the ID, names round-trip through Path,
// the parent is a kind of the table holding the ID's outer names, the
// apply order puts parents first, and the API paths hold every name.
func TestKindTable(t *testing.T) {
	t.Parallel()
	seen := map[Kind]int{}
	for i, k := range FC2.Kinds() {
		seen[k] = i
		sc := FC2.SchemaOf(k)
		id := sampleID(k)
		if err := id.Validate(); err != nil {
			t.Errorf("%s: sample %v does not validate: %v", k, id, err)
		}
		if got, ok := FC2.ParseFile(id.File()); !ok || got != id {
			t.Errorf("%s: FC2.ParseFile(%q) = %v, %v; want %v", k, id.File(), got, ok, id)
		}
		if got, ok := FC2.IDFromPath(k, id.Path()); !ok || got != id {
			t.Errorf("%s: FC2.IDFromPath(%q) = %v, %v; want %v", k, id.Path(), got, ok, id)
		}
		if want := string(k) + " " + id.Path(); id.String() != want {
			t.Errorf("%s: String() = %q, want %q", k, id.String(), want)
		}
		named := sc.NameField != "" || sc.PerQualifier != nil // configs are named by their function
		if sc.Noun == "" || sc.ListKey == "" || !named || sc.Collection == "" || sc.Name == nil {
			t.Errorf("%s: incomplete table entry %+v", k, sc)
		}
		path := resourcePath(id)
		if pq := sc.PerQualifier; pq != nil {
			path = configPath(id)
			if pq.Config == "" || pq.ListAction == "" || pq.Locate == nil || pq.Qualifier == nil || pq.Delete == (pq.Clear != nil) {
				t.Errorf("%s: incomplete per-qualifier entry %+v", k, pq)
			}
		}
		for _, name := range id.names() {
			if !strings.Contains(path, name) {
				t.Errorf("%s: resource path %q lacks the name %q", k, path, name)
			}
		}
		if sc.HasCode && (sc.Dir == "" || !strings.HasPrefix(id.CodeDir(), id.Dir()+"/")) {
			t.Errorf("%s: has code but no folder of its own (%q)", k, id.CodeDir())
		}
		if p, ok := id.Parent(); ok {
			if _, before := seen[p.Kind]; !before {
				t.Errorf("%s: parent kind %s does not come before it in apply order", k, p.Kind)
			}
			if p.Dir() == "" || !strings.HasPrefix(id.File(), p.Dir()+"/") {
				t.Errorf("%s: file %q is not under its parent's folder %q", k, id.File(), p.Dir())
			}
			if got := childID(k, p, nameOf(id)); got != id {
				t.Errorf("%s: childID(%v, %q) = %v, want %v", k, p, nameOf(id), got, id)
			}
		} else if sc.Parent != "" {
			t.Errorf("%s: Parent() gives none, table says %s", k, sc.Parent)
		}
		for _, f := range FC2.KeyOrder(k) {
			if FC2.IsServerOwned(k, f) {
				t.Errorf("%s: render order lists server-owned %s", k, f)
			}
		}
	}
	for _, path := range []string{"services/s/other.yaml", "services/s/functions/f/code/function.yaml",
		"domains/a/b.yaml", "services/s/functions/f/triggers/t.yml"} {
		if id, ok := FC2.ParseFile(path); ok {
			t.Errorf("FC2.ParseFile(%q) = %v, want no resource", path, id)
		}
	}
}

// TestCodeOwner pins which paths lie in a resource's code folder.
func TestCodeOwner(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]ID{
		"services/s/functions/f/code/index.py":      FunctionID("s", "f"),
		"services/s/functions/f/code/lib/a/b.py":    FunctionID("s", "f"),
		"services/s/functions/f/code/function.yaml": FunctionID("s", "f"),
		"layers/l/code/python/x.py":                 {Kind: KindLayer, Name: "l"},
		"services/s/functions/f/code/":              {},
		"services/s/functions/f/code":               {},
		"services/s/functions/f/function.yaml":      {},
		"services/s/code/index.py":                  {},
		"services/s/functions/f/other/index.py":     {},
		"layers/l/layer.yaml":                       {},
		"x/s/functions/f/code/index.py":             {},
		"":                                          {},
	} {
		got, ok := FC2.CodeOwner(path)
		if ok != (want != ID{}) || got != want {
			t.Errorf("FC2.CodeOwner(%q) = %v, %v; want %v", path, got, ok, want)
		}
	}
}
