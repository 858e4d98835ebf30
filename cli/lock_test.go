package cli_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/fcsync/fcsync/fc/emulator"
	"github.com/fcsync/fcsync/internal/fcconsole"
)

// cloneForTest starts an emulator with one function, clones it, and
// returns the emulator and the project folder. The environment points
// fcsync at the emulator.
func cloneForTest(t *testing.T) (*emulator.Server, string) {
	t.Helper()
	srv := startEmulator(t)
	dir := t.TempDir()
	setTestEnv(t, srv, dir)
	code := filepath.Join(dir, "code")
	write(t, code, "index.py", "def handler(e, c):\n    return 1\n")
	console := consoleFor(t, srv)
	for _, args := range [][]string{
		{"create-service", "demo"},
		{"create-function", "demo", "web", `{"runtime":"python3.10","handler":"index.handler"}`, code},
	} {
		if err := console.Run(args, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	proj := filepath.Join(dir, "proj")
	fcsync(t, "clone", "--region", "cn-hangzhou", "--service", "demo", proj)
	return srv, proj
}

// startEmulator starts an in-process emulator with the test key pair.
func startEmulator(t testing.TB) *emulator.Server {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command line")
	}
	srv, err := emulator.Start("127.0.0.1:0", emulator.Options{AccountID: testAccount, AccessKeyID: testKeyID, AccessKeySecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// setTestEnv points fcsync (in process and in child processes) at the
// emulator, and gives git a home and an identity of its own.
func setTestEnv(t testing.TB, srv *emulator.Server, home string) {
	for k, v := range map[string]string{
		"FC_ENDPOINT": srv.URL, "ALIBABA_CLOUD_ACCESS_KEY_ID": testKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": testSecret,
		"ALIBABA_CLOUD_ACCOUNT_ID": testAccount, "HOME": home, "GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com", "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com",
	} {
		t.Setenv(k, v)
	}
}

func consoleFor(t testing.TB, srv *emulator.Server) *fcconsole.Console {
	c, err := fcconsole.New(srv.URL, testKeyID, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// runFcsync runs the test binary as fcsync in a child process and returns
// its combined output and exit code.
func runFcsync(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "FCSYNC_TEST_AS_CLI=1")
	return runCmd(t, cmd)
}

// TestConcurrentFetch starts two fetches together while FC is slow: one
// waits for nothing and fails with the lock error, or they run one after
// the other; either way the live branch gets exactly one new commit and the
// repository stays consistent.
func TestConcurrentFetch(t *testing.T) {
	srv, proj := cloneForTest(t)
	before := gitOut(t, proj, "rev-list", "--count", "fcsync/live/cn-hangzhou")
	if err := consoleFor(t, srv).Run([]string{"update-function", "demo", "web", `{"memorySize":512}`}, io.Discard); err != nil {
		t.Fatal(err)
	}
	srv.SetFaults(emulator.Faults{Latency: 150 * time.Millisecond})

	type result struct {
		out  string
		code int
	}
	results := make([]result, 2)
	var wg gosync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, code := runFcsync(t, "--dir", proj, "fetch")
			results[i] = result{out, code}
		}()
	}
	wg.Wait()

	succeeded := 0
	for _, r := range results {
		t.Logf("fetch exited %d:\n%s", r.code, r.out)
		switch {
		case r.code == 0:
			succeeded++
		case r.code == 1 && strings.Contains(r.out, "fcsync.lock") && strings.Contains(r.out, "locked by pid"):
		default:
			t.Fatalf("fetch exited %d without the lock error:\n%s", r.code, r.out)
		}
	}
	if succeeded == 0 {
		t.Fatalf("no fetch succeeded: %+v", results)
	}
	after := gitOut(t, proj, "rev-list", "--count", "fcsync/live/cn-hangzhou")
	if want := fmt.Sprint(atoiT(t, before) + 1); after != want {
		t.Fatalf("live branch has %s commits, want %s", after, want)
	}
	gitOut(t, proj, "fsck", "--strict")
	if _, err := os.Stat(filepath.Join(proj, ".git", "fcsync.lock")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("lock left behind: %v", err)
	}
}

// TestStaleLock: a lock left by a killed process is detected and named,
// and nothing is written.
func TestStaleLock(t *testing.T) {
	_, proj := cloneForTest(t)
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(proj, ".git", "fcsync.lock")
	content := fmt.Sprintf("pid %d\nhost %s\nstarted 2026-01-01T00:00:00Z\n", dead.Process.Pid, host)
	if err := os.WriteFile(lock, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	tip := gitOut(t, proj, "rev-parse", "fcsync/live/cn-hangzhou")
	out, code := runFcsync(t, "--dir", proj, "fetch")
	if code != 1 || !strings.Contains(out, lock) || !strings.Contains(out, "stale lock") || !strings.Contains(out, "rm "+lock) {
		t.Fatalf("exit %d, want 1 naming the stale lock %s:\n%s", code, lock, out)
	}
	if got := gitOut(t, proj, "rev-parse", "fcsync/live/cn-hangzhou"); got != tip {
		t.Fatal("live branch moved under a stale lock")
	}
	if _, err := os.Stat(lock); err != nil {
		t.Fatal("the stale lock was removed silently")
	}
}

func atoiT(t *testing.T, s string) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
