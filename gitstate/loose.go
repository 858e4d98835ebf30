package gitstate

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// Most objects fcsync reads are loose: it writes them itself, one file
// each. go-git reaches a loose object through a chroot filesystem that
// stats every element of its path before opening it, which made those
// system calls a third of a 1,000-function status. looseObject reads the
// file directly; objects it does not find (packed, or in an alternate
// store) are read through go-git as before.

// looseObject returns the content of a loose object of the given type
// ("blob", "tree"); ok is false when there is no such loose object.
func (r *Repo) looseObject(h Hash, typ string) (data []byte, ok bool, err error) {
	hex := h.String()
	raw, err := os.ReadFile(filepath.Join(r.common, "objects", hex[:2], hex[2:]))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("gitstate: object %s: %w", short(h), err)
	}
	all, err := inflate(raw)
	if err != nil {
		return nil, false, fmt.Errorf("gitstate: object %s: %w", short(h), err)
	}
	nul := bytes.IndexByte(all, 0)
	if nul < 0 {
		return nil, false, fmt.Errorf("gitstate: object %s: no header", short(h))
	}
	gotType, size, _ := bytes.Cut(all[:nul], []byte(" "))
	n, err := strconv.Atoi(string(size))
	if err != nil || n != len(all)-nul-1 {
		return nil, false, fmt.Errorf("gitstate: object %s: header %q does not match its size %d", short(h), all[:nul], len(all)-nul-1)
	}
	if string(gotType) != typ {
		return nil, false, fmt.Errorf("gitstate: object %s is a %s, not a %s", short(h), gotType, typ)
	}
	return all[nul+1:], true, nil
}

// treeEntry is one entry of a tree object.
type treeEntry struct {
	name string
	mode uint32
	hash Hash
}

// looseTree parses a loose tree object: entries "<octal mode> <name>\0<20
// bytes of hash>".
func (r *Repo) looseTree(h Hash) ([]treeEntry, bool, error) {
	data, ok, err := r.looseObject(h, "tree")
	if !ok || err != nil {
		return nil, ok, err
	}
	var out []treeEntry
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		nul := bytes.IndexByte(data, 0)
		if sp < 0 || nul < sp || len(data) < nul+1+20 {
			return nil, false, fmt.Errorf("gitstate: tree %s: malformed entry", short(h))
		}
		mode, err := strconv.ParseUint(string(data[:sp]), 8, 32)
		if err != nil {
			return nil, false, fmt.Errorf("gitstate: tree %s: mode %q", short(h), data[:sp])
		}
		var eh plumbing.Hash
		copy(eh[:], data[nul+1:nul+21])
		out = append(out, treeEntry{name: string(data[sp+1 : nul]), mode: uint32(mode), hash: eh})
		data = data[nul+21:]
	}
	return out, true, nil
}

// zlibReaders are reused: a new zlib reader allocates its 32 KB window,
// which for thousands of small objects cost more than inflating them.
var zlibReaders sync.Pool

func inflate(raw []byte) ([]byte, error) {
	src := bytes.NewReader(raw)
	var zr io.ReadCloser
	if r, ok := zlibReaders.Get().(io.ReadCloser); ok {
		if err := r.(zlib.Resetter).Reset(src, nil); err != nil {
			return nil, err
		}
		zr = r
	} else {
		r, err := zlib.NewReader(src)
		if err != nil {
			return nil, err
		}
		zr = r
	}
	out, err := io.ReadAll(zr)
	if err == nil {
		zlibReaders.Put(zr)
	}
	return out, err
}
