package cli

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"
)

// limitArgs makes every command refuse more positional arguments than its
// ArgsUsage names ("[PATH]", "DIR": one; none: none). urfave/cli passes
// extra arguments through, and `fcsync push services/web/functions/home`
// deployed everything.
func limitArgs(cmds []*cli.Command) {
	for _, cmd := range cmds {
		limit := len(strings.Fields(cmd.ArgsUsage))
		name := cmd.Name
		before := cmd.Before
		cmd.Before = func(c *cli.Context) error {
			if n := c.Args().Len(); n > limit {
				hint := ""
				if name == "push" {
					hint = " (to deploy part of the project: --service S or --function S/F)"
				}
				if limit == 0 {
					return usagef("%s takes no arguments, got %q%s", name, c.Args().First(), hint)
				}
				return usagef("%s takes at most %d argument (%s), got %d", name, limit, cmd.ArgsUsage, n)
			}
			if before != nil {
				return before(c)
			}
			return nil
		}
	}
}

// version is fcsync's version as the build recorded it: the module
// version, or the commit it was built from.
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if (v == "" || v == "(devel)") && rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		return "devel " + rev + dirty
	}
	if v == "" {
		return "devel"
	}
	return v
}

// exitCodesHelp is `fcsync help exit-codes` (DESIGN section 6).
const exitCodesHelp = `fcsync exits with:
  0  success; for --exit-code: local, sync point and online agree
  1  error (network, API, git, I/O)
  2  bad usage or invalid project files (the message names the file and line)
  3  online drift: push refused, or fetch/status --exit-code found online changes not merged
  4  merge conflicts left in the working tree (git status lists them)
  5  status --exit-code only: local changes not yet deployed, online unchanged
`

func exitCodesCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:   "exit-codes",
		Usage:  "what fcsync's exit codes mean",
		Hidden: true,
		Action: func(*cli.Context) error {
			fmt.Fprint(st.Out, exitCodesHelp)
			return nil
		},
		CustomHelpTemplate: exitCodesHelp,
	}
}

// buildVersion is set by the build (-ldflags -X) to `git describe`; empty
// for a plain go build, which then reports what the Go toolchain recorded.
var buildVersion string

func completionCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: source <(fcsync completion bash)",
		ArgsUsage: "bash|zsh|fish",
		Action: func(c *cli.Context) error {
			switch c.Args().First() {
			case "bash":
				fmt.Fprint(st.Out, bashCompletion)
			case "zsh":
				fmt.Fprint(st.Out, "autoload -U +X bashcompinit && bashcompinit\n"+bashCompletion)
			case "fish":
				// A fresh app without the help command: urfave/cli's help
				// command is one shared value that its fish generator
				// recurses into without end once an app has run.
				app := newApp(st)
				app.HideHelpCommand = true
				script, err := app.ToFishCompletion()
				if err != nil {
					return err
				}
				fmt.Fprint(st.Out, script)
			default:
				return usagef("completion: want bash, zsh or fish, got %q", c.Args().First())
			}
			return nil
		},
	}
}

// bashCompletion asks fcsync itself for the words that may follow, through
// urfave/cli's --generate-bash-completion.
const bashCompletion = `_fcsync_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local words
  words=$("${COMP_WORDS[0]}" "${COMP_WORDS[@]:1:COMP_CWORD-1}" --generate-bash-completion 2>/dev/null)
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _fcsync_complete fcsync
`
