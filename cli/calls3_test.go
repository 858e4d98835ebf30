package cli_test

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/internal/fcconsole"
)

// The API calls of a no-op fetch and push on an FC 3.0 project of 30
// functions (issue 14), pinned as TestCallCounts pins FC 2.0's. FC 3.0 has
// no services: one ListFunctions answers for every function (a page per
// 100) with its tags; each function's triggers, aliases and versions are
// one list each (FC 3.0 lists them per function only); async, concurrency
// and provision configs, custom domains and layers are one account-wide
// list each, whatever the number of functions. A push of one changed
// function adds the read before the write (FC 3.0 has no If-Match) and
// the write. With a functions list, each tracked function is one
// GetFunction instead of the ListFunctions, and no layer is in scope.
func TestCallCountsFC3(t *testing.T) {
	const n = 30
	srv := startEmulator(t)
	dir := t.TempDir()
	setTestEnv(t, srv, dir)
	console, err := fcconsole.New3(srv.URL, testKeyID, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	code := filepath.Join(dir, "code")
	write(t, code, "index.py", "def handler(e, c):\n    return 1\n")
	for i := range n {
		fn := fmt.Sprintf("fn%02d", i)
		for _, args := range [][]string{
			{"create-function", fn, `{"runtime":"python3.10","handler":"index.handler"}`, code},
			{"create-trigger", fn, "http", "http", `{"authType":"anonymous","methods":["GET"]}`},
		} {
			if err := console.Run3(args, io.Discard); err != nil {
				t.Fatal(err)
			}
		}
	}
	reads := map[string]int{"ListFunctions": 1, "ListTriggers": n, "ListAliases": n, "ListFunctionVersions": n,
		"ListAsyncInvokeConfigs": 1, "ListConcurrencyConfigs": 1, "ListProvisionConfigs": 1, "ListCustomDomains": 1, "ListLayers": 1}
	proj := filepath.Join(dir, "proj")
	fcsync(t, "clone", "--api", "fc3", "--region", "cn-hangzhou", proj)
	for _, cmd := range []string{"fetch", "push"} {
		srv.ResetStats()
		fcsync(t, "--dir", proj, cmd)
		if got := srv.Stats(); !reflect.DeepEqual(got, reads) {
			t.Fatalf("no-op %s: calls %v, want %v", cmd, got, reads)
		}
	}
	p := filepath.Join(proj, "functions", "fn07", "function.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	write(t, proj, "functions/fn07/function.yaml", strings.Replace(string(data), "timeout: 3\n", "timeout: 9\n", 1))
	gitCmd(t, proj, "commit", "-q", "-am", "fn07")
	srv.ResetStats()
	fcsync(t, "--dir", proj, "push")
	want := maps.Clone(reads)
	maps.Copy(want, map[string]int{"GetFunction": 1, "UpdateFunction": 1})
	if got := srv.Stats(); !reflect.DeepEqual(got, want) {
		t.Fatalf("push of one function: calls %v, want %v", got, want)
	}

	two := filepath.Join(dir, "two")
	fcsync(t, "clone", "--api", "fc3", "--region", "cn-hangzhou", "--function", "fn01", "--function", "fn02", two)
	tracked := map[string]int{"GetFunction": 2, "ListTriggers": 2, "ListAliases": 2, "ListFunctionVersions": 2,
		"ListAsyncInvokeConfigs": 1, "ListConcurrencyConfigs": 1, "ListProvisionConfigs": 1, "ListCustomDomains": 1}
	srv.ResetStats()
	fcsync(t, "--dir", two, "fetch")
	if got := srv.Stats(); !reflect.DeepEqual(got, tracked) {
		t.Fatalf("no-op fetch of two tracked functions: calls %v, want %v", got, tracked)
	}
}
