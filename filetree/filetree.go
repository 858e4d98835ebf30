// Package filetree is the in-memory form of a folder of files that fcsync
// moves between its parts: the sync package renders FC state into a Tree,
// gitstate stores a Tree as a git tree object and reads it back, and the CLI
// writes a Tree into the working tree. It knows nothing of FC or git.
package filetree

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Mode is a file's type as git records it.
type Mode uint8

const (
	Regular    Mode = iota // 100644
	Executable             // 100755
	Symlink                // 120000; Data is the link target
)

// File is one file's content and mode. The content is Data, or, for a file
// read lazily, Blob: a tree read from git holds its files' hashes only, so
// that comparing two versions of a 50 MB function costs a hash comparison,
// and its bytes are read only where they are needed (a zip to upload, a
// file to write), and then streamed where possible. A File with a Blob has
// no Data: read its content with Bytes or Open, never through Data. A
// symlink is never lazy: its target, a few bytes checked wherever it goes,
// is always in Data.
type File struct {
	Data []byte
	Mode Mode
	Blob Blob
}

// Blob is content kept out of memory until it is read.
type Blob interface {
	// Hash is git's blob id of the content: two blobs with the same Hash
	// hold the same bytes.
	Hash() Hash
	// Open reads the content. The reader may tell its length with a Size()
	// int64 method, so that Bytes reads it into one buffer of that size.
	Open() (io.ReadCloser, error)
}

// sizer is the optional length of an opened Blob.
type sizer interface{ Size() int64 }

// Hash is a git blob id: the SHA-1 of "blob <size>\x00" and the content.
// It is the one content hash that every source of files can give without
// reading them again (git trees and the index record it).
type Hash [20]byte

// BlobHash is the git blob id of data.
func BlobHash(data []byte) Hash {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	var out Hash
	h.Sum(out[:0])
	return out
}

// Lazy reports whether the content is behind Blob.
func (f File) Lazy() bool { return f.Blob != nil }

// Hash is the git blob id of the file's content.
func (f File) Hash() Hash {
	if f.Blob != nil {
		return f.Blob.Hash()
	}
	return BlobHash(f.Data)
}

// Bytes returns the content, reading a Blob whole into a buffer of its
// size. The bytes of Data are returned as they are: do not modify them.
func (f File) Bytes() ([]byte, error) {
	if f.Blob == nil {
		return f.Data, nil
	}
	rc, err := f.Blob.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s, ok := rc.(sizer)
	if !ok {
		return io.ReadAll(rc)
	}
	buf := make([]byte, s.Size())
	if _, err := io.ReadFull(rc, buf); err != nil {
		return nil, fmt.Errorf("reading content of %d bytes: %w", len(buf), err)
	}
	return buf, nil
}

// Open reads the content as a stream.
func (f File) Open() (io.ReadCloser, error) {
	if f.Blob == nil {
		return io.NopCloser(bytes.NewReader(f.Data)), nil
	}
	return f.Blob.Open()
}

// WriteTo writes the content to w, streaming a Blob.
func (f File) WriteTo(w io.Writer) (int64, error) {
	if f.Blob == nil {
		n, err := w.Write(f.Data)
		return int64(n), err
	}
	rc, err := f.Blob.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	return io.Copy(w, rc)
}

// WriteFile writes the content to a new file at path with permissions
// perm (before the umask), streaming a Blob.
func (f File) WriteFile(path string, perm os.FileMode) error {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.WriteTo(out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// Loaded returns f with its content in Data.
func (f File) Loaded() (File, error) {
	if f.Blob == nil {
		return f, nil
	}
	data, err := f.Bytes()
	if err != nil {
		return f, err
	}
	return File{Data: data, Mode: f.Mode}, nil
}

// Loaded returns a copy of t with every file's content in Data.
func (t Tree) Loaded() (Tree, error) {
	out := make(Tree, len(t))
	for p, f := range t {
		g, err := f.Loaded()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", Quote(p), err)
		}
		out[p] = g
	}
	return out, nil
}

// Equal reports whether f and g have the same mode and content. Lazy files
// compare by hash, without reading their content.
func (f File) Equal(g File) bool {
	if f.Mode != g.Mode {
		return false
	}
	if f.Blob == nil && g.Blob == nil {
		return bytes.Equal(f.Data, g.Data)
	}
	return f.Hash() == g.Hash()
}

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
