package cli_test

import (
	"io"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc/emulator"
)

// A console edit of the alias made while push --publish --alias runs is
// caught by If-Match (issue 11): the version is published and recorded, the
// alias is not moved, nothing of the console's edit is overwritten, and
// the push exits 3 saying what to do.
func TestPublishAliasRaceIsCaught(t *testing.T) {
	srv, proj := cloneForTest(t)
	console := consoleFor(t, srv)
	for _, args := range [][]string{{"publish-version", "demo", "v1"}, {"create-alias", "demo", "prod", "1"}} {
		if err := console.Run(args, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	fcsync(t, "--dir", proj, "pull")
	commitTimeout(t, proj, "web", 9)
	srv.SetFaults(emulator.Faults{EditBefore: map[string]int{"UpdateAlias": 1}})
	out, code := run("--dir", proj, "push", "--publish", "--alias", "prod")
	if code != 3 || !strings.Contains(out, "alias prod changed online during the push, so it was not moved") {
		t.Fatalf("push: exit %d, want 3\n%s", code, out)
	}
	if n := srv.Stats()["UpdateAlias"]; n != 1 {
		t.Fatalf("UpdateAlias sent %d times, want 1 (refused by If-Match)", n)
	}
	var alias strings.Builder
	if err := console.Run([]string{"get-alias", "demo", "prod"}, &alias); err != nil {
		t.Fatal(err)
	}
	if a := alias.String(); !strings.Contains(a, "edited concurrently") || !strings.Contains(a, `"versionId":"1"`) && !strings.Contains(a, `"versionId": "1"`) {
		t.Fatalf("alias after the refused move:\n%s", a)
	}
	log := gitOut(t, proj, "log", "-1", "--format=%B", "fcsync/live/cn-hangzhou")
	if !strings.Contains(log, "Published-Version: demo 2") || strings.Contains(log, "Alias-Moved") {
		t.Fatalf("deploy commit:\n%s", log)
	}
	// The next fetch records the console's edit; nothing was lost.
	out, code = run("--dir", proj, "fetch", "--exit-code")
	if code != 3 || !strings.Contains(out, "alias demo/prod") {
		t.Fatalf("fetch: exit %d\n%s", code, out)
	}
}
