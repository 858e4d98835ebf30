package sync

import (
	"errors"
	"fmt"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// CheckLocalCode refuses what push must not upload from the project's code
// folders: a symlink that resolves outside its function's code/ folder
// (FC would store the link, not the file, and a colleague's checkout of it
// fails or reads a file of the deploying machine), and a path git refuses
// (filetree.CheckPath). Every problem is a *FileError naming the file;
// they are joined, and match ErrInvalidProject.
func CheckLocalCode(s *State) error {
	var errs []error
	ids := make([]fc.ID, 0, len(s.Code))
	for id := range s.Code {
		ids = append(ids, id)
	}
	fc.SortIDs(ids)
	for _, id := range ids {
		code := s.Code[id]
		for _, p := range code.Paths() {
			file := id.CodeDir() + "/" + p
			if err := filetree.CheckFile(p, code[p]); err != nil {
				errs = append(errs, &FileError{Path: file, Err: err})
				continue
			}
			if code[p].Mode != filetree.Symlink {
				continue
			}
			if err := checkSymlink(code, p); err != nil {
				errs = append(errs, &FileError{Path: file, Err: fmt.Errorf(
					"symlink to %s %v: FC would store the link, not the file; copy the file into code/ instead",
					filetree.Quote(string(code[p].Data)), err)})
			}
		}
	}
	return errors.Join(errs...)
}
