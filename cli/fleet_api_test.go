package cli_test

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc/emulator"
)

// fleetAPI is what the fault tests (TestFlakyAPI, TestKilledProcess) know
// of the project's FC API (issue 14: they run on FC 2.0 and FC 3.0
// projects): how to make the fleet online and edit it in the console, and
// where its functions are in the project.
type fleetAPI struct {
	fc3       bool
	cloneArgs []string // what clone needs besides --region and the folder
}

var (
	fleetFC2 = fleetAPI{}
	fleetFC3 = fleetAPI{fc3: true, cloneArgs: []string{"--api", "fc3"}}
)

func (a fleetAPI) clone(proj string) []string {
	return append(append([]string{"clone", "--region", "cn-hangzhou"}, a.cloneArgs...), proj)
}

// name is fleet function i as messages and push --function say it.
func (a fleetAPI) name(i int) string {
	svc, fn := fleetFunction(i)
	if a.fc3 {
		return fn
	}
	return svc + "/" + fn
}

// fnDir is fleet function i's folder in the project.
func (a fleetAPI) fnDir(i int) string {
	svc, fn := fleetFunction(i)
	if a.fc3 {
		return filepath.Join("functions", fn)
	}
	return filepath.Join("services", svc, "functions", fn)
}

// newFnDir is the folder of a function created locally (FC 2.0: in a new
// service "added", whose service.yaml it writes).
func (a fleetAPI) newFnDir(t testing.TB, proj, fn string) string {
	if a.fc3 {
		return filepath.Join(proj, "functions", fn)
	}
	write(t, filepath.Join(proj, "services", "added"), "service.yaml", "description: added locally\n")
	return filepath.Join(proj, "services", "added", "functions", fn)
}

// cpu goes with a memory size on FC 3.0, which refuses one outside 1 to
// 4 GB per vCPU: about half a vCPU per GB, in FC's steps of 0.05.
func cpuFor(mb int) string {
	steps := (mb*20 + 2047) / 2048
	return fmt.Sprintf("%.2f", float64(steps)*0.05)
}

// make creates n functions online, each with its code and every fifth
// with an HTTP trigger, through the console (no faults).
func (a fleetAPI) make(t testing.TB, srv *emulator.Server, dir string, n int) {
	t.Helper()
	if !a.fc3 {
		makeFleet(t, srv, dir, n)
		return
	}
	c := console3For(t, srv)
	for i := range n {
		_, fn := fleetFunction(i)
		zip, err := zipOf(map[string]string{"index.py": fmt.Sprintf("def handler(event, context):\n    return %d\n", i)})
		if err != nil {
			t.Fatal(err)
		}
		body := map[string]any{"runtime": "python3.10", "handler": "index.handler", "memorySize": 128, "cpu": 0.1}
		if err := c.createFunction(fn, body, zip); err != nil {
			t.Fatal(err)
		}
		if i%5 == 0 {
			if err := c.createTrigger(fn, "http", "http", `{"authType":"anonymous","methods":["GET"]}`); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// consoleMemory sets fleet function i's memory in the console.
func (a fleetAPI) consoleMemory(t testing.TB, srv *emulator.Server, i, mb int) {
	t.Helper()
	svc, fn := fleetFunction(i)
	var err error
	if a.fc3 {
		err = console3For(t, srv).updateFunction(fn, map[string]any{"memorySize": mb, "cpu": json.Number(cpuFor(mb))})
	} else {
		err = consoleFor(t, srv).Run([]string{"update-function", svc, fn, fmt.Sprintf(`{"memorySize":%d}`, mb)}, io.Discard)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// setMemory rewrites memorySize (and on FC 3.0 cpu) in fleet function i's
// function.yaml.
func (a fleetAPI) setMemory(t testing.TB, proj string, i, mb int) {
	t.Helper()
	path := filepath.Join(proj, a.fnDir(i), "function.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(l, "memorySize:"):
			l = fmt.Sprintf("memorySize: %d", mb)
		case a.fc3 && strings.HasPrefix(l, "cpu:"):
			l = "cpu: " + cpuFor(mb)
		}
		lines = append(lines, l)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}
