package cli_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/cli"
)

// TestDiffColour: diff is coloured on a terminal, and never with --no-color
// or NO_COLOR, nor when the output is not a terminal.
func TestDiffColour(t *testing.T) {
	_, proj := cloneForTest(t)
	p := filepath.Join(proj, "services", "demo", "functions", "web", "code", "index.py")
	if err := os.WriteFile(p, []byte("def handler(e, c):\n    return 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	diff := func(terminal bool, args ...string) string {
		var out bytes.Buffer
		st := cli.Streams{In: strings.NewReader(""), Out: &out, Err: io.Discard, OutTerminal: terminal}
		if code := cli.Main(append([]string{"--dir", proj}, append(args, "diff")...), st); code != 0 {
			t.Fatalf("diff: exit %d\n%s", code, out.String())
		}
		if !strings.Contains(out.String(), "return 2") {
			t.Fatalf("diff does not show the change:\n%s", out.String())
		}
		return out.String()
	}
	t.Setenv("NO_COLOR", "") // set but empty means nothing (no-color.org)
	if got := diff(true); !strings.Contains(got, "\x1b[32m+    return 2\x1b[0m") {
		t.Fatalf("no colour on a terminal:\n%q", got)
	}
	if got := diff(false); strings.Contains(got, "\x1b[") {
		t.Fatalf("colour when not on a terminal:\n%q", got)
	}
	if got := diff(true, "--no-color"); strings.Contains(got, "\x1b[") {
		t.Fatalf("colour despite --no-color:\n%q", got)
	}
	t.Setenv("NO_COLOR", "1")
	if got := diff(true); strings.Contains(got, "\x1b[") {
		t.Fatalf("colour despite NO_COLOR:\n%q", got)
	}
}
