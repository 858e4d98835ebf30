// Command fcsync keeps Function Compute and a git repository in step.
package main

import (
	"os"
	"runtime/debug"

	"golang.org/x/term"

	"github.com/fcsync/fcsync/cli"
)

func main() {
	// fcsync holds every downloaded function's code whole until it is in
	// git; at Go's default the heap grows to twice what is live before a
	// collection, which for big code packages is gigabytes of garbage. Half
	// that costs some CPU on large fetches only (issue 9 hole 5: 4 packages
	// unpacking to 256 MiB peaked at 2843 MiB, 2310 MiB with this).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	os.Exit(cli.Main(os.Args[1:], cli.Streams{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		IsTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTerminal: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTerminal: term.IsTerminal(int(os.Stderr.Fd())),
	}))
}
