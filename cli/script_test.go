package cli_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/term"

	"github.com/fcsync/fcsync/cli"
	"github.com/fcsync/fcsync/fc/emulator"
	"github.com/fcsync/fcsync/internal/fcconsole"
)

// Test credentials of the in-process emulator. They are fake: the
// emulator verifies signatures against them like FC would. The secret is
// a canary, new in every run, that the scripts search for (grepall
// TEST_SECRET) wherever fcsync writes.
const (
	testAccount = "1234567890"
	testKeyID   = "LTAItestkey"
)

var testSecret = "canary-ak-secret-" + randomHex()

func randomHex() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func TestMain(m *testing.M) {
	if os.Getenv("FCSYNC_TEST_AS_CLI") == "1" {
		// The pseudo-terminal tests run the test binary as fcsync, which
		// must see the terminal for itself.
		os.Exit(runCLI(term.IsTerminal(int(os.Stdin.Fd()))))
	}
	testscript.Main(m, map[string]func(){
		"fcsync": func() { os.Exit(runCLI(term.IsTerminal(int(os.Stdin.Fd())))) },
	})
}

func runCLI(terminal bool) int {
	if os.Getenv("FCSYNC_TEST_AGREE") != "" {
		if msg := agreeBeforePush(os.Args[1:]); msg != "" {
			fmt.Fprintln(os.Stderr, msg)
			return 99
		}
	}
	var out, errOut io.Writer = os.Stdout, os.Stderr
	// A script that sets FCSYNC_TEST_TRANSCRIPT keeps everything every
	// fcsync command printed in one file, for grepall to search.
	if path := os.Getenv("FCSYNC_TEST_TRANSCRIPT"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer f.Close()
		out, errOut = io.MultiWriter(out, f), io.MultiWriter(errOut, f)
	}
	return cli.Main(os.Args[1:], cli.Streams{In: os.Stdin, Out: out, Err: errOut, IsTerminal: terminal, OutTerminal: false})
}

// TestScripts runs the CLI scenarios in testdata/scripts: each is a short
// story of fcsync commands against fc-emulator, with "console" edits made
// through the official Go SDK as the web console would make them.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "testdata", "scripts"),
		RequireExplicitExec: true,
		Setup:               setupScript,
		Condition:           scriptCondition,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fcconsole":    cmdConsole,
			"nodeconsole":  cmdNodeConsole,
			"nodeconsole3": cmdNodeConsole3,
			"mkzip":        cmdMkzip,
			"grepall":      cmdGrepAll,
			"grepfc":       cmdGrepFC,
			"exits":        cmdExits,
		},
	})
}

// setupScript starts an emulator for the script and points fcsync at it
// through the environment, as a user would with FC_ENDPOINT.
func setupScript(env *testscript.Env) error {
	srv, err := emulator.Start("127.0.0.1:0", emulator.Options{
		AccountID: testAccount, AccessKeyID: testKeyID, AccessKeySecret: testSecret,
	})
	if err != nil {
		return err
	}
	env.Defer(func() { srv.Close() })
	env.Values["emulator"] = srv
	home := filepath.Join(env.WorkDir, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	for k, v := range map[string]string{
		"FC_ENDPOINT":                     srv.URL,
		"ALIBABA_CLOUD_ACCESS_KEY_ID":     testKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": testSecret,
		"ALIBABA_CLOUD_ACCOUNT_ID":        testAccount,
		"HOME":                            home,
		"GIT_CONFIG_NOSYSTEM":             "1",
		"GIT_AUTHOR_NAME":                 "Dev One",
		"GIT_AUTHOR_EMAIL":                "dev@example.com",
		"GIT_COMMITTER_NAME":              "Dev One",
		"GIT_COMMITTER_EMAIL":             "dev@example.com",
		"NO_COLOR":                        "1",
		"TEST_SECRET":                     testSecret,
		"FCSYNC_TEST_AGREE":               "1",
	} {
		env.Setenv(k, v)
	}
	if f := os.Getenv("FCSYNC_AGREE_LOG"); f != "" {
		env.Setenv("FCSYNC_AGREE_LOG", f) // each agreement check appends its comparison
	}
	return nil
}

func server(ts *testscript.TestScript) *emulator.Server {
	return ts.Value("emulator").(*emulator.Server)
}

// cmdMkzip writes a zip for the zip-safety scenarios, entry names
// unchecked; a name in double quotes is a Go string literal ("a\nb"), and
// many:N:PREFIX adds N small files PREFIX0 ... PREFIX<N-1>:
//
//	mkzip OUT.zip name=content ... [symlink:name=target] [dir:DIR] [many:N:PREFIX]
func cmdMkzip(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mkzip OUT.zip entry...")
	}
	var entries []fcconsole.ZipEntry
	for _, a := range args[1:] {
		if dir, ok := strings.CutPrefix(a, "dir:"); ok {
			es, err := fcconsole.DirEntries(ts.MkAbs(dir))
			ts.Check(err)
			entries = append(entries, es...)
			continue
		}
		if spec, ok := strings.CutPrefix(a, "many:"); ok {
			n, prefix, _ := strings.Cut(spec, ":")
			for i := range atoi(ts, n) {
				entries = append(entries, fcconsole.ZipEntry{Name: fmt.Sprintf("%s%d", prefix, i), Data: []byte{byte('a' + i%26)}})
			}
			continue
		}
		link := false
		if rest, ok := strings.CutPrefix(a, "symlink:"); ok {
			a, link = rest, true
		}
		name, content, ok := strings.Cut(a, "=")
		if strings.HasPrefix(a, `"`) {
			end := strings.Index(a[1:], `"=`) + 1
			if end <= 0 {
				ts.Fatalf("mkzip: entry %q: want \"name\"=content", a)
			}
			unq, err := strconv.Unquote(a[:end+1])
			ts.Check(err)
			name, content, ok = unq, a[end+2:], true
		}
		if !ok {
			ts.Fatalf("mkzip: entry %q: want name=content", a)
		}
		entries = append(entries, fcconsole.ZipEntry{Name: name, Data: []byte(content), Symlink: link})
	}
	data, err := fcconsole.BuildZip(entries)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o644))
}

// cmdGrepAll fails when a string occurs in any git object of a repository,
// any file under a folder, or the script's captured output so far:
//
//	grepall VALUE DIR
func cmdGrepAll(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: grepall VALUE DIR")
	}
	value := []byte(ts.Getenv(args[0]))
	if len(value) == 0 {
		value = []byte(args[0])
	}
	var found []string
	root := ts.MkAbs(args[1])
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(data, value) {
			found = append(found, p)
		}
		return nil
	})
	ts.Check(err)
	objects := catAllObjects(ts, root)
	if bytes.Contains(objects, value) {
		found = append(found, "a git object")
	}
	if neg {
		if len(found) > 0 {
			ts.Fatalf("value found in %s", strings.Join(found, ", "))
		}
		return
	}
	if len(found) == 0 {
		ts.Fatalf("value not found")
	}
}

// cmdGrepFC fails when a string occurs anywhere the emulator's account
// would show a console user: every service, function (environment
// included) and trigger, and every custom domain less its private key:
//
//	grepfc VALUE
func cmdGrepFC(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: grepfc VALUE")
	}
	value := []byte(ts.Getenv(args[0]))
	if len(value) == 0 {
		value = []byte(args[0])
	}
	found := bytes.Contains(server(ts).StoredJSON(), value)
	if neg && found {
		ts.Fatalf("value found online")
	}
	if !neg && !found {
		ts.Fatalf("value not found online")
	}
}

func atoi(ts *testscript.TestScript, s string) int {
	n, err := strconv.Atoi(s)
	ts.Check(err)
	return n
}

// cmdExits runs a program and asserts its exit code, keeping its output
// for the stdout and stderr checks that follow:
//
//	exits 3 fcsync push
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want := atoi(ts, args[0])
	err := ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// cmdNodeConsole makes a console edit through the official Node.js SDK
// (conformance/node/console.js, @alicloud/fc2): the same operations as
// fcconsole, by an independent client. make deps installs Node and the SDK;
// without them the scenario fails, never skips, so CI cannot pass unseen.
func cmdNodeConsole(ts *testscript.TestScript, neg bool, args []string) {
	runNodeConsole(ts, neg, "nodeconsole", "console.js", "fc2", args)
}

// cmdNodeConsole3 makes an FC 3.0 console edit through the official FC 3.0
// Node.js SDK (conformance/node/console3.js, @alicloud/fc20230330).
func cmdNodeConsole3(ts *testscript.TestScript, neg bool, args []string) {
	runNodeConsole(ts, neg, "nodeconsole3", "console3.js", "fc20230330", args)
}

func runNodeConsole(ts *testscript.TestScript, neg bool, name, file, sdk string, args []string) {
	node, err := exec.LookPath("node")
	if err != nil {
		ts.Fatalf("%s: node is not installed (make deps installs it)", name)
	}
	script, err := filepath.Abs(filepath.Join("..", "conformance", "node", file))
	if err != nil {
		ts.Fatalf("%s: %v", name, err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(script), "node_modules", "@alicloud", sdk)); err != nil {
		ts.Fatalf("%s: @alicloud/%s is not installed (make deps installs it: npm ci --prefix conformance/node)", name, sdk)
	}
	ts.Setenv("FC_ACCOUNT_ID", ts.Getenv("ALIBABA_CLOUD_ACCOUNT_ID"))
	ts.Setenv("FC_ACCESS_KEY_ID", ts.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"))
	ts.Setenv("FC_ACCESS_KEY_SECRET", ts.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"))
	err = ts.Exec(node, append([]string{script}, args...)...)
	if err != nil && !neg {
		ts.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, ts.ReadFile("stderr"))
	}
	if err == nil && neg {
		ts.Fatalf("%s %s: unexpected success", name, strings.Join(args, " "))
	}
}

// scriptCondition adds [soak] to the scripts' conditions: true when
// FCSYNC_SOAK is set (make soak), for the long versions of the scenarios
// that make test, under the race detector, cannot afford.
func scriptCondition(cond string) (bool, error) {
	if cond == "soak" {
		return os.Getenv("FCSYNC_SOAK") != "", nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}
