package gitstate

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestUserSignature changes the process environment, so it does not run in
// parallel.
func TestUserSignature(t *testing.T) {
	r := newRepo(t)
	home := t.TempDir()
	xdg := filepath.Join(home, "xdg")
	write := func(path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_CONFIG_GLOBAL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", xdg)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")

	check := func(step, name, email string) {
		t.Helper()
		before := time.Now()
		s := r.UserSignature()
		if s.Name != name || s.Email != email || s.When.Before(before) {
			t.Fatalf("%s: UserSignature = %+v, want %s <%s> now", step, s, name, email)
		}
	}
	check("nothing configured", "fcsync", "fcsync@localhost")
	write(filepath.Join(xdg, "git", "config"), "[user]\n\tname = Xdg User\n\temail = xdg@example.com\n")
	check("XDG config", "Xdg User", "xdg@example.com")
	write(filepath.Join(home, ".gitconfig"), "[User]\n\tName = Home User\n")
	check("~/.gitconfig over XDG, key by key", "Home User", "xdg@example.com")
	global := filepath.Join(home, "global")
	write(global, "[user]\n\tname = Global User\n\temail = global@example.com\n")
	t.Setenv("GIT_CONFIG_GLOBAL", global)
	check("GIT_CONFIG_GLOBAL replaces the others", "Global User", "global@example.com")
	write(filepath.Join(r.common, "config"), "[core]\n\tbare = false\n[user]\n\temail = repo@example.com\n")
	check("repository config first", "Global User", "repo@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "Env User")
	check("environment over config, as in git", "Env User", "repo@example.com")
}
