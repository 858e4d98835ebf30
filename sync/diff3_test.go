package sync

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// gitLabels are the labels the tests pass to both MergeText and git.
var gitLabels = TextMergeLabels{Ours: "HEAD", Base: "base", Theirs: "theirs"}

// gitMergeFile runs `git merge-file -p` on the three inputs and returns its
// output and conflict count (its exit code, which git caps at 127). It skips
// the test when git is not installed. Git runs outside any repository and
// with no user or system configuration, so a merge.conflictStyle setting
// cannot change its output.
func gitMergeFile(t testing.TB, base, ours, theirs []byte) ([]byte, int) {
	t.Helper()
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"base": base, "ours": ours, "theirs": theirs} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(gitPath, "merge-file", "-p",
		"-L", gitLabels.Ours, "-L", gitLabels.Base, "-L", gitLabels.Theirs,
		"ours", "base", "theirs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CEILING_DIRECTORIES="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out, 0
	case errors.As(err, &exit) && exit.ExitCode() > 0 && exit.ExitCode() <= 127:
		return out, exit.ExitCode()
	default:
		t.Fatalf("git merge-file: %v: %s", err, stderr.Bytes())
		return nil, 0
	}
}

// checkAgainstGit fails t when MergeText and git merge-file disagree.
func checkAgainstGit(t *testing.T, base, ours, theirs []byte) {
	t.Helper()
	want, wantConflicts := gitMergeFile(t, base, ours, theirs)
	got, conflicts := MergeText(base, ours, theirs, gitLabels)
	if !bytes.Equal(got, want) || min(conflicts, 127) != wantConflicts {
		t.Errorf("MergeText differs from git merge-file\nbase:   %q\nours:   %q\ntheirs: %q\n"+
			"got (%d conflicts):\n%q\ngit (%d conflicts):\n%q",
			base, ours, theirs, conflicts, got, wantConflicts, want)
	}
}

// readCase reads testdata/diff3/<name>/{base,ours,theirs}.
func readCase(t *testing.T, dir string) (base, ours, theirs []byte) {
	t.Helper()
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	return read("base"), read("ours"), read("theirs")
}

func diff3Cases(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "diff3", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 40 {
		t.Fatalf("diff3 corpus has %d cases, want at least 40", len(dirs))
	}
	return dirs
}

func TestMergeTextMatchesGit(t *testing.T) {
	t.Parallel()
	for _, dir := range diff3Cases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			base, ours, theirs := readCase(t, dir)
			checkAgainstGit(t, base, ours, theirs)
		})
	}
}

// TestMergeTextProperties checks the laws any three-way merge must obey on
// every corpus case: a side equal to the base yields the other side, and
// two equal sides yield that side without conflicts.
func TestMergeTextProperties(t *testing.T) {
	t.Parallel()
	for _, dir := range diff3Cases(t) {
		base, ours, theirs := readCase(t, dir)
		for _, x := range [][]byte{base, ours, theirs} {
			if got, n := MergeText(base, x, base, gitLabels); !bytes.Equal(got, x) || n != 0 {
				t.Errorf("%s: merge(base, x, base) = %q (%d conflicts), want %q", dir, got, n, x)
			}
			if got, n := MergeText(base, base, x, gitLabels); !bytes.Equal(got, x) || n != 0 {
				t.Errorf("%s: merge(base, base, y) = %q (%d conflicts), want %q", dir, got, n, x)
			}
			if got, n := MergeText(base, x, x, gitLabels); !bytes.Equal(got, x) || n != 0 {
				t.Errorf("%s: merge(base, x, x) = %q (%d conflicts), want %q", dir, got, n, x)
			}
		}
	}
}

func TestMergeTextMarkers(t *testing.T) {
	t.Parallel()
	base := []byte("a\nb\nc\n")
	ours := []byte("a\nB1\nc\n")
	theirs := []byte("a\nB2\nc\n")
	labels := TextMergeLabels{Ours: "HEAD", Base: "sync point", Theirs: "fcsync/live/cn-hangzhou"}
	got, n := MergeText(base, ours, theirs, labels)
	want := "a\n<<<<<<< HEAD\nB1\n=======\nB2\n>>>>>>> fcsync/live/cn-hangzhou\nc\n"
	if string(got) != want || n != 1 {
		t.Errorf("MergeText = %q (%d conflicts), want %q (1 conflict)", got, n, want)
	}
	got, _ = MergeText(base, ours, theirs, TextMergeLabels{})
	if want := "a\n<<<<<<<\nB1\n=======\nB2\n>>>>>>>\nc\n"; string(got) != want {
		t.Errorf("MergeText without labels = %q, want %q", got, want)
	}
}

func TestIsBinary(t *testing.T) {
	t.Parallel()
	late := append(bytes.Repeat([]byte("x"), binaryProbeSize), 0)
	for _, tc := range []struct {
		data []byte
		want bool
	}{
		{nil, false},
		{[]byte("print('hi')\n"), false},
		{[]byte("PK\x03\x04\x00\x00"), true},
		{late, false},
		{late[1:], true},
	} {
		if got := IsBinary(tc.data); got != tc.want {
			t.Errorf("IsBinary(%q...) = %v, want %v", tc.data[:min(len(tc.data), 8)], got, tc.want)
		}
	}
}

// fuzzLines is the alphabet fuzz inputs are spelled in: few enough lines
// that repeats (and so ambiguous diffs) are common, with blank and
// punctuation-only lines for the alnum rule and a CRLF line.
var fuzzLines = []string{"a\n", "b\n", "c\n", "}\n", "\n", "d\r\n", "  a\n", "e\n"}

// fuzzText spells each byte of data as one line of fuzzLines; a byte with
// its high bit set drops the line feed when it is the last one.
func fuzzText(data []byte) []byte {
	var out []byte
	for i, b := range data {
		line := fuzzLines[int(b)%len(fuzzLines)]
		if i == len(data)-1 && b&0x80 != 0 {
			line = line[:len(line)-1]
		}
		out = append(out, line...)
	}
	return out
}

func FuzzMergeText(f *testing.F) {
	f.Add([]byte{0, 1, 2}, []byte{0, 7, 2}, []byte{0, 6, 2})
	f.Add([]byte{0, 1, 3, 4, 2}, []byte{0, 5, 3, 4, 6}, []byte{0, 7, 3, 4, 1})
	f.Add([]byte{}, []byte{0, 1}, []byte{0, 2})
	f.Add([]byte{0, 1, 2}, []byte{0, 1, 0x82}, []byte{0, 1, 2, 3})
	f.Add([]byte{0, 0, 0, 1}, []byte{0, 0, 1}, []byte{0, 1, 0, 0})
	f.Fuzz(func(t *testing.T, base, ours, theirs []byte) {
		checkAgainstGit(t, fuzzText(base), fuzzText(ours), fuzzText(theirs))
	})
}
