package cli_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fcsync/fcsync/cli"
	"github.com/fcsync/fcsync/fc/emulator"
)

// Issue 13, section 5: every -o json document names its versioned schema,
// and real output of each command validates against the JSON Schema file
// docs/schemas/ publishes for it: status (with the sync point's commits,
// and with --all the resources in sync), push --dry-run (the plan, and the
// drift report when it refuses), and push (what was applied, all or part).
func TestJSONSchemas(t *testing.T) {
	srv, proj := cloneForTest(t)
	c := jsonschema.NewCompiler()
	schemas := map[string]*jsonschema.Schema{}
	for name, file := range map[string]string{"fcsync.status/v1": "status.v1.json", "fcsync.push/v1": "push.v1.json",
		"fcsync.diff/v1": "diff.v1.json", "fcsync.log/v1": "log.v1.json"} {
		s, err := c.Compile(filepath.Join("..", "docs", "schemas", file))
		if err != nil {
			t.Fatal(err)
		}
		schemas[name] = s
	}
	// runJSON runs fcsync and checks that standard output is one document
	// that validates against the schema it names.
	runJSON := func(wantCode int, args ...string) map[string]any {
		t.Helper()
		var out, errOut bytes.Buffer
		code := cli.Main(append([]string{"--dir", proj}, args...), cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
		if code != wantCode {
			t.Fatalf("fcsync %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, wantCode, out.String(), errOut.String())
		}
		dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
		var doc any
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("fcsync %s: standard output is not JSON: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		if dec.More() {
			t.Fatalf("fcsync %s: more than one document on standard output:\n%s", strings.Join(args, " "), out.String())
		}
		m, _ := doc.(map[string]any)
		name, _ := m["schema"].(string)
		s := schemas[name]
		if s == nil {
			t.Fatalf("fcsync %s: schema %q is not one of docs/schemas:\n%s", strings.Join(args, " "), name, out.String())
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(inst); err != nil {
			t.Fatalf("fcsync %s: output does not validate against %s: %v\n%s", strings.Join(args, " "), name, err, out.String())
		}
		return m
	}
	rev := func(ref string) string {
		t.Helper()
		cmd := exec.Command("git", "rev-parse", ref)
		cmd.Dir = proj
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	console := consoleFor(t, srv)
	consoleDo := func(args ...string) {
		t.Helper()
		if err := console.Run(args, io.Discard); err != nil {
			t.Fatal(err)
		}
	}

	// status: the sync point's live and local commits; --all lists the
	// resources in sync too.
	doc := runJSON(0, "status", "-o", "json")
	sp, _ := doc["syncPoint"].(map[string]any)
	if sp["live"] != rev("fcsync/live/cn-hangzhou") || sp["local"] != rev("HEAD") || doc["head"] != rev("HEAD") {
		t.Fatalf("sync point %v, head %v", sp, doc["head"])
	}
	if rs := doc["resources"].([]any); len(rs) != 0 {
		t.Fatalf("resources without --all: %v", rs)
	}
	doc = runJSON(0, "status", "-o", "json", "--all", "--urls")
	if rs := doc["resources"].([]any); len(rs) != 2 || rs[0].(map[string]any)["status"] != "in sync" {
		t.Fatalf("resources with --all: %v", rs)
	}

	// push refused: the drift report, exit 3, with --dry-run and without.
	consoleDo("update-function", "demo", "web", `{"memorySize":256}`)
	for _, args := range [][]string{{"push", "--dry-run", "-o", "json"}, {"push", "-o", "json"}} {
		doc = runJSON(3, args...)
		drift, _ := doc["drift"].([]any)
		if doc["result"] != "refused" || len(drift) != 1 || drift[0].(map[string]any)["path"] != "services/demo/functions/web/function.yaml" {
			t.Fatalf("%v: %v", args, doc)
		}
	}
	doc = runJSON(3, "status", "-o", "json", "--exit-code")
	if rs := doc["resources"].([]any); len(rs) != 1 || rs[0].(map[string]any)["status"] != "changed online" {
		t.Fatalf("status after the console edit: %v", rs)
	}

	// The plan, then the deploy: what was applied and the deploy commit.
	fcsync(t, "--dir", proj, "pull")
	write(t, proj, "services/demo/functions/web/function.yaml", "runtime: python3.10\nhandler: index.handler\nmemorySize: 256\ntimeout: 9\n")
	write(t, proj, "services/demo/functions/web/triggers/http.yaml", "triggerType: http\ntriggerConfig:\n  authType: anonymous\n  methods: [GET]\n")
	gitCmd(t, proj, "add", "-A")
	gitCmd(t, proj, "commit", "-q", "-m", "timeout, http")
	doc = runJSON(0, "push", "--dry-run", "-o", "json")
	if ops := doc["operations"].([]any); doc["result"] != "planned" || len(ops) != 2 {
		t.Fatalf("dry run: %v", doc)
	}
	doc = runJSON(0, "push", "-o", "json")
	if ops := doc["operations"].([]any); doc["result"] != "deployed" || len(ops) != 2 || doc["liveCommit"] != rev("fcsync/live/cn-hangzhou") {
		t.Fatalf("push: %v", doc)
	}
	if urls, _ := doc["urls"].([]any); len(urls) != 1 {
		t.Fatalf("push: the new HTTP trigger's URL: %v", doc)
	}
	doc = runJSON(0, "push", "-o", "json")
	if doc["result"] != "up-to-date" {
		t.Fatalf("second push: %v", doc)
	}
	doc = runJSON(0, "status", "-o", "json")
	if sp, _ := doc["syncPoint"].(map[string]any); sp["live"] != rev("fcsync/live/cn-hangzhou") || sp["local"] != rev("HEAD") {
		t.Fatalf("sync point after the deploy: %v", sp)
	}

	// diff and log, both ways.
	if doc = runJSON(0, "diff", "-o", "json"); doc["compare"] != "push" || len(doc["files"].([]any)) != 0 {
		t.Fatalf("diff after the deploy: %v", doc)
	}
	if doc = runJSON(0, "diff", "--online", "-o", "json"); doc["compare"] != "online" {
		t.Fatalf("diff --online: %v", doc)
	}
	if doc = runJSON(0, "log", "-o", "json"); len(doc["commits"].([]any)) < 3 {
		t.Fatalf("log: %v", doc)
	}

	// push --publish with nothing else to deploy: the version and alias.
	doc = runJSON(0, "push", "--publish", "-o", "json", "--alias", "prod")
	if pub, _ := doc["published"].(map[string]any); doc["result"] != "deployed" || pub["versionId"] != "1" || pub["alias"] != "prod" ||
		doc["liveCommit"] != rev("fcsync/live/cn-hangzhou") {
		t.Fatalf("push --publish: %v", doc)
	}

	// A push FC stops part way: what was applied, what was not, and why.
	write(t, proj, "services/demo/service.yaml", "description: two steps\ninternetAccess: true\n")
	write(t, proj, "services/demo/functions/web/function.yaml", "runtime: python3.10\nhandler: index.handler\nmemorySize: 256\ntimeout: 12\n")
	gitCmd(t, proj, "commit", "-q", "-am", "two steps")
	srv.SetFaults(emulator.Faults{FailFrom: map[string]int{"UpdateFunction": 1}})
	doc = runJSON(1, "push", "-o", "json")
	srv.SetFaults(emulator.Faults{})
	if na, _ := doc["notApplied"].([]any); doc["result"] != "partial" || len(doc["operations"].([]any)) != 1 || len(na) != 1 || doc["error"] == "" {
		t.Fatalf("partial push: %v", doc)
	}
}

// The schema files are what the README documents.
func TestJSONSchemasDocumented(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"docs/schemas/status.v1.json", "docs/schemas/push.v1.json", "fcsync.status/v1", "fcsync.push/v1"} {
		if !bytes.Contains(readme, []byte(f)) {
			t.Errorf("README does not mention %s", f)
		}
	}
}
