package cli_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/fcsync/fcsync/fc/emulator"
	"github.com/fcsync/fcsync/internal/fcconsole"
)

// consoleTestUsage documents the operations fcconsole has in scripts on top
// of fcconsole.Usage: assertions on and faults of the emulator.
const consoleTestUsage = `calls ACTION N    (asserts the emulator served N calls of ACTION)
writes N          (asserts the emulator served N write calls)
calls-total N     (asserts the emulator served N API calls in all)
reset-stats
domain-key DOMAIN  (prints the private key the emulator holds, which reads blank)
faults JSON       (emulator.Faults, e.g. {"failNth":{"UpdateFunction":1}})
inject PATH JSON  (emulator.Inject: SVC[/FN[/TRIGGER]] attributes taken verbatim)`

// cmdConsole is the scripts' stand-in for the FC web console: every edit
// goes through the official Go SDK to the script's emulator.
func cmdConsole(ts *testscript.TestScript, neg bool, args []string) {
	err := runConsole(ts, args)
	if neg {
		if err == nil {
			ts.Fatalf("fcconsole %s: unexpected success", strings.Join(args, " "))
		}
		fmt.Fprintf(ts.Stderr(), "%v\n", err)
		return
	}
	if err != nil {
		ts.Fatalf("fcconsole %s: %v", strings.Join(args, " "), err)
	}
}

func runConsole(ts *testscript.TestScript, args []string) error {
	srv := server(ts)
	if len(args) == 0 {
		ts.Fatalf("usage:\n%s\n%s", fcconsole.Usage, consoleTestUsage)
	}
	switch args[0] {
	case "calls":
		if len(args) != 3 {
			ts.Fatalf("usage: %s", consoleTestUsage)
		}
		got := srv.Stats()[args[1]]
		if n := atoi(ts, args[2]); got != n {
			return fmt.Errorf("emulator served %d %s calls, want %d (all: %v)", got, args[1], n, srv.Stats())
		}
		return nil
	case "writes":
		if len(args) != 2 {
			ts.Fatalf("usage: %s", consoleTestUsage)
		}
		got := 0
		for action, n := range srv.Stats() {
			if isWriteAction(action) {
				got += n
			}
		}
		if n := atoi(ts, args[1]); got != n {
			return fmt.Errorf("emulator served %d write calls, want %d (all: %v)", got, n, srv.Stats())
		}
		return nil
	case "calls-total":
		if len(args) != 2 {
			ts.Fatalf("usage: %s", consoleTestUsage)
		}
		got := 0
		for _, n := range srv.Stats() {
			got += n
		}
		if n := atoi(ts, args[1]); got != n {
			return fmt.Errorf("emulator served %d calls, want %d (all: %v)", got, n, srv.Stats())
		}
		return nil
	case "domain-key":
		// The private key FC holds, which reads never return.
		if len(args) != 2 {
			ts.Fatalf("usage: %s", consoleTestUsage)
		}
		key, ok := srv.DomainPrivateKey(args[1])
		if !ok {
			return fmt.Errorf("domain %s has no private key", args[1])
		}
		fmt.Fprintln(ts.Stdout(), key)
		return nil
	case "inject":
		if len(args) != 3 {
			ts.Fatalf("usage: %s", consoleTestUsage)
		}
		return srv.Inject(args[1], []byte(args[2]))
	case "reset-stats":
		srv.ResetStats()
		return nil
	case "faults":
		if len(args) != 2 {
			ts.Fatalf("usage: %s", consoleTestUsage)
		}
		var f emulator.Faults
		if err := json.Unmarshal([]byte(args[1]), &f); err != nil {
			ts.Fatalf("faults: %v", err)
		}
		srv.SetFaults(f)
		return nil
	}
	c, err := fcconsole.New(srv.URL, testKeyID, testSecret)
	ts.Check(err)
	c.Dir = ts.MkAbs(".")
	return c.Run(args, ts.Stdout())
}

// catAllObjects returns the content of every object in the repository at
// dir, as git itself reads them.
func catAllObjects(ts *testscript.TestScript, dir string) []byte {
	cmd := exec.Command("git", "cat-file", "--batch-all-objects", "--batch")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		ts.Fatalf("git cat-file: %v", err)
	}
	return out
}

// isWriteAction reports whether an API action changes FC: every verb the
// two APIs write with (Create, Update, Delete, Put, Publish, and tagging in
// both spellings), so that "writes 0" also sees a config, a version or a
// tag written.
func isWriteAction(action string) bool {
	for _, verb := range []string{"Create", "Update", "Delete", "Put", "Publish", "Tag", "Untag"} {
		if strings.HasPrefix(action, verb) {
			return true
		}
	}
	return false
}
