package filetree

import (
	"os/exec"
	"strings"
	"testing"
)

// gitmodulesCases are .gitmodules contents, true where git fsck --strict
// reports an error.
var gitmodulesCases = map[string]bool{
	"[submodule \"lib\"]\n\tpath = lib\n\turl = https://example.com/lib.git\n": false,
	"[submodule \"../../x\"]\n\tpath = x\n\turl = https://e/x\n":               true,
	"[submodule \"a\\\\..\\\\b\"]\n\tpath = x\n":                               true,
	"[submodule \"ok\"]\n\tpath = x\n\turl = --upload-pack=touch /tmp/pwned\n": true,
	"[submodule \"ok\"]\n\tpath = x\n\turl = \"-u\" ; a comment\n":             true,
	"[submodule \"ok\"]\n\tpath = -x\n":                                        true,
	"[submodule \"ok\"]\n\tpath = x\n\tupdate = !rm -rf /\n":                   true,
	"[submodule \"ok\"]\n\tpath = x\n\tupdate = rebase\n":                      false,
	"[core]\n\turl = -x\n":               false,
	"not a config at all [\n":            false,
	"# only a comment\n":                 false,
	"[submodule \"a..b\"]\n\tpath = x\n": false,
}

func TestCheckFileGitmodules(t *testing.T) {
	for content, bad := range gitmodulesCases {
		for _, name := range []string{".gitmodules", "code/lib/.gitmodules", "code/.GITMODULES", "code/gitmod~1"} {
			err := CheckFile(name, File{Data: []byte(content)})
			if (err != nil) != bad {
				t.Errorf("%s holding %q: %v, want refused %v", name, content, err, bad)
			}
		}
		if err := CheckFile("code/gitmodules.txt", File{Data: []byte(content)}); err != nil {
			t.Errorf("a file not named .gitmodules is checked: %v", err)
		}
	}
}

// TestCheckFileAgreesWithGitFsck commits each content as a .gitmodules
// with git itself and compares fsck's verdict.
func TestCheckFileAgreesWithGitFsck(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command line")
	}
	for content, bad := range gitmodulesCases {
		dir := t.TempDir()
		run := func(stdin string, args ...string) (string, error) {
			cmd := exec.Command("git", args...)
			cmd.Dir = dir
			cmd.Stdin = strings.NewReader(stdin)
			out, err := cmd.CombinedOutput()
			return strings.TrimSpace(string(out)), err
		}
		run("", "init", "-q")
		blob, _ := run(content, "hash-object", "-w", "--stdin")
		tree, _ := run("100644 blob "+blob+"\t.gitmodules\n", "mktree")
		commit, _ := run("", "-c", "user.name=a", "-c", "user.email=a@b", "commit-tree", "-m", "x", tree)
		run("", "update-ref", "refs/heads/main", commit)
		out, err := run("", "fsck", "--strict")
		if gitBad := err != nil && strings.Contains(out, "gitmodules"); gitBad != bad {
			t.Errorf("%q: git fsck says bad=%v (%s), table says %v", content, gitBad, out, bad)
		}
	}
}
