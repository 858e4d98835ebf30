package cli_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hangingProxy forwards every request to the emulator, except that the
// first one matching method and path suffix is applied and then never
// answered: the push waits for it until it is killed.
type hangingProxy struct {
	target, method, pathEnd string
	applied                 chan struct{}
	release                 chan struct{}
	once                    bool
}

func (p *hangingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	resp, data, err := roundTrip(p.target, r, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if !p.once && r.Method == p.method && strings.HasSuffix(r.URL.Path, p.pathEnd) {
		p.once = true
		close(p.applied)
		<-p.release
		return
	}
	answer(w, resp, data)
}

// A push killed while its update is in flight (the update reached FC, the
// answer never came back) is recognised by the next push as its own
// partial deploy, from the intent it recorded before writing, not blamed on
// the console (issue 7, scenario 11).
func TestKilledPushIsNotSomeoneElsesChange(t *testing.T) {
	for _, sig := range []os.Signal{os.Kill, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) { interruptPush(t, sig) })
	}
}

func interruptPush(t *testing.T, sig os.Signal) {
	srv, proj := cloneForTest(t)
	commitTimeout(t, proj, "web", 7)

	hp := &hangingProxy{target: srv.URL, method: http.MethodPut, pathEnd: "/functions/web",
		applied: make(chan struct{}), release: make(chan struct{})}
	proxy := httptest.NewServer(hp)
	defer proxy.Close()
	defer close(hp.release)

	cmd := exec.Command(os.Args[0], "--dir", proj, "push")
	cmd.Env = append(os.Environ(), "FCSYNC_TEST_AS_CLI=1", "FC_ENDPOINT="+proxy.URL)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hp.applied:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the push never sent its update:\n%s", out.String())
	}
	cmd.Process.Signal(sig)
	cmd.Wait()
	if sig == os.Interrupt && !strings.Contains(out.String(), "Push interrupted: 0 applied, 1 unknown") {
		t.Fatalf("an interrupted push does not say what it does not know:\n%s", out.String())
	}
	assertOnline(t, srv, "web", `"timeout": 7`)
	// The kill left the lock; removing it is what its message tells the user.
	os.Remove(filepath.Join(proj, ".git", "fcsync.lock"))

	got, code := run("--dir", proj, "push")
	if code != 0 {
		t.Fatalf("push after the kill: exit %d, want 0\n%s", code, got)
	}
	if !strings.Contains(got, "interrupted push had applied 1") {
		t.Fatalf("push does not say it recovered the interrupted push:\n%s", got)
	}
	authors := gitOut(t, proj, "log", "--format=%an %s", "fcsync/live/cn-hangzhou")
	if strings.Contains(strings.SplitN(authors, "\n", 2)[0], "Function Compute") || strings.Contains(authors, "Function Compute online change") {
		t.Fatalf("the push's own write is recorded as an online change:\n%s", authors)
	}
	if got, code := run("--dir", proj, "status", "--exit-code"); code != 0 {
		t.Fatalf("status: exit %d\n%s", code, got)
	}
	if _, err := os.Stat(filepath.Join(proj, ".git", "fcsync-push-intent.json")); !os.IsNotExist(err) {
		t.Fatalf("the intent outlived its recovery: %v", err)
	}
	gitCmd(t, proj, "fsck", "--strict")
}
