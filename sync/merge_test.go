package sync

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

const (
	fnPath   = "services/svc/functions/fn/function.yaml"
	codeFile = "services/svc/functions/fn/code/index.py"
	trigPath = "services/svc/functions/fn/triggers/http.yaml"
	svcPath  = "services/svc/service.yaml"
)

var mergeLabels = TextMergeLabels{Ours: "HEAD", Base: "sync point", Theirs: "fcsync/live/cn-hangzhou"}

// fnYAML is function.yaml as the user keeps it: comments, a line comment,
// and key order of their own.
const fnYAML = `# the HTTP entry point
runtime: python3.9
handler: index.handler
memorySize: 128 # MB
timeout: 60
environmentVariables:
  DB_HOST: db.internal
  # where logs go
  LOG_LEVEL: info
`

// mergeSide builds one side of a merge from project files: resource files
// parse to resources, files under a function's code/ to its code. A nil map
// is a side that does not exist (no sync point).
func mergeSide(t *testing.T, files map[string]string) (*State, filetree.Tree) {
	t.Helper()
	if files == nil {
		return nil, nil
	}
	s, tree := NewState(), filetree.Tree{}
	for p, content := range files {
		tree[p] = filetree.File{Data: []byte(content)}
		if id, ok := fc.FC2.ParseFile(p); ok {
			spec, err := yamlValue([]byte(content))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			s.Resources[id] = &fc.Resource{ID: id, Spec: spec}
			continue
		}
		parts := strings.SplitN(p, "/", 6)
		if len(parts) == 6 && parts[4] == "code" {
			id := fc.FunctionID(parts[1], parts[3])
			if s.Code[id] == nil {
				s.Code[id] = filetree.Tree{}
			}
			s.Code[id][parts[5]] = filetree.File{Data: []byte(content)}
		}
	}
	return s, tree
}

// with returns files with the given paths replaced; an empty content
// removes the path.
func withFiles(files map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for p, c := range files {
		out[p] = c
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
		} else {
			out[kv[i]] = kv[i+1]
		}
	}
	return out
}

type mergeStory struct {
	name                       string
	base, online, local        map[string]string // the sync point has one tree for R and L
	baseLocal                  map[string]string // L when it differs from base
	resolve                    Resolution
	wantFiles                  map[string]string // path -> expected content
	wantDeleted                []string
	wantConflicts, wantChanged []string
}

func runMergeStory(t *testing.T, st mergeStory) {
	t.Helper()
	r, rFiles := mergeSide(t, st.base)
	baseLocal := st.baseLocal
	if baseLocal == nil {
		baseLocal = st.base
	}
	l, _ := mergeSide(t, baseLocal)
	r1, r1Files := mergeSide(t, st.online)
	l1, l1Files := mergeSide(t, st.local)
	res, err := Merge(MergeInput{Base: r, BaseLocal: l, Online: r1, Local: l1,
		BaseFiles: rFiles, OnlineFiles: r1Files, LocalFiles: l1Files,
		Resolve: st.resolve, Labels: mergeLabels})
	if err != nil {
		t.Fatal(err)
	}
	got, deleted := map[string]string{}, []string(nil)
	for p, f := range res.Files {
		if f == nil {
			deleted = append(deleted, p)
		} else {
			got[p] = string(f.Data)
		}
	}
	if st.wantFiles == nil {
		st.wantFiles = map[string]string{}
	}
	for p, want := range st.wantFiles {
		if got[p] != want {
			t.Errorf("%s:\n--- got\n%s--- want\n%s", p, got[p], want)
		}
	}
	for p := range got {
		if _, ok := st.wantFiles[p]; !ok {
			t.Errorf("unexpected write of %s:\n%s", p, got[p])
		}
	}
	sort.Strings(deleted)
	if !reflect.DeepEqual(deleted, st.wantDeleted) {
		t.Errorf("deleted %q, want %q", deleted, st.wantDeleted)
	}
	var conflicts []string
	for _, c := range res.Conflicts {
		conflicts = append(conflicts, c.String())
	}
	if !reflect.DeepEqual(conflicts, st.wantConflicts) {
		t.Errorf("conflicts %q, want %q", conflicts, st.wantConflicts)
	}
	if st.wantChanged != nil && strings.Join(res.Changed, "\n") != strings.Join(st.wantChanged, "\n") {
		t.Errorf("changed %q, want %q", res.Changed, st.wantChanged)
	}
}

// A merge's notes become the merge commit's message: a secret variable's
// values never appear in them, whether secret by name or by value.
func TestMergeNotesWithholdSecrets(t *testing.T) {
	id := fc.FunctionID("svc", "fn")
	state := func(vars map[string]any) *State {
		s := NewState()
		s.Resources[id] = &fc.Resource{ID: id, Spec: map[string]any{"environmentVariables": vars}}
		return s
	}
	base := state(map[string]any{"DB_PASSWORD": "old-pw", "DSN_URL": "postgres://u:old@h/db", "LEVEL": "info"})
	online := state(map[string]any{"DB_PASSWORD": "new-pw", "DSN_URL": "postgres://u:new@h/db", "LEVEL": "debug"})
	local := state(map[string]any{"DB_PASSWORD": "old-pw", "DSN_URL": "postgres://u:old@h/db", "LEVEL": "info"})
	file := "environmentVariables:\n  DB_PASSWORD: old-pw\n  DSN_URL: postgres://u:old@h/db\n  LEVEL: info\n"
	res, err := Merge(MergeInput{Base: base, BaseLocal: base, Online: online, Local: local,
		LocalFiles: filetree.Tree{id.File(): {Data: []byte(file)}}, SecretPatterns: DefaultSecretPatterns})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Changed, "\n")
	for _, leak := range []string{"old-pw", "new-pw", "u:old", "u:new"} {
		if strings.Contains(notes, leak) {
			t.Fatalf("merge notes show %q:\n%s", leak, notes)
		}
	}
	if !strings.Contains(notes, `LEVEL "info" -> "debug"`) || !strings.Contains(notes, "DB_PASSWORD (secret value changed)") {
		t.Fatalf("merge notes:\n%s", notes)
	}
}
