package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/fcsync/fcsync/fc"
)

// agreeBeforePush runs in the test binary acting as fcsync, before each
// `fcsync push` of a scenario (FCSYNC_TEST_AGREE): in a copy of the
// repository, `fcsync push --dry-run` and then `fcsync diff` must name the
// same resources (issue 10: one plan for both). The copy keeps the
// scenario's own repository untouched by the check; online is the
// scenario's emulator, read but never written. A push that cannot run
// (drift, invalid files, a missing secret) or is scoped is not compared:
// diff has no scope, and the refusal is the scenario's to check. It
// returns a message when they disagree.
func agreeBeforePush(args []string) string {
	if len(args) == 0 || args[0] != "push" {
		return ""
	}
	dry := []string{"push", "--dry-run", "-o", "json"}
	for i := 1; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--dry-run" || a == "--service" || a == "--function" || strings.HasPrefix(a, "--service=") || strings.HasPrefix(a, "--function="):
			return ""
		case a == "-m" || a == "--message":
			if i+1 < len(args) {
				dry = append(dry, a, args[i+1])
				i++
			}
		case strings.HasPrefix(a, "-m=") || strings.HasPrefix(a, "--message="):
			dry = append(dry, a)
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return ""
	}
	root := strings.TrimSpace(string(top))
	rel, err := filepath.Rel(root, wd)
	if err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	tmp, err := os.MkdirTemp("", "fcsync-agree-")
	if err != nil {
		return ""
	}
	defer os.RemoveAll(tmp)
	if err := exec.Command("cp", "-a", root, filepath.Join(tmp, "repo")).Run(); err != nil {
		return ""
	}
	dir := filepath.Join(tmp, "repo", rel)
	self, err := os.Executable()
	if err != nil {
		return ""
	}
	env := append(os.Environ(), "FCSYNC_TEST_AGREE=")
	pushOut, pushCode := runAgreeFcsync(self, env, dir, dry...)
	if pushCode != 0 {
		return ""
	}
	diffOut, diffCode := runAgreeFcsync(self, env, dir, "diff", "-o", "json")
	if diffCode != 0 {
		return "agreement check: push --dry-run succeeded but diff exited " + strconv.Itoa(diffCode)
	}
	var d struct {
		Files []struct{ Path string } `json:"files"`
	}
	var p struct {
		Operations []struct{ Resource string } `json:"operations"`
	}
	if err := json.Unmarshal(diffOut, &d); err != nil {
		return "agreement check: fcsync diff -o json: " + err.Error() + " in output " + strconv.Quote(string(diffOut))
	}
	if err := json.Unmarshal(pushOut, &p); err != nil {
		return "agreement check: fcsync push --dry-run -o json: " + err.Error()
	}
	fromDiff := map[string]bool{}
	for _, f := range d.Files {
		fromDiff[resourceOfPath(f.Path)] = true
	}
	fromPush := map[string]bool{}
	for _, op := range p.Operations {
		fromPush[op.Resource] = true
	}
	if f := os.Getenv("FCSYNC_AGREE_LOG"); f != "" {
		if lf, err := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintf(lf, "%s: %s | %s\n", wd, sortedSet(fromDiff), sortedSet(fromPush))
			lf.Close()
		}
	}
	if a, b := sortedSet(fromDiff), sortedSet(fromPush); a != b {
		return "agreement check: fcsync diff shows changes to [" + a + "], fcsync push --dry-run plans [" + b + "]"
	}
	return ""
}

// resourceOfPath is the resource a project file belongs to: its own file,
// or the function or layer whose code it is. The two APIs' layouts share
// only domains/ and layers/, which name the same resource in both.
func resourceOfPath(path string) string {
	for _, api := range []fc.API{fc.FC2, fc.FC3} {
		if id, ok := api.ParseFile(path); ok {
			return id.String()
		}
		if id, ok := api.CodeOwner(path); ok {
			return id.String()
		}
	}
	return "file " + path
}

func sortedSet(m map[string]bool) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func runAgreeFcsync(bin string, vars []string, dir string, args ...string) ([]byte, int) {
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Dir = vars, dir
	var out bytes.Buffer
	cmd.Stdout = &out
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.Bytes(), ee.ExitCode()
	}
	if err != nil {
		return nil, -1
	}
	return out.Bytes(), 0
}
