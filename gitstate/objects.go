package gitstate

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/fcsync/fcsync/filetree"
)

// Trees read from git hold their files as gitBlobs: the hash only, the
// bytes read when someone needs them (filetree.File.Blob). A no-op fetch,
// status or push of a 50 MB function then never reads it; one that zips it
// streams it from the object file.

// gitBlob is a blob of the repository, read on demand.
type gitBlob struct {
	r *Repo
	h Hash
}

func (b *gitBlob) Hash() filetree.Hash          { return filetree.Hash(b.h) }
func (b *gitBlob) Open() (io.ReadCloser, error) { return b.r.openBlob(b.h) }

// lazyFile is the File of a blob of the repository.
func (r *Repo) lazyFile(h Hash, mode filetree.Mode) filetree.File {
	return filetree.File{Mode: mode, Blob: &gitBlob{r: r, h: h}}
}

// openBlob streams a blob's content; the reader has a Size method.
func (r *Repo) openBlob(h Hash) (io.ReadCloser, error) {
	rc, ok, err := r.openLoose(h, "blob")
	if ok || err != nil {
		return rc, err
	}
	// A packed blob is read whole under gitMu: go-git's pack reader is not
	// safe for concurrent use.
	data, err := r.blob(h)
	if err != nil {
		return nil, fmt.Errorf("gitstate: blob %s: %w", short(h), err)
	}
	return &sizedReader{ReadCloser: io.NopCloser(bytes.NewReader(data)), size: int64(len(data))}, nil
}

type sizedReader struct {
	io.ReadCloser
	size int64
}

func (s *sizedReader) Size() int64 { return s.size }

// looseReader streams a loose object's content after its header, and
// fails when the object holds more or less than its header says.
type looseReader struct {
	f    *os.File
	br   *bufio.Reader
	zr   io.ReadCloser
	h    Hash
	size int64
	left int64
}

func (l *looseReader) Size() int64 { return l.size }

func (l *looseReader) Read(p []byte) (int, error) {
	if l.left == 0 {
		// The end the header announced must be the stream's end, where
		// zlib checks its checksum.
		var one [1]byte
		if n, err := l.zr.Read(one[:]); n > 0 || err != io.EOF {
			if err == nil || err == io.EOF {
				err = errors.New("longer than its header says")
			}
			return 0, fmt.Errorf("gitstate: object %s: %w", short(l.h), err)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.zr.Read(p)
	l.left -= int64(n)
	if err == io.EOF && l.left > 0 {
		err = fmt.Errorf("gitstate: object %s: %w", short(l.h), io.ErrUnexpectedEOF)
	} else if err == io.EOF {
		err = nil
	}
	return n, err
}

func (l *looseReader) Close() error {
	zlibReaders.Put(l.zr)
	bufReaders.Put(l.br)
	return l.f.Close()
}

var bufReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 32<<10) }}

// openLoose opens a loose object of the given type for streaming; ok is
// false when there is no such loose object.
func (r *Repo) openLoose(h Hash, typ string) (io.ReadCloser, bool, error) {
	f, err := os.Open(r.loosePath(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("gitstate: object %s: %w", short(h), err)
	}
	br := bufReaders.Get().(*bufio.Reader)
	br.Reset(f)
	zr, err := zlibReader(br)
	if err != nil {
		bufReaders.Put(br)
		f.Close()
		return nil, false, fmt.Errorf("gitstate: object %s: %w", short(h), err)
	}
	l := &looseReader{f: f, br: br, zr: zr, h: h}
	fail := func(err error) (io.ReadCloser, bool, error) {
		l.Close()
		return nil, false, fmt.Errorf("gitstate: object %s: %w", short(h), err)
	}
	var head []byte
	for len(head) < 32 {
		var c [1]byte
		if _, err := io.ReadFull(zr, c[:]); err != nil {
			return fail(err)
		}
		if c[0] == 0 {
			break
		}
		head = append(head, c[0])
	}
	gotType, size, _ := bytes.Cut(head, []byte(" "))
	n, err := strconv.ParseInt(string(size), 10, 64)
	if err != nil || n < 0 {
		return fail(fmt.Errorf("header %q", head))
	}
	if string(gotType) != typ {
		return fail(fmt.Errorf("is a %s, not a %s", gotType, typ))
	}
	l.size, l.left = n, n
	return l, true, nil
}

func zlibReader(src io.Reader) (io.ReadCloser, error) {
	if zr, ok := zlibReaders.Get().(io.ReadCloser); ok {
		if err := zr.(zlib.Resetter).Reset(src, nil); err != nil {
			return nil, err
		}
		return zr, nil
	}
	return zlib.NewReader(src)
}

func (r *Repo) loosePath(h Hash) string {
	hex := h.String()
	return filepath.Join(r.common, "objects", hex[:2], hex[2:])
}

// hasObject reports whether the repository holds object h: one this
// process read a tree naming, or wrote, or found on disk.
func (r *Repo) hasObject(h Hash) bool {
	r.objMu.Lock()
	known := r.known[h]
	r.objMu.Unlock()
	if known {
		return true
	}
	if _, err := os.Lstat(r.loosePath(h)); err == nil {
		r.remember(h)
		return true
	}
	r.gitMu.Lock()
	err := r.repo.Storer.HasEncodedObject(h)
	r.gitMu.Unlock()
	if err == nil {
		r.remember(h)
		return true
	}
	return false
}

// remember records that the repository holds h.
func (r *Repo) remember(hs ...Hash) {
	r.objMu.Lock()
	defer r.objMu.Unlock()
	if r.known == nil {
		r.known = map[Hash]bool{}
	}
	for _, h := range hs {
		r.known[h] = true
	}
}

// writeBlob stores data as a blob, unless the repository has it.
func (r *Repo) writeBlob(data []byte) (Hash, error) {
	return r.writeObject(plumbing.BlobObject, data)
}

// writeFile stores a file's content as a blob: a lazy file that names a
// blob the repository holds costs nothing; another lazy file is streamed
// into the object store, never held whole.
func (r *Repo) writeFile(f filetree.File) (Hash, error) {
	if !f.Lazy() {
		return r.writeBlob(f.Data)
	}
	h := Hash(f.Hash())
	if r.hasObject(h) {
		return h, nil
	}
	rc, err := f.Open()
	if err != nil {
		return ZeroHash, err
	}
	defer rc.Close()
	var size int64
	if s, ok := rc.(interface{ Size() int64 }); ok {
		size = s.Size()
	} else {
		data, err := io.ReadAll(rc)
		if err != nil {
			return ZeroHash, err
		}
		return r.writeBlob(data)
	}
	got, err := r.writeLoose(plumbing.BlobObject, size, rc)
	if err != nil {
		return ZeroHash, err
	}
	if got != h {
		return ZeroHash, fmt.Errorf("gitstate: blob %s read back as %s", short(h), short(got))
	}
	return h, nil
}

// writeObject stores an object unless the repository has it.
func (r *Repo) writeObject(typ plumbing.ObjectType, data []byte) (Hash, error) {
	h := plumbing.ComputeHash(typ, data)
	if r.hasObject(h) {
		return h, nil
	}
	if _, err := r.writeLoose(typ, int64(len(data)), bytes.NewReader(data)); err != nil {
		return ZeroHash, err
	}
	return h, nil
}

// zlibWriters are reused: a new zlib writer allocates its whole deflate
// state, which for thousands of small objects cost more than compressing
// them.
var zlibWriters sync.Pool

// writeLoose writes a loose object of size bytes read from content, as git
// does: deflated into a temporary file of the objects folder, renamed into
// place once complete, so that no reader (nor a process killed meanwhile)
// ever sees half an object. It returns the object's hash.
func (r *Repo) writeLoose(typ plumbing.ObjectType, size int64, content io.Reader) (Hash, error) {
	objects := filepath.Join(r.common, "objects")
	tmp, err := os.CreateTemp(objects, "tmp_obj_")
	if err != nil {
		return ZeroHash, fmt.Errorf("gitstate: write %s: %w", typ, err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 32<<10)
	zw, _ := zlibWriters.Get().(*zlib.Writer)
	if zw == nil {
		zw, _ = zlib.NewWriterLevel(bw, zlib.BestSpeed)
	} else {
		zw.Reset(bw)
	}
	sum := sha1.New()
	w := io.MultiWriter(zw, sum)
	head := typ.String() + " " + strconv.FormatInt(size, 10) + "\x00"
	_, err = io.WriteString(w, head)
	var n int64
	if err == nil {
		n, err = io.Copy(w, content)
	}
	if err == nil && n != size {
		err = fmt.Errorf("%d bytes where %d were announced", n, size)
	}
	if err == nil {
		err = zw.Close()
	}
	zlibWriters.Put(zw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ZeroHash, fmt.Errorf("gitstate: write %s: %w", typ, err)
	}
	var h Hash
	copy(h[:], sumOf(sum))
	path := r.loosePath(h)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return ZeroHash, fmt.Errorf("gitstate: write %s %s: %w", typ, short(h), err)
	}
	if err := os.Chmod(tmp.Name(), 0o444); err != nil {
		return ZeroHash, fmt.Errorf("gitstate: write %s %s: %w", typ, short(h), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		if _, serr := os.Lstat(path); serr != nil {
			return ZeroHash, fmt.Errorf("gitstate: write %s %s: %w", typ, short(h), err)
		}
	}
	r.remember(h)
	return h, nil
}

func sumOf(h hash.Hash) []byte { return h.Sum(nil) }
