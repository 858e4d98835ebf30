package sync

import "testing"

func TestIgnore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rules string
		path  string
		want  bool
	}{
		{"*.pyc", "a.pyc", true},
		{"*.pyc", "deep/er/a.pyc", true},
		{"*.pyc", "a.py", false},
		{"# *.py", "a.py", false},
		{"\\#x", "#x", true},
		{"a?.txt", "ab.txt", true},
		{"a?.txt", "a/.txt", false},
		{"/top.txt", "top.txt", true},
		{"/top.txt", "sub/top.txt", false},
		{"doc/x.md", "doc/x.md", true},
		{"doc/x.md", "a/doc/x.md", false}, // a middle slash anchors
		{"build/", "build/out.js", true},
		{"build/", "src/build/out.js", true},
		{"build/", "build", false}, // a file, not a folder
		{"/build/", "src/build/out.js", false},
		{"**/logs", "a/b/logs", true},
		{"**/logs", "logs", true},
		{"logs/**", "logs/a/b", true},
		{"logs/**", "logs", false},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/x/y/c", false},
		{"*.log\n!keep.log", "keep.log", false},
		{"*.log\n!keep.log", "other.log", true},
		{"!keep.log\n*.log", "keep.log", true}, // the last match wins
		{"tmp/\n!tmp/keep", "tmp/keep", true},  // no re-include under an excluded folder
		{"trail   ", "trail", true},
		{"sp\\ ", "sp ", true},
		{"[ab].txt", "b.txt", true},
		{"\n\n   \n", "x", false},
		{"node_modules\r\n", "node_modules/x/index.js", true},
	}
	for _, tt := range tests {
		if got := parseIgnore([]byte(tt.rules)).ignored(tt.path); got != tt.want {
			t.Errorf("rules %q, path %q: ignored = %v, want %v", tt.rules, tt.path, got, tt.want)
		}
	}
}
