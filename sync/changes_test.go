package sync

import (
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

func TestDiffAndSummary(t *testing.T) {
	t.Parallel()
	old := fixtureState()
	now := reshuffle(fixtureState(), 3)
	fn := fc.FunctionID("svc", "http-fn")
	edit := func(id fc.ID, f func(spec, status map[string]any)) {
		r := now.Resources[id]
		f(r.Spec, r.Status)
	}
	edit(fn, func(spec, status map[string]any) {
		spec["memorySize"] = int64(256)
		env := spec["environmentVariables"].(map[string]any)
		env["NAME"] = "fc2"
		env["NEW"] = "x"
		delete(env, "EMPTY")
		spec["description"] = strings.Repeat("long ", 30)
		status["codeChecksum"] = "999"
		status["lastModifiedTime"] = "2024-06-01T00:00:00Z" // not a change by itself
	})
	edit(fc.TriggerID("svc", "http-fn", "timer"), func(spec, _ map[string]any) {
		spec["triggerConfig"].(map[string]any)["cronExpression"] = "@every 1m"
	})
	now.Code[fn]["index.py"] = filetree.File{Data: []byte("changed\n")}
	now.Code[fn]["new.py"] = filetree.File{Data: []byte("new\n")}
	delete(now.Resources, fc.FunctionID("svc", "image-fn"))
	http2 := fc.TriggerID("svc", "http-fn", "http2")
	now.Resources[http2] = &fc.Resource{ID: http2, Spec: map[string]any{"triggerType": "http"}}

	changes := Diff(old, now)
	got := Summary(changes)
	want := `function svc/http-fn: description "" -> "long long long long long long long long long long long l...; memorySize 128 -> 256; environmentVariables.EMPTY "" -> (absent); environmentVariables.NAME "fc" -> "fc2"; environmentVariables.NEW (absent) -> "x"; code: 2 files changed
function svc/image-fn: deleted
trigger svc/http-fn/http2: created
trigger svc/http-fn/timer: triggerConfig.cronExpression "@every 5m" -> "@every 1m"
`
	if got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}
	if c := changes[0]; c.Path != fn.File() || c.Op != ChangeModified || !reflect.DeepEqual(c.CodeFiles, []string{"index.py", "new.py"}) {
		t.Errorf("first change %+v", c)
	}
	if s := Subject(changes); s != "online change: function svc/http-fn, function svc/image-fn, trigger svc/http-fn/http2 and 1 more" {
		t.Errorf("subject %q", s)
	}
	if s := Subject(changes[:2]); s != "online change: function svc/http-fn, function svc/image-fn" {
		t.Errorf("subject %q", s)
	}
	if d := Diff(old, reshuffle(old, 5)); len(d) != 0 {
		t.Errorf("equal states differ: %v", d)
	}
}

func TestDiffCodeChecksumOnly(t *testing.T) {
	t.Parallel()
	old := fixtureState()
	now := reshuffle(fixtureState(), 1)
	now.Resources[fc.FunctionID("svc", "http-fn")].Status["codeChecksum"] = "1"
	if got := Summary(Diff(old, now)); got != "function svc/http-fn: code: repacked, same files\n" {
		t.Errorf("summary %q", got)
	}
	// Without Status on one side (a local state), checksums are not compared.
	if got := Diff(withoutStatus(old), now); len(got) != 0 {
		t.Errorf("local vs online with the same files: %+v", got)
	}
}
