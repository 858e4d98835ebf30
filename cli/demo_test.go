package cli_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs the README's first command's walkthrough (scripts/demo.sh,
// what make demo runs) on freshly built binaries, and checks it tells the
// story, on FC 2.0 and then FC 3.0: the refusal, the merge, the
// conflicts, and a clean end.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binaries and runs the whole walkthrough")
	}
	for _, tool := range []string{"git", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./cmd/fcsync", "./cmd/fc-emulator", "./cmd/fc-console")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	demo := exec.Command("bash", filepath.Join("..", "scripts", "demo.sh"), bin)
	out, err := demo.CombinedOutput()
	if err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Deployed 3 operations",
		"Everything up to date",
		"push refused: online changes that this branch has not merged",
		"memorySize 256 -> 512",
		"Merged fcsync/live/cn-hangzhou into main",
		"round(order[\"amount\"] * 1.0, 2)  # hotfix",
		"exists online but was never deployed from or pulled into this repository",
		"CONFLICT: 2 conflicts",
		"additionalVersionWeight.2 (absent) -> 0.1", // the console's alias traffic shift, caught as drift
		"Published version 2 of service fc-deploy-service",
		"All 5 resources in sync.",
		// The FC 3.0 walk: the same three cases on an api: fc3 project.
		"+ create function api-fn",
		"function api-fn: memorySize 512 -> 1024; code: 1 file changed",
		"update function api-fn\n      timeout: 30 -> 60",
		"function job-fn (functions/job-fn/function.yaml): exists online but was never deployed",
		"All 3 resources in sync.",
		"Demo finished",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if strings.Contains(string(out), "\x1b") {
		t.Error("the demo prints colour escapes although its output is no terminal")
	}
	if t.Failed() {
		t.Logf("demo output:\n%s", out)
	}
}
