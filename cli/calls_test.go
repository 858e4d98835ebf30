package cli_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc/emulator"
)

// The API calls of the commonest commands on a 50-function fleet, pinned
// (issue 12): a no-op fetch and a no-op push make exactly the reads of a
// fetch (lists carry everything but ETags), and a push of one changed
// function adds one Get for its ETag and one write.
func TestCallCounts(t *testing.T) {
	srv, proj := cloneMany(t, 50)
	reads := map[string]int{"GetService": 1, "ListFunctions": 1, "ListAliases": 1, "ListServiceVersions": 1, "ListTriggers": 50, "ListCustomDomains": 1}
	for _, cmd := range []string{"fetch", "push"} {
		srv.ResetStats()
		fcsync(t, "--dir", proj, cmd)
		if got := srv.Stats(); !reflect.DeepEqual(got, reads) {
			t.Fatalf("no-op %s: calls %v, want %v", cmd, got, reads)
		}
	}
	p := filepath.Join(proj, "services", "demo", "functions", "fn07", "function.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	write(t, proj, "services/demo/functions/fn07/function.yaml", strings.Replace(string(data), "timeout: 3\n", "timeout: 9\n", 1))
	gitCmd(t, proj, "commit", "-q", "-am", "fn07")
	srv.ResetStats()
	fcsync(t, "--dir", proj, "push")
	want := map[string]int{"GetFunction": 1, "UpdateFunction": 1}
	for k, v := range reads {
		want[k] = v
	}
	if got := srv.Stats(); !reflect.DeepEqual(got, want) {
		t.Fatalf("push of one function: calls %v, want %v", got, want)
	}
}

// A resource edited in the console between push's list and its Get for the
// ETag is refused before anything is written, as If-Match would refuse it.
func TestEditBetweenListAndGetIsDrift(t *testing.T) {
	srv, proj := cloneMany(t, 3)
	p := filepath.Join(proj, "services", "demo", "functions", "fn01", "function.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	write(t, proj, "services/demo/functions/fn01/function.yaml", strings.Replace(string(data), "timeout: 3\n", "timeout: 9\n", 1))
	gitCmd(t, proj, "commit", "-q", "-am", "fn01")
	srv.SetFaults(emulator.Faults{EditBefore: map[string]int{"GetFunction": 1}})
	out, code := run("--dir", proj, "push")
	if code != 3 || !strings.Contains(out, "changed online during the push") {
		t.Fatalf("push: exit %d, want 3\n%s", code, out)
	}
	if n := srv.Stats()["UpdateFunction"]; n != 0 {
		t.Fatalf("%d writes after the edit was seen", n)
	}
	assertOnline(t, srv, "fn01", `"timeout": 3`, "edited concurrently")
}
