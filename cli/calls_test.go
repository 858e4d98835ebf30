package cli_test

import (
	"io"
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
// function adds one Get for its ETag and one write. The service's tags and
// VPC bindings are one read each (FC keeps them apart from the service);
// no layer is in scope, so there is no ListLayers.
func TestCallCounts(t *testing.T) {
	srv, proj := cloneMany(t, 50)
	reads := map[string]int{"GetService": 1, "ListServiceVersions": 1, "GetResourceTags": 1, "ListVpcBindings": 1, "ListAliases": 1,
		"ListFunctions": 1, "ListTriggers": 50, "ListCustomDomains": 1}
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

// Without a services list, fetch reads every service with one ListServices
// (no GetService each), every service's tags with one ListTaggedResources,
// and the account's layers with one ListLayers; a push that only tags a
// service sends one TagResource, and reads no ETag it has no use for.
func TestCallCountsAllServices(t *testing.T) {
	srv := startEmulator(t)
	dir := t.TempDir()
	setTestEnv(t, srv, dir)
	console := consoleFor(t, srv)
	for _, svc := range []string{"a", "b", "c"} {
		if err := console.Run([]string{"create-service", svc}, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	proj := filepath.Join(dir, "proj")
	fcsync(t, "clone", "--region", "cn-hangzhou", proj)
	reads := map[string]int{"ListServices": 1, "ListServiceVersions": 3, "ListTaggedResources": 1, "ListVpcBindings": 3,
		"ListAliases": 3, "ListFunctions": 3, "ListCustomDomains": 1, "ListLayers": 1}
	srv.ResetStats()
	fcsync(t, "--dir", proj, "fetch")
	if got := srv.Stats(); !reflect.DeepEqual(got, reads) {
		t.Fatalf("no-op fetch: calls %v, want %v", got, reads)
	}
	p := filepath.Join(proj, "services", "b", "service.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	write(t, proj, "services/b/service.yaml", string(data)+"tags:\n  team: web\n")
	gitCmd(t, proj, "commit", "-q", "-am", "tag b")
	srv.ResetStats()
	fcsync(t, "--dir", proj, "push")
	want := map[string]int{"TagResource": 1}
	for k, v := range reads {
		want[k] = v
	}
	if got := srv.Stats(); !reflect.DeepEqual(got, want) {
		t.Fatalf("push of one tag: calls %v, want %v", got, want)
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
