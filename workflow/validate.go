package workflow

import (
	"context"
	"fmt"
	gosync "sync"

	"github.com/fcsync/fcsync/filetree"
	"github.com/fcsync/fcsync/gitstate"
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
		if _, ok := p.cfg.API.ParseFile(path); ok {
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
	p.liveTip() // says what of the live tip cannot be read, if anything
	return p.report(p.check(files, fsync.ValidateOptions{}))
}

// validation is what fsync.Validate found in a tree.
type validation struct {
	warnings []*fsync.FileError
	err      error
}

// check validates a project tree, printing nothing (push runs it on
// another goroutine).
func (p *Project) check(files filetree.Tree, opt fsync.ValidateOptions) validation {
	// What FC itself returned, as the live branch records it (no API call);
	// an unreadable live branch only loses the leniency.
	var online *fsync.State
	if tip, err := p.repo.Ref(p.liveBranch()); err == nil {
		if c, err := p.parseCommit(tip); err == nil {
			online = c.state
		}
	}
	opt.ExtraFields, opt.Online = p.cfg.ExtraFields, online
	warnings, err := fsync.Validate(files, opt)
	return validation{warnings, err}
}

// validationOf is check of a commit's project files, once per command
// (push validates HEAD on another goroutine while it reads the work tree).
func (p *Project) validationOf(h gitstate.Hash) validation {
	p.commitMu.Lock()
	v, ok := p.validations[h]
	if !ok {
		v = &validationOnce{}
		if p.validations == nil {
			p.validations = map[gitstate.Hash]*validationOnce{}
		}
		p.validations[h] = v
	}
	p.commitMu.Unlock()
	v.once.Do(func() {
		c, err := p.parseCommit(h)
		if err != nil {
			v.v = validation{err: err}
			return
		}
		v.v = p.check(c.files, fsync.ValidateOptions{Parsed: c.state, ParseErr: c.err})
	})
	return v.v
}

type validationOnce struct {
	once gosync.Once
	v    validation
}

// report prints a validation's warnings and errors, as validate does.
func (p *Project) report(v validation) error {
	warnings, err := v.warnings, v.err
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
