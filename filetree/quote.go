package filetree

import (
	"fmt"
	"strings"
)

// Quote returns a path as git prints it with core.quotePath (its default):
// unchanged when it holds only printable ASCII, else in double quotes with
// C escapes (\n, \t, \", \\, octal for other control bytes and for every
// byte of a non-ASCII character). A name from online code or a colleague's
// commit can hold a newline or a terminal escape sequence; printed raw, it
// forges lines of fcsync's output or drives the terminal.
func Quote(p string) string {
	if !needsQuote(p) {
		return p
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\v':
			b.WriteString(`\v`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		default:
			if c < 0x20 || c >= 0x7f {
				fmt.Fprintf(&b, `\%03o`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// EscapeControl writes the control characters of a line of text (a commit
// message, an author) as Quote does, leaving everything else, non-ASCII
// included, as it is: such text is not a path, but must not drive the
// terminal either.
func EscapeControl(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			q := Quote(string(r))
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func needsQuote(p string) bool {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return true
		}
	}
	return false
}

// MaxListed is how many names a message lists before it summarises the
// rest: a pull of 100,000 files must not print a megabyte-long line, nor
// write it into a commit message.
const MaxListed = 20

// QuoteList joins paths quoted with Quote, listing at most MaxListed and
// summarising the rest as "and 99,970 more files".
func QuoteList(paths []string, sep string) string {
	n := len(paths)
	if n > MaxListed {
		paths = paths[:MaxListed]
	}
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = Quote(p)
	}
	s := strings.Join(q, sep)
	if more := n - len(paths); more > 0 {
		s += fmt.Sprintf("%sand %s more %s", sep, Thousands(more), plural(more, "file", "files"))
	}
	return s
}

// Thousands writes n with comma thousands separators: 99,970.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + Thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
