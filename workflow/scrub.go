package workflow

import (
	"io"
	"os"

	"github.com/fcsync/fcsync/fc"
	fsync "github.com/fcsync/fcsync/sync"
)

// Everything fcsync prints goes through one Scrubber: the credentials it
// runs with and every secret value it read or resolved are known to it
// before they could reach a message, and it hides what the value rules
// recognise besides. Commit messages holding text from FC go through it
// too (project.scrub). This is the backstop; secrets are kept out of
// messages in the first place.

// WithScrubber returns st with its output streams scrubbed, the
// credentials of the environment already known. Run and Clone scrub the
// streams they are given unless they already are.
func (st Streams) WithScrubber() Streams {
	s := &fsync.Scrubber{}
	for _, name := range []string{fc.EnvAccessKeyID, fc.EnvAccessKeySecret, fc.EnvSecurityToken} {
		s.Add(os.Getenv(name))
	}
	st.scrub = s
	st.Out = scrubWriter{st.Out, s}
	st.Err = scrubWriter{st.Err, s}
	return st
}

// scrubWriter scrubs each write. fcsync writes whole lines (fmt.Fprint*),
// so a value is never split across two writes.
type scrubWriter struct {
	w io.Writer
	s *fsync.Scrubber
}

func (w scrubWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(w.w, w.s.Scrub(string(b))); err != nil {
		return 0, err
	}
	return len(b), nil
}

// scrub hides secrets in text fcsync writes into git.
func (p *Project) scrub(text string) string { return p.st.scrub.Scrub(text) }
