package sync

import (
	"strings"
	"testing"
)

func editSet(v any, path ...string) fieldEdit { return fieldEdit{path: path, theirs: opt{v, true}} }
func editDel(path ...string) fieldEdit        { return fieldEdit{path: path} }
func editConflict(e fieldEdit) fieldEdit      { e.conflict = true; return e }

func TestPatchYAML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		src   string
		edits []fieldEdit
		want  string
	}{{
		name:  "scalar replaced in place, line comment kept",
		src:   "# head\na: 1 # one\nb: 2\n",
		edits: []fieldEdit{editSet(int64(5), "a")},
		want:  "# head\na: 5 # one\nb: 2\n",
	}, {
		name:  "block sequence at the key's indentation replaced whole",
		src:   "layers:\n- a\n- b\n# about c\nc: 3\n",
		edits: []fieldEdit{editSet([]any{"x"}, "layers")},
		want:  "layers:\n  - x\n# about c\nc: 3\n",
	}, {
		name:  "deleted key goes with its head comment, other comments stay",
		src:   "a: 1\n\n# about b\n# more\nb: 2\n# about c\nc: 3\n",
		edits: []fieldEdit{editDel("b")},
		want:  "a: 1\n\n# about c\nc: 3\n",
	}, {
		name:  "multi-line literal replaced whole",
		src:   "desc: |\n  one\n\n  two\nnext: 1\n",
		edits: []fieldEdit{editSet("three", "desc")},
		want:  "desc: three\nnext: 1\n",
	}, {
		name:  "nested key set keeps its indentation",
		src:   "cfg:\n    deep:\n        k: 1\n    other: 2\n",
		edits: []fieldEdit{editSet("v", "cfg", "deep", "k"), editSet(true, "cfg", "deep", "n")},
		want:  "cfg:\n    deep:\n        k: v\n        n: true\n    other: 2\n",
	}, {
		name:  "edit inside a flow mapping rewrites the field, style kept",
		src:   "env: {A: \"1\"} # vars\nb: 2\n",
		edits: []fieldEdit{editSet("2", "env", "B")},
		want:  "env: {A: \"1\", B: \"2\"} # vars\nb: 2\n",
	}, {
		name:  "last key of a block mapping deleted leaves an empty mapping, not null",
		src:   "env:\n  A: \"1\"\nb: 2\n",
		edits: []fieldEdit{editDel("env", "A")},
		want:  "env: {}\nb: 2\n",
	}, {
		name:  "file without a final newline",
		src:   "a: 1",
		edits: []fieldEdit{editSet(int64(2), "b")},
		want:  "a: 1\nb: 2\n",
	}, {
		name:  "empty file gets the new key",
		src:   "",
		edits: []fieldEdit{editSet("x", "a")},
		want:  "a: x\n",
	}, {
		name:  "empty mapping file gets the new key",
		src:   "{}\n",
		edits: []fieldEdit{editSet("x", "a")},
		want:  "a: x\n",
	}, {
		name:  "flow-style file is laid out in block style first",
		src:   "{a: 1, b: 2}\n",
		edits: []fieldEdit{editSet(int64(3), "b")},
		want:  "a: 1\nb: 3\n",
	}, {
		name:  "conflict on a nested key keeps its indentation",
		src:   "env:\n  A: x # mine\n  B: y\n",
		edits: []fieldEdit{editConflict(editSet("z", "env", "A"))},
		want: "env:\n<<<<<<< HEAD\n  A: x # mine\n=======\n  A: z # mine\n" +
			">>>>>>> fcsync/live/cn-hangzhou\n  B: y\n",
	}, {
		name:  "conflict with the key deleted online",
		src:   "a: 1\nb: 2\n",
		edits: []fieldEdit{editConflict(editDel("a"))},
		want:  "<<<<<<< HEAD\na: 1\n=======\n>>>>>>> fcsync/live/cn-hangzhou\nb: 2\n",
	}, {
		name:  "conflict with the key absent locally is appended",
		src:   "a: 1\n",
		edits: []fieldEdit{editConflict(editSet(int64(2), "b"))},
		want:  "a: 1\n<<<<<<< HEAD\n=======\nb: 2\n>>>>>>> fcsync/live/cn-hangzhou\n",
	}, {
		name:  "conflict inside a flow mapping shows the whole field on each side",
		src:   "env: {A: x, B: y}\n",
		edits: []fieldEdit{editSet("w", "env", "B"), editConflict(editSet("z", "env", "A"))},
		want: "<<<<<<< HEAD\nenv: {A: x, B: w}\n=======\nenv: {A: z, B: w}\n" +
			">>>>>>> fcsync/live/cn-hangzhou\n",
	}, {
		name:  "CRLF file keeps CRLF line endings",
		src:   "a: 1\r\nb: 2\r\n",
		edits: []fieldEdit{editSet(int64(5), "a"), editConflict(editSet(int64(3), "b")), editSet("x", "c")},
		want:  "a: 5\r\n<<<<<<< HEAD\r\nb: 2\r\n=======\r\nb: 3\r\n>>>>>>> fcsync/live/cn-hangzhou\r\nc: x\r\n",
	}, {
		name:  "quoted key keeps its quotes",
		src:   "\"a\": 1\n",
		edits: []fieldEdit{editSet(int64(2), "a")},
		want:  "\"a\": 2\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := patchYAML([]byte(tt.src), tt.edits, mergeLabels)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestPatchYAMLErrors(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"- a\n", "a: [1\n", "a: 1\n"} {
		_, err := patchYAML([]byte(src), []fieldEdit{editSet("x", "a", "b")}, mergeLabels)
		if err == nil {
			t.Errorf("%q: no error", src)
		} else if src == "a: 1\n" && !strings.Contains(err.Error(), "a: not a mapping") {
			t.Errorf("%q: %v", src, err)
		}
	}
}
