package sync

import (
	"path"
	"strings"

	"github.com/fcsync/fcsync/filetree"
)

// IgnoreFile is the name, inside a function's code/ folder, of the file
// listing code files that are neither deployed nor compared. The file
// itself is never deployed nor compared either.
const IgnoreFile = ".fcignore"

// ignoreRule is one line of an ignore file.
type ignoreRule struct {
	negate  bool
	dirOnly bool
	// segs are the pattern's path segments; "**" matches any number of
	// segments. A pattern without an inner slash starts with "**", since
	// it matches at any depth.
	segs []string
}

// ignoreRules is a parsed ignore file. It implements the part of gitignore
// that code folders need: blank lines and "#" comments, "!" to re-include,
// a trailing "/" for folders only, "*", "?" and "[...]" within a segment,
// "**" across segments, and anchoring to the code folder by a leading or
// inner "/". "\#", "\!" and "\ " escape as in git. As in git, a file inside
// an ignored folder cannot be re-included.
type ignoreRules []ignoreRule

func parseIgnore(data []byte) ignoreRules {
	var rules ignoreRules
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		line = trimUnescapedSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var r ignoreRule
		if strings.HasPrefix(line, "!") {
			r.negate = true
			line = line[1:]
		} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
			line = line[1:]
		}
		if strings.HasSuffix(line, "/") {
			r.dirOnly = true
			line = strings.TrimRight(line, "/")
		}
		if line == "" {
			continue
		}
		anchored := strings.Contains(line, "/")
		line = strings.TrimPrefix(line, "/")
		r.segs = strings.Split(line, "/")
		if !anchored {
			r.segs = append([]string{"**"}, r.segs...)
		}
		rules = append(rules, r)
	}
	return rules
}

// trimUnescapedSpace drops trailing spaces unless escaped with a backslash.
func trimUnescapedSpace(s string) string {
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	if strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-2] + " "
	}
	return s
}

// ignored reports whether the file at p (relative to the code folder) is
// excluded: it or one of its folders matches, the last matching rule of each
// deciding.
func (rs ignoreRules) ignored(p string) bool {
	segs := strings.Split(p, "/")
	for i := 1; i <= len(segs); i++ {
		isDir := i < len(segs)
		if rs.match(segs[:i], isDir) {
			return true
		}
	}
	return false
}

func (rs ignoreRules) match(segs []string, isDir bool) bool {
	excluded := false
	for _, r := range rs {
		if r.dirOnly && !isDir {
			continue
		}
		if matchSegs(r.segs, segs) {
			excluded = !r.negate
		}
	}
	return excluded
}

// matchSegs matches pattern segments against path segments.
func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			if len(rest) == 0 {
				// A trailing "/**" matches what is inside, not the folder.
				return len(segs) > 0
			}
			for i := 0; i <= len(segs); i++ {
				if matchSegs(rest, segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], segs[0]); err != nil || !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// filterIgnored returns code without IgnoreFile and the files it excludes.
func filterIgnored(code filetree.Tree) (filetree.Tree, error) {
	data, err := code[IgnoreFile].Bytes()
	if err != nil {
		return nil, err
	}
	rules := parseIgnore(data)
	out := filetree.Tree{}
	for p, f := range code {
		if p == IgnoreFile || rules.ignored(p) {
			continue
		}
		out[p] = f
	}
	return out, nil
}
