package cli_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fcsync/fcsync/fc/emulator"
)

// soak reports whether the long versions of the fault tests run (make
// soak sets FCSYNC_SOAK=1).
func soak() bool { return os.Getenv("FCSYNC_SOAK") != "" }

// testSeed is FCSYNC_SEED, else def: a failing run is replayed with the
// seed it prints.
func testSeed(t *testing.T, def uint64) uint64 {
	if s := os.Getenv("FCSYNC_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("FCSYNC_SEED: %v", err)
		}
		return n
	}
	return def
}

// TestKilledProcess (issue 9, "Killed process"): fcsync is killed with
// SIGKILL at a random moment of clone, fetch, pull or push, or right after
// a ref of the live branch moves. After each kill: git fsck --strict is
// clean, no local commit or uncommitted edit is lost, and the next run of
// the same command completes (after removing a stale lock, as its message
// says to).
func TestKilledProcess(t *testing.T) { killedTest(t, fleetFC2, 10) }

// TestKilledProcessFC3 is TestKilledProcess on an FC 3.0 project (issue 14).
func TestKilledProcessFC3(t *testing.T) { killedTest(t, fleetFC3, 10) }

func killedTest(t *testing.T, api fleetAPI, trials int) {
	if testing.Short() {
		t.Skip("builds fcsync and kills it repeatedly")
	}
	if soak() {
		trials = 60
	}
	seed := testSeed(t, 9)
	rng := rand.New(rand.NewPCG(seed, 1))
	bin := buildFcsync(t)
	srv := startEmulator(t)
	dir := t.TempDir()
	setTestEnv(t, srv, dir)
	const fleet = 12
	api.make(t, srv, dir, fleet)
	proj := filepath.Join(dir, "proj")
	if out, code := runBin(t, bin, dir, api.clone(proj)...); code != 0 {
		t.Fatalf("clone: exit %d\n%s", code, out)
	}
	liveRef := filepath.Join(proj, ".git", "refs", "heads", "fcsync", "live", "cn-hangzhou")
	// Latency makes every command last long enough to be killed inside.
	srv.SetFaults(emulator.Faults{Latency: 5 * time.Millisecond, Jitter: 20 * time.Millisecond, Seed: int64(seed)})

	outcomes := map[string]int{}
	for i := range trials {
		command := []string{"clone", "fetch", "pull", "push"}[rng.IntN(4)]
		args := []string{command}
		where := proj
		notes := ""
		fn := rng.IntN(fleet)
		mem := 128 + 64*(1+rng.IntN(15))
		switch command {
		case "clone":
			where = dir
			args = api.clone(filepath.Join(dir, fmt.Sprintf("clone%d", i)))
		case "fetch", "pull":
			api.consoleMemory(t, srv, fn, mem)
			// An uncommitted edit that no fetch or pull may lose.
			notes = fmt.Sprintf("trial %d\n", i)
			write(t, proj, "NOTES.txt", notes)
		case "push":
			os.Remove(filepath.Join(proj, "NOTES.txt")) // push deploys a clean project
			// Online edits of earlier fetch trials would make push refuse.
			if out, code := runBin(t, bin, proj, "pull"); code != 0 {
				t.Fatalf("trial %d: pull before push: exit %d\n%s", i, code, out)
			}
			api.setMemory(t, proj, fn, mem)
			gitCmd(t, proj, "commit", "-qam", fmt.Sprintf("trial %d: %s memory %d", i, api.name(fn), mem), "--allow-empty")
		}
		head := gitOut(t, proj, "rev-parse", "HEAD")

		cmd := exec.Command(bin, args...)
		cmd.Dir = where
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		moment := "at random"
		var killed bool
		if command != "clone" && rng.IntN(3) == 0 {
			moment = "after a ref moved"
			killed = killWhenChanged(cmd, exited, liveRef)
		} else {
			killed = killAfter(cmd, exited, time.Duration(rng.Int64N(int64(500*time.Millisecond))))
		}
		outcome := "finished before the kill"
		if !killed && !cmd.ProcessState.Success() {
			t.Fatalf("trial %d: %s, not killed, failed: %v\n%s", i, command, cmd.ProcessState, out.String())
		}
		if killed {
			outcome = "killed " + moment
		}
		outcomes[command+" "+outcome]++
		t.Logf("trial %d: %s %s", i, command, outcome)

		// The repository is sound and nothing local is lost.
		repo := proj
		if command == "clone" {
			repo = args[len(args)-1]
		}
		if _, err := os.Stat(filepath.Join(repo, ".git")); err == nil {
			gitCmd(t, repo, "fsck", "--strict")
		}
		gitCmd(t, proj, "merge-base", "--is-ancestor", head, "HEAD")
		if notes != "" {
			if b, err := os.ReadFile(filepath.Join(proj, "NOTES.txt")); err != nil || string(b) != notes {
				t.Fatalf("trial %d: the uncommitted edit was lost: %q, %v", i, b, err)
			}
		}

		// The next run of the same command completes; a clone that got to
		// its end is complete instead, as git clone would be.
		if command == "clone" && cloneDone(repo) {
			args, where = []string{"status", "--exit-code"}, repo
		}
		again, code := runBin(t, bin, where, args...)
		if code == 1 && strings.Contains(again, "stale lock") {
			outcomes["stale lock removed as told"]++
			os.Remove(filepath.Join(proj, ".git", "fcsync.lock"))
			again, code = runBin(t, bin, where, args...)
		}
		if code != 0 {
			t.Fatalf("trial %d (seed %d): %s after the kill: exit %d\n%s\nkilled run's output:\n%s", i, seed, command, code, again, out.String())
		}
	}
	srv.SetFaults(emulator.Faults{})
	if out, code := runBin(t, bin, proj, "pull"); code != 0 {
		t.Fatalf("final pull: exit %d\n%s", code, out)
	}
	os.Remove(filepath.Join(proj, "NOTES.txt"))
	if out, code := runBin(t, bin, proj, "status", "--exit-code"); code != 0 {
		t.Fatalf("final status: exit %d\n%s", code, out)
	}
	var keys []string
	for k := range outcomes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %3d  %s", outcomes[k], k)
	}
	t.Logf("killed process: %d trials (seed %d), fsck clean and next run completed after each:%s", trials, seed, b.String())
}

// killAfter kills cmd with SIGKILL after d unless it exited first; it
// reports whether the kill came first.
func killAfter(cmd *exec.Cmd, exited chan error, d time.Duration) bool {
	select {
	case <-exited:
		return false
	case <-time.After(d):
		cmd.Process.Kill()
		<-exited
		return true
	}
}

// killWhenChanged kills cmd the moment the file at ref changes (a ref
// moved), polling every half millisecond.
func killWhenChanged(cmd *exec.Cmd, exited chan error, ref string) bool {
	before, _ := os.ReadFile(ref)
	tick := time.NewTicker(500 * time.Microsecond)
	defer tick.Stop()
	for {
		select {
		case <-exited:
			return false
		case <-tick.C:
			if now, _ := os.ReadFile(ref); !bytes.Equal(now, before) {
				cmd.Process.Kill()
				<-exited
				return true
			}
		}
	}
}

// cloneDone reports whether dir holds a finished clone: there, without the
// marker of one in progress.
func cloneDone(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "fcsync.yaml")); err != nil {
		return false
	}
	for _, marker := range []string{".fcsync-clone-incomplete", ".git/.fcsync-clone-incomplete"} {
		if _, err := os.Stat(filepath.Join(dir, marker)); !os.IsNotExist(err) {
			return false
		}
	}
	return true
}
