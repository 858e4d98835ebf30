package workflow

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fcsync/fcsync/filetree"
)

func filetreeFile(data []byte) filetree.File {
	return filetree.File{Data: data, Mode: filetree.Regular}
}

// writeFiles writes a project-relative tree into the folder root.
func writeFiles(root string, files filetree.Tree) error {
	for _, rel := range files.Paths() {
		if err := writeFile(root, rel, files[rel]); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(root, rel string, f filetree.File) error {
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	switch f.Mode {
	case filetree.Symlink:
		return os.Symlink(string(f.Data), p)
	case filetree.Executable:
		return f.WriteFile(p, 0o755)
	case filetree.Regular:
		return f.WriteFile(p, 0o644)
	}
	return fmt.Errorf("%s: unknown file mode %d", rel, f.Mode)
}
