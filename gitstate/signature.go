package gitstate

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Signature is who made a commit and when.
type Signature struct {
	Name, Email string
	When        time.Time
}

// fallbackName and fallbackEmail sign commits when git knows no user.
const (
	fallbackName  = "fcsync"
	fallbackEmail = "fcsync@localhost"
)

// UserSignature returns the local git user, found as `git commit` finds the
// committer: GIT_COMMITTER_NAME/EMAIL first (they override configuration in
// git too), then user.name/user.email from the repository's config, the
// global config (GIT_CONFIG_GLOBAL, else ~/.gitconfig over
// $XDG_CONFIG_HOME/git/config) and the system config (unless
// GIT_CONFIG_NOSYSTEM), else "fcsync <fcsync@localhost>". When is now.
func (r *Repo) UserSignature() Signature {
	name, email := os.Getenv("GIT_COMMITTER_NAME"), os.Getenv("GIT_COMMITTER_EMAIL")
	for _, path := range r.configFiles() {
		if name != "" && email != "" {
			break
		}
		n, e := readUser(path)
		if name == "" {
			name = n
		}
		if email == "" {
			email = e
		}
	}
	if name == "" {
		name = fallbackName
	}
	if email == "" {
		email = fallbackEmail
	}
	return Signature{Name: name, Email: email, When: time.Now()}
}

// configFiles lists git config files, highest priority first.
func (r *Repo) configFiles() []string {
	files := []string{filepath.Join(r.common, "config")}
	if g := os.Getenv("GIT_CONFIG_GLOBAL"); g != "" {
		files = append(files, g)
	} else {
		home, _ := os.UserHomeDir()
		if home != "" {
			files = append(files, filepath.Join(home, ".gitconfig"))
		}
		xdg := os.Getenv("XDG_CONFIG_HOME")
		if xdg == "" && home != "" {
			xdg = filepath.Join(home, ".config")
		}
		if xdg != "" {
			files = append(files, filepath.Join(xdg, "git", "config"))
		}
	}
	if os.Getenv("GIT_CONFIG_NOSYSTEM") == "" {
		files = append(files, "/etc/gitconfig")
	}
	return files
}

// readUser returns user.name and user.email from one config file; a missing
// or unreadable file gives nothing, as git ignores it.
func readUser(path string) (name, email string) {
	f, err := os.Open(path)
	if err != nil {
		return "", ""
	}
	defer f.Close()
	cfg := config.New()
	if err := config.NewDecoder(f).Decode(cfg); err != nil {
		return "", ""
	}
	s := cfg.Section("user")
	return s.Options.Get("name"), s.Options.Get("email")
}

// clean drops the characters that would corrupt a signature line, as git
// does with "crud" in names and addresses.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '<', '>', '\n', '\r', 0:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func (s Signature) object() object.Signature {
	when := s.When
	if when.IsZero() {
		when = time.Now()
	}
	return object.Signature{Name: clean(s.Name), Email: clean(s.Email), When: when}
}

func fromObject(s object.Signature) Signature {
	return Signature{Name: s.Name, Email: s.Email, When: s.When}
}
