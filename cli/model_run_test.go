package cli_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/cli"
	"github.com/fcsync/fcsync/fc/emulator"
)

// modelRun is one seed's emulator, repository and model. The model is the
// sync point as DESIGN section 3 defines it, kept by the test itself:
//
//   - base: R, the online state the last pull merged or the last push
//     deployed (never what fcsync says it is);
//   - known: the resources local work had at the sync point (L). A resource
//     base holds but local never had (made in the console, recorded by a
//     push --use-local, never pulled) merges as if base did not hold it.
//
// Local changes are HEAD against base; online drift is online against base.
type modelRun struct {
	t       testing.TB
	seed    int64
	stats   *modelStats
	srv     *emulator.Server
	api     modelAPI
	console modelConsole
	proj    string
	scratch string
	base    world
	known   map[string]bool
	steps   []step
	log     []string
	// seen is online and local as the last check read them; nothing
	// changes between that check and the next step, so the next step
	// starts from it instead of reading both again.
	seen *[2]world
}

func newModelRun(t testing.TB, api modelAPI, seed int64, stats *modelStats) *modelRun {
	t.Helper()
	srv, err := emulator.Start("127.0.0.1:0", emulator.Options{AccountID: testAccount, AccessKeyID: testKeyID, AccessKeySecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	m := &modelRun{t: t, api: api, seed: seed, stats: stats, srv: srv,
		proj: filepath.Join(dir, "proj"), scratch: filepath.Join(dir, "scratch")}
	m.console = api.console(t, srv, m.scratch)
	t.Cleanup(m.close)
	if err := os.MkdirAll(m.scratch, 0o755); err != nil {
		t.Fatal(err)
	}
	// Start from a cloned project: f1 with a timer trigger, f2 without.
	if err := m.console.prepare(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []step{
		{Op: "c-create", Fn: "f1", Key: "128", Val: "init1"},
		{Op: "c-create", Fn: "f2", Key: "256", Val: "init2"},
	} {
		if _, err := m.consoleStep(s, world{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.console.createTrigger("f1", "t1", "timer", cronJSON("@every 5m")); err != nil {
		t.Fatal(err)
	}
	clone := append(append([]string{"clone", "--region", "cn-hangzhou"}, api.cloneArgs...), m.proj)
	if code, out := m.fcsyncIn(dir, clone...); code != 0 {
		t.Fatalf("clone: exit %d\n%s", code, out)
	}
	if m.base, err = m.readOnline(); err != nil {
		t.Fatal(err)
	}
	m.known = m.base.resources()
	return m
}

func (m *modelRun) close() {
	if m.srv != nil {
		m.srv.Close()
		m.srv = nil
	}
}

func (m *modelRun) fcsync(args ...string) (int, string) {
	return m.fcsyncIn(m.proj, append([]string{"--dir", m.proj}, args...)...)
}

// fcsyncIn runs the real CLI in process, without a terminal.
func (m *modelRun) fcsyncIn(_ string, args ...string) (int, string) {
	var out bytes.Buffer
	code := cli.Main(append([]string{"--endpoint", m.srv.URL}, args...), cli.Streams{In: strings.NewReader(""), Out: &out, Err: &out})
	return code, out.String()
}

func (m *modelRun) git(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = m.proj
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

func (m *modelRun) readBoth() (world, world, error) {
	if m.seen != nil {
		return m.seen[0], m.seen[1], nil
	}
	online, err := m.readOnline()
	if err != nil {
		return nil, nil, fmt.Errorf("read online: %w", err)
	}
	local, err := m.readLocal()
	if err != nil {
		return nil, nil, fmt.Errorf("read HEAD's files: %w", err)
	}
	return online, local, nil
}

// runStep runs one step, then checks every invariant.
func (m *modelRun) runStep(i int, s step) *modelFailure {
	m.steps = append(m.steps, s)
	fail := func(inv, format string, args ...any) *modelFailure {
		return &modelFailure{step: i, invariant: inv, msg: fmt.Sprintf(format, args...)}
	}
	online, local, err := m.readBoth()
	if err != nil {
		m.logf(i, s, "")
		return fail("readable state", "%v", err)
	}
	m.seen = nil
	note, ran, ferr := m.do(i, s, online, local)
	if !ran && ferr == nil {
		m.stats.skipped++
		note = "(no-op: target gone or value unchanged)"
	}
	m.stats.steps++
	m.logf(i, s, note)
	if ferr != nil {
		return ferr
	}
	if err := m.checkRepo(); err != nil {
		return fail("git fsck and git status are clean", "%v", err)
	}
	return m.checkStatus(i)
}

func (m *modelRun) logf(i int, s step, note string) {
	line := fmt.Sprintf("%4d  %s", i+1, s)
	if note != "" {
		line += "  -> " + note
	}
	m.log = append(m.log, line)
}

// do runs the step and checks what is specific to it.
func (m *modelRun) do(i int, s step, online, local world) (string, bool, *modelFailure) {
	fail := func(inv, format string, args ...any) *modelFailure {
		return &modelFailure{step: i, invariant: inv, msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case strings.HasPrefix(s.Op, "c-"):
		ran, err := m.consoleStep(s, online)
		if err != nil {
			return "", ran, fail("console edit works", "%v", err)
		}
		return "", ran, nil
	case strings.HasPrefix(s.Op, "l-"):
		ran, err := m.localStep(s, local)
		if err != nil {
			return "", ran, fail("local commit works", "%v", err)
		}
		return "", ran, nil
	case s.Op == "status":
		return "", true, nil // checkStatus runs after every step
	case s.Op == "fetch":
		code, out := m.fcsync("fetch")
		if code != 0 {
			return fmt.Sprintf("exit %d", code), true, fail("fetch succeeds", "exit %d\n%s", code, out)
		}
		after, err := m.readLocal()
		if err != nil || !worldsEqual(after, local) {
			return "", true, fail("fetch never touches local files", "%v\n%s", err, diffWorlds(after, local))
		}
		return "exit 0", true, nil
	case s.Op == "pull":
		return m.pull(i, s, online, local)
	case s.Op == "push":
		return m.push(i, s, online, local)
	}
	return "", false, fail("known step", "unknown step %q", s.Op)
}

func worldsEqual(a, b world) bool {
	if len(a) != len(b) {
		return false
	}
	for k, f := range a {
		if !fnEqual(f, b[k]) {
			return false
		}
	}
	return true
}

// checkRepo: invariant 4, the repository is sound and not left mid-merge.
func (m *modelRun) checkRepo() error {
	if out, err := m.git("fsck", "--strict", "--no-dangling"); err != nil {
		return err
	} else if strings.Contains(out, "error") || strings.Contains(out, "warning") {
		return fmt.Errorf("git fsck --strict:\n%s", out)
	}
	out, err := m.git("status", "--porcelain")
	if err != nil {
		return err
	}
	if out != "" {
		return fmt.Errorf("work tree not clean after the step:\n%s", out)
	}
	return nil
}

// drift classifies online against the model's sync point: strict drift
// is any difference DESIGN section 3 calls drift, and a resource base holds
// that local never had but HEAD now has (DESIGN section 1, case 3: new
// locally, exists online, never synced from here); "unpulled" resources
// are ones base holds that local never had and still does not, which the
// design leaves between "an online change to pull" and "in sync", so the
// model accepts either.
func (m *modelRun) drift(online, local world) (strict []string, unpulled []string) {
	names := maps.Clone(online.resources())
	maps.Copy(names, m.base.resources())
	for _, k := range slices.Sorted(maps.Keys(names)) {
		fn, trig, isTrig := strings.Cut(k, "/")
		o, b := online[fn], m.base[fn]
		if isTrig {
			var ot, bt trigState
			if o != nil {
				ot = o.Triggers[trig]
			}
			if b != nil {
				bt = b.Triggers[trig]
			}
			var lt trigState
			if local[fn] != nil {
				lt = local[fn].Triggers[trig]
			}
			switch {
			case (ot == nil) != (bt == nil) || !maps.Equal(ot, bt):
				strict = append(strict, k)
			case ot != nil && !m.known[k] && lt != nil:
				strict = append(strict, k+" (case 3)")
			case ot != nil && !m.known[k]:
				unpulled = append(unpulled, k)
			}
			continue
		}
		switch {
		case (o == nil) != (b == nil):
			strict = append(strict, k)
		case o == nil:
		case !maps.Equal(o.Fields, b.Fields) || !maps.Equal(o.Code, b.Code):
			strict = append(strict, k)
		case !m.known[k] && local[k] != nil:
			strict = append(strict, k+" (case 3)")
		case !m.known[k]:
			unpulled = append(unpulled, k)
		}
	}
	return strict, unpulled
}

// localChanges lists HEAD's differences from the effective sync point:
// the changes a push would deploy.
func (m *modelRun) localChanges(local world) []string {
	eb := effectiveBase(m.base, m.known)
	var out []string
	for _, line := range strings.Split(diffWorlds(local, eb), "\n") {
		if line != "" && !strings.HasPrefix(line, " ") {
			out = append(out, line)
		}
	}
	return out
}

// checkStatus: invariant 5 and DESIGN section 6's exit codes:
// `status --exit-code` is 3 for unmerged online drift, else 5 for
// undeployed local changes, else 0; never 1 or 2 for a repository fcsync
// and git made.
func (m *modelRun) checkStatus(i int) *modelFailure {
	online, local, err := m.readBoth()
	if err != nil {
		return &modelFailure{step: i, invariant: "readable state", msg: err.Error()}
	}
	m.seen = &[2]world{online, local}
	strict, unpulled := m.drift(online, local)
	changes := m.localChanges(local)
	want := map[int]bool{}
	switch {
	case len(strict) > 0:
		want[3] = true
	case len(changes) > 0:
		want[5] = true
	default:
		want[0] = true
	}
	if len(strict) == 0 && len(unpulled) > 0 {
		want[3] = true
	}
	code, out := m.fcsync("status", "--exit-code")
	if want[code] {
		return nil
	}
	inv := "status --exit-code follows DESIGN section 6"
	if code == 1 || code == 2 {
		inv = "no command wedges the repository"
	}
	return &modelFailure{step: i, invariant: inv, msg: fmt.Sprintf(
		"status --exit-code = %d, want one of %v\nonline drift since the sync point: %v (unpulled: %v)\nlocal changes since the sync point:\n  %s\nstatus said:\n%s\nsync point (model):\n%sonline:\n%slocal:\n%s",
		code, slices.Sorted(maps.Keys(want)), strict, unpulled, strings.Join(changes, "\n  "), out, m.base, online, local)}
}
