package cli_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc/emulator"
)

// buildFcsync builds the fcsync command into the test's temporary folder:
// the signal and kill tests need the real process, not the CLI in process.
// FCSYNC_TEST_BIN names another build to test instead, to measure an
// older one.
func buildFcsync(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("FCSYNC_TEST_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "fcsync")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/fcsync").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBin runs bin in dir and returns its combined output and exit code.
func runBin(t testing.TB, bin, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	return runCmd(t, cmd)
}

// runCmd runs a command and returns its combined output and exit code.
func runCmd(t testing.TB, cmd *exec.Cmd) (string, int) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), 0
}

// fleetFunction is the name of the i-th function of a test fleet and its
// service: services of at most 50 functions, FC's quota.
func fleetFunction(i int) (svc, fn string) {
	return fmt.Sprintf("svc%d", i/50), fmt.Sprintf("fn%03d", i)
}

// makeFleet creates n functions online, each with its code and every
// fifth with an HTTP trigger, through the console (no faults).
func makeFleet(t testing.TB, srv *emulator.Server, dir string, n int) {
	t.Helper()
	console := consoleFor(t, srv)
	seen := map[string]bool{}
	for i := range n {
		svc, fn := fleetFunction(i)
		if !seen[svc] {
			seen[svc] = true
			if err := console.Run([]string{"create-service", svc, `{"description":"fleet"}`}, io.Discard); err != nil {
				t.Fatal(err)
			}
		}
		code := filepath.Join(dir, "fleet-code", fn)
		write(t, code, "index.py", fmt.Sprintf("def handler(event, context):\n    return %d\n", i))
		if err := console.Run([]string{"create-function", svc, fn, `{"runtime":"python3.10","handler":"index.handler","memorySize":128}`, code}, io.Discard); err != nil {
			t.Fatal(err)
		}
		if i%5 == 0 {
			if err := console.Run([]string{"create-trigger", svc, fn, "http", "http", `{"authType":"anonymous","methods":["GET"]}`}, io.Discard); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// setMemory rewrites memorySize in a project's function.yaml.
func setMemory(t testing.TB, proj, svc, fn string, mb int) {
	t.Helper()
	path := filepath.Join(proj, "services", svc, "functions", fn, "function.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "memorySize:") {
			l = fmt.Sprintf("memorySize: %d", mb)
		}
		lines = append(lines, l)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}
