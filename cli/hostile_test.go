package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/cli"
	"github.com/fcsync/fcsync/fc/emulator"
	"github.com/fcsync/fcsync/internal/fcconsole"
)

// hostileEnv is one catalogue case's world: an emulator holding service
// demo with functions web (with an http trigger) and other, and a clone of
// it in proj.
type hostileEnv struct {
	t       *testing.T
	srv     *emulator.Server
	console *fcconsole.Console
	dir     string // the test's folder: proj and everything around it
	proj    string
	fc3     *console3 // set on an FC 3.0 project
}

// run is an FC 2.0 console operation; on an FC 3.0 project the same edit
// goes through the FC 3.0 console (the service argument dropped).
func (h *hostileEnv) run(args ...string) {
	h.t.Helper()
	if h.fc3 != nil {
		h.run3(args...)
		return
	}
	if err := h.console.Run(args, io.Discard); err != nil {
		h.t.Fatalf("console %v: %v", args, err)
	}
}

// zip uploads a hand-made archive as web's code.
func (h *hostileEnv) zip(entries ...fcconsole.ZipEntry) {
	h.t.Helper()
	data, err := fcconsole.BuildZip(append([]fcconsole.ZipEntry{{Name: "index.py", Data: []byte("ok")}}, entries...))
	if err != nil {
		h.t.Fatal(err)
	}
	p := filepath.Join(h.dir, "upload.zip")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		h.t.Fatal(err)
	}
	h.run("update-code", "demo", "web", p)
}

func (h *hostileEnv) inject(path, attrs string) {
	h.t.Helper()
	if h.fc3 != nil {
		path = "/" + strings.TrimPrefix(path, "demo/")
	}
	if err := h.srv.Inject(path, []byte(attrs)); err != nil {
		h.t.Fatal(err)
	}
}

func (h *hostileEnv) write(rel, content string) { write(h.t, h.proj, h.path(rel), content) }

func (h *hostileEnv) symlink(rel, target string) {
	h.t.Helper()
	if err := os.Symlink(target, filepath.Join(h.proj, filepath.FromSlash(h.path(rel)))); err != nil {
		h.t.Fatal(err)
	}
}

func (h *hostileEnv) commit() {
	gitCmd(h.t, h.proj, "add", "-A")
	gitCmd(h.t, h.proj, "commit", "-q", "-m", "hostile")
}

func newHostileEnv(t *testing.T, fc3 bool) *hostileEnv {
	srv := startEmulator(t)
	dir := t.TempDir()
	setTestEnv(t, srv, dir)
	h := &hostileEnv{t: t, srv: srv, console: consoleFor(t, srv), dir: dir, proj: filepath.Join(dir, "proj")}
	code := filepath.Join(dir, "code")
	write(t, code, "index.py", "def handler(e, c):\n    return 1\n")
	clone := []string{"clone", "--region", "cn-hangzhou", "--service", "demo", h.proj}
	if fc3 {
		h.fc3 = console3For(t, srv)
		clone = []string{"clone", "--api", "fc3", "--region", "cn-hangzhou", h.proj}
	} else {
		h.run("create-service", "demo")
	}
	h.run("create-function", "demo", "web", `{"runtime":"python3.10","handler":"index.handler","memorySize":128}`, code)
	h.run("create-function", "demo", "other", `{"runtime":"python3.10","handler":"index.handler","memorySize":128}`, code)
	h.run("create-trigger", "demo", "web", "http", "http", `{"authType":"anonymous","methods":["GET"]}`)
	fcsync(t, clone...)
	return h
}

// hostileCase is one entry of the catalogue (issue 9, "hostile input").
type hostileCase struct {
	name        string
	online      func(h *hostileEnv) // console edits after the clone
	local       func(h *hostileEnv) // project edits after the clone
	args        []string            // the fcsync command
	exit        int
	out         string // must match stdout and stderr together
	notOut      string // must not match (raw control characters, a leaked value)
	recordsRest bool   // a legitimate online change made alongside must be on the live branch afterwards
	fc2Only     bool   // about services, which FC 3.0 projects do not have
	fc3Out      string // out on FC 3.0, where the names moved are not the whole difference
}

const liveRef = "fcsync/live/cn-hangzhou"

func link(name, target string) fcconsole.ZipEntry {
	return fcconsole.ZipEntry{Name: name, Data: []byte(target), Symlink: true}
}

func file(name string) fcconsole.ZipEntry {
	return fcconsole.ZipEntry{Name: name, Data: []byte("pwned")}
}

func manyEntries(n int) []fcconsole.ZipEntry {
	out := make([]fcconsole.ZipEntry, n)
	for i := range out {
		out[i] = fcconsole.ZipEntry{Name: fmt.Sprintf("f%d", i)}
	}
	return out
}

func zipCase(name string, entry []fcconsole.ZipEntry, want string) hostileCase {
	return hostileCase{
		name:        "online zip: " + name,
		online:      func(h *hostileEnv) { h.zip(entry...) },
		args:        []string{"fetch"},
		out:         `fcsync: warning: function demo/web: not recorded: code zip: ` + want,
		recordsRest: true,
	}
}

func triggerCase(name, cfg, want string) hostileCase {
	return hostileCase{
		name:        "online trigger config: " + name,
		online:      func(h *hostileEnv) { h.inject("demo/web/http", `{"triggerConfig":`+cfg+`}`) },
		args:        []string{"pull"},
		out:         `fcsync: warning: trigger demo/web/http: not recorded: its configuration would not read back: ` + want,
		recordsRest: true,
	}
}

func hostileCatalogue() []hostileCase {
	q := regexp.QuoteMeta
	cases := []hostileCase{
		zipCase("dot-dot", []fcconsole.ZipEntry{file("../../../fcsync-evil")}, q(`entry "../../../fcsync-evil" escapes the code folder`)),
		zipCase("absolute", []fcconsole.ZipEntry{file(filepath.Join(os.TempDir(), "fcsync-evil-abs"))}, `entry ".*fcsync-evil-abs" is an absolute path`),
		zipCase("drive letter", []fcconsole.ZipEntry{file("C:/fcsync-evil")}, q(`entry "C:/fcsync-evil" is an absolute path`)),
		zipCase("backslash", []fcconsole.ZipEntry{file(`..\fcsync-evil`)}, q(`entry "..\\fcsync-evil" uses backslashes`)),
		zipCase("NUL byte", []fcconsole.ZipEntry{file("a\x00b")}, q(`entry "a\x00b" contains a NUL byte`)),
		zipCase("symlink to /etc", []fcconsole.ZipEntry{link("etc", "/etc")}, q(`symlink "etc" -> "/etc" escapes the code folder`)),
		zipCase("symlink up", []fcconsole.ZipEntry{link("a/up", "../../x")}, q(`symlink "a/up" -> "../../x" escapes the code folder`)),
		zipCase("symlink chain", []fcconsole.ZipEntry{link("d/here", "."), link("out", "d/here/../../x")}, q(`symlink "out" -> "d/here/../../x" escapes`)),
		zipCase("symlink loop", []fcconsole.ZipEntry{link("a", "b"), link("b", "a")}, q(`symlink "a" -> "b" is part of a symlink loop`)),
		zipCase("duplicate", []fcconsole.ZipEntry{file("a.txt"), file("a/./../a.txt")}, q(`entry "a/./../a.txt" escapes the code folder`)),
		zipCase("duplicate after cleaning", []fcconsole.ZipEntry{file("a/b"), file("a/./b")}, q(`entry "a/./b" is a duplicate of "a/b"`)),
		zipCase("file is a folder", []fcconsole.ZipEntry{file("a"), file("a/b")}, q(`entry "a/b" is inside "a", which is a file`)),
		zipCase(".git", []fcconsole.ZipEntry{file(".git/config")}, q(`entry ".git/config" names the .git folder`)),
		zipCase(".git with a space", []fcconsole.ZipEntry{file(".git /HEAD")}, q(`entry ".git /HEAD" names the .git folder (as ".git ", which git refuses`)),
		zipCase(".git with a dot", []fcconsole.ZipEntry{file(".git./config")}, q(`entry ".git./config" names the .git folder`)),
		zipCase(".git with dots and spaces", []fcconsole.ZipEntry{file("lib/.git . ./config")}, q(`entry "lib/.git . ./config" names the .git folder`)),
		zipCase(".git NTFS stream", []fcconsole.ZipEntry{file(".git::$INDEX_ALLOCATION/config")}, q(`entry ".git::$INDEX_ALLOCATION/config" names the .git folder`)),
		zipCase("NTFS short name", []fcconsole.ZipEntry{file("git~1/config")}, q(`entry "git~1/config" names the .git folder`)),
		zipCase("NTFS short name upper case", []fcconsole.ZipEntry{file("GIT~1/hooks/post-checkout")}, q(`entry "GIT~1/hooks/post-checkout" names the .git folder`)),
		zipCase("HFS zero-width non-joiner", []fcconsole.ZipEntry{file(".g\u200cit/config")}, q(`entry ".g\u200cit/config" names the .git folder`)),
		zipCase("HFS byte-order mark", []fcconsole.ZipEntry{file(".GI\ufeffT/config")}, q(`entry ".GI\ufeffT/config" names the .git folder`)),
		zipCase("mixed case", []fcconsole.ZipEntry{file("x/.GiT/config")}, q(`entry "x/.GiT/config" names the .git folder`)),
		zipCase("more entries than the limit", manyEntries(100_001), q(`100002 entries, more than the limit of 100000`)),
		zipCase(".gitmodules naming ../", []fcconsole.ZipEntry{{Name: "vendor/.gitmodules", Data: []byte("[submodule \"../../../x\"]\n\tpath = x\n\turl = https://example.com/x\n")}},
			q(`entry "vendor/.gitmodules" is a .gitmodules naming submodule ../../../x, which git refuses`)),
		zipCase(".gitmodules url as an option", []fcconsole.ZipEntry{{Name: ".gitmodules", Data: []byte("[submodule \"x\"]\n\tpath = x\n\turl = --upload-pack=touch /tmp/fcsync-evil\n")}},
			q(`entry ".gitmodules" is a .gitmodules whose submodule x has url "--upload-pack=touch /tmp/fcsync-evil", which git refuses`)),
		zipCase(".gitmodules symlink", []fcconsole.ZipEntry{link(".gitmodules", "index.py")}, q(`entry ".gitmodules" is a symlink named like .gitmodules`)),
		zipCase(".gitmodules short-name symlink", []fcconsole.ZipEntry{link("GITMOD~1", "index.py")}, q(`entry "GITMOD~1" is a symlink named like .gitmodules`)),

		triggerCase("a string", `"just a string"`, `triggerConfig must be a mapping, not a single value`),
		triggerCase("a list", `[1,2,3]`, `triggerConfig must be a mapping, not a list`),
		triggerCase("a number", `42`, `triggerConfig must be a mapping, not a single value`),
		triggerCase("a boolean", `true`, `triggerConfig must be a mapping, not a single value`),
		triggerCase("null", `null`, `triggerConfig must be a mapping, not null`),
		{
			name:   "online value: integer of 30 digits",
			online: func(h *hostileEnv) { h.inject("demo/other", `{"timeout":123456789012345678901234567890}`) },
			args:   []string{"pull"},
			out:    `timeout 3 -> 123456789012345678901234567890`,
		},
		{
			name:   "online value: beyond float64",
			online: func(h *hostileEnv) { h.inject("demo/other", `{"cpu":1e400,"diskSize":-1E400}`) },
			args:   []string{"pull"},
			out:    `cpu \(absent\) -> 1e400`,
			fc3Out: `cpu [0-9.]+ -> 1e400`,
		},
		{
			name:   "online value: field name with a newline",
			online: func(h *hostileEnv) { h.inject("demo/other", `{"x\nfunction demo/web: deleted":1}`) },
			args:   []string{"pull"},
			out:    q(`"x\nfunction demo/web: deleted" (absent) -> 1`),
			fc3Out: q(`"x\nfunction demo/web: deleted" (absent) -> 1`),
			notOut: `(?m)^function demo/web: deleted`,
		},
		{
			name: "online value: terminal escape in a value and a field name",
			online: func(h *hostileEnv) {
				h.inject("demo/other", `{"description":"\u001b[2J\u001b[31mred","\u001b]0;title\u0007":"x"}`)
			},
			args:   []string{"pull"},
			out:    q(`description "" -> "\x1b[2J\x1b[31mred"; "\033]0;title\a" (absent) -> "x"`),
			notOut: "\x1b",
		},
		{
			name: "online value: empty field name and deep nesting",
			online: func(h *hostileEnv) {
				h.inject("demo/other", `{"":1,"deep":`+strings.Repeat("[", 200)+strings.Repeat("]", 200)+`}`)
			},
			args: []string{"pull"},
			out:  `function demo/other: .*deep`,
		},
		{
			name: "online value: trigger deleted after a bad one was refused",
			online: func(h *hostileEnv) {
				h.inject("demo/web/http", `{"triggerConfig":"just a string"}`)
				fcsync(h.t, "--dir", h.proj, "fetch")
				h.run("delete-trigger", "demo", "web", "http")
			},
			args: []string{"pull"},
			out:  `trigger demo/web/http: deleted`,
		},

		{
			name: "history: a live commit whose message holds escape sequences",
			local: func(h *hostileEnv) {
				tree := gitOut(h.t, h.proj, "rev-parse", liveRef+"^{tree}")
				parent := gitOut(h.t, h.proj, "rev-parse", liveRef)
				c := gitOut(h.t, h.proj, "commit-tree", tree, "-p", parent, "-m", "online change: \x1b[2J\x1b]0;pwned\a\n\nfunction demo/web: \x1b[31mred")
				gitCmd(h.t, h.proj, "update-ref", "refs/heads/"+liveRef, c)
			},
			args:   []string{"log"},
			out:    q(`online change: \033[2J\033]0;pwned\a`) + `(?s).*` + q(`function demo/web: \033[31mred`),
			fc3Out: q(`online change: \033[2J\033]0;pwned\a`) + `(?s).*` + q(`function demo/web: \033[31mred`),
			notOut: "\x1b",
		},
		{
			name:  "local: symlink to a system file",
			local: func(h *hostileEnv) { h.symlink("services/demo/functions/web/code/passwd", "/etc/passwd"); h.commit() },
			args:  []string{"push"},
			exit:  2,
			out:   `fcsync: services/demo/functions/web/code/passwd: symlink to /etc/passwd escapes the code folder`,
		},
		{
			name: "local: symlink climbing out",
			local: func(h *hostileEnv) {
				h.symlink("services/demo/functions/web/code/up", "../../other/code/index.py")
				h.commit()
			},
			args: []string{"push"},
			exit: 2,
			out:  `services/demo/functions/web/code/up: symlink to ../../other/code/index.py escapes the code folder`,
		},
		{
			name: "local: git folder inside code",
			local: func(h *hostileEnv) {
				h.write("services/demo/functions/web/code/lib/.git/HEAD", "ref: refs/heads/main\n")
				h.write("services/demo/functions/web/code/lib/x.py", "x = 1\n")
			},
			args: []string{"status"},
			out:  `fcsync: warning: services/demo/functions/web/code/lib/.git: a git folder inside the code of function demo/web`,
		},
		{
			name:  "local: name with an escape sequence",
			local: func(h *hostileEnv) { h.write("services/demo/functions/web/code/\x1b[31mred\n.py", "x = 1\n") },
			args:  []string{"push", "-m", "add a file"},
			out:   `Deployed 1 operations`,
		},
		{
			name:  "local: YAML syntax error",
			local: func(h *hostileEnv) { h.write("services/demo/functions/web/function.yaml", "memorySize: [\n") },
			args:  []string{"status"},
			exit:  2,
			out:   `services/demo/functions/web/function.yaml:2: `,
		},
		{
			name: "local: triggerConfig not a mapping",
			local: func(h *hostileEnv) {
				h.write("services/demo/functions/web/triggers/http.yaml", "triggerType: http\ntriggerConfig: just a string\n")
			},
			args: []string{"status"},
			exit: 2,
			out:  `services/demo/functions/web/triggers/http.yaml:2: triggerConfig must be a mapping, not a single value`,
		},
		{
			name:  "local: server-owned field",
			local: func(h *hostileEnv) { h.write("services/demo/functions/web/function.yaml", "codeChecksum: \"1\"\n") },
			args:  []string{"status"},
			exit:  2,
			out:   `services/demo/functions/web/function.yaml:1: codeChecksum is set by Function Compute`,
		},
		{
			name: "local: two YAML documents",
			local: func(h *hostileEnv) {
				h.write("services/demo/functions/web/function.yaml", "memorySize: 1\n---\nmemorySize: 2\n")
			},
			args: []string{"status"},
			exit: 2,
			out:  `function.yaml:2: more than one YAML document`,
		},
		{
			name: "local: alias bomb",
			local: func(h *hostileEnv) {
				var b strings.Builder
				b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
				for i := 1; i < 9; i++ {
					fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
				}
				h.write("services/demo/functions/web/function.yaml", b.String())
			},
			args: []string{"status"},
			exit: 2,
			out:  `services/demo/functions/web/function.yaml: .*alias`,
			// The YAML decoder refuses the expansion before any API's
			// table is read: one API covers it, and under -race the
			// case costs a minute and a half.
			fc2Only: true,
		},
		{
			name:    "local: invalid service name",
			local:   func(h *hostileEnv) { h.write("services/bad name/service.yaml", "{}\n") },
			args:    []string{"status"},
			exit:    2,
			out:     `services/bad name/service.yaml: invalid service name "bad name"`,
			fc2Only: true,
		},
		{
			name:  "local: .git spelled another way in code",
			local: func(h *hostileEnv) { h.write("services/demo/functions/web/code/.git /HEAD", "x\n") },
			args:  []string{"push", "-m", "commit it for me"},
			exit:  2,
			out:   q(`fcsync: services/demo/functions/web/code/.git /HEAD: names the .git folder (as ".git ", which git refuses`),
		},
	}
	cases = append(cases, answerCases()...)
	return append(cases, localProjectCases()...)
}

// answerCase is an online case in which FC (or whatever answers in its
// place) gives one call a canned answer: nothing may be recorded from it.
func answerCase(name string, a emulator.Answer, args []string, exit int, out string) hostileCase {
	return hostileCase{
		name:   "online answer: " + name,
		online: func(h *hostileEnv) { h.srv.SetFaults(emulator.Faults{Answers: []emulator.Answer{a}}) },
		args:   args, exit: exit, out: out,
	}
}

func answerCases() []hostileCase {
	return []hostileCase{
		answerCase("a list without its list key", emulator.Answer{Action: "ListFunctions", Body: `{}`}, []string{"pull"}, 1, `(service demo: )?ListFunctions: the answer has no "functions" list: not taking it for an empty one`),
		answerCase("a list key of the wrong type", emulator.Answer{Action: "ListTriggers", Body: `{"triggers":"all of them"}`}, []string{"fetch"}, 1, `ListTriggers: the answer has no "triggers" list: not taking it for an empty one`),
		answerCase("a redirect to another host", emulator.Answer{Action: "ListFunctions", Status: 302, Header: map[string]string{"Location": "http://127.0.0.2:1/evil"}},
			[]string{"fetch"}, 1, `answered 302 Found with a redirect to http://127.0.0.2:1; fcsync follows no redirect, so the GET was not sent there`),
		answerCase("a web page", emulator.Answer{Action: "ListFunctions", ContentType: "text/html", Body: "<html>login</html>"}, []string{"fetch"}, 1,
			`(service demo: )?ListFunctions: the endpoint did not answer like FC: HTTP 200 text/html`),
		answerCase("broken JSON", emulator.Answer{Action: "ListTriggers", Body: `{"triggers":[`}, []string{"push"}, 1, `function demo/\w+: ListTriggers: unexpected EOF`),
	}
}

// localProjectCases are project files a careless colleague commits.
func localProjectCases() []hostileCase {
	edit := func(rel, content string) func(h *hostileEnv) {
		return func(h *hostileEnv) { h.write(rel, content); h.commit() }
	}
	fn := "services/demo/functions/web/function.yaml"
	return []hostileCase{
		{name: "local: a typo in a field name", local: edit(fn, "runtime: python3.10\nhandler: index.handler\nmemmorySize: 1024\n"),
			args: []string{"push"}, exit: 2, out: `function.yaml:3: unknown field memmorySize; did you mean memorySize\?\n.*nothing was sent to Function Compute`},
		{name: "local: a number that is not one", local: edit(fn, "runtime: python3.10\nhandler: index.handler\nmemorySize: abc\n"),
			args: []string{"push"}, exit: 2, out: `function.yaml:3: memorySize must be a whole number .*, not "abc"`},
		{name: "local: a reference to fcsync's own credentials", local: edit(fn, "runtime: python3.10\nhandler: index.handler\nenvironmentVariables:\n  LOG_LEVEL: ${env:ALIBABA_CLOUD_ACCESS_KEY_SECRET}\n"),
			args: []string{"push"}, exit: 2, out: `function.yaml:4: environmentVariables.LOG_LEVEL refers to \$\{env:ALIBABA_CLOUD_ACCESS_KEY_SECRET\}, a credential variable`},
		{name: "local: a file that is no kind's", local: edit("services/demo/alias/prod.yaml", "versionId: \"1\"\n"),
			args: []string{"push"}, exit: 2, out: `services/demo/alias/prod.yaml: matches no kind of resource`, fc2Only: true},
		{name: "local: code without its function.yaml", local: edit("services/demo/functions/ghost/code/index.py", "x = 1\n"),
			args: []string{"push"}, exit: 2, out: `services/demo/functions/ghost/code/index.py: code of function demo/ghost`},
		{name: "local: a trigger without its function", local: edit("services/demo/functions/ghost/triggers/t.yaml", "triggerType: timer\ntriggerConfig:\n  cronExpression: \"@every 1m\"\n"),
			args: []string{"push"}, exit: 2, out: `services/demo/functions/ghost/triggers/t.yaml: function demo/ghost has no services/demo/functions/ghost/function.yaml`},
		{name: "local: an unknown key in fcsync.yaml", local: edit("fcsync.yaml", "region: cn-hangzhou\nsecretPattern: [\"*\"]\n"),
			args: []string{"status"}, exit: 2, out: `fcsync.yaml:2: unknown key "secretPattern"`},
	}
}

// TestHostileCatalogue runs every hostile case against a fresh emulator
// and clone and checks the message, the exit code, that git fsck --strict
// stays clean, that nothing outside the project changed and, for online
// cases, that the rest of the online state was still recorded.
func TestHostileCatalogue(t *testing.T) { hostileTest(t, false) }

// TestHostileCatalogueFC3 runs the catalogue on an FC 3.0 project (issue
// 14), its paths and names moved (hostileFC3Names), without the cases
// about services, which FC 3.0 does not have.
func TestHostileCatalogueFC3(t *testing.T) { hostileTest(t, true) }

func hostileTest(t *testing.T, fc3 bool) {
	var cases []hostileCase
	for _, tc := range hostileCatalogue() {
		if fc3 && tc.fc2Only {
			continue
		}
		if fc3 {
			tc.out, tc.notOut = hostileFC3Names.Replace(tc.out), hostileFC3Names.Replace(tc.notOut)
			if tc.fc3Out != "" {
				tc.out = tc.fc3Out
			}
		}
		cases = append(cases, tc)
	}
	t.Logf("hostile input catalogue: %d cases", len(cases))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostileEnv(t, fc3)
			before := snapshotOutside(t, h.dir, h.proj)
			if tc.recordsRest {
				h.run("update-function", "demo", "other", `{"memorySize":256}`)
			}
			if tc.online != nil {
				tc.online(h)
			}
			if tc.local != nil {
				tc.local(h)
			}
			var out bytes.Buffer
			code := cli.Main(append([]string{"--dir", h.proj}, tc.args...), cli.Streams{In: strings.NewReader(""), Out: &out, Err: &out})
			if code != tc.exit {
				t.Errorf("fcsync %s: exit %d, want %d\n%s", strings.Join(tc.args, " "), code, tc.exit, out.String())
			}
			if os.Getenv("HOSTILE_SHOW") != "" {
				t.Logf("output:\n%s", out.String())
			}
			if !regexp.MustCompile(tc.out).Match(out.Bytes()) {
				t.Errorf("output does not match %q:\n%s", tc.out, out.String())
			}
			if tc.notOut != "" && regexp.MustCompile(tc.notOut).Match(out.Bytes()) {
				t.Errorf("output matches %q:\n%q", tc.notOut, out.String())
			}
			if tc.recordsRest {
				if y := gitOut(t, h.proj, "show", liveRef+":"+h.path("services/demo/functions/other/function.yaml")); !strings.Contains(y, "memorySize: 256") {
					t.Errorf("the rest of the online state was not recorded:\n%s", y)
				}
			}
			gitOut(t, h.proj, "fsck", "--strict")
			if after := snapshotOutside(t, h.dir, h.proj); after != before {
				t.Errorf("files outside the project changed:\nbefore %s\nafter  %s", before, after)
			}
			for _, p := range []string{filepath.Join(os.TempDir(), "fcsync-evil-abs"), filepath.Join(h.dir, "fcsync-evil")} {
				if _, err := os.Lstat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}

// snapshotOutside lists every file under dir but outside proj, with size
// and mode, skipping the upload area the test itself writes.
func snapshotOutside(t *testing.T, dir, proj string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == proj {
			return filepath.SkipDir
		}
		if filepath.Base(p) == "upload.zip" {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v %d;", p, info.Mode(), info.Size())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The FC 3.0 catalogue is the FC 2.0 one with its paths and names moved:
// functions at the top of the tree and named without a service.
var hostileFC3Names = strings.NewReplacer("services/demo/functions/", "functions/", "demo/", "")

// path is a project path of the FC 2.0 catalogue as this project has it.
func (h *hostileEnv) path(rel string) string {
	if h.fc3 == nil {
		return rel
	}
	return hostileFC3Names.Replace(rel)
}

// run3 plays the FC 2.0 console operations the catalogue uses on FC 3.0.
func (h *hostileEnv) run3(args ...string) {
	h.t.Helper()
	body := func(s string) map[string]any {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			h.t.Fatal(err)
		}
		return m
	}
	zipArg := func(p string) []byte {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			entries, err := fcconsole.DirEntries(p)
			if err != nil {
				h.t.Fatal(err)
			}
			data, err := fcconsole.BuildZip(entries)
			if err != nil {
				h.t.Fatal(err)
			}
			return data
		}
		data, err := os.ReadFile(p)
		if err != nil {
			h.t.Fatal(err)
		}
		return data
	}
	var err error
	switch args[0] {
	case "create-function":
		err = h.fc3.createFunction(args[2], withCPU(body(args[3])), zipArg(args[4]))
	case "update-function":
		err = h.fc3.updateFunction(args[2], withCPU(body(args[3])))
	case "update-code":
		err = h.fc3.updateCode(args[2], zipArg(args[3]))
	case "create-trigger":
		err = h.fc3.createTrigger(args[2], args[3], args[4], args[5])
	case "delete-trigger":
		err = h.fc3.deleteTrigger(args[2], args[3])
	default:
		h.t.Fatalf("console %v: no FC 3.0 counterpart", args)
	}
	if err != nil {
		h.t.Fatalf("console %v: %v", args, err)
	}
}

// withCPU adds the cpu FC 3.0 requires with a memory size, as its console does.
func withCPU(body map[string]any) map[string]any {
	if mb, ok := body["memorySize"].(float64); ok && body["cpu"] == nil {
		body["cpu"] = json.Number(cpuFor(int(mb)))
	}
	return body
}
