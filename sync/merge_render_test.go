package sync

import (
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// demoState is a small project as FC would report it, with knobs for the
// fields the test changes online.
func demoState(memory int64, env map[string]any, methods []any, code string) *State {
	s := NewState()
	svc, fn := fc.ServiceID("svc"), fc.FunctionID("svc", "fn")
	trig := fc.TriggerID("svc", "fn", "http")
	s.Resources[svc] = &fc.Resource{ID: svc, Spec: map[string]any{"description": "demo"}}
	s.Resources[fn] = &fc.Resource{ID: fn, Spec: map[string]any{
		"runtime": "python3.9", "handler": "index.handler", "memorySize": memory,
		"timeout": int64(60), "environmentVariables": env}}
	s.Resources[trig] = &fc.Resource{ID: trig, Spec: map[string]any{
		"triggerType":   "http",
		"triggerConfig": map[string]any{"authType": "anonymous", "methods": methods}}}
	s.Code[fn] = filetree.Tree{"index.py": {Data: []byte(code)}}
	return s
}

// TestMergeRenderedProject runs the acceptance story of a pull on files
// made by Render and read by Parse: a memory change, an env var, a trigger
// method and a code edit online, a timeout change and a comment locally.
func TestMergeRenderedProject(t *testing.T) {
	t.Parallel()
	const code = "def handler(event, context):\n    return 'hello'\n\n# end\n"
	r := demoState(128, map[string]any{"LOG_LEVEL": "info"}, []any{"GET"}, code)
	r1 := demoState(256, map[string]any{"LOG_LEVEL": "info", "REGION": "hz"}, []any{"GET", "POST"},
		strings.Replace(code, "'hello'", "'hello, world'", 1))
	baseFiles, err := Render(r, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	onlineFiles, err := Render(r1, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fnFile := fc.FunctionID("svc", "fn").File()
	localFiles := filetree.Tree{}
	for p, f := range baseFiles {
		localFiles[p] = f
	}
	localFn := "# sized for the spring sale\n" + strings.Replace(string(baseFiles[fnFile].Data), "timeout: 60", "timeout: 30 # seconds", 1)
	localFiles[fnFile] = filetree.File{Data: []byte(localFn)}
	localCode := fc.FunctionID("svc", "fn").CodeDir() + "/index.py"
	localFiles[localCode] = filetree.File{Data: []byte(strings.Replace(code, "# end", "# the end", 1))}

	parse := func(tree filetree.Tree) *State {
		s, err := Parse(fc.FC2, tree)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	res, err := Merge(MergeInput{Base: r, BaseLocal: parse(baseFiles), Online: r1, Local: parse(localFiles),
		BaseFiles: baseFiles, OnlineFiles: onlineFiles, LocalFiles: localFiles, Labels: mergeLabels})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Conflicts) != 0 {
		t.Fatalf("conflicts: %v", res.Conflicts)
	}
	merged := filetree.Tree{}
	for p, f := range localFiles {
		merged[p] = f
	}
	for p, f := range res.Files {
		merged[p] = *f
	}
	wantFn := strings.NewReplacer("memorySize: 128", "memorySize: 256", "LOG_LEVEL: info\n", "LOG_LEVEL: info\n  REGION: hz\n").Replace(localFn)
	if got := string(merged[fnFile].Data); got != wantFn {
		t.Errorf("function.yaml:\n%s\nwant\n%s", got, wantFn)
	}
	if got, want := string(merged[localCode].Data), "def handler(event, context):\n    return 'hello, world'\n\n# the end\n"; got != want {
		t.Errorf("index.py:\n%s\nwant\n%s", got, want)
	}
	// What the merged project says is online's state plus the local timeout.
	want := demoState(256, map[string]any{"LOG_LEVEL": "info", "REGION": "hz"}, []any{"GET", "POST"}, "")
	want.Resources[fc.FunctionID("svc", "fn")].Spec["timeout"] = int64(30)
	got := parse(merged)
	for id, r := range want.Resources {
		if !reflect.DeepEqual(got.Resources[id].Spec, r.Spec) {
			t.Errorf("%s: %v, want %v", id, got.Resources[id].Spec, r.Spec)
		}
	}
}
