//go:build linux && (amd64 || arm64)

package gitstate

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// readDirStat lists the folder abs with each entry's lstat data, sorted by
// name, leaving out entries removed while it reads. Each entry is looked
// up from the folder's own descriptor (fstatat), not by a path the kernel
// resolves again from the root: a project's work tree is tens of thousands
// of files six folders deep, and status reads every one's stat data.
func readDirStat(abs string) ([]dirEntry, error) {
	fd, err := unix.Open(abs, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: abs, Err: err}
	}
	defer unix.Close(fd)
	var names []string
	buf := make([]byte, 16<<10)
	for {
		n, err := unix.ReadDirent(fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: abs, Err: err}
		}
		if n <= 0 {
			break
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
	}
	sort.Strings(names)
	out := make([]dirEntry, 0, len(names))
	for _, name := range names {
		fi := &statInfo{name: name}
		for {
			err = unix.Fstatat(fd, name, &fi.u, unix.AT_SYMLINK_NOFOLLOW)
			if !errors.Is(err, unix.EINTR) {
				break
			}
		}
		if errors.Is(err, unix.ENOENT) {
			continue // removed while we read
		}
		if err != nil {
			return nil, fmt.Errorf("stat %s: %w", name, err)
		}
		fi.sys = syscall.Stat_t{Dev: fi.u.Dev, Ino: fi.u.Ino, Mode: fi.u.Mode, Uid: fi.u.Uid, Gid: fi.u.Gid, Size: fi.u.Size,
			Mtim: syscall.Timespec{Sec: fi.u.Mtim.Sec, Nsec: fi.u.Mtim.Nsec},
			Ctim: syscall.Timespec{Sec: fi.u.Ctim.Sec, Nsec: fi.u.Ctim.Nsec}}
		out = append(out, dirEntry{name, fi})
	}
	return out, nil
}

// statInfo is an fs.FileInfo of fstatat's answer, as os.Lstat makes it.
type statInfo struct {
	name string
	u    unix.Stat_t
	sys  syscall.Stat_t // what statMatches and fillStat read
}

func (fi *statInfo) Name() string       { return fi.name }
func (fi *statInfo) Size() int64        { return fi.u.Size }
func (fi *statInfo) ModTime() time.Time { return time.Unix(fi.u.Mtim.Sec, fi.u.Mtim.Nsec) }
func (fi *statInfo) IsDir() bool        { return fi.Mode().IsDir() }
func (fi *statInfo) Sys() any           { return &fi.sys }

// Mode converts the kernel's mode bits as os does (fillFileStatFromSys).
func (fi *statInfo) Mode() fs.FileMode {
	m := fs.FileMode(fi.u.Mode & 0o777)
	switch fi.u.Mode & unix.S_IFMT {
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	}
	if fi.u.Mode&unix.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if fi.u.Mode&unix.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if fi.u.Mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}
