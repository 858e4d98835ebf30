package cli_test

import (
	"bytes"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fcsync/fcsync/cli"
	"github.com/fcsync/fcsync/fc/emulator"
)

// Issue 13, section 5: long work on a terminal shows one progress line on
// standard error (resources done of total, bytes of code), rewritten in
// place and cleared at the end; without a terminal, or with
// --no-progress, there is none, and standard output never has it.
func TestProgress(t *testing.T) {
	srv := startEmulator(t)
	home := t.TempDir()
	setTestEnv(t, srv, home)
	code := filepath.Join(home, "code")
	write(t, code, "index.py", "def handler(e, c):\n    return 1\n"+strings.Repeat("# padding\n", 300))
	console := consoleFor(t, srv)
	for _, args := range [][]string{
		{"create-service", "demo"},
		{"create-function", "demo", "a", `{"runtime":"python3.10","handler":"index.handler"}`, code},
		{"create-function", "demo", "b", `{"runtime":"python3.10","handler":"index.handler"}`, code},
		{"create-trigger", "demo", "a", "t", "timer", `{"cronExpression":"@every 5m","enable":true}`},
	} {
		if err := console.Run(args, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	// Every call takes 150 ms, so that clone and push last long enough
	// for the line to appear (it waits 200 ms, then redraws at most every
	// 100 ms).
	srv.SetFaults(emulator.Faults{Latency: 150 * time.Millisecond})
	run := func(terminal bool, args ...string) (stdout, stderr string) {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := cli.Main(args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errOut, ErrTerminal: terminal}); code != 0 {
			t.Fatalf("fcsync %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
		}
		if strings.Contains(out.String(), "\r") {
			t.Fatalf("fcsync %s: a progress line on standard output:\n%q", strings.Join(args, " "), out.String())
		}
		return out.String(), errOut.String()
	}
	// A drawn line, each time cleared before anything else is printed and
	// at the end.
	line := regexp.MustCompile(`\r(Reading FC: \d+/\d+ resources(, ([0-9.]+ KB|\d+ bytes) of code)?|Deploying: \d+/\d+ operations(, ([0-9.]+ KB|\d+ bytes) of code)?) *`)
	clear := regexp.MustCompile(`^\r +\r`)
	checkCleared := func(stderr string) {
		t.Helper()
		for _, loc := range line.FindAllStringIndex(stderr, -1) {
			rest := stderr[loc[1]:]
			if !clear.MatchString(rest) && !line.MatchString(rest) {
				t.Fatalf("a progress line is not cleared before what follows it:\n%q", stderr)
			}
		}
	}

	proj := filepath.Join(home, "proj")
	_, stderr := run(true, "clone", "--region", "cn-hangzhou", "--service", "demo", proj)
	if !regexp.MustCompile(`\rReading FC: \d+/\d+ resources, \d+ bytes of code`).MatchString(stderr) {
		t.Fatalf("clone on a terminal shows no progress:\n%q", stderr)
	}
	checkCleared(stderr)

	write(t, proj, "services/demo/functions/a/code/index.py", "def handler(e, c):\n    return 2\n")
	write(t, proj, "services/demo/functions/b/code/index.py", "def handler(e, c):\n    return 3\n")
	write(t, proj, "services/demo/functions/a/triggers/t.yaml", "triggerType: timer\ntriggerConfig:\n  cronExpression: '@every 10m'\n  enable: true\n")
	gitCmd(t, proj, "commit", "-q", "-am", "three changes")
	_, stderr = run(true, "--dir", proj, "push")
	if !regexp.MustCompile(`\rDeploying: \d/3 operations, \d+ bytes of code`).MatchString(stderr) {
		t.Fatalf("push on a terminal shows no progress:\n%q", stderr)
	}
	checkCleared(stderr)

	// Not a terminal, or --no-progress: no line at all.
	for _, tc := range []struct {
		terminal bool
		args     []string
	}{
		{false, []string{"--dir", proj, "fetch"}},
		{true, []string{"--no-progress", "--dir", proj, "fetch"}},
		{false, []string{"clone", "--region", "cn-hangzhou", "--service", "demo", filepath.Join(home, "quiet")}},
	} {
		if _, stderr := run(tc.terminal, tc.args...); strings.ContainsAny(stderr, "\r") || strings.Contains(stderr, "Reading FC") {
			t.Fatalf("fcsync %s (terminal %v): progress where there should be none:\n%q", strings.Join(tc.args, " "), tc.terminal, stderr)
		}
	}
}
