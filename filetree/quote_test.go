package filetree

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

func TestQuoteAsGit(t *testing.T) {
	for in, want := range map[string]string{
		"plain/file.py":       "plain/file.py",
		"with space.py":       "with space.py",
		"a\nb":                `"a\nb"`,
		"\x1b[31mred":         `"\033[31mred"`,
		"tab\there":           `"tab\there"`,
		`quote"d`:             `"quote\"d"`,
		`back\slash`:          `"back\\slash"`,
		"café":                `"caf\303\251"`,
		"bell\a\b\f\v\r\x7f.": `"bell\a\b\f\v\r\177."`,
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestQuoteMatchesGit asks git itself how it prints the same names.
func TestQuoteMatchesGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command line")
	}
	dir := t.TempDir()
	run := func(stdin string, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return string(out)
	}
	run("", "init", "-q")
	blob := strings.TrimSpace(run("x", "hash-object", "-w", "--stdin"))
	names := []string{"a\nb", "\x1b[31mred", "tab\there", `quote"d`, `back\slash`, "café", "bell\a\b\f\v\r\x7f.", "plain"}
	var in strings.Builder
	for _, n := range names {
		fmt.Fprintf(&in, "100644 blob %s\t%s\x00", blob, n)
	}
	tree := strings.TrimSpace(run(in.String(), "mktree", "-z"))
	got := strings.Split(strings.TrimSpace(run("", "-c", "core.quotePath=true", "ls-tree", "--name-only", tree)), "\n")
	want := map[string]bool{}
	for _, n := range names {
		want[Quote(n)] = true
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("git prints %s, which Quote does not give for any name (%v)", g, want)
		}
	}
}

func TestQuoteList(t *testing.T) {
	paths := make([]string, 99_990)
	for i := range paths {
		paths[i] = fmt.Sprintf("code/f%d", i)
	}
	paths[1] = "code/evil\nline"
	got := QuoteList(paths, ", ")
	if !strings.HasSuffix(got, ", and 99,970 more files") || strings.Count(got, ", ") != MaxListed {
		t.Errorf("QuoteList of 99,990: %q", got)
	}
	if strings.Contains(got, "\n") || !strings.Contains(got, `"code/evil\nline"`) {
		t.Errorf("QuoteList did not quote: %q", got)
	}
	if len(got) > 500 {
		t.Errorf("QuoteList of 99,990 is %d bytes long", len(got))
	}
	if got := QuoteList([]string{"a", "b"}, ", "); got != "a, b" {
		t.Errorf("QuoteList short = %q", got)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 99970: "99,970", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %s", n, got)
		}
	}
}

func TestEscapeControl(t *testing.T) {
	for in, want := range map[string]string{
		"plain café line":           "plain café line",
		"\x1b[2Jclear\tand\x07bell": `\033[2Jclear\tand\abell`,
		"del\x7f":                   `del\177`,
	} {
		if got := EscapeControl(in); got != want {
			t.Errorf("EscapeControl(%q) = %s, want %s", in, got, want)
		}
	}
}
