package sync

import (
	"errors"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// ParseRecorded reads a tree that fcsync recorded earlier (a live-branch
// tip). Such a tree is history: an older fcsync may have recorded a value
// it cannot read back (a triggerConfig that is not a mapping), and
// refusing the whole tree would wedge every command in every clone. It is
// ParsePartial, whose state leaves such a resource out with what is inside
// it, with the problems as a list: LiveFile's complaints are left out when
// a resource file is broken, since they only say that LiveFile names that
// resource.
func ParseRecorded(api fc.API, t filetree.Tree) (*State, []error) {
	s, err := ParsePartial(api, t)
	return s, RecordedProblems(err)
}

// RecordedProblems lists the problems of ParsePartial's error that
// ParseRecorded reports.
func RecordedProblems(err error) []error {
	if err == nil {
		return nil
	}
	var files, live []error
	for _, fe := range fileErrors(err) {
		if fe.Path == LiveFile {
			live = append(live, fe)
		} else {
			files = append(files, fe)
		}
	}
	if len(files) > 0 {
		return files
	}
	return live
}

// fileErrors lists the *FileError values of an errors.Join.
func fileErrors(err error) []*FileError {
	var out []*FileError
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var fe *FileError
		if errors.As(err, &fe) {
			out = append(out, fe)
		}
	}
	walk(err)
	return out
}
