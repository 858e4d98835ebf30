package cli_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fcsync/fcsync/cli"
	"github.com/fcsync/fcsync/fc/emulator"
)

// cloneMany clones a service with n functions, each with one trigger.
func cloneMany(tb testing.TB, n int) (*emulator.Server, string) {
	srv := startEmulator(tb)
	dir := tb.TempDir()
	setTestEnv(tb, srv, dir)
	code := filepath.Join(dir, "code")
	write(tb, code, "index.py", "def handler(e, c):\n    return 1\n")
	console := consoleFor(tb, srv)
	run := func(args ...string) {
		if err := console.Run(args, io.Discard); err != nil {
			tb.Fatal(err)
		}
	}
	run("create-service", "demo")
	for i := range n {
		fn := fmt.Sprintf("fn%02d", i)
		run("create-function", "demo", fn, `{"runtime":"python3.10","handler":"index.handler"}`, code)
		run("create-trigger", "demo", fn, "http", "http", `{"authType":"anonymous","methods":["GET"]}`)
	}
	proj := filepath.Join(dir, "proj")
	fcsync(tb, "clone", "--region", "cn-hangzhou", "--service", "demo", proj)
	return srv, proj
}

// TestFetchConcurrencyBounded: fetch's API calls run in parallel, never
// more at once than --concurrency.
func TestFetchConcurrencyBounded(t *testing.T) {
	srv, proj := cloneMany(t, 12)
	srv.SetFaults(emulator.Faults{Latency: 30 * time.Millisecond})
	for _, conc := range []int{1, 4} {
		srv.ResetStats()
		fcsync(t, "--dir", proj, "--concurrency", fmt.Sprint(conc), "fetch")
		got := srv.MaxInFlight()
		if got > conc || (conc > 1 && got < 2) {
			t.Fatalf("--concurrency %d: the emulator saw %d requests at once", conc, got)
		}
		t.Logf("--concurrency %d: at most %d requests at once", conc, got)
	}
}

// TestPushConcurrencyBounded: push applies the operations of one level
// (here, twelve function updates) in parallel, never more at once than
// --concurrency.
func TestPushConcurrencyBounded(t *testing.T) {
	srv, proj := cloneMany(t, 12)
	for i := range 12 {
		p := filepath.Join(proj, "services", "demo", "functions", fmt.Sprintf("fn%02d", i), "function.yaml")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		write(t, proj, strings.TrimPrefix(p, proj+"/"), strings.Replace(string(data), "timeout: 3\n", "timeout: 7\n", 1))
	}
	gitCmd(t, proj, "commit", "-q", "-am", "timeouts")
	srv.SetFaults(emulator.Faults{Latency: 30 * time.Millisecond})
	srv.ResetStats()
	fcsync(t, "--dir", proj, "--concurrency", "3", "push")
	if n := srv.Stats()["UpdateFunction"]; n != 12 {
		t.Fatalf("%d UpdateFunction calls, want 12", n)
	}
	if got := srv.MaxInFlight(); got > 3 || got < 2 {
		t.Fatalf("--concurrency 3: the emulator saw %d requests at once", got)
	}
}

// BenchmarkFetch measures a fetch of 20 functions and their triggers (no
// change online, so no commit) with 20 ms of latency per API call, serial
// and parallel: the figure that matters against a real FC endpoint, where
// each call is a network round trip.
func BenchmarkFetch(b *testing.B) {
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			srv, proj := cloneMany(b, 20)
			srv.SetFaults(emulator.Faults{Latency: 20 * time.Millisecond})
			b.ResetTimer()
			for range b.N {
				var out strings.Builder
				args := []string{"--dir", proj, "--concurrency", fmt.Sprint(conc), "fetch"}
				if code := cli.Main(args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &out}); code != 0 {
					b.Fatalf("fetch: exit %d\n%s", code, out.String())
				}
			}
		})
	}
}
