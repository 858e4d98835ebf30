package cli_test

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/fcsync/fcsync/fc/emulator"
)

// pushReady clones a small fleet and commits a change to every function,
// so that a push has several writes to make.
func pushReady(t *testing.T, bin string) (*emulator.Server, string) {
	srv := startEmulator(t)
	dir := t.TempDir()
	setTestEnv(t, srv, dir)
	makeFleet(t, srv, dir, 6)
	proj := filepath.Join(dir, "proj")
	if out, code := runBin(t, bin, dir, "clone", "--region", "cn-hangzhou", proj); code != 0 {
		t.Fatalf("clone: exit %d\n%s", code, out)
	}
	for i := range 6 {
		svc, fn := fleetFunction(i)
		setMemory(t, proj, svc, fn, 256)
	}
	gitCmd(t, proj, "commit", "-qam", "more memory")
	return srv, proj
}

func lockGone(t *testing.T, proj string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(proj, ".git", "fcsync.lock")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the lock was left behind: %v", err)
	}
}

// Issue 9 hole 9: fcsync push 2>&1 | head -1 died of SIGPIPE on its next
// line and left .git/fcsync.lock behind.
func TestBrokenPipeReleasesLock(t *testing.T) {
	bin := buildFcsync(t)
	srv, proj := pushReady(t, bin)
	// Latency spreads the output over time: head has gone before the
	// second line is written.
	srv.SetFaults(emulator.Faults{Latency: 50 * time.Millisecond})
	cmd := exec.Command("sh", "-c", `"$0" push 2>&1 | head -1`, bin)
	cmd.Dir = proj
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// head returns at once; the push goes on writing into the closed pipe.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(proj, ".git", "fcsync.lock")); errors.Is(err, os.ErrNotExist) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the lock is still held 30 s after the pipe closed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv.SetFaults(emulator.Faults{})
	if out, code := runBin(t, bin, proj, "status", "--exit-code"); code != 0 {
		t.Fatalf("the push whose output was cut did not finish: status exit %d\n%s", code, out)
	}
}

// Issue 9 hole 9: Ctrl-C stops the command cleanly: exit 130, lock
// released, repository sound, and the next push finishes the work.
func TestInterruptExits130(t *testing.T) {
	bin := buildFcsync(t)
	srv, proj := pushReady(t, bin)
	srv.SetFaults(emulator.Faults{Latency: 200 * time.Millisecond})
	cmd := exec.Command(bin, "push")
	cmd.Dir = proj
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The plan is printed before the first write: interrupt then.
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatal("push printed nothing")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
		t.Log(lines.Text())
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("interrupted push: %v, want exit 130", err)
	}
	lockGone(t, proj)
	gitCmd(t, proj, "fsck", "--strict")
	srv.SetFaults(emulator.Faults{})
	if out, code := runBin(t, bin, proj, "push"); code != 0 {
		t.Fatalf("push after the interrupted one: exit %d\n%s", code, out)
	}
	if out, code := runBin(t, bin, proj, "status", "--exit-code"); code != 0 {
		t.Fatalf("status: exit %d\n%s", code, out)
	}
}

// An interrupted clone removes what it created, so the retry is not
// blocked by "exists and is not empty".
func TestInterruptedCloneLeavesNothing(t *testing.T) {
	bin := buildFcsync(t)
	srv := startEmulator(t)
	dir := t.TempDir()
	setTestEnv(t, srv, dir)
	makeFleet(t, srv, dir, 6)
	srv.SetFaults(emulator.Faults{Latency: 200 * time.Millisecond})
	proj := filepath.Join(dir, "proj")
	cmd := exec.Command(bin, "clone", "--region", "cn-hangzhou", proj)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Once the folder exists, clone is under way.
	for {
		if _, err := os.Stat(proj); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("interrupted clone: %v, want exit 130", err)
	}
	if _, err := os.Stat(proj); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the interrupted clone left %s: %v", proj, err)
	}
	srv.SetFaults(emulator.Faults{})
	if out, code := runBin(t, bin, dir, "clone", "--region", "cn-hangzhou", proj); code != 0 {
		t.Fatalf("clone again: exit %d\n%s", code, out)
	}
}
