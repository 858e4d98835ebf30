package sync

import (
	"errors"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

func admitState(trigCfg any, code filetree.Tree) *State {
	s := NewState()
	svc, fn, tr := fc.ServiceID("svc"), fc.FunctionID("svc", "fn"), fc.TriggerID("svc", "fn", "t")
	s.Resources[svc] = &fc.Resource{ID: svc, Spec: map[string]any{}, Status: map[string]any{}}
	s.Resources[fn] = &fc.Resource{ID: fn, Spec: map[string]any{"memorySize": int64(128)}, Status: map[string]any{}}
	s.Resources[tr] = &fc.Resource{ID: tr, Spec: map[string]any{"triggerType": "http", "triggerConfig": trigCfg}, Status: map[string]any{}}
	s.Code[fn] = code
	return s
}

func TestAdmit(t *testing.T) {
	good := admitState(map[string]any{"authType": "anonymous"}, filetree.Tree{"index.py": {Data: []byte("x")}})
	tr := fc.TriggerID("svc", "fn", "t")
	fn := fc.FunctionID("svc", "fn")

	// A trigger config that is not a mapping: refused, previous version kept.
	bad := admitState("just a string", good.Code[fn])
	got, refused := Admit(bad, good)
	if len(refused) != 1 || refused[0].ID != tr || !errors.Is(refused[0], ErrUnrecordable) ||
		!strings.Contains(refused[0].Error(), "trigger svc/fn/t: not recorded: its configuration would not read back: triggerConfig must be a mapping, not a single value; the live branch keeps its previous version") {
		t.Fatalf("refusals %v", refused)
	}
	if cfg, _ := got.Resources[tr].Spec["triggerConfig"].(map[string]any); cfg["authType"] != "anonymous" {
		t.Errorf("previous version not kept: %v", got.Resources[tr].Spec)
	}

	// Without a previous version it is left out; the rest stays.
	got, refused = Admit(bad, nil)
	if len(refused) != 1 || got.Resources[tr] != nil || got.Resources[fn] == nil {
		t.Errorf("refusals %v, resources %v", refused, got.IDs())
	}

	// A function refused by its zip, new: left out with its trigger.
	s := good.Clone()
	s.Refuse(fn, errors.New(`function svc/fn: code zip: entry "git~1/x" names the .git folder`))
	got, refused = Admit(s, nil)
	if len(refused) != 2 || got.Resources[fn] != nil || got.Resources[tr] != nil || got.Code[fn] != nil {
		t.Errorf("refusals %v, resources %v", refused, got.IDs())
	}
	if !strings.HasPrefix(refused[0].Error(), "function svc/fn: not recorded: code zip: ") ||
		refused[1].Error() != "trigger svc/fn/t: not recorded: function svc/fn is not recorded" {
		t.Errorf("messages %q, %q", refused[0], refused[1])
	}

	// A previous version recorded before paths were checked keeps its
	// safe files only, rather than being read as deleted.
	old := admitState(map[string]any{}, filetree.Tree{"index.py": {Data: []byte("x")}, ".git /HEAD": {Data: []byte("x")}})
	got, refused = Admit(s, old)
	if len(refused) != 1 || got.Resources[fn] == nil || len(got.Code[fn]) != 1 {
		t.Errorf("refusals %v, code %v", refused, got.Code[fn].Paths())
	}

	// A name FC should never have accepted (a list answer is data too).
	odd := good.Clone()
	bad1 := fc.FunctionID("svc", "../x")
	odd.Resources[bad1] = &fc.Resource{ID: bad1, Spec: map[string]any{}, Status: map[string]any{}}
	got, refused = Admit(odd, nil)
	if len(refused) != 1 || refused[0].ID != bad1 || got.Resources[bad1] != nil ||
		!strings.Contains(refused[0].Error(), `invalid function name "../x"`) {
		t.Errorf("odd name: %v", refused)
	}

	// Whatever reads back is admitted untouched.
	if got, refused := Admit(good, nil); len(refused) != 0 || len(got.Resources) != 3 {
		t.Errorf("good state: %v", refused)
	}
}

func TestParseRecordedLeavesOutWhatDoesNotReadBack(t *testing.T) {
	tree, err := Render(admitState(map[string]any{"authType": "anonymous"}, nil), RenderOptions{Live: true})
	if err != nil {
		t.Fatal(err)
	}
	tree["services/svc/functions/fn/triggers/t.yaml"] = filetree.File{Data: []byte("triggerType: http\ntriggerConfig: [1, 2]\n")}
	if _, err := Parse(fc.FC2, tree); err == nil {
		t.Fatal("Parse accepts the broken tree; the test proves nothing")
	}
	s, problems := ParseRecorded(fc.FC2, tree)
	if len(problems) != 1 || !strings.Contains(problems[0].Error(), "t.yaml:2: triggerConfig must be a mapping, not a list") {
		t.Errorf("problems %v", problems)
	}
	if s.Resources[fc.TriggerID("svc", "fn", "t")] != nil || s.Resources[fc.FunctionID("svc", "fn")] == nil {
		t.Errorf("resources %v", s.IDs())
	}
	if s.Resources[fc.FunctionID("svc", "fn")].Status == nil {
		t.Errorf("live file not read")
	}
}

// FuzzParseRecorded: any damage to one resource file of a recorded tree
// leaves a readable state that renders and parses again, never an error
// that would wedge the repository.
func FuzzParseRecorded(f *testing.F) {
	base, err := Render(admitState(map[string]any{"authType": "anonymous"}, filetree.Tree{"index.py": {Data: []byte("x")}}), RenderOptions{Live: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("triggerType: http\ntriggerConfig: just a string\n"), []byte("memorySize: 1\n"))
	f.Add([]byte("triggerConfig: [1, 2]\n"), []byte("a: [\n"))
	f.Add([]byte("codeChecksum: x\n"), []byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, trigger, function []byte) {
		tree := filetree.Tree{}
		for p, f := range base {
			tree[p] = f
		}
		tree["services/svc/functions/fn/triggers/t.yaml"] = filetree.File{Data: trigger}
		tree["services/svc/functions/fn/function.yaml"] = filetree.File{Data: function}
		s, _ := ParseRecorded(fc.FC2, tree)
		again, err := Render(s, RenderOptions{Live: true})
		if err != nil {
			return // a value Render refuses (NaN) is not recorded, not lost
		}
		if _, err := Parse(fc.FC2, again); err != nil {
			t.Fatalf("ParseRecorded's state does not parse again: %v", err)
		}
	})
}
