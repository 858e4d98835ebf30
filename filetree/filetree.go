// Package filetree is the in-memory form of a folder of files that fcsync
// moves between its parts: the sync package renders FC state into a Tree,
// gitstate stores a Tree as a git tree object and reads it back, and the CLI
// writes a Tree into the working tree. It knows nothing of FC or git.
package filetree

import (
	"bytes"
	"sort"
	"strings"
)

// Mode is a file's type as git records it.
type Mode uint8

const (
	Regular    Mode = iota // 100644
	Executable             // 100755
	Symlink                // 120000; Data is the link target
)

// File is one file's content and mode.
type File struct {
	Data []byte
	Mode Mode
}

// Equal reports whether f and g have the same mode and content.
func (f File) Equal(g File) bool { return f.Mode == g.Mode && bytes.Equal(f.Data, g.Data) }

// Tree maps slash-separated relative paths (no leading slash, no "." or ".."
// elements) to files. Folders are implicit.
type Tree map[string]File

// Paths returns the tree's paths, sorted.
func (t Tree) Paths() []string {
	ps := make([]string, 0, len(t))
	for p := range t {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// Sub returns the files under folder dir, with dir/ stripped from their paths.
func (t Tree) Sub(dir string) Tree {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	out := Tree{}
	for p, f := range t {
		if strings.HasPrefix(p, prefix) {
			out[p[len(prefix):]] = f
		}
	}
	return out
}

// Graft adds every file of sub under folder dir.
func (t Tree) Graft(dir string, sub Tree) {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	for p, f := range sub {
		t[prefix+p] = f
	}
}

// Without returns a copy of t without the files under folder dir.
func (t Tree) Without(dir string) Tree {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	out := Tree{}
	for p, f := range t {
		if !strings.HasPrefix(p, prefix) {
			out[p] = f
		}
	}
	return out
}

// Equal reports whether both trees hold the same paths with equal files.
func (t Tree) Equal(u Tree) bool {
	if len(t) != len(u) {
		return false
	}
	for p, f := range t {
		g, ok := u[p]
		if !ok || !f.Equal(g) {
			return false
		}
	}
	return true
}

// Changed lists the paths whose file differs between a and b (added,
// removed or modified), sorted.
func Changed(a, b Tree) []string {
	var out []string
	for p, f := range a {
		if g, ok := b[p]; !ok || !f.Equal(g) {
			out = append(out, p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
