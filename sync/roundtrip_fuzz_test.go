package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// roundTripSeeds are online answers that once wedged a repository
// (issue 9, hole 2) or that exercise the renderer's corners.
var roundTripSeeds = []struct {
	kind byte
	json string
}{
	{1, `{"runtime":"python3.10","memorySize":128,"environmentVariables":{"A":"1","B":""}}`},
	{2, `{"triggerType":"http","triggerConfig":"\"just a string\""}`},
	{2, `{"triggerType":"http","triggerConfig":"[1,2,3]"}`},
	{2, `{"triggerType":"http","triggerConfig":"just a string"}`},
	{2, `{"triggerType":"timer","triggerConfig":"{\"payload\":123456789012345678901234567890,\"x\":1e400}"}`},
	{1, `{"timeout":1e400,"cpu":123456789012345678901234567890,"diskSize":-1E-400}`},
	{1, `{"description":"line\n  two\t\r\n","handler":"\u001b[2J","x":{"":null,"y":[[],{}]}}`},
	{0, `{"description":"yes","role":"null","logConfig":{"project":"~","x":"0x10"},"tags":["1.0","true"]}`},
	{3, `{"protocol":"HTTP","routeConfig":{"routes":[{"path":"/*","serviceName":"demo"}]}}`},
	{1, `{"memorySize":1.5,"timeout":9007199254740993,"instanceConcurrency":-0}`},
	{1, `{"description":"\ufeff\u200c#not a comment","a\nb":"key with newline","":1}`},
}

// FuzzRenderParse feeds arbitrary online JSON, as FC's answer for one
// resource, through what fetch does with it: Split into Spec and Status,
// Admit, Render, Parse. Whatever Admit accepts must read back identically;
// whatever it refuses must be refused with ErrUnrecordable, never a panic
// and never a tree that Parse then rejects (which wedged repositories).
func FuzzRenderParse(f *testing.F) {
	for _, s := range roundTripSeeds {
		f.Add(s.kind, []byte(s.json))
	}
	f.Fuzz(func(t *testing.T, kind byte, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber() // as fc.Client reads answers
		var obj map[string]any
		if dec.Decode(&obj) != nil || obj == nil {
			return
		}
		ids := []fc.ID{fc.ServiceID("svc"), fc.FunctionID("svc", "fn"), fc.TriggerID("svc", "fn", "t"), fc.DomainID("example.com")}
		id := ids[int(kind)%len(ids)]
		norm, _ := fc.Normalize(obj).(map[string]any)
		spec, status, err := id.API.Split(id.Kind, norm)
		if err != nil {
			t.Fatalf("Split: %v", err)
		}
		online := NewState()
		for p, ok := id.Parent(); ok; p, ok = p.Parent() {
			online.Resources[p] = &fc.Resource{ID: p, Spec: map[string]any{}, Status: map[string]any{}}
		}
		online.Resources[id] = &fc.Resource{ID: id, Spec: spec, Status: status}
		admitted, refused := Admit(online, nil)
		for _, r := range refused {
			if !errors.Is(r, ErrUnrecordable) || r.ID != id {
				t.Fatalf("refusal %v of %v", r, r.ID)
			}
		}
		if len(refused) > 0 {
			if admitted.Resources[id] != nil {
				t.Fatalf("refused and recorded: %v", refused)
			}
			return
		}
		tree, err := Render(admitted, RenderOptions{Live: true, Salt: "s"})
		if err != nil {
			t.Fatalf("admitted but Render fails: %v", err)
		}
		back, err := Parse(fc.FC2, tree)
		if err != nil {
			t.Fatalf("admitted but Parse fails: %v\n%s", err, tree[id.File()].Data)
		}
		got := back.Resources[id]
		if !reflect.DeepEqual(got.Spec, admitted.Resources[id].Spec) {
			t.Fatalf("spec reads back as %#v, was %#v\n%s", got.Spec, admitted.Resources[id].Spec, tree[id.File()].Data)
		}
		if !reflect.DeepEqual(got.Status, fc.Normalize(status)) {
			t.Fatalf("status reads back as %#v, was %#v", got.Status, status)
		}
		// The same state renders to the same bytes, so a second fetch finds
		// no change.
		again, err := Render(back, RenderOptions{Live: true, Salt: "s"})
		if err != nil || !again.Equal(tree) {
			t.Fatalf("second render differs: %v", err)
		}
	})
}

// FuzzCheckPath: whatever CheckPath accepts is a path git can hold, by the
// rules it implements, and CheckFile (which also reads a .gitmodules) never
// accepts what CheckPath refuses.
func FuzzCheckPath(f *testing.F) {
	for _, s := range []string{".git/config", ".git /HEAD", ".git./config", "git~1/config", ".g\u200cit/config",
		"a/b/c.py", "GIT~1", ".gitmodules", "x/.GiT\ufeff/y", "a//b", "../x", "/abs", "a\\.git"} {
		f.Add(s, false, []byte{})
		f.Add(s, true, []byte("x"))
	}
	f.Add("lib/.gitmodules", false, []byte("[submodule \"../x\"]\n\tpath = x\n\turl = \"-u\\\"\" # c\n"))
	f.Fuzz(func(t *testing.T, p string, link bool, data []byte) {
		mode := filetree.Regular
		if link {
			mode = filetree.Symlink
		}
		err := filetree.CheckPath(p, mode)
		if fileErr := filetree.CheckFile(p, filetree.File{Data: data, Mode: mode}); err != nil && fileErr == nil {
			t.Fatalf("CheckFile accepts %q, which CheckPath refuses: %v", p, err)
		}
		if err != nil {
			if !errors.Is(err, filetree.ErrUnsafePath) {
				t.Fatalf("error %v is not ErrUnsafePath", err)
			}
			return
		}
		if !validCodePath(p) && !bytes.ContainsRune([]byte(p), '\\') {
			t.Fatalf("CheckPath accepts %q, which is not a clean relative path", p)
		}
		for _, el := range bytes.Split([]byte(p), []byte("/")) {
			if filetree.IsDotGit(string(el)) {
				t.Fatalf("CheckPath accepts %q with .git element %q", p, el)
			}
		}
	})
}
