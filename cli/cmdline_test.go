package cli_test

import (
	"strings"
	"testing"
)

// The everyday command line (issue 13, item 5): --version, help
// exit-codes, completion scripts, and positional arguments a command does
// not take are usage errors, not ignored (push services/x deployed
// everything).
func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--version"}, 0, "fcsync version "},
		{[]string{"help", "exit-codes"}, 0, "3  online drift"},
		{[]string{"completion", "bash"}, 0, "complete -o default -F _fcsync_complete fcsync"},
		{[]string{"completion", "zsh"}, 0, "bashcompinit"},
		{[]string{"completion", "fish"}, 0, "complete -c fcsync"},
		{[]string{"completion", "tcsh"}, 2, "want bash, zsh or fish"},
		{[]string{"push", "services/web/functions/home"}, 2, "push takes no arguments"},
		{[]string{"status", "x"}, 2, "status takes no arguments"},
		{[]string{"diff", "a", "b"}, 2, "diff takes at most 1 argument"},
		{[]string{"clone", "--region", "cn-hangzhou", "a", "b"}, 2, "clone takes at most 1 argument"},
		{[]string{"clone", "demo"}, 2, "--region is required"},
	} {
		out, code := run(tc.args...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("fcsync %s: exit %d, want %d and %q in:\n%s", strings.Join(tc.args, " "), code, tc.code, tc.want, out)
		}
	}
}
