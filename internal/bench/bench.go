// Package bench measures the real fcsync binary against fc-emulator with
// FC-like latency, the way a user meets it: fleets of functions seeded
// through the official SDK, each scenario run as a separate process, wall
// time, API calls by action and peak RSS recorded, and each time held
// against the lower bound that the calls themselves set (minimal calls ×
// latency ÷ concurrency + the calls that must follow one another).
package bench

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fcsync/fcsync/internal/fcconsole"
)

// Options say what to measure.
type Options struct {
	Fcsync       string        // the fcsync binary
	Emulator     string        // the fc-emulator binary
	Work         string        // scratch folder
	Sizes        []int         // fleet sizes, in functions
	Concurrency  []int         // --concurrency values
	Latency      time.Duration // per API call, as FC's round trip
	Runs         int           // runs per figure; the median is reported
	PerService   int           // functions per service
	BigMB        int           // size of the one big function's code; 0 skips it
	Out          io.Writer
	Progress     io.Writer
	JSON         string // also write the rows here, when set
	ChangedFleet int    // functions whose memory the "push, memory of N" scenario changes
	// Profile, when set, is a folder where each scenario's last run writes
	// fcsync's CPU profile (FCSYNC_CPUPROFILE), named after the row.
	Profile string
	// AllUpTo is the largest fleet on which every scenario is measured
	// (at the first concurrency; the no-op ones at every one). Larger
	// fleets measure only the no-op scenarios, after one clone (see fleet).
	AllUpTo int
	// APIs are the FC APIs whose fleets are measured ("fc2", "fc3");
	// FC3UpTo is the largest FC 3.0 fleet measured, and FC3AllUpTo
	// FC 3.0's AllUpTo.
	APIs       []string
	FC3UpTo    int
	FC3AllUpTo int
}

// Row is one measured figure.
type Row struct {
	API         string          `json:"api"`
	Scenario    string          `json:"scenario"`
	Functions   int             `json:"functions"`
	Concurrency int             `json:"concurrency"`
	WallMedian  time.Duration   `json:"wallMedianNs"`
	Walls       []time.Duration `json:"wallsNs"`
	Calls       map[string]int  `json:"calls"`
	TotalCalls  int             `json:"totalCalls"`
	MinCalls    int             `json:"minCalls"`
	LowerBound  time.Duration   `json:"lowerBoundNs"`
	Ratio       float64         `json:"ratio,omitempty"`
	PeakRSSKB   int64           `json:"peakRssKB"`
}

const (
	account = "1234567890"
	keyID   = "LTAIbench"
	secret  = "bench-secret"
	region  = "cn-hangzhou"
)

// Run measures every scenario and prints the table.
func Run(o Options) ([]Row, error) {
	var rows []Row
	for _, api := range o.APIs {
		var d dialect
		switch api {
		case "fc2":
			d = fc2{}
		case "fc3":
			d = fc3{}
		default:
			return rows, fmt.Errorf("unknown api %q (want fc2 or fc3)", api)
		}
		for _, n := range o.Sizes {
			if api == "fc3" && n > o.FC3UpTo {
				continue
			}
			r, err := fleet(o, d, n)
			if err != nil {
				return rows, fmt.Errorf("%s, %d functions: %w", api, n, err)
			}
			rows = append(rows, r...)
		}
	}
	if o.BigMB > 0 && slices.Contains(o.APIs, "fc2") {
		r, err := bigFunction(o)
		if err != nil {
			return rows, fmt.Errorf("big function: %w", err)
		}
		rows = append(rows, r...)
	}
	printTable(o.Out, rows)
	if o.JSON != "" {
		data, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			return rows, err
		}
		if err := os.WriteFile(o.JSON, data, 0o644); err != nil {
			return rows, err
		}
	}
	return rows, nil
}

// env is one emulator with a fleet and a clone of it.
type env struct {
	o        Options
	d        dialect
	srv      *emulatorProc
	console  *fcconsole.Console  // FC 2.0's
	console3 *fcconsole.Console3 // FC 3.0's
	dir      string
	proj     string
	n, svcs  int
}

func (e *env) progress(format string, args ...any) {
	if e.o.Progress != nil {
		fmt.Fprintf(e.o.Progress, format+"\n", args...)
	}
}

func newEnv(o Options, d dialect, name string) (*env, error) {
	srv, err := startEmulator(o.Emulator)
	if err != nil {
		return nil, err
	}
	console, err := fcconsole.New(srv.URL, keyID, secret)
	if err != nil {
		srv.Close()
		return nil, err
	}
	console3, err := fcconsole.New3(srv.URL, keyID, secret)
	if err != nil {
		srv.Close()
		return nil, err
	}
	dir := filepath.Join(o.Work, name)
	if err := os.MkdirAll(filepath.Join(dir, "home"), 0o755); err != nil {
		srv.Close()
		return nil, err
	}
	return &env{o: o, d: d, srv: srv, console: console, console3: console3, dir: dir}, nil
}

func (e *env) close() { e.srv.Close() }

// environ is fcsync's environment: the emulator, its keys, a home of its
// own for git's identity.
func (e *env) environ() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "ALIBABA_CLOUD_") && !strings.HasPrefix(kv, "FC_ENDPOINT=") {
			out = append(out, kv)
		}
	}
	return append(out, "FC_ENDPOINT="+e.srv.URL, "ALIBABA_CLOUD_ACCESS_KEY_ID="+keyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secret,
		"ALIBABA_CLOUD_ACCOUNT_ID="+account, "HOME="+filepath.Join(e.dir, "home"), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Bench", "GIT_AUTHOR_EMAIL=bench@example.com", "GIT_COMMITTER_NAME=Bench", "GIT_COMMITTER_EMAIL=bench@example.com", "NO_COLOR=1")
}

// seed creates n functions (in FC 2.0, PerService to a service), each
// with five code files and an HTTP trigger, with no latency and many
// requests at once.
func (e *env) seed(n int) error {
	e.n = n
	code := filepath.Join(e.dir, "seed-code")
	for i := range 5 {
		if err := writeFile(filepath.Join(code, fmt.Sprintf("mod%d.py", i)), fmt.Sprintf("def f%d(event, context):\n    return %d\n", i, i)); err != nil {
			return err
		}
	}
	return e.d.seed(e, code)
}

// result is one run of fcsync.
type result struct {
	wall  time.Duration
	rssKB int64
	calls map[string]int
	out   string
}

// fcsync runs the binary once, counting the API calls it makes; with a
// profile name and Options.Profile set, it writes its CPU profile there.
func (e *env) fcsync(profile string, args ...string) (result, error) {
	e.srv.ResetStats()
	// Through a small launcher process (Launch): a child's peak RSS
	// counts its parent's memory at the fork (Go forks with vfork), and
	// the bench holds a fleet's worth; the launcher holds next to nothing.
	rssFile := filepath.Join(e.dir, "rss")
	self, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	cmd := exec.Command(self, append([]string{LaunchFlag, e.o.Fcsync}, args...)...)
	cmd.Env = append(e.environ(), rssEnv+"="+rssFile)
	if profile != "" && e.o.Profile != "" {
		cmd.Env = append(cmd.Env, "FCSYNC_CPUPROFILE="+filepath.Join(e.o.Profile, profileName(profile)))
	}
	cmd.Dir = e.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	r := result{wall: time.Since(start), calls: e.srv.Stats(), out: out.String()}
	if data, rerr := os.ReadFile(rssFile); rerr == nil {
		r.rssKB, _ = strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	}
	if err != nil {
		return r, fmt.Errorf("fcsync %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return r, nil
}

// LaunchFlag, as a program's first argument, makes it Launch.
const LaunchFlag = "-launch"

const rssEnv = "FCSYNC_BENCH_RSS_FILE"

// Launch runs args (a program and its arguments) with this process's
// standard streams, writes the program's peak RSS in KB to the file
// $FCSYNC_BENCH_RSS_FILE, and returns its exit code.
func Launch(args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = os.Environ()
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, err)
		return 127
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if p := os.Getenv(rssEnv); p != "" {
			os.WriteFile(p, []byte(strconv.FormatInt(ru.Maxrss, 10)), 0o644)
		}
	}
	return cmd.ProcessState.ExitCode()
}

func (e *env) git(args ...string) error {
	cmd := exec.Command("git", append([]string{"-C", e.proj}, args...)...)
	cmd.Env = e.environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// scenario is one measured command: prepare sets up each run (not
// measured), minCalls and depth give its lower bound.
type scenario struct {
	name     string
	args     func() []string // read after prepare: clone's target changes per run
	prepare  func(run int) error
	minCalls int
	depth    int // calls that must follow one another
}

// measure runs a scenario o.Runs times and reports the median.
func (e *env) measure(s scenario, conc int) (Row, error) {
	return e.measureRuns(s, conc, e.o.Runs)
}

// measureRuns runs a scenario runs times and reports the median.
func (e *env) measureRuns(s scenario, conc, runs int) (Row, error) {
	row := Row{API: e.d.api(), Scenario: s.name, Functions: e.n, Concurrency: conc, MinCalls: s.minCalls}
	var rs []result
	for run := range runs {
		if s.prepare != nil {
			if err := s.prepare(run); err != nil {
				return row, err
			}
		}
		r, err := e.fcsync(fmt.Sprintf("%s-%s-%d-%d", e.d.api(), s.name, e.n, conc), append([]string{"--concurrency", fmt.Sprint(conc)}, s.args()...)...)
		if err != nil {
			return row, err
		}
		rs = append(rs, r)
	}
	return e.summarise(row, rs, s), nil
}

// fleet measures every scenario on a fleet of n functions.
func fleet(o Options, d dialect, n int) ([]Row, error) {
	e, err := newEnv(o, d, fmt.Sprintf("fleet-%s-%d", d.api(), n))
	if err != nil {
		return nil, err
	}
	defer e.close()
	e.progress("seeding %d functions (%s)", n, d.api())
	if err := e.seed(n); err != nil {
		return nil, err
	}
	if err := e.srv.SetLatency(o.Latency); err != nil {
		return nil, err
	}
	read, depth := d.reads(e)
	var rows []Row
	clones := 0
	// memorySize grows with every run, so that each one changes it; FC
	// 3.0 holds it to 1 to 4 GB per vCPU (0.35 vCPU by default).
	memory := 128
	if d.api() == "fc3" {
		memory = 512
	}
	// A clone adds GetFunctionCode and the download per function; a push
	// of a function, its Get (for the ETag, or FC 3.0's read before the
	// write) and the write.
	clone := scenario{name: "clone", minCalls: read + 2*n, depth: depth + 2,
		prepare: func(int) error {
			clones++
			e.proj = filepath.Join(e.dir, fmt.Sprintf("proj%d", clones))
			return nil
		},
		args: func() []string {
			return append(append([]string{"clone"}, d.cloneArgs()...), "--region", region, e.proj)
		}}
	changed := min(o.ChangedFleet, n)
	in := func(args ...string) func() []string {
		return func() []string { return append([]string{"--dir", e.proj}, args...) }
	}
	// The no-op scenarios (and status --offline) are measured at every
	// size and concurrency: the goals name them at 1,000 and 3,000
	// functions, 8 and 16. The others, whose goals are at 1,000, at the
	// first concurrency of fleets up to AllUpTo; a larger fleet's one
	// clone, which makes its project, is then reported as a single run.
	// Measuring everything everywhere would take over half an hour.
	noop := []scenario{
		{name: "no-op fetch", args: in("fetch"), minCalls: read, depth: depth},
		{name: "no-op push", args: in("push"), minCalls: read, depth: depth},
		{name: "status", args: in("status"), minCalls: read, depth: depth},
		{name: "status --offline", args: in("status", "--offline")},
	}
	changes := func(conc int) []scenario {
		return []scenario{
			{name: "push, 1 code change", args: in("push"), minCalls: read + 2, depth: depth + 2,
				prepare: func(run int) error { return e.editCode(run) }},
			{name: fmt.Sprintf("push, memory of %d", changed), args: in("push"), minCalls: read + 2*changed, depth: depth + 2,
				prepare: func(int) error { memory += 64; return e.editMemory(changed, memory) }},
			{name: "pull, 1 console change", args: in("pull"), minCalls: read, depth: depth,
				prepare: func(run int) error {
					return d.consoleEdit(e, 0, fmt.Sprintf(`{"timeout":%d}`, 10+run+conc*10))
				}},
		}
	}
	all := n <= o.AllUpTo
	concurrencies := o.Concurrency
	if d.api() == "fc3" {
		all = n <= o.FC3AllUpTo
		if !all {
			// make bench's ten minutes: a larger FC 3.0 fleet measures
			// fetch and push, not status, which makes a fetch's calls,
			// at the highest concurrency only.
			noop = slices.DeleteFunc(noop, func(s scenario) bool { return s.name == "status" })
			concurrencies = []int{slices.Max(o.Concurrency)}
		}
	}
	if !all {
		conc := slices.Max(o.Concurrency)
		row, err := e.measureRuns(clone, conc, 1)
		if err != nil {
			return rows, err
		}
		row.Scenario = "clone (once, to set up)"
		rows = append(rows, row)
	}
	for i, conc := range concurrencies {
		ss := noop
		if all && i == 0 {
			ss = append(append([]scenario{clone}, noop...), changes(conc)...)
		}
		for _, s := range ss {
			row, err := e.measure(s, conc)
			if err != nil {
				return rows, err
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

func (e *env) summarise(row Row, rs []result, s scenario) Row {
	sort.Slice(rs, func(i, j int) bool { return rs[i].wall < rs[j].wall })
	med := rs[len(rs)/2]
	row.WallMedian, row.Calls = med.wall, med.calls
	for _, r := range rs {
		row.Walls = append(row.Walls, r.wall)
		row.PeakRSSKB = max(row.PeakRSSKB, r.rssKB)
	}
	for _, c := range med.calls {
		row.TotalCalls += c
	}
	if s.minCalls > 0 {
		row.LowerBound = time.Duration(float64(s.minCalls)*float64(e.o.Latency)/float64(row.Concurrency)) + time.Duration(s.depth)*e.o.Latency
		row.Ratio = float64(row.WallMedian) / float64(row.LowerBound)
	}
	e.progress("  %-28s %5d fns  conc %2d  %8s  (bound %s)", s.name, e.n, row.Concurrency, row.WallMedian.Round(time.Millisecond), row.LowerBound.Round(time.Millisecond))
	return row
}

// editCode changes one line of function run's code and commits it.
func (e *env) editCode(run int) error {
	i := run % e.n
	p := filepath.Join(e.proj, e.d.fnDir(e, i), "code", "mod1.py")
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	if err := os.WriteFile(p, append(data, fmt.Sprintf("# edit %d\n", run)...), 0o644); err != nil {
		return err
	}
	return e.git("commit", "-q", "-am", "code edit")
}

// editMemory sets memorySize in the first k functions and commits.
func (e *env) editMemory(k, memory int) error {
	for i := range k {
		p := filepath.Join(e.proj, e.d.fnDir(e, i), "function.yaml")
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		lines := strings.Split(string(data), "\n")
		for j, l := range lines {
			if strings.HasPrefix(l, "memorySize:") {
				lines[j] = fmt.Sprintf("memorySize: %d", memory)
			}
		}
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			return err
		}
	}
	return e.git("commit", "-q", "-am", "memory")
}

// bigFunction measures one function whose code is BigMB of random bytes:
// memory must not grow with copies of it.
func bigFunction(o Options) ([]Row, error) {
	e, err := newEnv(o, fc2{}, "big")
	if err != nil {
		return nil, err
	}
	defer e.close()
	e.n, e.svcs = 1, 1
	code := filepath.Join(e.dir, "big-code")
	blob := make([]byte, o.BigMB<<20)
	rand.Read(blob)
	if err := os.MkdirAll(code, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(code, "data.bin"), blob, 0o644); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(code, "index.py"), "def handler(e, c):\n    return 1\n"); err != nil {
		return nil, err
	}
	e.progress("seeding one function of %d MB", o.BigMB)
	if err := e.console.Run([]string{"create-service", svcName(0)}, io.Discard); err != nil {
		return nil, err
	}
	if err := e.console.Run([]string{"create-function", svcName(0), "big", `{"runtime":"python3.10","handler":"index.handler","memorySize":512}`, code}, io.Discard); err != nil {
		return nil, err
	}
	e.proj = filepath.Join(e.dir, "proj")
	// The seeding's copies of the code (zip, base64, JSON) must not count:
	// a child's peak RSS includes the parent's at the fork (see
	// emulatorProc), so the bench gives its memory back first.
	blob = nil
	debug.FreeOSMemory()
	var rows []Row
	one := func(name string, prepare func() error, args ...string) error {
		if prepare != nil {
			if err := prepare(); err != nil {
				return err
			}
		}
		r, err := e.fcsync(fmt.Sprintf("big-%s", name), args...)
		if err != nil {
			return err
		}
		row := Row{API: "fc2", Scenario: fmt.Sprintf("%s (%d MB function)", name, o.BigMB), Functions: 1, Concurrency: 8,
			WallMedian: r.wall, Walls: []time.Duration{r.wall}, Calls: r.calls, PeakRSSKB: r.rssKB}
		for _, c := range r.calls {
			row.TotalCalls += c
		}
		e.progress("  %-28s peak RSS %d MB", row.Scenario, r.rssKB>>10)
		rows = append(rows, row)
		return nil
	}
	edit := func() error {
		p := filepath.Join(e.proj, "services", svcName(0), "functions", "big", "code", "index.py")
		if err := writeFile(p, "def handler(e, c):\n    return 2\n"); err != nil {
			return err
		}
		return e.git("commit", "-q", "-am", "edit")
	}
	steps := []struct {
		name    string
		prepare func() error
		args    []string
	}{
		{"clone", nil, []string{"clone", "--region", region, e.proj}},
		{"no-op fetch", nil, []string{"--dir", e.proj, "fetch"}},
		{"status", nil, []string{"--dir", e.proj, "status"}},
		{"no-op push", nil, []string{"--dir", e.proj, "push"}},
		{"push after a one-line edit", edit, []string{"--dir", e.proj, "push"}},
	}
	for _, s := range steps {
		if err := one(s.name, s.prepare, s.args...); err != nil {
			return rows, err
		}
	}
	return rows, nil
}

func printTable(w io.Writer, rows []Row) {
	fmt.Fprintf(w, "%-3s %-34s %6s %5s %10s %10s %7s %7s %7s %9s  %s\n", "api", "scenario", "fns", "conc", "wall(med)", "bound", "ratio", "calls", "min", "peak RSS", "calls by action")
	for _, r := range rows {
		bound, ratio := "-", "-"
		if r.LowerBound > 0 {
			bound, ratio = r.LowerBound.Round(time.Millisecond).String(), fmt.Sprintf("%.2f", r.Ratio)
		}
		fmt.Fprintf(w, "%-3s %-34s %6d %5d %10s %10s %7s %7d %7d %7dMB  %s\n", r.API, r.Scenario, r.Functions, r.Concurrency,
			r.WallMedian.Round(time.Millisecond), bound, ratio, r.TotalCalls, r.MinCalls, r.PeakRSSKB>>10, callsText(r.Calls))
	}
}

func callsText(calls map[string]int) string {
	keys := make([]string, 0, len(calls))
	for k := range calls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s:%d", k, calls[k]))
	}
	return strings.Join(parts, " ")
}

// profileName turns a row's name into a file name: "no-op push-1000-8"
// gives "no-op-push-1000-8.pprof".
func profileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(name))
	for strings.Contains(name, "--") {
		name = strings.ReplaceAll(name, "--", "-")
	}
	return strings.Trim(name, "-") + ".pprof"
}

func writeFile(p, content string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(content), 0o644)
}

// parallel runs fn(0..n-1) with at most limit at once and returns the
// first error.
func parallel(limit, n int, fn func(int) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	sem := make(chan struct{}, limit)
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(i); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}
