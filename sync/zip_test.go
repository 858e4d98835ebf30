package sync

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

type zipEntry struct {
	name string
	data string
	mode fs.FileMode
}

// makeZip builds an archive entry by entry, as a hostile uploader could.
func makeZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		fw, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var testFn = fc.FunctionID("svc", "fn")

func TestUnpackZipRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		entries []zipEntry
		want    string
	}{
		{"dotdot", []zipEntry{{name: "../evil", data: "x"}},
			`function svc/fn: code zip: entry "../evil" escapes the code folder`},
		{"nested dotdot", []zipEntry{{name: "a/../../evil", data: "x"}}, `entry "a/../../evil" escapes the code folder`},
		{"absolute", []zipEntry{{name: "/abs", data: "x"}}, `entry "/abs" is an absolute path`},
		{"drive", []zipEntry{{name: "C:/x", data: "x"}}, `entry "C:/x" is an absolute path`},
		{"backslash", []zipEntry{{name: `..\evil`, data: "x"}}, `entry "..\\evil" uses backslashes`},
		{"symlink to /etc", []zipEntry{{name: "etc", data: "/etc", mode: fs.ModeSymlink | 0o777}},
			`symlink "etc" -> "/etc" escapes the code folder`},
		{"symlink up", []zipEntry{{name: "a/up", data: "../../x", mode: fs.ModeSymlink | 0o777}},
			`symlink "a/up" -> "../../x" escapes the code folder`},
		// Each link alone stays inside; together they climb out, as the
		// kernel would resolve them.
		{"symlink chain", []zipEntry{
			{name: "d/here", data: ".", mode: fs.ModeSymlink | 0o777},
			{name: "out", data: "d/here/../../x", mode: fs.ModeSymlink | 0o777},
		}, `symlink "out" -> "d/here/../../x" escapes the code folder`},
		{"symlink loop", []zipEntry{
			{name: "a", data: "b", mode: fs.ModeSymlink | 0o777},
			{name: "b", data: "a", mode: fs.ModeSymlink | 0o777},
		}, `is part of a symlink loop`},
		{"duplicate", []zipEntry{{name: "a.txt", data: "1"}, {name: "a.txt", data: "2"}},
			`entry "a.txt" is a duplicate of "a.txt"`},
		{"duplicate after cleaning", []zipEntry{{name: "a/b", data: "1"}, {name: "a/./b", data: "2"}},
			`entry "a/./b" is a duplicate of "a/b"`},
		{"file is a folder", []zipEntry{{name: "a", data: "1"}, {name: "a/b", data: "2"}},
			`entry "a/b" is inside "a", which is a file`},
		// .git spelled as Windows and macOS read it (issue 9, hole 1).
		{"dotgit", []zipEntry{{name: ".git/config", data: "x"}}, `entry ".git/config" names the .git folder`},
		{"dotgit space", []zipEntry{{name: ".git /HEAD", data: "x"}}, `entry ".git /HEAD" names the .git folder (as ".git "`},
		{"dotgit dot", []zipEntry{{name: ".git./config", data: "x"}}, `entry ".git./config" names the .git folder`},
		{"dotgit short name", []zipEntry{{name: "git~1/config", data: "x"}}, `entry "git~1/config" names the .git folder`},
		{"dotgit zwnj", []zipEntry{{name: ".g\u200cit/config", data: "x"}}, `entry ".g\u200cit/config" names the .git folder`},
		{"dotgit case", []zipEntry{{name: "lib/.GiT/hooks/post-checkout", data: "x"}}, `names the .git folder`},
		{"dotgit folder entry", []zipEntry{{name: "GIT~1/", mode: fs.ModeDir | 0o755}}, `entry "GIT~1/" names the .git folder`},
		{"gitmodules with a dot-dot name", []zipEntry{{name: "lib/.gitmodules", data: "[submodule \"../../x\"]\n\tpath = x\n"}},
			`entry "lib/.gitmodules" is a .gitmodules naming submodule ../../x, which git refuses`},
		{"gitmodules symlink", []zipEntry{{name: ".gitmodules", data: "x", mode: fs.ModeSymlink | 0o777}},
			`entry ".gitmodules" is a symlink named like .gitmodules`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tree, err := UnpackZip(testFn, makeZip(t, tt.entries...), DefaultZipLimits)
			if err == nil {
				t.Fatalf("accepted, gave %v", tree.Paths())
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "function svc/fn: code zip: ") {
				t.Errorf("error %q, want it to name the function and contain %q", err, tt.want)
			}
			if !errors.Is(err, ErrUnsafeZip) {
				t.Errorf("error %q is not ErrUnsafeZip", err)
			}
		})
	}
}

func TestUnpackZipSizeBomb(t *testing.T) {
	t.Parallel()
	// 64 MiB of zeros deflates to about 64 KiB; the header lies about the size.
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, err := w.CreateHeader(&zip.FileHeader{Name: "bomb", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 64 {
		if _, err := fw.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	lim := ZipLimits{MaxTotalSize: 1 << 20, MaxEntries: 10}
	if _, err := UnpackZip(testFn, data, lim); err == nil || !strings.Contains(err.Error(), "inflates beyond the limit of 1048576 bytes") {
		t.Fatalf("bomb: got %v", err)
	}
	// Lying headers: patch the sizes in the central directory to claim 1 byte.
	lying := bytes.Clone(data)
	cd := bytes.LastIndex(lying, []byte("PK\x01\x02"))
	copy(lying[cd+24:cd+28], []byte{1, 0, 0, 0})
	if _, err := UnpackZip(testFn, lying, lim); err == nil {
		t.Fatal("bomb with a lying header accepted")
	}
	many := makeZip(t, zipEntry{name: "a", data: "1"}, zipEntry{name: "b", data: "2"})
	if _, err := UnpackZip(testFn, many, ZipLimits{MaxTotalSize: 100, MaxEntries: 1}); err == nil || !strings.Contains(err.Error(), "2 entries, more than the limit of 1") {
		t.Fatalf("entry limit: got %v", err)
	}
}

func TestUnpackZipModes(t *testing.T) {
	t.Parallel()
	data := makeZip(t,
		zipEntry{name: "dir/", mode: fs.ModeDir | 0o755},
		zipEntry{name: "dir/run.sh", data: "#!/bin/sh\n", mode: 0o755},
		zipEntry{name: "index.py", data: "print(1)\n", mode: 0o644},
		zipEntry{name: "./link", data: "dir/run.sh", mode: fs.ModeSymlink | 0o777},
		zipEntry{name: "dir/up", data: "../index.py", mode: fs.ModeSymlink | 0o777},
		zipEntry{name: "noattrs.txt", data: "x"},
	)
	got, err := UnpackZip(testFn, data, DefaultZipLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := filetree.Tree{
		"dir/run.sh":  {Data: []byte("#!/bin/sh\n"), Mode: filetree.Executable},
		"index.py":    {Data: []byte("print(1)\n"), Mode: filetree.Regular},
		"link":        {Data: []byte("dir/run.sh"), Mode: filetree.Symlink},
		"dir/up":      {Data: []byte("../index.py"), Mode: filetree.Symlink},
		"noattrs.txt": {Data: []byte("x"), Mode: filetree.Regular},
	}
	if !got.Equal(want) {
		t.Errorf("unpacked %v, want %v", got, want)
	}
}

func TestPackZipDeterministicRoundTrip(t *testing.T) {
	t.Parallel()
	tree := filetree.Tree{
		"index.py":        {Data: []byte("def handler(e, c):\n    return 'ok'\n")},
		"bin/tool":        {Data: []byte("\x7fELF"), Mode: filetree.Executable},
		"lib/current":     {Data: []byte("../bin/tool"), Mode: filetree.Symlink},
		"data/empty.json": {Data: []byte{}},
	}
	a := mustZip(t, tree)
	// Same files, map filled in another order.
	other := filetree.Tree{}
	for _, p := range []string{"lib/current", "data/empty.json", "index.py", "bin/tool"} {
		other[p] = tree[p]
	}
	if b := mustZip(t, other); !bytes.Equal(a, b) {
		t.Fatal("PackZip gave different bytes for the same tree")
	}
	back, err := UnpackZip(testFn, a, DefaultZipLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Equal(tree) {
		t.Errorf("round trip gave %v", back)
	}
	r, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
		if y := f.Modified.Year(); y != 1980 {
			t.Errorf("%s: timestamp year %d, want 1980", f.Name, y)
		}
	}
	if got := strings.Join(names, ","); got != "bin/tool,data/empty.json,index.py,lib/current" {
		t.Errorf("entry order %s", got)
	}
}

// mustZip is PackZip, failing the test on an error.
func mustZip(tb testing.TB, code filetree.Tree) []byte {
	tb.Helper()
	zip, err := PackZip(code)
	if err != nil {
		tb.Fatal(err)
	}
	return zip
}

func FuzzUnpackZip(f *testing.F) {
	f.Add(makeZip(f, zipEntry{name: "a/b.txt", data: "hello"}))
	f.Add(makeZip(f, zipEntry{name: "../evil", data: "x"}))
	f.Add(makeZip(f, zipEntry{name: "l", data: "../x", mode: fs.ModeSymlink | 0o777}))
	f.Add(mustZip(f, filetree.Tree{"x": {Data: []byte("1"), Mode: filetree.Executable}}))
	f.Add(makeZip(f, zipEntry{name: ".git /HEAD", data: "x"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := UnpackZip(testFn, data, ZipLimits{MaxTotalSize: 1 << 20, MaxEntries: 1000})
		if err != nil {
			return
		}
		for p, file := range tree {
			if p == "" || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") {
				t.Fatalf("unsafe path %q accepted", p)
			}
			if err := filetree.CheckPath(p, file.Mode); err != nil {
				t.Fatalf("path %q accepted although %v", p, err)
			}
			if file.Mode == filetree.Symlink && checkSymlink(tree, p) != nil {
				t.Fatalf("escaping symlink %q accepted", p)
			}
		}
		if again, err := UnpackZip(testFn, mustZip(t, tree), DefaultZipLimits); err != nil || !again.Equal(tree) {
			t.Fatalf("repacking an accepted tree: %v", err)
		}
	})
}
