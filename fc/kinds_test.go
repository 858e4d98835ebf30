package fc

import (
	"strings"
	"testing"
)

// sampleID builds an ID of kind k of a with a distinct name in each slot.
func sampleID(a API, k Kind) ID {
	id := ID{API: a, Kind: k}
	for i, s := range a.schema(k).Slots {
		id.set(s, []string{"svc", "fn", "t1"}[min(i, 2)]+"_"+string(k))
	}
	return id
}

// TestKindTable checks each entry of the table of kinds against itself:
// the file path parses back to the ID, names round-trip through Path,
// the parent is a kind of the table holding the ID's outer names, the
// apply order puts parents first, and the API paths hold every name; for
// each API's table.
func TestKindTable(t *testing.T) {
	t.Parallel()
	for _, a := range []API{FC2, FC3} {
		t.Run(a.String(), func(t *testing.T) { checkKindTable(t, a) })
	}
}

func checkKindTable(t *testing.T, a API) {
	seen := map[Kind]int{}
	for i, k := range a.Kinds() {
		seen[k] = i
		sc := a.SchemaOf(k)
		if sc.api != a {
			t.Errorf("%s: entry says API %s", k, sc.api)
		}
		if sc.ETag && a == FC3 {
			t.Errorf("%s: FC 3.0 has no ETags", k)
		}
		id := sampleID(a, k)
		if err := id.Validate(); err != nil {
			t.Errorf("%s: sample %v does not validate: %v", k, id, err)
		}
		if got, ok := a.ParseFile(id.File()); !ok || got != id {
			t.Errorf("%s: ParseFile(%q) = %v, %v; want %v", k, id.File(), got, ok, id)
		}
		if got, ok := a.IDFromPath(k, id.Path()); !ok || got != id {
			t.Errorf("%s: IDFromPath(%q) = %v, %v; want %v", k, id.Path(), got, ok, id)
		}
		if want := string(k) + " " + id.Path(); id.String() != want {
			t.Errorf("%s: String() = %q, want %q", k, id.String(), want)
		}
		named := sc.NameField != "" || sc.PerQualifier != nil || sc.Single != nil // configs are named by their function
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
		if s := sc.Single; s != nil && (s.Path == "" || s.ListAction == "" || s.Locate == nil || sc.Parent == "") {
			t.Errorf("%s: incomplete single entry %+v", k, s)
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
		for _, f := range a.KeyOrder(k) {
			if a.IsServerOwned(k, f) {
				t.Errorf("%s: render order lists server-owned %s", k, f)
			}
		}
	}
	notFiles := []string{"services/s/other.yaml", "services/s/functions/f/code/function.yaml",
		"domains/a/b.yaml", "services/s/functions/f/triggers/t.yml"}
	if a == FC3 {
		// FC 2.0's layout means nothing in FC 3.0's, and the reverse.
		notFiles = append(notFiles, "services/s/service.yaml", "services/s/functions/f/function.yaml",
			"functions/f/other.yaml", "functions/f/code/function.yaml", "functions/f/aliases/a/b.yaml")
	} else {
		notFiles = append(notFiles, "functions/f/function.yaml", "functions/f/concurrency.yaml")
	}
	for _, path := range notFiles {
		if id, ok := a.ParseFile(path); ok {
			t.Errorf("%s.ParseFile(%q) = %v, want no resource", a, path, id)
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

// TestFunctionName3 pins FC 3.0's function names: FC's rule, or the
// "svc$fn" of an FC 2.0 function, which is valid to read and update but
// never created.
func TestFunctionName3(t *testing.T) {
	t.Parallel()
	for name, valid := range map[string]bool{"web": true, "svc$fn": true, "a$b$c": false, "$fn": false,
		"svc$": false, "9web": false, "svc$9fn": false} {
		id := ID{API: FC3, Kind: KindFunction, Function: name}
		if err := id.Validate(); (err == nil) != valid {
			t.Errorf("Validate(%q) = %v, want valid %v", name, err, valid)
		}
		if err := ValidateCreate(id); (err == nil) != !strings.Contains(name, "$") {
			t.Errorf("ValidateCreate(%q) = %v", name, err)
		}
	}
	if err := ValidateCreate(ID{API: FC3, Kind: KindTrigger, Function: "svc$fn", Name: "t"}); err != nil {
		t.Errorf("a trigger of an existing FC 2.0 function: %v", err)
	}
}
