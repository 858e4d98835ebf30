package filetree

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrUnsafePath is matched by errors.Is for every path CheckPath refuses.
var ErrUnsafePath = errors.New("unsafe path")

type pathError struct{ msg string }

func (e *pathError) Error() string        { return e.msg }
func (e *pathError) Is(target error) bool { return target == ErrUnsafePath }

func unsafePath(format string, args ...any) error {
	return &pathError{fmt.Sprintf(format, args...)}
}

// CheckPath refuses a tree path that git itself would refuse to check out
// or that `git fsck --strict` reports, whatever platform fcsync runs on: a
// repository is cloned on Windows and macOS too, where ".git " or "GIT~1" or
// ".g\u200cit" IS the .git folder (CVE-2014-9390, CVE-2019-1353). It applies
// git's own rules (verify_path in read-cache.c, is_ntfs_dotgit and
// is_hfs_dotgit in path.c and utf8.c) to every element: no empty, ".", ".."
// or .git element in any spelling, no NUL, no absolute path, and no symlink
// named .gitmodules, .gitattributes, .gitignore or .mailmap, which fsck
// reports because git reads those files through the link. mode is the
// file's own mode; folders above it are checked as folders.
//
// Every path fcsync writes into a git tree goes through CheckPath: code
// unpacked from an online zip, rendered files and the trees of commits.
func CheckPath(p string, mode Mode) error {
	switch {
	case p == "":
		return unsafePath("has no name")
	case strings.HasPrefix(p, "/"):
		return unsafePath("is an absolute path")
	case strings.ContainsRune(p, 0):
		return unsafePath("contains a NUL byte")
	}
	elems := strings.Split(p, "/")
	for i, el := range elems {
		switch el {
		case "":
			return unsafePath("has an empty path element")
		case ".", "..":
			return unsafePath("has a %q path element", el)
		}
		// On Windows a backslash separates folders too: git checks what
		// follows each one (verify_path's protect_ntfs branch).
		parts := strings.Split(el, "\\")
		for _, part := range parts {
			if IsDotGit(part) {
				return unsafePath("names the .git folder (as %q, which git refuses: Windows or macOS read it as .git)", el)
			}
		}
		if i == len(elems)-1 && mode == Symlink && isGitMetaFile(el) {
			return unsafePath("is a symlink named like %s, which git refuses to follow", gitMetaName(el))
		}
	}
	return nil
}

// IsDotGit reports whether one path element names the .git folder on some
// platform git supports: ".git" in any case, followed by dots, spaces or an
// NTFS stream (":..."), its NTFS 8.3 short name "git~1", or any of those
// with the Unicode code points HFS+ ignores in between.
func IsDotGit(el string) bool {
	return isNTFSDotGit(el) || isHFSDot(el, "git")
}

// isNTFSDotGit is git's is_ntfs_dotgit (path.c).
func isNTFSDotGit(name string) bool {
	var rest string
	switch {
	case len(name) >= 4 && name[0] == '.' && strings.EqualFold(name[1:4], "git"):
		rest = name[4:]
	case len(name) >= 5 && strings.EqualFold(name[:3], "git") && name[3:5] == "~1":
		rest = name[5:]
	default:
		return false
	}
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '\\', '/', ':':
			return true
		case '.', ' ':
		default:
			return false
		}
	}
	return true
}

// hfsIgnored are the code points HFS+ drops when it compares names
// (git's next_hfs_char in utf8.c).
var hfsIgnored = map[rune]bool{
	0x200c: true, 0x200d: true, 0x200e: true, 0x200f: true,
	0x202a: true, 0x202b: true, 0x202c: true, 0x202d: true, 0x202e: true,
	0x206a: true, 0x206b: true, 0x206c: true, 0x206d: true, 0x206e: true, 0x206f: true,
	0xfeff: true,
}

// nextHFS returns the next code point of s that HFS+ does not ignore, and
// the rest; 0 at the end or on malformed UTF-8, which cannot spell .git.
func nextHFS(s string) (rune, string) {
	for s != "" {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n <= 1 {
			return 0, ""
		}
		s = s[n:]
		if !hfsIgnored[r] {
			return r, s
		}
	}
	return 0, ""
}

// isHFSDot is git's is_hfs_dot_generic: el reads as "." + needle on HFS+.
func isHFSDot(el, needle string) bool {
	c, rest := nextHFS(el)
	if c != '.' {
		return false
	}
	for i := 0; i < len(needle); i++ {
		c, rest = nextHFS(rest)
		if c > 127 || toLower(byte(c)) != needle[i] {
			return false
		}
	}
	c, _ = nextHFS(rest)
	return c == 0 || c == '/' || c == '\\'
}

func toLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// gitMetaFiles are the files git reads from the tree, with the prefix of
// their NTFS 8.3 fallback short names (git's is_ntfs_dotgitmodules and
// siblings in path.c).
var gitMetaFiles = []struct{ name, short string }{
	{"gitmodules", "gi7eba"},
	{"gitattributes", "gi7d29"},
	{"gitignore", "gi250a"},
	{"mailmap", "maba30"},
}

func isGitMetaFile(el string) bool { return gitMetaName(el) != "" }

func gitMetaName(el string) string {
	for _, m := range gitMetaFiles {
		if isHFSDot(el, m.name) || isNTFSDot(el, m.name, m.short) {
			return "." + m.name
		}
	}
	return ""
}

// isNTFSDot is git's is_ntfs_dot_generic: ".name" in any case, its short
// name (first six letters, "~1" to "~4"), or the fallback short name
// (prefix, "~", digits), each followed only by spaces and dots, or by an
// NTFS stream.
func isNTFSDot(el, name, short string) bool {
	spacesAndDots := func(rest string) bool {
		for i := 0; i < len(rest); i++ {
			switch rest[i] {
			case ':':
				return true
			case ' ', '.':
			default:
				return false
			}
		}
		return true
	}
	if len(el) > len(name) && el[0] == '.' && strings.EqualFold(el[1:1+len(name)], name) {
		return spacesAndDots(el[1+len(name):])
	}
	if len(el) >= 8 && strings.EqualFold(el[:6], name[:6]) && el[6] == '~' && el[7] >= '1' && el[7] <= '4' {
		return spacesAndDots(el[8:])
	}
	sawTilde := false
	i := 0
	for ; i < 8; i++ {
		if i >= len(el) {
			return false
		}
		c := el[i]
		switch {
		case sawTilde:
			if c < '0' || c > '9' {
				return false
			}
		case c == '~':
			i++
			if i >= len(el) || el[i] < '1' || el[i] > '9' {
				return false
			}
			sawTilde = true
		case i >= 6, c&0x80 != 0, toLower(c) != short[i]:
			return false
		}
	}
	return spacesAndDots(el[i:])
}
