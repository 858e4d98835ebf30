// Command fcsync keeps Function Compute and a git repository in step.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"golang.org/x/term"

	"github.com/fcsync/fcsync/cli"
)

func main() {
	// fcsync holds every downloaded function's code whole until it is in
	// git; at Go's default the heap grows to twice what is live before a
	// collection, which for big code packages is gigabytes of garbage
	// (issue 9 hole 5: 4 packages unpacking to 256 MiB peaked at 2843 MiB,
	// 2310 MiB at GOGC 50). tuneGC keeps that bound for large heaps.
	if os.Getenv("GOGC") == "" {
		tuneGC()
	}
	stop := profile(os.Getenv("FCSYNC_CPUPROFILE"))
	code := cli.Main(os.Args[1:], cli.Streams{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		IsTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTerminal: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTerminal: term.IsTerminal(int(os.Stderr.Fd())),
	})
	stop()
	os.Exit(code)
}

// profile writes a CPU profile of the run to path when it is set (make
// bench -profile sets it per scenario): the performance work of issue 12
// profiles the real binary in the bench's scenarios.
func profile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "fcsync: FCSYNC_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
