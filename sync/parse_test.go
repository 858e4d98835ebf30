package sync

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

func TestParseRoundTripFixture(t *testing.T) {
	t.Parallel()
	s := fixtureState()
	for _, live := range []bool{true, false} {
		tree, err := Render(s, RenderOptions{Live: live, Salt: "abc"})
		if err != nil {
			t.Fatal(err)
		}
		// Files that are neither resources nor code are not the state's.
		tree["fcsync.yaml"] = filetree.File{Data: []byte("region: x\n")}
		tree["README.md"] = filetree.File{Data: []byte("# demo\n")}
		tree["docs/notes.txt"] = filetree.File{Data: []byte("[")}
		got, err := Parse(fc.FC2, tree)
		if err != nil {
			t.Fatal(err)
		}
		want := s
		if !live {
			want = withoutStatus(s)
		}
		assertStatesEqual(t, got, want)
		if salt := LiveSalt(tree); live && salt != "abc" || !live && salt != "" {
			t.Errorf("live=%v: LiveSalt %q", live, salt)
		}
	}
}

func withoutStatus(s *State) *State {
	out := NewState()
	for id, r := range s.Resources {
		out.Resources[id] = &fc.Resource{ID: id, Spec: r.Spec}
	}
	for id, c := range s.Code {
		out.Code[id] = c
	}
	return out
}

func assertStatesEqual(t *testing.T, got, want *State) {
	t.Helper()
	if !reflect.DeepEqual(got.IDs(), want.IDs()) {
		t.Fatalf("ids %v, want %v", got.IDs(), want.IDs())
	}
	for id, w := range want.Resources {
		g := got.Resources[id]
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %#v\nwant %#v", id, g, w)
		}
	}
	if len(got.Code) != len(want.Code) {
		t.Errorf("code for %d functions, want %d", len(got.Code), len(want.Code))
	}
	for id, w := range want.Code {
		if !got.Code[id].Equal(w) {
			t.Errorf("code of %s: %v, want %v", id, got.Code[id].Paths(), w.Paths())
		}
	}
}

// TestParseRoundTripRandom is the property Parse(fc.FC2, Render(s)) == s over
// random states with awkward values.
func TestParseRoundTripRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		s := randomState(r)
		tree, err := Render(s, RenderOptions{Live: true, Salt: "s"})
		if err != nil {
			t.Fatalf("state %d: %v", i, err)
		}
		got, err := Parse(fc.FC2, tree)
		if err != nil {
			t.Fatalf("state %d: %v", i, err)
		}
		assertStatesEqual(t, got, s)
		if t.Failed() {
			t.Fatalf("state %d", i)
		}
	}
}

var awkwardStrings = []string{"", "123", "-1.5", "true", "no", "null", "~", "2024-01-01", "0x10", "1e3",
	"${env:X}", "a: b", "- x", "#c", " lead", "trail ", "multi\nline\n", "multi\nno end", "\ttab",
	"'q'", `"dq"`, "[1]", "{a: 1}", "*alias", "&anchor", "!tag", "%dir", "@at", "`tick", "ü ñ 中文",
	"a\\b", "|", ">", "?", "x\n\n\ny", "\n", "  \n  ",
	"\na", "\ta\n", "a\n\tb", "a\r\nb", "\n\n", " \n", "a\n ", "a\n#b\n", "a\n  b\n", "a\n\n"}

func randomValue(r *rand.Rand, depth int) any {
	switch n := r.IntN(9); {
	case n == 0:
		return nil
	case n == 1:
		return r.IntN(2) == 0
	case n == 2:
		return int64(r.Int64N(1<<40) - 1<<39)
	case n == 3:
		return float64(r.IntN(1000)) + 0.25
	case n == 4 && depth < 3:
		m := map[string]any{}
		for range r.IntN(4) {
			m[awkwardStrings[r.IntN(len(awkwardStrings))]+"k"] = randomValue(r, depth+1)
		}
		return m
	case n == 5 && depth < 3:
		l := []any{}
		for range r.IntN(4) {
			l = append(l, randomValue(r, depth+1))
		}
		return l
	}
	return awkwardStrings[r.IntN(len(awkwardStrings))]
}

func randomState(r *rand.Rand) *State {
	s := NewState()
	spec := func(k fc.Kind) map[string]any {
		m := map[string]any{}
		names := append(append([]string(nil), wellKnown[fc.ID{Kind: k}]...), "zNew", "aNew")
		for range r.IntN(6) {
			name := names[r.IntN(len(names))]
			if k == fc.KindTrigger && name == "triggerConfig" {
				m[name] = map[string]any{"x": randomValue(r, 1)}
				continue
			}
			m[name] = randomValue(r, 0)
		}
		// As fcsync holds every state: sets sorted (fc.Canonical).
		return fc.FC2.Canonical(k, m)
	}
	status := func() map[string]any {
		return map[string]any{"codeChecksum": fmt.Sprint(r.Uint64()), "n": randomValue(r, 1)}
	}
	for si := range 1 + r.IntN(2) {
		svc := fmt.Sprintf("s%d", si)
		id := fc.ServiceID(svc)
		s.Resources[id] = &fc.Resource{ID: id, Spec: spec(id.Kind), Status: status(), ETag: "e"}
		for fi := range r.IntN(3) {
			fid := fc.FunctionID(svc, fmt.Sprintf("f-%d", fi))
			s.Resources[fid] = &fc.Resource{ID: fid, Spec: spec(fid.Kind), Status: status()}
			if r.IntN(2) == 0 {
				s.Code[fid] = filetree.Tree{"main.py": {Data: []byte(awkwardStrings[r.IntN(len(awkwardStrings))])},
					"d/x": {Data: []byte{0, 1, 2}, Mode: filetree.Executable}}
			}
			for ti := range r.IntN(3) {
				tid := fc.TriggerID(svc, fid.Function, fmt.Sprintf("t_%d", ti))
				s.Resources[tid] = &fc.Resource{ID: tid, Spec: spec(tid.Kind), Status: map[string]any{}}
			}
		}
	}
	if r.IntN(2) == 0 {
		id := fc.DomainID("d.example.com")
		s.Resources[id] = &fc.Resource{ID: id, Spec: spec(id.Kind), Status: map[string]any{}}
	}
	return s
}

func TestParseFileErrors(t *testing.T) {
	t.Parallel()
	const fn = "services/svc/functions/fn/function.yaml"
	base := func() filetree.Tree {
		return filetree.Tree{
			"services/svc/service.yaml": {Data: []byte("{}\n")},
			fn:                          {Data: []byte("runtime: python3.9\n")},
		}
	}
	tests := []struct {
		name, path, data, want string
	}{
		{"yaml syntax", fn, "runtime: python3.9\nhandler: [a\nmemorySize: 1\n", fn + ":2: did not find expected ',' or ']'"},
		{"first line", fn, "a: b: c\n", fn + ":1: mapping values are not allowed in this context"},
		{"flow map", fn, "runtime: a\nx: {a: 1\n", fn + ":2: did not find expected ',' or '}'"},
		{"block mapping", fn, "runtime: a\n- x\n", fn + ":2: did not find expected key"},
		{"tab", fn, "runtime: a\n\tx: 1\n", fn + ":2: found a tab character that violates indentation"},
		{"bad indent", fn, "runtime: a\n  handler: b\n", fn + ":2: mapping values are not allowed in this context"},
		{"duplicate key", fn, "runtime: a\nmemorySize: 1\nmemorySize: 2\n", fn + `:3: mapping key "memorySize" already defined at line 2`},
		{"list document", fn, "# c\n- a\n", fn + ":2: must be a mapping of function fields, not a list"},
		{"scalar document", fn, "\n\nhello\n", fn + ":3: must be a mapping of function fields, not a single value"},
		{"two documents", fn, "a: 1\n---\nb: 2\n", fn + ":2: more than one YAML document"},
		{"server-owned", fn, "runtime: a\nfunctionName: fn\n", fn + ":2: functionName is set by Function Compute"},
		{"invalid name", "services/svc/functions/9fn/function.yaml", "{}", `services/svc/functions/9fn/function.yaml: invalid function name "9fn"`},
		{"trigger config string", "services/svc/functions/fn/triggers/t.yaml", "triggerType: http\ntriggerConfig: '{}'\n",
			"services/svc/functions/fn/triggers/t.yaml:2: triggerConfig must be a mapping, not a single value"},
		{"orphan trigger", "services/svc/functions/other/triggers/t.yaml", "{}",
			"services/svc/functions/other/triggers/t.yaml: function svc/other has no services/svc/functions/other/function.yaml"},
		{"orphan code", "services/svc/functions/other/code/index.py", "x",
			"services/svc/functions/other/code/index.py: code of function svc/other, which has no services/svc/functions/other/function.yaml"},
		{"live.json", LiveFile, "{", LiveFile + ": unexpected EOF"},
		{"symlink", fn, "../other.yaml", fn + ": must be a regular file, not a symlink"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tree := base()
			file := filetree.File{Data: []byte(tt.data)}
			if tt.name == "symlink" {
				file.Mode = filetree.Symlink
			}
			tree[tt.path] = file
			_, err := Parse(fc.FC2, tree)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want prefix %q", err, tt.want)
			}
			if !errors.Is(err, ErrInvalidProject) {
				t.Error("not ErrInvalidProject")
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != tt.path {
				t.Errorf("FileError %+v, want path %s", fe, tt.path)
			}
		})
	}
}

func TestParseReportsEveryFile(t *testing.T) {
	t.Parallel()
	tree := filetree.Tree{
		"services/b/service.yaml": {Data: []byte("- x\n")},
		"services/a/service.yaml": {Data: []byte("a: [\n")},
	}
	_, err := Parse(fc.FC2, tree)
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "services/a/") || !strings.HasPrefix(lines[1], "services/b/service.yaml:1:") {
		t.Errorf("errors %q, want both files, sorted", lines)
	}
}

func TestParseEmptyAndCommentOnlyFiles(t *testing.T) {
	t.Parallel()
	tree := filetree.Tree{
		"services/a/service.yaml": {Data: nil},
		"services/b/service.yaml": {Data: []byte("# managed elsewhere\n")},
	}
	s, err := Parse(fc.FC2, tree)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range s.IDs() {
		if r := s.Resources[id]; len(r.Spec) != 0 || r.Spec == nil || r.Status != nil {
			t.Errorf("%s: %+v, want an empty Spec and no Status", id, r)
		}
	}
}

func TestParseCodeIgnore(t *testing.T) {
	t.Parallel()
	dir := "services/svc/functions/fn/code/"
	tree := filetree.Tree{
		"services/svc/service.yaml":               {Data: []byte("{}")},
		"services/svc/functions/fn/function.yaml": {Data: []byte("{}")},
		dir + IgnoreFile:                          {Data: []byte("# local only\n*.pyc\n/build/\n!keep.pyc\n")},
		dir + "index.py":                          {Data: []byte("x")},
		dir + "a.pyc":                             {Data: []byte("x")},
		dir + "keep.pyc":                          {Data: []byte("x")},
		dir + "build/out.js":                      {Data: []byte("x")},
		dir + "src/build/kept.js":                 {Data: []byte("x")},
		"services/svc/functions/ignored-only/function.yaml":      {Data: []byte("{}")},
		"services/svc/functions/ignored-only/code/" + IgnoreFile: {Data: []byte("*\n")},
	}
	s, err := Parse(fc.FC2, tree)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Code[fc.FunctionID("svc", "fn")].Paths()
	if want := []string{"index.py", "keep.pyc", "src/build/kept.js"}; !reflect.DeepEqual(got, want) {
		t.Errorf("code %v, want %v", got, want)
	}
	if _, ok := s.Code[fc.FunctionID("svc", "ignored-only")]; ok {
		t.Error("a code folder holding only .fcignore gave code")
	}
}

func FuzzParse(f *testing.F) {
	tree, err := Render(fixtureState(), RenderOptions{Live: true, Salt: "s"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tree["services/svc/functions/http-fn/function.yaml"].Data, tree[LiveFile].Data, []byte("*.pyc\n!a/**/b\n"))
	f.Add([]byte("a: [\n"), []byte("{"), []byte("[\n"))
	f.Add([]byte("<<: *x\n"), []byte(`{"version":1,"resources":null}`), []byte("\\"))
	f.Fuzz(func(t *testing.T, spec, live, ignore []byte) {
		tr := filetree.Tree{}
		for p, file := range tree {
			tr[p] = file
		}
		tr["services/svc/functions/http-fn/function.yaml"] = filetree.File{Data: spec}
		tr[LiveFile] = filetree.File{Data: live}
		tr["services/svc/functions/http-fn/code/"+IgnoreFile] = filetree.File{Data: ignore}
		s, err := Parse(fc.FC2, tr)
		if err != nil {
			if !errors.Is(err, ErrInvalidProject) {
				t.Fatalf("error %v is not ErrInvalidProject", err)
			}
			return
		}
		// Whatever parses renders and parses back to the same state.
		again, err := Render(s, RenderOptions{Live: true, Salt: LiveSalt(tr)})
		if err != nil {
			return // values JSON cannot hold (NaN) are refused, not lost
		}
		s2, err := Parse(fc.FC2, again)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		tree2, err := Render(s2, RenderOptions{Live: true, Salt: LiveSalt(tr)})
		if err != nil || !tree2.Equal(again) {
			t.Fatalf("render is not stable: %v", err)
		}
	})
}

// A file under services/ or domains/ that is no kind's file is an error
// naming it (issue 11, item 9): a guessed alias/prod.yaml (for
// aliases/prod.yaml) must not pass for deployed.
func TestParseRefusesUnknownProjectFiles(t *testing.T) {
	t.Parallel()
	tree, err := Render(fixtureState(), RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"services/svc/alias/prod.yaml", "services/svc/notes.txt", "domains/x/y.yaml", "services/svc/functions/fn/provisioned.yaml"} {
		bad := filetree.Tree{}
		for k, v := range tree {
			bad[k] = v
		}
		bad[p] = filetree.File{Data: []byte("versionId: \"1\"\n")}
		_, err := Parse(fc.FC2, bad)
		if err == nil || !strings.Contains(err.Error(), p+": matches no kind of resource") {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestParseFC3 reads an FC 3.0 project by FC 3.0's table: functions at
// the top, code under them, a $ name of an FC 2.0 function accepted, and
// a file of FC 2.0's layout refused with FC 3.0's layout in the message.
func TestParseFC3(t *testing.T) {
	t.Parallel()
	f := func(s string) filetree.File { return filetree.File{Data: []byte(s)} }
	s, err := Parse(fc.FC3, filetree.Tree{
		"functions/web/function.yaml":      f("runtime: python3.10\nhandler: index.handler\n"),
		"functions/web/code/index.py":      f("print(1)\n"),
		"functions/web/triggers/tick.yaml": f("triggerType: timer\ntriggerConfig: {cronExpression: '@every 5m'}\n"),
		"functions/web/concurrency.yaml":   f("reservedConcurrency: 3\n"),
		"functions/svc$fn/function.yaml":   f("memorySize: 1024\n"),
		"domains/example.com.yaml":         f("protocol: HTTP\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	web := fc.ID{API: fc.FC3, Kind: fc.KindFunction, Function: "web"}
	if s.API != fc.FC3 || s.Resources[web] == nil || s.Code[web]["index.py"].Data == nil || len(s.Resources) != 5 {
		t.Fatalf("parsed %v, code %v", s.IDs(), s.Code)
	}
	_, err = Parse(fc.FC3, filetree.Tree{"services/s/service.yaml": f("description: x\n"),
		"functions/web/function.yaml": f("runtime: python3.10\n"), "functions/web/provision.yml": f("x: 1\n")})
	if err == nil || !strings.Contains(err.Error(), "functions/web/provision.yml: matches no kind") ||
		!strings.Contains(err.Error(), "functions/<function>/concurrency.yaml") ||
		// FC 2.0's folder in an FC 3.0 project would never deploy: said so.
		!strings.Contains(err.Error(), "services/s/service.yaml: matches no kind") || !strings.Contains(err.Error(), "fcsync migrate --to fc3") {
		t.Errorf("FC 3.0 unknown files: %v", err)
	}
}
