// Package cli is fcsync's command line: flags, help and exit codes. Each
// command turns its flags into the typed options of package workflow and
// calls it; the workflow does the work and reports through Streams.
// Main returns the process exit code (DESIGN section 6), so tests drive the
// real CLI in process.
package cli

import (
	"fmt"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/fcsync/fcsync/workflow"
)

// Exit codes, DESIGN section 6.
const (
	ExitOK       = workflow.ExitOK
	ExitError    = workflow.ExitError
	ExitUsage    = workflow.ExitUsage
	ExitDrift    = workflow.ExitDrift
	ExitConflict = workflow.ExitConflict
	ExitLocal    = workflow.ExitLocal
)

// Streams are the process's standard streams; tests substitute them.
type Streams = workflow.Streams

// Main runs fcsync with args (without the program name) and returns the
// exit code.
func Main(args []string, st Streams) int {
	// A closed pipe (fcsync push | head -1) must not kill the process
	// mid-command: Go's default for a write to a broken stdout is death by
	// SIGPIPE, which skips every deferred release and left
	// .git/fcsync.lock behind. Ignored, the write fails and the command
	// finishes its work, lock released.
	signal.Ignore(syscall.SIGPIPE)
	ctx, interrupted, stop := interruptContext()
	defer stop()
	st = st.WithProgress().WithScrubber()
	app := newApp(st)
	unknown := false
	app.CommandNotFound = func(_ *cli.Context, name string) {
		fmt.Fprintf(st.Err, "fcsync: unknown command %q (see fcsync --help)\n", name)
		unknown = true
	}
	err := app.RunContext(ctx, append([]string{"fcsync"}, optionalValues(args)...))
	if unknown {
		return ExitUsage
	}
	if sig := interrupted(); sig != nil && err != nil {
		// The command has stopped and cleaned up; exit as a shell expects
		// of a process ended by the signal (130 for Ctrl-C).
		fmt.Fprintf(st.Err, "fcsync: interrupted (%v)\n", sig)
		return 128 + signalNumber(sig)
	}
	if err == nil {
		return ExitOK
	}
	code := exitCodeOf(err)
	if msg := err.Error(); msg != "" {
		fmt.Fprintf(st.Err, "fcsync: %s\n", msg)
	}
	return code
}

// optionalValues gives --publish its optional value: `push --publish`
// alone (last, or before another flag) is `--publish=` (no description),
// which urfave/cli, whose flags take a value or none, cannot say.
func optionalValues(args []string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		if a == "--" {
			break
		}
		if a == "--publish" && (i+1 == len(out) || strings.HasPrefix(out[i+1], "-")) {
			out[i] = "--publish="
		}
	}
	return out
}

func exitCodeOf(err error) int { return workflow.ExitCode(err) }

func usagef(format string, args ...any) error { return workflow.Usagef(format, args...) }

func onUsageError(_ *cli.Context, err error, _ bool) error { return workflow.WithCode(ExitUsage, err) }

func newApp(st Streams) *cli.App {
	app := &cli.App{
		Name:  "fcsync",
		Usage: "keep Function Compute and a git repository in step",
		Description: "fcsync makes the online state of Function Compute a git branch (fcsync/live/<region>):\n" +
			"pull turns online changes into commits and merges them; push deploys and refuses to\n" +
			"overwrite online changes it has not merged, like a non-fast-forward git push.",
		Reader:    st.In,
		Writer:    st.Out,
		ErrWriter: st.Err,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "dir", Usage: "project folder (default: search upward for fcsync.yaml)"},
			&cli.StringFlag{Name: "endpoint", Usage: "FC endpoint URL, e.g. http://127.0.0.1:9000", EnvVars: []string{"FC_ENDPOINT"}},
			&cli.IntFlag{Name: "concurrency", Value: 8, Usage: "parallel FC API calls"},
			&cli.BoolFlag{Name: "no-color", Usage: "never colour output (also NO_COLOR)"},
			&cli.StringFlag{Name: "profile", Usage: "credentials profile of ~/.alibabacloud/credentials, ~/.aliyun/config.json or ~/.s/access.yaml", EnvVars: []string{"ALIBABA_CLOUD_PROFILE"}},
			&cli.BoolFlag{Name: "debug", Usage: "trace every FC API call on standard error (credentials and secrets redacted)"},
			&cli.BoolFlag{Name: "no-progress", Usage: "no progress line on standard error (there is none unless it is a terminal)"},
		},
		Commands: []*cli.Command{
			initCommand(st),
			cloneCommand(st),
			fetchCommand(st),
			pullCommand(st),
			pushCommand(st),
			statusCommand(st),
			diffCommand(st),
			logCommand(st),
			validateCommand(st),
			importCommand(st),
			exportCommand(st),
			migrateCommand(st),
			exitCodesCommand(st),
			completionCommand(st),
		},
		EnableBashCompletion: true,
		Version:              version(),
		ExitErrHandler:       func(*cli.Context, error) {}, // Main maps errors to codes
		OnUsageError:         onUsageError,
		HideHelpCommand:      false,
	}
	limitArgs(app.Commands)
	return app
}
