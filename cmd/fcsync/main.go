// Command fcsync keeps Function Compute and a git repository in step.
package main

import (
	"os"

	"golang.org/x/term"

	"github.com/fcsync/fcsync/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Streams{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		IsTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTerminal: term.IsTerminal(int(os.Stdout.Fd())),
	}))
}
