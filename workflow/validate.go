package workflow

import (
	"context"
	"fmt"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	fsync "github.com/fcsync/fcsync/sync"
)

// runValidate checks the project files on disk, as they are now: the
// question is "would a push of this be refused", asked before committing.
// Validate checks every project file against FC's rules, without any API call.
func (p *Project) Validate(ctx context.Context) error {
	t, err := p.repo.ReadWorktree(p.prefix)
	if err != nil {
		return err
	}
	files := p.fromRepo(t)
	if err := p.validate(files); err != nil {
		return err
	}
	n := 0
	for _, path := range files.Paths() {
		if _, ok := fc.ParseFile(path); ok {
			n++
		}
	}
	fmt.Fprintf(p.st.Out, "%d resource files valid.\n", n)
	return nil
}

// validate checks a project tree (fsync.Validate), prints each warning and
// error with the path the user can open, and fails with exit code 2 when
// there is an error. Push calls it before its first API call.
func (p *Project) validate(files filetree.Tree) error {
	// What FC itself returned, as the live branch records it (no API call).
	_, online, _, err := p.liveTip()
	if err != nil {
		online = nil // an unreadable live branch only loses the leniency
	}
	warnings, err := fsync.Validate(files, fsync.ValidateOptions{ExtraFields: p.cfg.ExtraFields, Online: online})
	for _, w := range warnings {
		fmt.Fprintf(p.st.Err, "warning: %v\n", p.locateError(w))
	}
	if err == nil {
		return nil
	}
	var problems []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		problems = j.Unwrap()
	} else {
		problems = []error{err}
	}
	for _, e := range problems {
		fmt.Fprintf(p.st.Err, "%v\n", p.locateError(e))
	}
	noun := "problems"
	if len(problems) == 1 {
		noun = "problem"
	}
	return withCode(ExitUsage, fmt.Errorf("%d %s in the project files; nothing was sent to Function Compute", len(problems), noun))
}
