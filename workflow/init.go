package workflow

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// Init writes fcsync.yaml into dir, creating dir and a git repository
// when needed. An existing fcsync.yaml is never overwritten.
func Init(st Streams, dir string, cfg *fsync.Config) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, configFile)
	if _, err := os.Stat(path); err == nil {
		return usagef("%s already exists", path)
	}
	data := cfg.Marshal()
	if _, err := fsync.LoadConfig(path, data); err != nil {
		return withCode(ExitUsage, err)
	}
	if _, err := gitstate.Open(dir); errors.Is(err, gitstate.ErrNotRepository) {
		if _, err := gitstate.Init(dir); err != nil {
			return err
		}
		fmt.Fprintf(st.Out, "Initialized a git repository in %s\n", dir)
	} else if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	if err := writeGitignore(dir); err != nil {
		return err
	}
	layout := "services/<service>/..."
	if cfg.API == fc.FC3 {
		layout = "functions/<function>/..."
	}
	fmt.Fprintf(st.Out, "Wrote %s (region %s). Next: add %s and run fcsync push, or fcsync pull to import what is online.\n", path, cfg.Region, layout)
	return nil
}
