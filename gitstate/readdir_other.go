//go:build !(linux && (amd64 || arm64))

package gitstate

import (
	"errors"
	"io/fs"
	"os"
)

// readDirStat lists the folder abs with each entry's lstat data, sorted by
// name, leaving out entries removed while it reads.
func readDirStat(abs string) ([]dirEntry, error) {
	ents, err := os.ReadDir(abs)
	if err != nil {
		return nil, err
	}
	out := make([]dirEntry, 0, len(ents))
	for _, de := range ents {
		fi, err := de.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed while we read
		}
		if err != nil {
			return nil, err
		}
		out = append(out, dirEntry{de.Name(), fi})
	}
	return out, nil
}
