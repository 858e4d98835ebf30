package workflow

import (
	"errors"
	"fmt"
	"io"

	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// Exit codes, DESIGN section 6. The workflow's errors carry them; ExitCode
// reads them back.
const (
	ExitOK       = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitDrift    = 3
	ExitConflict = 4
	ExitLocal    = 5
)

// exitError carries an exit code through a command's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// WithCode gives err the exit code code (nil stays nil).
func WithCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

func withCode(code int, err error) error { return WithCode(code, err) }

// silentExit ends a command with a code and no further message: the command
// already printed what the user needs (a drift report, a conflict list).
func silentExit(code int) error { return &exitError{code: code} }

// Usagef is a usage error (exit 2).
func Usagef(format string, args ...any) error {
	return withCode(ExitUsage, fmt.Errorf(format, args...))
}

func usagef(format string, args ...any) error { return Usagef(format, args...) }

// ExitCode is the exit code an error of the workflow stands for: the code
// it carries, 2 for an invalid project file, else 1.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var fe *fsync.FileError
	if errors.As(err, &fe) || errors.Is(err, fsync.ErrInvalidProject) {
		return ExitUsage
	}
	if errors.Is(err, gitstate.ErrLocked) {
		return ExitError
	}
	return ExitError
}

// Streams are where the workflow reports to its user: the command's
// output, notices and warnings, and the input that prompts read. The
// command line gives the process's standard streams; tests and library
// callers give buffers. Everything written through them is scrubbed of
// secrets (WithScrubber).
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
	// IsTerminal reports whether In is an interactive terminal (prompts are
	// only shown then); OutTerminal whether Out is one (colours);
	// ErrTerminal whether Err is one (the progress line).
	IsTerminal, OutTerminal, ErrTerminal bool

	scrub    *fsync.Scrubber // set by WithScrubber: hides secrets in Out, Err and commits
	progress *progress       // set by WithProgress when Err is a terminal
}
