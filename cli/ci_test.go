package cli_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// ciWorkflow is a documented CI setup: the fcsync commands of its deploy
// and drift jobs, read from the file users copy.
type ciWorkflow struct {
	file          string
	deploy, drift []string
}

func (w ciWorkflow) load(t *testing.T) ciWorkflow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "docs", "ci", w.file))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", w.file, err)
	}
	commands := func(lines []any) []string {
		var out []string
		for _, l := range lines {
			if s, ok := l.(string); ok && strings.HasPrefix(s, "fcsync ") {
				out = append(out, s)
			}
		}
		return out
	}
	job := func(name string) []string {
		if jobs, ok := doc["jobs"].(map[string]any); ok { // GitHub Actions
			j, _ := jobs[name].(map[string]any)
			steps, _ := j["steps"].([]any)
			var runs []any
			for _, s := range steps {
				if m, ok := s.(map[string]any); ok {
					runs = append(runs, m["run"])
				}
			}
			return commands(runs)
		}
		j, _ := doc[name].(map[string]any) // GitLab CI
		script, _ := j["script"].([]any)
		return commands(script)
	}
	w.deploy, w.drift = job("deploy"), job("drift")
	if len(w.deploy) == 0 || len(w.drift) == 0 {
		t.Fatalf("%s: no fcsync commands found in the deploy (%q) or drift (%q) job", w.file, w.deploy, w.drift)
	}
	return w
}

// runJob runs a job's fcsync commands in the project, as CI would (no
// terminal), and returns the exit code of the first that fails.
func runJob(t *testing.T, proj string, cmds []string) (int, string) {
	t.Helper()
	for _, c := range cmds {
		args := append([]string{"--dir", proj}, strings.Fields(c)[1:]...)
		if out, code := run(args...); code != 0 {
			return code, out
		}
	}
	return 0, ""
}

// The workflows of docs/ci.md do what it says (issue 13, item 4): deploy
// on merge, the scheduled drift job fails with exit 3 after a console edit,
// and a deploy is refused until the change is pulled.
func TestCIWorkflows(t *testing.T) {
	for _, w := range []ciWorkflow{{file: "github-actions.yml"}, {file: "gitlab-ci.yml"}} {
		t.Run(w.file, func(t *testing.T) {
			w = w.load(t)
			srv, proj := cloneForTest(t)
			origin := filepath.Join(t.TempDir(), "origin.git")
			gitCmd(t, filepath.Dir(origin), "init", "-q", "--bare", origin)
			write(t, proj, "fcsync.yaml", readFile(t, filepath.Join(proj, "fcsync.yaml"))+"liveRemote: origin\n")
			gitCmd(t, proj, "commit", "-q", "-am", "share the live branch")
			gitCmd(t, proj, "remote", "add", "origin", origin)
			gitCmd(t, proj, "push", "-q", "origin", "HEAD:main")

			setTimeout := func(v string) {
				fn := readFile(t, filepath.Join(proj, "services/demo/functions/web/function.yaml"))
				lines := strings.Split(fn, "\n")
				for i, l := range lines {
					if strings.HasPrefix(l, "timeout:") {
						lines[i] = "timeout: " + v
					}
				}
				write(t, proj, "services/demo/functions/web/function.yaml", strings.Join(lines, "\n"))
				gitCmd(t, proj, "commit", "-q", "-am", "timeout "+v)
			}
			setTimeout("8")
			if code, out := runJob(t, proj, w.deploy); code != 0 {
				t.Fatalf("deploy job: exit %d\n%s", code, out)
			}
			assertOnline(t, srv, "web", `"timeout": 8`)
			if code, out := runJob(t, proj, w.drift); code != 0 {
				t.Fatalf("drift job without a console edit: exit %d\n%s", code, out)
			}
			if err := consoleFor(t, srv).Run([]string{"update-function", "demo", "web", `{"memorySize":1024}`}, io.Discard); err != nil {
				t.Fatal(err)
			}
			if code, out := runJob(t, proj, w.drift); code != 3 {
				t.Fatalf("drift job after a console edit: exit %d, want 3\n%s", code, out)
			}
			if got := gitOut(t, origin, "log", "-1", "--format=%an", "fcsync/live/cn-hangzhou"); got != "Function Compute" {
				t.Fatalf("the console edit is not on the shared live branch (newest author %q)", got)
			}
			setTimeout("9")
			if code, out := runJob(t, proj, w.deploy); code != 3 {
				t.Fatalf("deploy job over a console edit: exit %d, want 3\n%s", code, out)
			}
			assertOnline(t, srv, "web", `"timeout": 8`, `"memorySize": 1024`)
			fcsync(t, "--dir", proj, "pull")
			if code, out := runJob(t, proj, w.deploy); code != 0 {
				t.Fatalf("deploy job after the pull: exit %d\n%s", code, out)
			}
			assertOnline(t, srv, "web", `"timeout": 9`, `"memorySize": 1024`)
		})
	}
}
