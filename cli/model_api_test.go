package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc/emulator"
	"github.com/fcsync/fcsync/internal/fcconsole"
)

// modelAPI is all the model test knows of the project's FC API (issue 14:
// the same steps, seeds and invariants on FC 2.0 and FC 3.0 projects): where
// a function's files are, how clone and push --function name it, and a
// console that edits online through that API's official SDK, never
// through fcsync's own client.
type modelAPI struct {
	name      string // the test's name, for replay commands
	short     string // fc2 or fc3, for subtest names
	fc3       bool
	cloneArgs []string // what clone needs besides --region and the folder
	fnRoot    string   // the folder of the function folders
	scope     func(fn string) string
	console   func(t testing.TB, srv *emulator.Server, scratch string) modelConsole
}

var (
	modelFC2 = modelAPI{
		name: "TestModel", short: "fc2", cloneArgs: []string{"--service", modelSvc},
		fnRoot: "services/" + modelSvc + "/functions",
		scope:  func(fn string) string { return modelSvc + "/" + fn },
		console: func(t testing.TB, srv *emulator.Server, scratch string) modelConsole {
			return &console2{c: consoleFor(t, srv), scratch: scratch}
		},
	}
	modelFC3 = modelAPI{
		name: "TestModelFC3", short: "fc3", fc3: true, cloneArgs: []string{"--api", "fc3"},
		fnRoot: "functions",
		scope:  func(fn string) string { return fn },
		console: func(t testing.TB, srv *emulator.Server, _ string) modelConsole {
			return console3For(t, srv)
		},
	}
)

func (a modelAPI) fnDir(fn string) string { return a.fnRoot + "/" + fn }

// cpu is the vCPUs that go with memorySize mem on FC 3.0, which refuses a
// memory size outside 1 to 4 GB per vCPU: like its web console, every step
// that sets the memory sets the CPU with it (half a vCPU per GB, so each
// memory size has its own CPU and a merge never mixes them). "" on FC 2.0.
func (a modelAPI) cpu(mem string) string {
	if !a.fc3 {
		return ""
	}
	return map[string]string{"128": "0.05", "256": "0.1", "512": "0.25", "1024": "0.5"}[mem]
}

// modelConsole is a colleague's console: bodies and trigger configs use
// FC's own field names, code goes as a zip.
type modelConsole interface {
	prepare() error // what must exist before the first function
	createFunction(fn string, body map[string]any, zip []byte) error
	updateFunction(fn string, body map[string]any) error
	updateCode(fn string, zip []byte) error
	deleteFunction(fn string) error
	createTrigger(fn, name, typ, config string) error
	updateTrigger(fn, name, config string) error
	deleteTrigger(fn, name string) error
	functions() ([]map[string]any, error)
	triggers(fn string) ([]map[string]any, error)
	codeFiles(fn string) (map[string][]byte, error)
}

// console2 is FC 2.0's console (the fc-open Go SDK) on service modelSvc.
type console2 struct {
	c       *fcconsole.Console
	scratch string
}

func (c *console2) run(args ...string) error { return c.c.Run(args, &strings.Builder{}) }

func (c *console2) zipFile(zip []byte) (string, error) {
	p := filepath.Join(c.scratch, "upload.zip")
	return p, os.WriteFile(p, zip, 0o644)
}

func (c *console2) prepare() error { return c.run("create-service", modelSvc) }

func (c *console2) createFunction(fn string, body map[string]any, zip []byte) error {
	p, err := c.zipFile(zip)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(body)
	return c.run("create-function", modelSvc, fn, string(b), p)
}

func (c *console2) updateFunction(fn string, body map[string]any) error {
	b, _ := json.Marshal(body)
	return c.run("update-function", modelSvc, fn, string(b))
}

func (c *console2) updateCode(fn string, zip []byte) error {
	p, err := c.zipFile(zip)
	if err != nil {
		return err
	}
	return c.run("update-code", modelSvc, fn, p)
}

func (c *console2) deleteFunction(fn string) error { return c.run("delete-function", modelSvc, fn) }
func (c *console2) createTrigger(fn, name, typ, config string) error {
	return c.run("create-trigger", modelSvc, fn, name, typ, config)
}
func (c *console2) updateTrigger(fn, name, config string) error {
	return c.run("update-trigger", modelSvc, fn, name, config)
}
func (c *console2) deleteTrigger(fn, name string) error {
	return c.run("delete-trigger", modelSvc, fn, name)
}
func (c *console2) functions() ([]map[string]any, error) { return c.c.Functions(modelSvc) }
func (c *console2) triggers(fn string) ([]map[string]any, error) {
	return c.c.Triggers(modelSvc, fn)
}
func (c *console2) codeFiles(fn string) (map[string][]byte, error) {
	return c.c.CodeFiles(modelSvc, fn)
}

// console3 is FC 3.0's console (fcconsole.Console3, in process).
type console3 struct{ c *fcconsole.Console3 }

func console3For(t testing.TB, srv *emulator.Server) *console3 {
	t.Helper()
	c, err := fcconsole.New3(srv.URL, testKeyID, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return &console3{c: c}
}

func (c *console3) prepare() error { return nil }
func (c *console3) createFunction(fn string, body map[string]any, zip []byte) error {
	return c.c.CreateFunction(fn, body, zip)
}
func (c *console3) updateFunction(fn string, body map[string]any) error {
	return c.c.UpdateFunction(fn, body, nil)
}
func (c *console3) updateCode(fn string, zip []byte) error {
	return c.c.UpdateFunction(fn, nil, zip)
}
func (c *console3) deleteFunction(fn string) error { return c.c.DeleteFunction(fn) }
func (c *console3) createTrigger(fn, name, typ, config string) error {
	return c.c.CreateTrigger(fn, name, typ, config)
}
func (c *console3) updateTrigger(fn, name, config string) error {
	return c.c.UpdateTrigger(fn, name, config)
}
func (c *console3) deleteTrigger(fn, name string) error          { return c.c.DeleteTrigger(fn, name) }
func (c *console3) functions() ([]map[string]any, error)         { return c.c.Functions() }
func (c *console3) triggers(fn string) ([]map[string]any, error) { return c.c.Triggers(fn) }
func (c *console3) codeFiles(fn string) (map[string][]byte, error) {
	return c.c.CodeFiles(fn)
}
