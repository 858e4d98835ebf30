//go:build linux

package gitstate

import (
	"os"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// fillStat copies the stat data git compares to decide, without reading a
// file, that it has not changed since it was staged.
func fillStat(e *index.Entry, fi os.FileInfo) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		e.CreatedAt = time.Unix(st.Ctim.Unix())
		e.Dev = uint32(st.Dev)
		e.Inode = uint32(st.Ino)
		e.UID = st.Uid
		e.GID = st.Gid
	}
}

// statMatches reports whether a file's stat data is what the index entry
// recorded when it was staged: git then takes the file to hold the
// entry's blob without reading it (ie_match_stat in git's read-cache.c).
func statMatches(e *index.Entry, fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	return e.Size == uint32(fi.Size()) &&
		e.ModifiedAt.Equal(fi.ModTime()) &&
		e.CreatedAt.Equal(time.Unix(st.Ctim.Unix())) &&
		e.Inode == uint32(st.Ino) && e.Dev == uint32(st.Dev) &&
		e.UID == st.Uid && e.GID == st.Gid
}
