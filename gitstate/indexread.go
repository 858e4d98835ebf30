package gitstate

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// readIndex reads the index; a repository without one has an empty index.
// Versions 2 and 3, what git writes unless told otherwise, are decoded
// here: go-git's decoder reads each field through reflection, a tenth of
// a second for the index of 3,000 functions, read several times per
// command. Version 4 goes through go-git.
func (r *Repo) readIndex() (*index.Index, error) {
	data, err := os.ReadFile(filepath.Join(r.gitDir, "index"))
	if errors.Is(err, fs.ErrNotExist) {
		return &index.Index{Version: 2}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("gitstate: read index: %w", err)
	}
	if idx, ok, err := decodeIndex(data); ok || err != nil {
		if err != nil {
			return nil, fmt.Errorf("gitstate: read index: %w", err)
		}
		return idx, nil
	}
	r.gitMu.Lock()
	idx, err := r.repo.Storer.Index()
	r.gitMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("gitstate: read index: %w", err)
	}
	return idx, nil
}

// decodeIndex decodes an index of version 2 or 3 (ok is false for another
// version): the entries, checked against the file's checksum; extensions
// are skipped, as fcsync's own writes drop them.
func decodeIndex(data []byte) (idx *index.Index, ok bool, err error) {
	if len(data) < 12+sha1.Size || !bytes.Equal(data[:4], []byte("DIRC")) {
		return nil, false, errors.New("not an index file")
	}
	version := binary.BigEndian.Uint32(data[4:])
	if version != 2 && version != 3 {
		return nil, false, nil
	}
	body := data[:len(data)-sha1.Size]
	if sum := sha1.Sum(body); !bytes.Equal(sum[:], data[len(body):]) {
		return nil, true, errors.New("index checksum mismatch")
	}
	n := binary.BigEndian.Uint32(data[8:])
	idx = &index.Index{Version: version, Entries: make([]*index.Entry, 0, n)}
	malformed := errors.New("malformed index entry")
	at := 12
	for range n {
		if at+62 > len(body) {
			return nil, true, malformed
		}
		b := body[at:]
		u32 := func(i int) uint32 { return binary.BigEndian.Uint32(b[i:]) }
		e := &index.Entry{
			Dev: u32(16), Inode: u32(20), Mode: filemode.FileMode(u32(24)),
			UID: u32(28), GID: u32(32), Size: u32(36),
		}
		if s, ns := u32(0), u32(4); s != 0 || ns != 0 {
			e.CreatedAt = time.Unix(int64(s), int64(ns))
		}
		if s, ns := u32(8), u32(12); s != 0 || ns != 0 {
			e.ModifiedAt = time.Unix(int64(s), int64(ns))
		}
		copy(e.Hash[:], b[40:60])
		flags := binary.BigEndian.Uint16(b[60:])
		e.Stage = index.Stage(flags>>12) & 3
		head := 62
		if flags&0x4000 != 0 {
			if version < 3 || len(b) < 64 {
				return nil, true, malformed
			}
			x := binary.BigEndian.Uint16(b[62:])
			e.IntentToAdd = x&0x2000 != 0
			e.SkipWorktree = x&0x4000 != 0
			head = 64
		}
		nameLen := int(flags & 0xfff)
		if nameLen == 0xfff {
			nameLen = bytes.IndexByte(b[head:], 0)
		}
		if nameLen < 0 || head+nameLen >= len(b) {
			return nil, true, malformed
		}
		e.Name = string(b[head : head+nameLen])
		// NUL-padded to a multiple of 8, at least one NUL.
		at += (head + nameLen + 8) &^ 7
		idx.Entries = append(idx.Entries, e)
	}
	return idx, true, nil
}
