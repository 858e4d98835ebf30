package gitstate

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// lockHelperEnv makes the test binary act as a second fcsync process: it
// takes the lock of the repository named there, prints the outcome and holds
// the lock until its standard input closes.
const lockHelperEnv = "GITSTATE_LOCK_HELPER"

func TestMain(m *testing.M) {
	if dir := os.Getenv(lockHelperEnv); dir != "" {
		os.Exit(lockHelper(dir))
	}
	os.Exit(m.Run())
}

func lockHelper(dir string) int {
	r, err := Open(dir)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	release, err := r.Lock()
	if errors.Is(err, ErrLocked) {
		fmt.Println("locked")
		return 0
	}
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("won")
	bufio.NewReader(os.Stdin).ReadString('\n') // hold until the test lets go
	if err := release(); err != nil {
		return 1
	}
	return 0
}

func TestLockProcessesRace(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	type proc struct {
		cmd   *exec.Cmd
		stdin interface{ Close() error }
		out   *bufio.Reader
	}
	var procs []proc
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), lockHelperEnv+"="+r.Root())
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, proc{cmd, stdin, bufio.NewReader(stdout)})
	}
	var outcomes []string
	for _, p := range procs {
		line, _ := p.out.ReadString('\n')
		outcomes = append(outcomes, strings.TrimSpace(line))
	}
	for _, p := range procs {
		p.stdin.Close()
		if err := p.cmd.Wait(); err != nil {
			t.Errorf("helper: %v", err)
		}
	}
	if !(outcomes[0] == "won" && outcomes[1] == "locked" || outcomes[0] == "locked" && outcomes[1] == "won") {
		t.Fatalf("outcomes = %q, want one won and one locked", outcomes)
	}
	if _, err := os.Stat(filepath.Join(r.common, lockName)); !os.IsNotExist(err) {
		t.Fatalf("lock file left after release: %v", err)
	}
}

func TestLockGoroutinesRace(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	const n = 8
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		errs     = make([]error, n)
		releases = make([]func() error, n)
	)
	for i := range n {
		other, err := Open(r.Root())
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			releases[i], errs[i] = other.Lock()
		}()
	}
	close(start)
	wg.Wait()
	winners := 0
	path := filepath.Join(r.common, lockName)
	for i, err := range errs {
		switch {
		case err == nil:
			winners++
			defer releases[i]()
		case !errors.Is(err, ErrLocked):
			t.Fatalf("Lock = %v, want ErrLocked", err)
		case !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), fmt.Sprintf("locked by pid %d since", os.Getpid())):
			t.Fatalf("error does not name the file and holder: %v", err)
		case strings.Contains(err.Error(), "stale"):
			t.Fatalf("a live holder called stale: %v", err)
		}
	}
	if winners != 1 {
		t.Fatalf("%d goroutines got the lock, want 1", winners)
	}
}

func TestLockReleaseAndRetake(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	release, err := r.Lock()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Lock(); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock = %v", err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if err := release(); err != nil {
		t.Fatalf("second release = %v", err)
	}
	release, err = r.Lock()
	if err != nil {
		t.Fatalf("Lock after release = %v", err)
	}
	release()
}

func TestLockStale(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	dead := exec.Command(os.Args[0], "-test.run=^$")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	path := filepath.Join(r.common, lockName)
	content := fmt.Sprintf("pid %d\nhost %s\nstarted 2024-01-02T03:04:05Z\n", dead.Process.Pid, host)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := r.Lock()
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Lock = %v, want ErrLocked", err)
	}
	for _, want := range []string{path, fmt.Sprintf("pid %d since 2024-01-02T03:04:05Z", dead.Process.Pid), "stale lock left by a killed process", "rm " + path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("stale lock removed silently: %v", err)
	}

	// The same pid on another host cannot be checked, so it is not stale.
	other := fmt.Sprintf("pid %d\nhost elsewhere.example\nstarted 2024-01-02T03:04:05Z\n", dead.Process.Pid)
	if err := os.WriteFile(path, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = r.Lock()
	if !errors.Is(err, ErrLocked) || strings.Contains(err.Error(), "stale") || !strings.Contains(err.Error(), "on host elsewhere.example") {
		t.Fatalf("Lock with a foreign holder = %v", err)
	}
}
