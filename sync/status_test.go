package sync

import (
	"reflect"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

func TestStatus(t *testing.T) {
	t.Parallel()
	id := fc.FunctionID("s", "f")
	spec := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	with := func(r *fc.Resource, status map[string]any) *fc.Resource { r.Status = status; return r }
	code := func(s string) map[fc.ID]filetree.Tree {
		return map[fc.ID]filetree.Tree{id: {"index.py": {Data: []byte(s)}}}
	}
	tests := []struct {
		name                string
		base, local, online *State
		want                Category
		wantLocal, wantOnl  []string
	}{
		{"in sync, online has unmanaged defaults",
			state(res(id, spec("memorySize", 128, "instanceType", "e1"))), state(res(id, spec("memorySize", 128))), state(res(id, spec("memorySize", 128, "instanceType", "e1"))),
			InSync, nil, nil},
		{"changed locally",
			state(res(id, spec("timeout", 3))), state(res(id, spec("timeout", 9))), state(res(id, spec("timeout", 3))),
			ChangedLocally, []string{"timeout"}, nil},
		{"changed online",
			state(res(id, spec("timeout", 3))), state(res(id, spec("timeout", 3))), state(res(id, spec("timeout", 5))),
			ChangedOnline, nil, []string{"timeout"}},
		{"changed both",
			state(res(id, spec("timeout", 3))), state(res(id, spec("timeout", 9))), state(res(id, spec("memorySize", 1, "timeout", 3))),
			ChangedBoth, []string{"timeout"}, []string{"memorySize"}},
		{"code changed locally",
			&State{Resources: state(res(id, nil)).Resources, Code: code("a")}, &State{Resources: state(res(id, nil)).Resources, Code: code("b")}, state(res(id, nil)),
			ChangedLocally, []string{"code"}, nil},
		{"code changed online (checksum only)",
			state(with(res(id, nil), map[string]any{"codeChecksum": "1"})), state(res(id, nil)), state(with(res(id, nil), map[string]any{"codeChecksum": "2"})),
			ChangedOnline, nil, []string{"code"}},
		{"secret rotated online",
			state(with(res(id, nil), map[string]any{"secretHashes": map[string]any{"PW": "sha256:a"}})), state(res(id, nil)),
			state(with(res(id, nil), map[string]any{"secretHashes": map[string]any{"PW": "sha256:b"}})),
			ChangedOnline, nil, []string{"environmentVariables.PW (secret)"}},
		{"new locally", NewState(), state(res(id, nil)), NewState(), NewLocal, nil, nil},
		{"new online", NewState(), NewState(), state(res(id, nil)), NewOnline, nil, nil},
		{"never synced, on both sides", NewState(), state(res(id, nil)), state(res(id, nil)), NotSynced, nil, nil},
		{"deleted locally", state(res(id, nil)), NewState(), state(res(id, nil)), DeletedLocal, nil, nil},
		{"deleted online", state(res(id, nil)), state(res(id, nil)), NewState(), DeletedOnline, nil, nil},
		{"deleted locally, changed online", state(res(id, spec("timeout", 3))), NewState(), state(res(id, spec("timeout", 4))), ChangedBoth, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Status(tt.base, nil, tt.local, tt.online)
			if len(got) != 1 {
				t.Fatalf("Status gave %d entries: %+v", len(got), got)
			}
			e := got[0]
			if e.Category != tt.want || !reflect.DeepEqual(e.Local, tt.wantLocal) || !reflect.DeepEqual(e.Online, tt.wantOnl) {
				t.Fatalf("got %q local %v online %v; want %q local %v online %v", e.Category, e.Local, e.Online, tt.want, tt.wantLocal, tt.wantOnl)
			}
			if wantOnline := tt.want.Online(); e.Category.Online() != wantOnline {
				t.Fatalf("Online() = %v", e.Category.Online())
			}
		})
	}
}

// A resource the live side of the sync point has but the local side never
// had (made in the console, recorded by a deploy) is new online, not
// deleted locally.
func TestStatusNeverLocal(t *testing.T) {
	t.Parallel()
	id := fc.FunctionID("s", "console-made")
	got := Status(state(res(id, nil)), NewState(), NewState(), state(res(id, nil)))
	if len(got) != 1 || got[0].Category != NewOnline {
		t.Fatalf("got %+v, want new online", got)
	}
}
