package cli_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fcsync/fcsync/cli"
	"github.com/fcsync/fcsync/fc/emulator"
)

// flakyProxy stands between fcsync and the emulator and plays one network
// accident on the first request that matches: the request reaches FC (or
// not, with lose false and a 500 instead) and its answer is lost. Before
// the next matching request (fcsync's retry) it runs meanwhile, the
// console's edit made in between.
type flakyProxy struct {
	target    string
	method    string
	pathEnd   string
	forward   bool // the first matching request is applied before its answer is lost
	meanwhile func()

	mu   sync.Mutex
	seen int
}

func (p *flakyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	match := r.Method == p.method && strings.HasSuffix(r.URL.Path, p.pathEnd)
	p.mu.Lock()
	if match {
		p.seen++
	}
	n := p.seen
	p.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if match && n == 2 && p.meanwhile != nil {
		p.meanwhile()
	}
	if match && n == 1 && !p.forward {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"ErrorCode":"InternalServerError","ErrorMessage":"lost"}`)
		return
	}
	resp, data, err := roundTrip(p.target, r, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if match && n == 1 {
		// Applied; the answer never arrives.
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	answer(w, resp, data)
}

// run runs fcsync in process and returns its output and exit code.
func run(args ...string) (string, int) {
	var out bytes.Buffer
	code := cli.Main(args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &out})
	return out.String(), code
}

// An update whose answer was lost is confirmed by reading it back; an
// edit the console made to another field meanwhile is an online change,
// not part of the deploy (issue 7, scenario 10). Before, the deploy
// absorbed it and the next push silently reverted it.
func TestLostUpdateAnswerIsNotTheConsoleEdit(t *testing.T) {
	srv, proj := cloneForTest(t)
	commitTimeout(t, proj, "web", 7)
	console := consoleFor(t, srv)
	proxy := httptest.NewServer(&flakyProxy{target: srv.URL, method: http.MethodPut, pathEnd: "/functions/web", forward: true,
		meanwhile: func() {
			if err := console.Run([]string{"update-function", "demo", "web", `{"description":"console fix"}`}, io.Discard); err != nil {
				t.Error(err)
			}
		}})
	defer proxy.Close()
	t.Setenv("FC_ENDPOINT", proxy.URL)

	out, code := run("--dir", proj, "push")
	if code != 0 {
		t.Fatalf("push: exit %d\n%s", code, out)
	}
	if tree := gitOut(t, proj, "show", "fcsync/live/cn-hangzhou:services/demo/functions/web/function.yaml"); strings.Contains(tree, "console fix") {
		t.Fatalf("the deploy commit records the console's edit as fcsync's:\n%s", tree)
	}
	if out, code := run("--dir", proj, "status", "--exit-code"); code != 3 {
		t.Fatalf("status: exit %d, want 3 (the console's edit is unmerged)\n%s", code, out)
	}
	if out, code := run("--dir", proj, "push"); code != 3 {
		t.Fatalf("second push: exit %d, want 3\n%s", code, out)
	}
	assertOnline(t, srv, "web", `"description": "console fix"`, `"timeout": 7`)
}

// A create that failed with a 500, then met "already exists" on the retry
// because the console created the function meanwhile, is not a deploy of
// fcsync's: the function is the console's, and guarded as such.
func TestCreateRetryMeetsSomeoneElsesFunction(t *testing.T) {
	srv, proj := cloneForTest(t)
	write(t, proj, "services/demo/functions/cron/function.yaml", "runtime: python3.10\nhandler: index.handler\ntimeout: 5\n")
	write(t, proj, "services/demo/functions/cron/code/index.py", "print('ours')\n")
	gitCmd(t, proj, "add", "-A")
	gitCmd(t, proj, "commit", "-q", "-m", "cron")
	console := consoleFor(t, srv)
	code := filepath.Join(t.TempDir(), "theirs")
	write(t, code, "index.py", "print('theirs')\n")
	proxy := httptest.NewServer(&flakyProxy{target: srv.URL, method: http.MethodPost, pathEnd: "/services/demo/functions",
		meanwhile: func() {
			if err := console.Run([]string{"create-function", "demo", "cron", `{"runtime":"python3.10","handler":"index.handler","timeout":99}`, code}, io.Discard); err != nil {
				t.Error(err)
			}
		}})
	defer proxy.Close()
	t.Setenv("FC_ENDPOINT", proxy.URL)

	out, exit := run("--dir", proj, "push")
	if exit == 0 || !strings.Contains(out, "someone else") {
		t.Fatalf("push: exit %d, want a failure saying the function is someone else's\n%s", exit, out)
	}
	if tree := gitOut(t, proj, "ls-tree", "-r", "--name-only", "fcsync/live/cn-hangzhou"); strings.Contains(tree, "functions/cron/function.yaml") &&
		strings.Contains(gitOut(t, proj, "log", "-1", "--format=%s", "fcsync/live/cn-hangzhou"), "deploy") {
		t.Fatalf("a deploy commit records the console's function as fcsync's:\n%s", gitOut(t, proj, "log", "-3", "--format=%s%n%b", "fcsync/live/cn-hangzhou"))
	}
	if out, code := run("--dir", proj, "push"); code != 3 {
		t.Fatalf("second push: exit %d, want 3 (cron exists online, never synced)\n%s", code, out)
	}
	assertOnline(t, srv, "cron", `"timeout": 99`)
}

func assertOnline(t *testing.T, srv *emulator.Server, fn string, want ...string) {
	t.Helper()
	var out bytes.Buffer
	if err := consoleFor(t, srv).Run([]string{"get-function", "demo", fn}, &out); err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			t.Fatalf("online %s lacks %s:\n%s", fn, w, out.String())
		}
	}
}
