package sync

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"strings"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// ZipLimits bounds what UnpackZip accepts, so that a hostile or broken
// archive uploaded online cannot exhaust memory or disk during a fetch.
// The zero value allows nothing; use DefaultZipLimits.
type ZipLimits struct {
	MaxTotalSize int64 // bytes, all entries inflated, counted while inflating
	MaxEntries   int   // entries, folders included
}

// DefaultZipLimits allows 512 MiB inflated in at most 100,000 entries: well
// above FC's own limits (a 500 MiB unpacked code package), well below what
// would hurt the machine running fcsync.
var DefaultZipLimits = ZipLimits{MaxTotalSize: 512 << 20, MaxEntries: 100_000}

// ErrUnsafeZip is matched by errors.Is for every archive UnpackZip refuses
// on purpose (as opposed to one it cannot read).
var ErrUnsafeZip = errors.New("unsafe code zip")

// unsafeZipError is a refusal: its message names the function and entry.
type unsafeZipError struct{ msg string }

func (e *unsafeZipError) Error() string        { return e.msg }
func (e *unsafeZipError) Is(target error) bool { return target == ErrUnsafeZip }

// maxSymlinkHops bounds symlink resolution inside an archive, as the
// kernel's own ELOOP limit does.
const maxSymlinkHops = 40

// UnpackZip unpacks a function's code zip into a tree relative to its code/
// folder. It refuses, with an error naming the function, entries whose name
// is absolute (/x, C:x, \\x) or uses backslashes or ".." elements, that git
// refuses (a .git folder in any spelling: filetree.CheckPath), symlinks
// that resolve outside the folder (following the archive's own symlinks),
// duplicate names (also after cleaning "a/./b" to "a/b"), a file that is also
// another entry's folder, and archives beyond lim. Modes come from the
// entries' external attributes: executable bits give filetree.Executable and
// symlinks filetree.Symlink with the target as data. Folder entries are
// dropped; folders are implicit in a tree.
func UnpackZip(id fc.ID, data []byte, lim ZipLimits) (filetree.Tree, error) {
	fail := func(format string, args ...any) error {
		return &unsafeZipError{fmt.Sprintf("%s: code zip: ", id) + fmt.Sprintf(format, args...)}
	}
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	// ErrInsecurePath comes with a usable reader; the checks below name the
	// offending entry themselves.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%s: code zip: %w", id, err)
	}
	if len(r.File) > lim.MaxEntries {
		return nil, fail("%d entries, more than the limit of %d", len(r.File), lim.MaxEntries)
	}
	// The sizes the archive declares bound what it inflates to (archive/zip
	// fails an entry that inflates past its declared size), so a bomb is
	// refused here, before a byte is inflated.
	if declared, ok := DeclaredSize(r); !ok || declared > lim.MaxTotalSize {
		return nil, fail("archive inflates beyond the limit of %d bytes", lim.MaxTotalSize)
	}
	tree := filetree.Tree{}
	dirs := map[string]string{} // implicit folder -> entry that implies it
	budget := lim.MaxTotalSize
	for _, f := range r.File {
		name, err := cleanEntryName(f.Name)
		if err != nil {
			return nil, fail("entry %q %v", f.Name, err)
		}
		mode := f.Mode()
		if name != "" {
			if err := filetree.CheckPath(name, entryMode(mode)); err != nil {
				return nil, fail("entry %q %v", f.Name, err)
			}
		}
		if mode.IsDir() {
			if name != "" {
				dirs[name] = f.Name
			}
			continue
		}
		if name == "" {
			return nil, fail("entry %q has no name", f.Name)
		}
		if _, dup := tree[name]; dup {
			return nil, fail("entry %q is a duplicate of %q", f.Name, name)
		}
		content, err := inflate(f, budget)
		if err != nil {
			if errors.Is(err, errTooBig) {
				return nil, fail("archive inflates beyond the limit of %d bytes", lim.MaxTotalSize)
			}
			return nil, fmt.Errorf("%s: code zip: entry %q: %w", id, f.Name, err)
		}
		budget -= int64(len(content))
		file := filetree.File{Data: content, Mode: entryMode(mode)}
		if err := filetree.CheckFile(name, file); err != nil {
			return nil, fail("entry %q %v", f.Name, err)
		}
		tree[name] = file
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			dirs[d] = f.Name
		}
	}
	for d, entry := range dirs {
		if _, ok := tree[d]; ok {
			return nil, fail("entry %q is inside %q, which is a file", entry, d)
		}
	}
	for _, name := range tree.Paths() {
		if tree[name].Mode != filetree.Symlink {
			continue
		}
		if err := checkSymlink(tree, name); err != nil {
			return nil, fail("symlink %q -> %q %v", name, tree[name].Data, err)
		}
	}
	return tree, nil
}

// entryMode is the tree mode of an archive entry's mode bits.
func entryMode(mode fs.FileMode) filetree.Mode {
	switch {
	case mode&fs.ModeSymlink != 0:
		return filetree.Symlink
	case mode&0o111 != 0:
		return filetree.Executable
	}
	return filetree.Regular
}

var errEscapes = errors.New("escapes the code folder")

// cleanEntryName returns the tree path of an archive entry, "" for the root.
func cleanEntryName(name string) (string, error) {
	switch {
	case strings.Contains(name, "\\"):
		return "", errors.New("uses backslashes")
	case strings.HasPrefix(name, "/"), isDriveLetter(name):
		return "", errors.New("is an absolute path")
	case strings.ContainsRune(name, 0):
		return "", errors.New("contains a NUL byte")
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." {
			return "", errEscapes
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return "", nil
	}
	return clean, nil
}

// isDriveLetter reports a Windows-style "C:" prefix, which some unzip tools
// treat as absolute.
func isDriveLetter(name string) bool {
	if len(name) < 2 || name[1] != ':' {
		return false
	}
	c := name[0] | 0x20
	return c >= 'a' && c <= 'z'
}

var errTooBig = errors.New("inflates beyond the limit")

// inflate reads an entry into a buffer of exactly its declared size:
// archive/zip fails an entry that inflates past it, and one that stops
// short fails ReadFull, so no read grows a buffer by doubling (which once
// took a refused 600 MiB bomb to 1.27 GB).
func inflate(f *zip.File, budget int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(budget) {
		return nil, errTooBig
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b := make([]byte, f.UncompressedSize64)
	if _, err := io.ReadFull(rc, b); err != nil {
		return nil, err
	}
	// At the declared end the reader checks the CRC; anything but EOF is
	// a corrupt or lying entry.
	var one [1]byte
	if n, err := rc.Read(one[:]); n > 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			err = errors.New("inflates beyond its declared size")
		}
		return nil, err
	}
	return b, nil
}

// DeclaredSize is what an archive's entries declare they inflate to, in
// all; ok is false when the sum overflows.
func DeclaredSize(r *zip.Reader) (total int64, ok bool) {
	for _, f := range r.File {
		if f.UncompressedSize64 > math.MaxInt64-uint64(total) {
			return 0, false
		}
		total += int64(f.UncompressedSize64)
	}
	return total, true
}

// ZipMemory is the memory unpacking data takes at most: the archive and
// what it declares to inflate to (which bounds it, see DeclaredSize). An
// unreadable archive needs only itself.
func ZipMemory(data []byte) int64 {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return int64(len(data))
	}
	n, ok := DeclaredSize(r)
	if !ok {
		return int64(len(data))
	}
	return int64(len(data)) + n
}

// checkSymlink resolves the symlink at name the way the kernel would once
// the tree is written out, following the tree's other symlinks, and fails
// when any step leaves the code folder.
func checkSymlink(tree filetree.Tree, name string) error {
	var stack []string // resolved folders from the code folder down
	for _, d := range strings.Split(path.Dir(name), "/") {
		if d != "." {
			stack = append(stack, d)
		}
	}
	pending := strings.Split(string(tree[name].Data), "/")
	if strings.HasPrefix(string(tree[name].Data), "/") || strings.Contains(string(tree[name].Data), "\\") {
		return errEscapes
	}
	for hops := 0; len(pending) > 0; {
		elem := pending[0]
		pending = pending[1:]
		switch elem {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				return errEscapes
			}
			stack = stack[:len(stack)-1]
			continue
		}
		p := path.Join(append(append([]string(nil), stack...), elem)...)
		f, ok := tree[p]
		if !ok || f.Mode != filetree.Symlink {
			stack = append(stack, elem)
			continue
		}
		if hops++; hops > maxSymlinkHops {
			return errors.New("is part of a symlink loop")
		}
		target := string(f.Data)
		if strings.HasPrefix(target, "/") || strings.Contains(target, "\\") {
			return errEscapes
		}
		pending = append(strings.Split(target, "/"), pending...)
	}
	return nil
}

// zipEpoch is the MS-DOS date of 1980-01-01, the earliest a zip can record:
// every entry gets it, so the archive does not depend on when it was made.
const zipEpoch = 1<<5 | 1

// PackZip packs a code tree deterministically: entries sorted by path, no
// folder entries, timestamps 1980-01-01 00:00, Unix creator, modes 0644,
// 0755 or symlink, deflated (symlinks stored). The same tree gives the same
// bytes, and so the same codeChecksum, with a given Go release; compress/flate
// may produce other bytes in another release. Lazy files are streamed into
// the archive, never held whole; reading one can fail.
func PackZip(code filetree.Tree) ([]byte, error) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, p := range code.Paths() {
		f := code[p]
		h := &zip.FileHeader{Name: p, Method: zip.Deflate, ModifiedDate: zipEpoch}
		switch f.Mode {
		case filetree.Executable:
			h.SetMode(0o755)
		case filetree.Symlink:
			h.SetMode(fs.ModeSymlink | 0o777)
			h.Method = zip.Store
		default:
			h.SetMode(0o644)
		}
		fw, err := w.CreateHeader(h)
		if err == nil {
			_, err = f.WriteTo(fw)
		}
		if err != nil {
			return nil, fmt.Errorf("code file %s: %w", filetree.Quote(p), err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
