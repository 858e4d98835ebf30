package bench

import (
	"fmt"
	"io"
	"path/filepath"
)

// dialect is what the bench does differently in each FC API: how it seeds
// a fleet, where a function's files lie in a project, how a colleague edits
// a function in the console, and the calls a no-op read needs at least.
type dialect interface {
	api() string
	seed(e *env, code string) error
	fnDir(e *env, i int) string // function i's folder, relative to the project
	cloneArgs() []string
	consoleEdit(e *env, i int, body string) error
	// reads is the least number of calls that read the fleet, and how
	// many of them must follow one another.
	reads(e *env) (calls, depth int)
}

// fc2 is FC 2.0 (API 2021-04-06): PerService functions to a service,
// seeded through the official Go SDK.
type fc2 struct{}

func (fc2) api() string { return "fc2" }

func (fc2) seed(e *env, code string) error {
	e.svcs = (e.n + e.o.PerService - 1) / e.o.PerService
	for s := range e.svcs {
		if err := e.console.Run([]string{"create-service", svcName(s)}, io.Discard); err != nil {
			return err
		}
	}
	return parallel(32, e.n, func(i int) error {
		svc, fn := svcName(i/e.o.PerService), fnName(i)
		if err := e.console.Run([]string{"create-function", svc, fn, `{"runtime":"python3.10","handler":"mod0.f0"}`, code}, io.Discard); err != nil {
			return err
		}
		return e.console.Run([]string{"create-trigger", svc, fn, "http", "http", `{"authType":"anonymous","methods":["GET"]}`}, io.Discard)
	})
}

func (fc2) fnDir(e *env, i int) string {
	return filepath.Join("services", svcName(i/e.o.PerService), "functions", fnName(i))
}

func (fc2) cloneArgs() []string { return nil }

func (fc2) consoleEdit(e *env, i int, body string) error {
	return e.console.Run([]string{"update-function", svcName(i / e.o.PerService), fnName(i), body}, io.Discard)
}

// reads: ListServices, ListTaggedResources and ListLayers; per service
// ListServiceVersions, ListVpcBindings, ListAliases and ListFunctions;
// ListTriggers per function; ListCustomDomains; ListProvisionConfigs and
// ListOnDemandConfigs once, ListFunctionAsyncInvokeConfigs per function.
// ListServices, then each service's ListFunctions, then each function's
// lists follow one another.
func (fc2) reads(e *env) (int, int) {
	return 3 + 4*e.svcs + e.n + 1 + 2 + e.n, 3
}

// fc3 is FC 3.0 (API 2023-03-30): functions at the top, seeded through
// the official SDK's generic CallApi (fcconsole.Console3).
type fc3 struct{}

func (fc3) api() string { return "fc3" }

func (fc3) seed(e *env, code string) error {
	return parallel(32, e.n, func(i int) error {
		fn := fnName(i)
		if err := e.console3.Run3([]string{"create-function", fn, `{"runtime":"python3.10","handler":"mod0.f0"}`, code}, io.Discard); err != nil {
			return err
		}
		return e.console3.Run3([]string{"create-trigger", fn, "http", "http", `{"authType":"anonymous","methods":["GET"]}`}, io.Discard)
	})
}

func (fc3) fnDir(e *env, i int) string { return filepath.Join("functions", fnName(i)) }

func (fc3) cloneArgs() []string { return []string{"--api", "fc3"} }

func (fc3) consoleEdit(e *env, i int, body string) error {
	return e.console3.Run3([]string{"update-function", fnName(i), body}, io.Discard)
}

// reads: ListFunctions, one page per 100 functions (FC's largest limit),
// each page after the one before; per function ListTriggers, ListAliases
// and ListFunctionVersions (FC 3.0 lists each of them per function only),
// after the page that names it; ListAsyncInvokeConfigs,
// ListConcurrencyConfigs, ListProvisionConfigs, ListCustomDomains and
// ListLayers once for the account. Tags come with the function.
func (fc3) reads(e *env) (int, int) {
	pages := (e.n + 99) / 100
	return pages + 3*e.n + 5, pages + 1
}

func svcName(i int) string { return fmt.Sprintf("svc%03d", i) }
func fnName(i int) string  { return fmt.Sprintf("fn%05d", i) }
