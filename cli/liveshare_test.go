package cli_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 13, part 1: one live history for a team. Two clones of one
// repository share the live branch through a bare remote (liveRemote:
// origin): a fresh git clone continues it, the clones take turns, and a
// clone that recorded while it was not sharing has its readings redone and
// its deploy commits replayed on top of the other's, never forced.
func TestSharedLiveBranch(t *testing.T) {
	srv, a := cloneForTest(t)
	console := consoleFor(t, srv)
	edit := func(json string) {
		t.Helper()
		if err := console.Run([]string{"update-function", "demo", "web", json}, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	origin := filepath.Join(t.TempDir(), "origin.git")
	gitCmd(t, filepath.Dir(origin), "init", "-q", "--bare", origin)
	cfg := readFile(t, filepath.Join(a, "fcsync.yaml"))
	write(t, a, "fcsync.yaml", cfg+"liveRemote: origin\n")
	gitCmd(t, a, "commit", "-q", "-am", "share the live branch")
	gitCmd(t, a, "remote", "add", "origin", origin)
	gitCmd(t, a, "push", "-q", "origin", "HEAD:main")
	fcsync(t, "--dir", a, "fetch")
	live := "fcsync/live/cn-hangzhou"
	if gitOut(t, origin, "rev-parse", live) != gitOut(t, a, "rev-parse", live) {
		t.Fatal("fetch did not share the live branch")
	}

	// A fresh clone continues origin's live history: its sync point is there.
	b := filepath.Join(t.TempDir(), "b")
	gitCmd(t, filepath.Dir(b), "clone", "-q", "-b", "main", origin, b)
	if out, code := run("--dir", b, "status", "--exit-code"); code != 0 {
		t.Fatalf("status in a fresh clone: exit %d\n%s", code, out)
	}
	if gitOut(t, b, "rev-parse", live) != gitOut(t, origin, "rev-parse", live) {
		t.Fatal("the clone started a live history of its own")
	}

	// Turns: A pulls a console edit and shares it; B sees it as merged.
	edit(`{"memorySize":256}`)
	fcsync(t, "--dir", a, "pull")
	gitCmd(t, a, "push", "-q", "origin", "HEAD:main")
	gitCmd(t, b, "pull", "-q", "origin", "main")
	if out, code := run("--dir", b, "status", "--exit-code"); code != 0 {
		t.Fatalf("B after A's pull: exit %d\n%s", code, out)
	}

	// A race: while B's push updates web, the console creates a function
	// and A shares that reading first. B's deploy commit is then rejected
	// by origin, and replayed on top of A's reading, never forced.
	fnB := readFile(t, filepath.Join(b, "services/demo/functions/web/function.yaml"))
	write(t, b, "services/demo/functions/web/function.yaml", strings.Replace(fnB, "timeout: 3\n", "timeout: 9\n", 1))
	gitCmd(t, b, "commit", "-q", "-m", "timeout 9", "services")
	deployed := gitOut(t, b, "rev-parse", "HEAD")
	code := filepath.Join(t.TempDir(), "code")
	write(t, code, "index.py", "print('other')\n")
	var before string
	proxy := httptest.NewServer(&hookProxy{target: srv.URL, method: http.MethodPut, pathEnd: "/functions/web", before: func() {
		if err := console.Run([]string{"create-function", "demo", "other", `{"runtime":"python3.10","handler":"index.handler"}`, code}, io.Discard); err != nil {
			t.Error(err)
		}
		before = gitOut(t, origin, "rev-parse", live)
		fcsync(t, "--dir", a, "--endpoint", srv.URL, "fetch")
	}})
	defer proxy.Close()
	out, exit := run("--dir", b, "--endpoint", proxy.URL, "push")
	if exit != 0 || !strings.Contains(out, "replayed") {
		t.Fatalf("B's push in the race: exit %d, want 0 and a replayed deploy\n%s", exit, out)
	}
	after := gitOut(t, origin, "rev-parse", live)
	gitCmd(t, origin, "merge-base", "--is-ancestor", before, after) // never forced
	if parents := gitOut(t, origin, "log", "-1", "--format=%P", live); !strings.HasSuffix(parents, deployed) {
		t.Fatalf("origin's tip is not B's deploy of %s:\n%s", deployed, gitOut(t, origin, "log", "--format=%H %P %s", live))
	}
	if msg := gitOut(t, origin, "log", "-1", "--format=%B", live); strings.Contains(msg, "other") {
		t.Fatalf("the replayed deploy claims A's reading:\n%s", msg)
	}
	if got := gitOut(t, origin, "ls-tree", "-r", "--name-only", live); !strings.Contains(got, "functions/other/function.yaml") {
		t.Fatalf("the replayed deploy dropped A's reading:\n%s", got)
	}
	// other is new online for B, which never pulled it.
	if out, code := run("--dir", b, "status", "--exit-code"); code != 3 {
		t.Fatalf("B's status: exit %d, want 3\n%s", code, out)
	}
	fcsync(t, "--dir", b, "pull")
	if out, code := run("--dir", b, "status", "--exit-code"); code != 0 {
		t.Fatalf("B after pulling: exit %d\n%s", code, out)
	}
	assertOnline(t, srv, "web", `"timeout": 9`)
	for _, dir := range []string{a, b, origin} {
		gitCmd(t, dir, "fsck", "--strict")
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// hookProxy forwards every request to the emulator, and runs before once,
// ahead of the first request matching method and path suffix.
type hookProxy struct {
	target, method, pathEnd string
	before                  func()
	done                    bool
}

func (p *hookProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !p.done && r.Method == p.method && strings.HasSuffix(r.URL.Path, p.pathEnd) {
		p.done = true
		p.before()
	}
	forward(w, r, p.target)
}
