package gitstate

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/fcsync/fcsync/filetree"
)

// stageMerged is the stage of an entry that is not in conflict. (go-git's
// index.Merged is 1, the stage of the merge base, and cannot be used.)
const stageMerged index.Stage = 0

// writeIndex replaces .git/index through index.lock, as git does, so a git
// command never reads a half-written index. go-git's encoder is not used
// because its unstable sort may reorder the stages of one path, which git
// rejects; the cached-tree extension is dropped and git rebuilds it.
func (r *Repo) writeIndex(entries []*index.Entry) error {
	path := filepath.Join(r.gitDir, "index")
	f, err := createLockFile(path)
	if err != nil {
		return err
	}
	return commitLockFile(f, path, encodeIndex(entries))
}

// encodeIndex encodes entries as an index file of version 2, or 3 when an
// entry carries the skip-worktree or intent-to-add flag, sorted by path and
// then stage.
func encodeIndex(entries []*index.Entry) []byte {
	sort.SliceStable(entries, func(i, j int) bool {
		if entries[i].Name != entries[j].Name {
			return entries[i].Name < entries[j].Name
		}
		return entries[i].Stage < entries[j].Stage
	})
	version := uint32(2)
	for _, e := range entries {
		if e.SkipWorktree || e.IntentToAdd {
			version = 3
		}
	}
	var b bytes.Buffer
	b.WriteString("DIRC")
	put := func(vs ...uint32) {
		for _, v := range vs {
			binary.Write(&b, binary.BigEndian, v)
		}
	}
	put(version, uint32(len(entries)))
	for _, e := range entries {
		start := b.Len()
		put(uint32(e.CreatedAt.Unix()), uint32(e.CreatedAt.Nanosecond()),
			uint32(e.ModifiedAt.Unix()), uint32(e.ModifiedAt.Nanosecond()),
			e.Dev, e.Inode, uint32(e.Mode), e.UID, e.GID, e.Size)
		b.Write(e.Hash[:])
		flags := uint16(e.Stage&3)<<12 | uint16(min(len(e.Name), 0xfff))
		extended := e.SkipWorktree || e.IntentToAdd
		if extended {
			flags |= 0x4000
		}
		binary.Write(&b, binary.BigEndian, flags)
		if extended {
			var x uint16
			if e.SkipWorktree {
				x |= 0x4000
			}
			if e.IntentToAdd {
				x |= 0x2000
			}
			binary.Write(&b, binary.BigEndian, x)
		}
		b.WriteString(e.Name)
		// NUL-terminate and pad the entry to a multiple of 8 bytes.
		pad := 8 - (b.Len()-start)%8
		b.Write(make([]byte, pad))
	}
	sum := sha1.Sum(b.Bytes())
	b.Write(sum[:])
	return b.Bytes()
}

// stagedEntry is an index entry at stage 0 for a file just written to the
// work tree, with its stat data so that git sees it clean without hashing.
func (r *Repo) stagedEntry(path string, h Hash, mode filetree.Mode) (*index.Entry, error) {
	fi, err := os.Lstat(filepath.Join(r.root, filepath.FromSlash(path)))
	if err != nil {
		return nil, fmt.Errorf("gitstate: stat %s: %w", path, err)
	}
	e := &index.Entry{
		Name:       path,
		Hash:       h,
		Mode:       gitModes[mode],
		ModifiedAt: fi.ModTime(),
		Size:       uint32(fi.Size()),
	}
	fillStat(e, fi)
	return e, nil
}

// unmergedEntry is one side of a conflicted path; git records no stat data
// for those.
func unmergedEntry(path string, h Hash, mode filetree.Mode, stage index.Stage) *index.Entry {
	return &index.Entry{Name: path, Hash: h, Mode: gitModes[mode], Stage: stage, ModifiedAt: time.Unix(0, 0), CreatedAt: time.Unix(0, 0)}
}

// underPrefix reports whether repo-relative path p lies in folder prefix
// ("" is the whole repository) or is the file prefix itself.
func underPrefix(p, prefix string) bool {
	return prefix == "" || p == prefix || strings.HasPrefix(p, prefix+"/")
}

// normPrefix turns a user-given folder into the repo-relative form used by
// underPrefix.
func normPrefix(prefix string) string {
	p := strings.Trim(filepath.ToSlash(prefix), "/")
	if p == "." {
		return ""
	}
	return p
}

// treeMode converts a git file mode of an index entry; other kinds
// (gitlinks) report false.
func treeMode(m filemode.FileMode) (filetree.Mode, bool) {
	switch m {
	case filemode.Regular, filemode.Deprecated:
		return filetree.Regular, true
	case filemode.Executable:
		return filetree.Executable, true
	case filemode.Symlink:
		return filetree.Symlink, true
	}
	return 0, false
}

// UnmergedPaths lists the paths the index holds in conflict (stages 1-3),
// under prefix, once each, sorted: what git status calls unmerged.
func (r *Repo) UnmergedPaths(prefix string) ([]string, error) {
	idx, err := r.readIndex()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range idx.Entries {
		if e.Stage == stageMerged || seen[e.Name] || prefix != "" && !strings.HasPrefix(e.Name, prefix+"/") {
			continue
		}
		seen[e.Name] = true
		out = append(out, e.Name)
	}
	sort.Strings(out)
	return out, nil
}
