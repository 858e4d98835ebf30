package cli_test

import (
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc/emulator"
)

// The API calls of the commonest commands on a 50-function fleet, pinned
// (issue 12): a no-op fetch and a no-op push make exactly the reads of a
// fetch (lists carry everything but ETags): one list of the account's
// provision configs and one of its on-demand configs, whatever the number
// of functions, and one list of async invocation configs per function (FC
// has no other); the service's tags and VPC bindings are one read each (FC
// keeps them apart from the service); no layer is in scope, so there is no
// ListLayers. A push of one changed function adds one Get for its ETag
// and one write; of one on-demand cap, one Get of that qualifier's config
// for its ETag and one PUT; of one provision target, one PUT (FC has no
// ETag for it); a new config, one PUT and no Get.
func TestCallCounts(t *testing.T) {
	srv, proj := cloneMany(t, 50)
	reads := map[string]int{"GetService": 1, "ListServiceVersions": 1, "GetResourceTags": 1, "ListVpcBindings": 1, "ListAliases": 1,
		"ListFunctions": 1, "ListTriggers": 50, "ListCustomDomains": 1,
		"ListProvisionConfigs": 1, "ListOnDemandConfigs": 1, "ListFunctionAsyncInvokeConfigs": 50}
	for _, cmd := range []string{"fetch", "push"} {
		srv.ResetStats()
		fcsync(t, "--dir", proj, cmd)
		if got := srv.Stats(); !reflect.DeepEqual(got, reads) {
			t.Fatalf("no-op %s: calls %v, want %v", cmd, got, reads)
		}
	}
	push := func(what, file, content string, writes map[string]int) {
		t.Helper()
		write(t, proj, file, content)
		gitCmd(t, proj, "add", "-A")
		gitCmd(t, proj, "commit", "-q", "-m", what)
		srv.ResetStats()
		fcsync(t, "--dir", proj, "push")
		want := maps.Clone(reads)
		maps.Copy(want, writes)
		if got := srv.Stats(); !reflect.DeepEqual(got, want) {
			t.Fatalf("push of %s: calls %v, want %v", what, got, want)
		}
	}
	p := filepath.Join(proj, "services", "demo", "functions", "fn07", "function.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	push("one function", "services/demo/functions/fn07/function.yaml", strings.Replace(string(data), "timeout: 3\n", "timeout: 9\n", 1),
		map[string]int{"GetFunction": 1, "UpdateFunction": 1})
	push("a new on-demand cap", "services/demo/functions/fn07/on-demand.yaml", "LATEST:\n  maximumInstanceCount: 5\n",
		map[string]int{"PutFunctionOnDemandConfig": 1})
	push("an on-demand cap", "services/demo/functions/fn07/on-demand.yaml", "LATEST:\n  maximumInstanceCount: 6\n",
		map[string]int{"GetFunctionOnDemandConfig": 1, "PutFunctionOnDemandConfig": 1})
	push("a new provision target", "services/demo/functions/fn07/provision.yaml", "LATEST:\n  target: 1\n",
		map[string]int{"PutProvisionConfig": 1})
	push("a provision target", "services/demo/functions/fn07/provision.yaml", "LATEST:\n  target: 2\n",
		map[string]int{"PutProvisionConfig": 1})
	push("an async config", "services/demo/functions/fn07/async-invoke.yaml", "LATEST:\n  maxAsyncRetryAttempts: 1\n",
		map[string]int{"PutFunctionAsyncInvokeConfig": 1})
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
		"ListAliases": 3, "ListFunctions": 3, "ListCustomDomains": 1, "ListLayers": 1,
		"ListProvisionConfigs": 1, "ListOnDemandConfigs": 1}
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

// An on-demand cap edited in the console during a push is never
// overwritten: between push's list and its Get for the ETag, the Get sees
// the new value and the push stops before writing; between that Get and the
// PUT, If-Match (that qualifier's ETag) makes FC refuse the write.
func TestOnDemandEditedDuringPush(t *testing.T) {
	srv, proj := cloneMany(t, 2)
	write(t, proj, "services/demo/functions/fn01/on-demand.yaml", "LATEST:\n  maximumInstanceCount: 5\n")
	gitCmd(t, proj, "add", "-A")
	gitCmd(t, proj, "commit", "-q", "-m", "cap")
	fcsync(t, "--dir", proj, "push")
	console := consoleFor(t, srv)
	online := func() string {
		var b strings.Builder
		if err := console.Run([]string{"get-on-demand", "demo", "fn01", "LATEST"}, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	write(t, proj, "services/demo/functions/fn01/on-demand.yaml", "LATEST:\n  maximumInstanceCount: 9\n")
	gitCmd(t, proj, "commit", "-q", "-am", "cap 9")

	// The emulator's concurrent edit raises the cap by one: 5 -> 6.
	srv.SetFaults(emulator.Faults{EditBefore: map[string]int{"GetFunctionOnDemandConfig": 1}})
	srv.ResetStats()
	out, code := run("--dir", proj, "push")
	if code != 3 || !strings.Contains(out, "on-demand demo/fn01 changed online during the push") {
		t.Fatalf("edit before the Get: push exit %d, want 3\n%s", code, out)
	}
	if n := srv.Stats()["PutFunctionOnDemandConfig"]; n != 0 || !strings.Contains(online(), `"maximumInstanceCount": 6`) {
		t.Fatalf("edit before the Get: %d writes, online %s", n, online())
	}

	fcsync(t, "--dir", proj, "pull", "--use-local")
	srv.SetFaults(emulator.Faults{EditBefore: map[string]int{"PutFunctionOnDemandConfig": 1}})
	out, code = run("--dir", proj, "push")
	if code == 0 || !strings.Contains(out, "on-demand demo/fn01") {
		t.Fatalf("edit before the PUT: push exit %d, want a refusal\n%s", code, out)
	}
	if !strings.Contains(online(), `"maximumInstanceCount": 7`) {
		t.Fatalf("edit before the PUT was overwritten: online %s", online())
	}
}
