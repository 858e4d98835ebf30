package filetree

import (
	"bufio"
	"bytes"
	"net/url"
	"regexp"
	"strings"
)

// CheckFile is CheckPath for a file with its content: a .gitmodules file
// (in any spelling git reads as one, at any depth) must also pass the
// checks `git fsck --strict` makes of it (fsck_gitmodules_fn in git's
// fsck.c): no submodule name with a ".." element, no url, path or update
// setting that git would take as a command-line option or a command
// (CVE-2018-11235, CVE-2018-17456). A zip from FC can carry one anywhere.
func CheckFile(p string, f File) error {
	if err := CheckPath(p, f.Mode); err != nil {
		return err
	}
	el := p[strings.LastIndexByte(p, '/')+1:]
	if f.Mode == Symlink || gitMetaName(el) != ".gitmodules" {
		return nil
	}
	data, err := f.Bytes()
	if err != nil {
		return err
	}
	return checkGitmodules(data)
}

var (
	sectionRE = regexp.MustCompile(`^\[\s*([A-Za-z0-9.-]+)\s+"((?:[^"\\]|\\.)*)"\s*\]`)
	plainRE   = regexp.MustCompile(`^\[\s*([A-Za-z0-9.-]+)\s*\]`)
	keyRE     = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$`)
)

// checkGitmodules reads a .gitmodules file as git config (sections,
// quoted values, comments) and applies fsck's submodule rules. What git
// cannot parse, fsck only notes (gitmodulesParse is informational), so
// neither does this.
func checkGitmodules(data []byte) error {
	section, name := "", ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if m := sectionRE.FindStringSubmatch(line); m != nil {
			section, name = strings.ToLower(m[1]), unescapeSubsection(m[2])
			if section == "submodule" && badSubmoduleName(name) {
				return unsafePath("is a .gitmodules naming submodule %s, which git refuses", Quote(name))
			}
			continue
		}
		if m := plainRE.FindStringSubmatch(line); m != nil {
			section, name = strings.ToLower(m[1]), ""
			continue
		}
		m := keyRE.FindStringSubmatch(line)
		if m == nil || section != "submodule" || name == "" {
			continue
		}
		key, value := strings.ToLower(m[1]), configValue(m[2])
		switch {
		case key == "url" && (strings.HasPrefix(value, "-") || strings.Contains(percentDecode(value), "\n")):
			return unsafePath("is a .gitmodules whose submodule %s has url %q, which git refuses", Quote(name), value)
		case key == "path" && strings.HasPrefix(value, "-"):
			return unsafePath("is a .gitmodules whose submodule %s has path %q, which git refuses", Quote(name), value)
		case key == "update" && strings.HasPrefix(value, "!"):
			return unsafePath("is a .gitmodules whose submodule %s runs a command on update, which git refuses", Quote(name))
		}
	}
	return nil
}

// badSubmoduleName is git's check_submodule_name: empty, or a ".."
// element between slashes or backslashes.
func badSubmoduleName(name string) bool {
	if name == "" {
		return true
	}
	for _, el := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if el == ".." {
			return true
		}
	}
	return false
}

func unescapeSubsection(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// configValue is a git config value: double quotes removed, escapes
// (\n, \t, \", \\) read, an unquoted # or ; starting a comment.
func configValue(raw string) string {
	var b strings.Builder
	quoted := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\\' && i+1 < len(raw):
			i++
			switch raw[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'b':
				b.WriteByte('\b')
			default:
				b.WriteByte(raw[i])
			}
		case !quoted && (c == '#' || c == ';'):
			return strings.TrimSpace(b.String())
		default:
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String())
}

func percentDecode(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}
