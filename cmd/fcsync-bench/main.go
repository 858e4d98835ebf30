// Command fcsync-bench measures the fcsync binary against fc-emulator with
// FC-like latency and prints one table (and, with -json, the same rows as
// JSON): wall time (median of -runs), API calls by action, the lower bound
// the calls set, the ratio to it, and peak RSS. `make bench` runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fcsync/fcsync/internal/bench"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == bench.LaunchFlag {
		os.Exit(bench.Launch(os.Args[2:]))
	}
	fcsync := flag.String("fcsync", "bin/fcsync", "the fcsync binary to measure")
	emu := flag.String("emulator", "bin/fc-emulator", "the fc-emulator binary")
	sizes := flag.String("sizes", "100,1000,3000", "fleet sizes in functions, comma-separated")
	conc := flag.String("concurrency", "8,16", "--concurrency values, comma-separated")
	latency := flag.Duration("latency", 20*time.Millisecond, "latency of every API call")
	runs := flag.Int("runs", 3, "runs per figure (the median is reported)")
	bigMB := flag.Int("big-mb", 50, "size of the one big function's code in MB (0: skip)")
	allUpTo := flag.Int("all-up-to", 1000, "largest fleet on which every scenario is measured; larger ones measure the no-op ones only")
	changed := flag.Int("changed", 100, "functions whose memory the 'push, memory of N' scenario changes")
	jsonOut := flag.String("json", "", "also write the rows as JSON to this file")
	profile := flag.String("profile", "", "write each scenario's CPU profile of fcsync (its last run) into this folder")
	apis := flag.String("api", "fc2,fc3", "the FC APIs whose fleets are measured, comma-separated: fc2 (API 2021-04-06), fc3 (API 2023-03-30)")
	fc3UpTo := flag.Int("fc3-up-to", 1000, "largest FC 3.0 fleet measured (larger -sizes are FC 2.0's only, to keep make bench under 10 minutes)")
	fc3AllUpTo := flag.Int("fc3-all-up-to", 100, "largest FC 3.0 fleet on which every scenario is measured; larger ones measure the no-op fetch and push only")
	keep := flag.Bool("keep", false, "keep the scratch folder (projects to profile with) and print its path")
	flag.Parse()
	bin, err := filepath.Abs(*fcsync)
	if err != nil {
		fail(err)
	}
	emuBin, err := filepath.Abs(*emu)
	if err != nil {
		fail(err)
	}
	work, err := os.MkdirTemp("", "fcsync-bench-")
	if err != nil {
		fail(err)
	}
	if *keep {
		fmt.Fprintln(os.Stderr, "scratch folder:", work)
	} else {
		defer os.RemoveAll(work)
	}
	o := bench.Options{
		Fcsync: bin, Emulator: emuBin, Work: work, Latency: *latency, Runs: *runs, PerService: 50, BigMB: *bigMB,
		Out: os.Stdout, Progress: os.Stderr, JSON: *jsonOut, ChangedFleet: *changed,
		AllUpTo: *allUpTo, APIs: strings.Split(*apis, ","), FC3UpTo: *fc3UpTo, FC3AllUpTo: *fc3AllUpTo,
	}
	if *profile != "" {
		if o.Profile, err = filepath.Abs(*profile); err != nil {
			fail(err)
		}
		if err := os.MkdirAll(o.Profile, 0o755); err != nil {
			fail(err)
		}
	}
	if o.Sizes, err = ints(*sizes); err != nil {
		fail(err)
	}
	if o.Concurrency, err = ints(*conc); err != nil {
		fail(err)
	}
	start := time.Now()
	if _, err := bench.Run(o); err != nil {
		fail(err)
	}
	fmt.Printf("(%s in all)\n", time.Since(start).Round(time.Second))
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q: want positive numbers separated by commas", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "fcsync-bench:", err)
	os.Exit(1)
}
