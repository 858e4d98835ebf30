package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc/emulator"
)

// FC 3.0 has no If-Match (issue 14, item 5): push reads each function it
// updates again right before the write, and one edited in the console
// since it was listed is refused as drift, with nothing written. Without
// that read the edit would be overwritten silently.
func TestFC3EditBeforeWriteIsDrift(t *testing.T) {
	srv := startEmulator(t)
	dir := t.TempDir()
	setTestEnv(t, srv, dir)
	proj := filepath.Join(dir, "proj")
	fcsync(t, "init", "--api", "fc3", "--region", "cn-hangzhou", proj)
	write(t, proj, "functions/web/function.yaml", "runtime: python3.10\nhandler: index.handler\nmemorySize: 512\ntimeout: 3\n")
	write(t, proj, "functions/web/code/index.py", "def handler(e, c):\n    return 1\n")
	gitCmd(t, proj, "add", "-A")
	gitCmd(t, proj, "commit", "-q", "-m", "web")
	fcsync(t, "--dir", proj, "push")

	write(t, proj, "functions/web/function.yaml", "runtime: python3.10\nhandler: index.handler\nmemorySize: 512\ntimeout: 9\n")
	gitCmd(t, proj, "commit", "-q", "-am", "timeout 9")
	srv.ResetStats()
	srv.SetFaults(emulator.Faults{EditBefore: map[string]int{"GetFunction": 1}})
	out, code := run("--dir", proj, "push")
	if code != 3 || !strings.Contains(out, "changed online during the push") {
		t.Fatalf("push: exit %d, want 3 naming the change\n%s", code, out)
	}
	if n := srv.Stats()["UpdateFunction"]; n != 0 {
		t.Fatalf("%d UpdateFunction calls after the console edit was seen", n)
	}
	if n := srv.Stats()["GetFunction"]; n != 1 {
		t.Fatalf("GetFunction called %d times, want the one read before the write", n)
	}
}
