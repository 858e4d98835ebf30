package cli_test

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestModel is issue 7's randomized model-based test: random console
// edits, local commits, fetch, pull (conflicts resolved with git), push and
// status against the real CLI and an in-process emulator, with a model of
// the sync point written from DESIGN sections 3-6 checked after every step.
// The invariants: no push overwrites an online change that was not merged,
// and after a push online equals HEAD (model_push_test.go); a clean pull
// gives DESIGN 4's table on fields and `git merge-file` on code, conflicts
// exactly where the table does, and keeps every undeployed local change
// (model_pull_test.go, model_merge_test.go); git fsck --strict and git
// status stay clean, and status --exit-code says 0, 3 or 5 as DESIGN 6 does,
// never 1 or 2 (model_run_test.go).
//
// Files: model_gen_test.go draws steps, model_steps_test.go runs console
// and local edits, model_state_test.go reads online and HEAD into the
// model's terms.
//
// Replay a failure with the seed it prints:
//
//	go test ./cli -run '^TestModel$' -seed N [-steps S] [-shrink]
//	go test ./cli -run '^TestModelFC3$' -seed N [-steps S] [-shrink]
//
// FCSYNC_SOAK=1 (make soak) runs more seeds and thousands of steps.
var (
	modelSeed   = flag.Int64("seed", 0, "TestModel: run only this seed")
	modelSteps  = flag.Int("steps", 0, "TestModel: steps per seed (default 40; 400 with FCSYNC_SOAK=1)")
	modelShrink = flag.Bool("shrink", false, "TestModel: on failure, look for the shortest sub-list of steps that still fails the same way")
)

// Fixed seeds so CI is reproducible; soak adds more.
var (
	modelSeeds     = []int64{1, 2, 3, 4, 5, 6, 7, 8}
	modelSoakSeeds = []int64{9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}
)

type modelStats struct {
	seeds, steps, skipped, pulls, conflicts, aborts, pushes, refused, useLocal, scoped, failed int
}

func TestModel(t *testing.T) { runModelTest(t, modelFC2) }

// TestModelFC3 is TestModel on an FC 3.0 project (issue 14): the same
// seeds, steps and invariants, with functions at the top of the tree and
// console edits made through the 2023-03-30 API.
func TestModelFC3(t *testing.T) { runModelTest(t, modelFC3) }

func runModelTest(t *testing.T, api modelAPI) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command line")
	}
	soak := os.Getenv("FCSYNC_SOAK") == "1"
	steps, seeds := 40, modelSeeds
	if soak {
		steps, seeds = 400, append(append([]int64{}, modelSeeds...), modelSoakSeeds...)
	}
	if *modelSteps > 0 {
		steps = *modelSteps
	}
	if *modelSeed != 0 {
		seeds = []int64{*modelSeed}
	}
	setModelEnv(t)
	var total modelStats
	start := time.Now()
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			m := newModelRun(t, api, seed, &total)
			fail := m.runRandom(steps)
			total.seeds++
			if fail == nil {
				return
			}
			total.failed++
			report := fail.report(api.name, seed, m.log)
			if *modelShrink {
				short, sfail, slog := shrinkSteps(t, api, seed, m.steps, fail)
				report += fmt.Sprintf("\n--- shrunk to %d of seed %d's steps (same invariant):\n", len(short), seed) +
					sfail.report(api.name, 0, slog)
			}
			t.Fatal(report)
		})
	}
	t.Logf("model test (%s): %d seeds, %d steps (%d skipped), %d pulls (%d with conflicts, %d aborted), %d pushes (%d refused, %d --use-local, %d --function), %d seeds failed, %s",
		api.name, total.seeds, total.steps, total.skipped, total.pulls, total.conflicts, total.aborts, total.pushes, total.refused, total.useLocal, total.scoped, total.failed, time.Since(start).Round(time.Millisecond))
}

// setModelEnv gives git and fcsync a home, an identity and credentials of
// their own; the endpoint is passed per run with --endpoint.
func setModelEnv(t *testing.T) {
	home := t.TempDir()
	for k, v := range map[string]string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID": testKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": testSecret,
		"ALIBABA_CLOUD_ACCOUNT_ID": testAccount, "HOME": home, "GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com", "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com",
		"NO_COLOR": "1", "FC_ENDPOINT": "",
	} {
		t.Setenv(k, v)
	}
}

// modelFailure is a broken invariant at one step.
type modelFailure struct {
	step      int // index of the failing step
	invariant string
	msg       string
}

func (f *modelFailure) Error() string { return f.invariant + ": " + f.msg }

// kind is what the shrinker keeps constant: the invariant and the shape of
// the message ("exit 0, want 4" is not "unmerged paths in"), so a shorter
// list that fails for another reason does not replace the one found.
func (f *modelFailure) kind() string {
	shape, _, _ := strings.Cut(f.msg, "\n")
	if i := strings.IndexAny(shape, "[:("); i >= 0 {
		shape = shape[:i]
	}
	return f.invariant + "|" + shape
}

// report says what broke where; seed 0 is a shrunk list, which replays
// only through the shrinker.
func (f *modelFailure) report(test string, seed int64, log []string) string {
	var b strings.Builder
	if seed != 0 {
		fmt.Fprintf(&b, "seed %d, step %d: invariant %q broken:\n%s\n\nsteps (replay: go test ./cli -run '^%s$' -seed %d -steps %d):\n",
			seed, f.step+1, f.invariant, f.msg, test, seed, f.step+1)
	} else {
		fmt.Fprintf(&b, "step %d: invariant %q broken:\n%s\n\nsteps:\n", f.step+1, f.invariant, f.msg)
	}
	for _, l := range log {
		b.WriteString(l + "\n")
	}
	return b.String()
}

func formatSteps(steps []step) []string {
	var out []string
	for i, s := range steps {
		out = append(out, fmt.Sprintf("%4d  %s", i+1, s))
	}
	return out
}

// runRandom draws and runs steps until one breaks an invariant.
func (m *modelRun) runRandom(n int) *modelFailure {
	r := rand.New(rand.NewSource(m.seed))
	tok := 0
	for i := 0; i < n; i++ {
		online, local, err := m.readBoth()
		if err != nil {
			return &modelFailure{step: i, invariant: "readable state", msg: err.Error()}
		}
		s := genStep(r, online, local, &tok)
		if fail := m.runStep(i, s); fail != nil {
			return fail
		}
	}
	return nil
}

// runList runs a fixed list of steps (a replay while shrinking).
func (m *modelRun) runList(steps []step) *modelFailure {
	for i, s := range steps {
		if fail := m.runStep(i, s); fail != nil {
			return fail
		}
	}
	return nil
}

// shrinkSteps removes steps (halves, then quarters, ..., then single
// steps) as long as the rest still breaks the same invariant, each attempt
// on a fresh emulator and repository.
func shrinkSteps(t *testing.T, api modelAPI, seed int64, steps []step, fail *modelFailure) ([]step, *modelFailure, []string) {
	best, bestLog := fail, []string(nil)
	cur := append([]step{}, steps[:fail.step+1]...)
	try := func(cand []step) (*modelFailure, []string) {
		var scratch modelStats
		m := newModelRun(t, api, seed, &scratch)
		defer m.close()
		if f := m.runList(cand); f != nil && f.kind() == fail.kind() {
			return f, m.log
		}
		return nil, nil
	}
	for chunk := len(cur) / 2; chunk >= 1; chunk /= 2 {
		for i := 0; i < len(cur); {
			cand := append(append([]step{}, cur[:i]...), cur[min(i+chunk, len(cur)):]...)
			if f, log := try(cand); f != nil {
				cur, best, bestLog = cand[:f.step+1], f, log
				continue
			}
			i += chunk
		}
	}
	if bestLog == nil {
		_, bestLog = try(cur)
	}
	return cur, best, bestLog
}
