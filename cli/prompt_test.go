package cli_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/fcsync/fcsync/cli"
)

// TestPushPromptOnTerminal runs fcsync on a pseudo-terminal: with online
// drift, push asks before overwriting; "n" changes nothing, "y" overwrites.
func TestPushPromptOnTerminal(t *testing.T) {
	srv := startEmulator(t)
	dir := t.TempDir()
	setTestEnv(t, srv, dir)
	proj := filepath.Join(dir, "proj")
	fcsync(t, "init", "--region", "cn-hangzhou", proj)
	write(t, proj, "services/demo/service.yaml", "description: demo\n")
	write(t, proj, "services/demo/functions/web/function.yaml", "runtime: python3.10\nhandler: index.handler\nmemorySize: 256\n")
	write(t, proj, "services/demo/functions/web/code/index.py", "def handler(e, c):\n    return 1\n")
	gitCmd(t, proj, "add", "-A")
	gitCmd(t, proj, "commit", "-q", "-m", "web")
	fcsync(t, "--dir", proj, "push")

	console := consoleFor(t, srv)
	if err := console.Run([]string{"update-function", "demo", "web", `{"memorySize":512}`}, io.Discard); err != nil {
		t.Fatal(err)
	}
	write(t, proj, "services/demo/functions/web/code/index.py", "def handler(e, c):\n    return 2\n")
	gitCmd(t, proj, "commit", "-q", "-am", "v2")

	online := func() string {
		var b bytes.Buffer
		if err := console.Run([]string{"get-function", "demo", "web"}, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	before := online()

	out, code := pushOnTerminal(t, proj, "n\n")
	if code != cli.ExitDrift {
		t.Fatalf("answering n: exit %d, want %d\n%s", code, cli.ExitDrift, out)
	}
	if !strings.Contains(out, "Overwrite these online changes") || !strings.Contains(out, "memorySize 256 -> 512") {
		t.Fatalf("no drift report and question on the terminal:\n%s", out)
	}
	if after := online(); after != before {
		t.Fatalf("answering n changed the function online:\n%s\nwas\n%s", after, before)
	}

	out, code = pushOnTerminal(t, proj, "y\n")
	if code != cli.ExitOK {
		t.Fatalf("answering y: exit %d\n%s", code, out)
	}
	if after := online(); !strings.Contains(after, `"memorySize": 256`) {
		t.Fatalf("answering y did not overwrite:\n%s", after)
	}

	// Deletions are confirmed on a terminal the same way.
	gitCmd(t, proj, "rm", "-q", "-r", "services/demo/functions/web")
	gitCmd(t, proj, "commit", "-q", "-m", "drop web")
	out, code = pushOnTerminal(t, proj, "n\n")
	if code != cli.ExitError || !strings.Contains(out, "Delete these 1 resources online?") {
		t.Fatalf("answering n to the deletion: exit %d\n%s", code, out)
	}
	online() // still there
	out, code = pushOnTerminal(t, proj, "y\n")
	if code != cli.ExitOK || !strings.Contains(out, "delete function demo/web: done") {
		t.Fatalf("answering y to the deletion: exit %d\n%s", code, out)
	}
	if err := console.Run([]string{"get-function", "demo", "web"}, io.Discard); err == nil {
		t.Fatal("the function is still online after confirming its deletion")
	}
}

// pushOnTerminal runs the test binary as fcsync on a pseudo-terminal, waits
// for the question, answers it, and returns everything printed and the exit
// code.
func pushOnTerminal(t *testing.T, proj, answer string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "--dir", proj, "push")
	cmd.Env = append(os.Environ(), "FCSYNC_TEST_AS_CLI=1")
	ptmx, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	var (
		mu  gosync.Mutex
		buf bytes.Buffer
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b := make([]byte, 4096)
		for {
			n, err := ptmx.Read(b)
			mu.Lock()
			buf.Write(b[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		asked := strings.Contains(buf.String(), "[y/N]")
		mu.Unlock()
		if asked {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("no question within 30s:\n%s", buf.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := io.WriteString(ptmx, answer); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	<-done
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return buf.String(), code
}

func fcsync(t testing.TB, args ...string) {
	t.Helper()
	var out bytes.Buffer
	if code := cli.Main(args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &out}); code != 0 {
		t.Fatalf("fcsync %s: exit %d\n%s", strings.Join(args, " "), code, out.String())
	}
}

func gitCmd(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func write(t testing.TB, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
