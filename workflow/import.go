package workflow

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	fsync "github.com/fcsync/fcsync/sync"
	"github.com/fcsync/fcsync/sync/funcraft"
	"github.com/fcsync/fcsync/sync/sdevs"
)

// Import writes the project files of a Serverless Devs s.yaml or a
// funcraft template.yml into the project. It never overwrites a file:
// importing is for starting, merging is pull's.
func (p *Project) Import(ctx context.Context, file string) error {
	if file == "" {
		return usagef("import: name the s.yaml or template.yml to import")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	base := filepath.Dir(file)
	readCode := func(id fc.ID, uri string) (filetree.Tree, error) {
		return readCodeURI(id, filepath.Join(base, filepath.FromSlash(uri)))
	}
	var res *sdevs.Result
	if funcraft.IsTemplate(data) {
		// A template names no region: funcraft deploys to its profile's,
		// so the project's is taken.
		tpl, err := funcraft.Import(data, funcraft.Options{
			Region: p.cfg.Region, AccountID: p.configuredAccount(), Code: readCode,
			ReadFile: func(path string) ([]byte, error) { return os.ReadFile(filepath.Join(base, filepath.FromSlash(path))) },
		})
		if err != nil {
			return withCode(ExitUsage, fmt.Errorf("%s: %w", file, err))
		}
		res = &sdevs.Result{Region: p.cfg.Region, State: tpl.State, Notes: tpl.Notes}
	} else if sdevs.IsFC3(data) {
		if res, err = sdevs.Import3(data, readCode); err != nil {
			return withCode(ExitUsage, fmt.Errorf("%s: %w", file, err))
		}
	} else if res, err = sdevs.Import(data, readCode); err != nil {
		return withCode(ExitUsage, fmt.Errorf("%s: %w", file, err))
	}
	if res.Region != p.cfg.Region {
		return usagef("import: %s deploys to %s, this project to %s (%s)", file, res.Region, p.cfg.Region, configFile)
	}
	newConfig, err := p.importAPI(file, res.State.API)
	if err != nil {
		return err
	}
	files, err := fsync.Render(res.State, fsync.RenderOptions{})
	if err != nil {
		return err
	}
	var exists []string
	for _, rel := range files.Paths() {
		if _, err := os.Lstat(filepath.Join(p.dir, filepath.FromSlash(rel))); err == nil {
			exists = append(exists, rel)
		}
	}
	if len(exists) > 0 {
		return usagef("import: these files exist already, nothing was written (fcsync pull merges online changes; import only starts a project):\n  %s", strings.Join(exists, "\n  "))
	}
	if newConfig != nil {
		if err := os.WriteFile(filepath.Join(p.dir, configFile), newConfig, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(p.st.Out, "Set api: %s in %s: the project is now an FC 3.0 one.\n", res.State.API, configFile)
	}
	for _, rel := range files.Paths() {
		f := files[rel]
		abs := filepath.Join(p.dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if f.Mode == filetree.Executable {
			mode = 0o755
		}
		if err := f.WriteFile(abs, mode); err != nil {
			return err
		}
	}
	fmt.Fprintf(p.st.Out, "Imported %d resources (%d files) from %s.\n", len(res.State.Resources), len(files), file)
	if len(res.Notes) > 0 {
		fmt.Fprintln(p.st.Out, "Not converted:")
		for _, n := range res.Notes {
			fmt.Fprintf(p.st.Out, "  %s\n", n)
		}
	}
	fmt.Fprintln(p.st.Out, "Next: fcsync validate, git add and commit, then fcsync push.")
	return nil
}

// importAPI checks that a project of api can be imported into this one:
// an FC 3.0 s.yaml makes an empty FC 2.0 project (fcsync init's) an FC
// 3.0 one, whose fcsync.yaml it returns; FC 2.0 files and FC 3.0 files
// never mix.
func (p *Project) importAPI(file string, api fc.API) (newConfig []byte, err error) {
	if api == p.cfg.API {
		return nil, nil
	}
	if api == fc.FC2 {
		return nil, usagef("import: %s is an FC 2.0 project and this one is api: %s (%s): import it into an FC 2.0 project, then run fcsync migrate --to fc3", file, p.cfg.API, configFile)
	}
	t, err := p.worktree()
	if err != nil {
		return nil, err
	}
	for _, rel := range p.fromRepo(t).Paths() {
		if top, _, _ := strings.Cut(rel, "/"); top == "services" {
			return nil, usagef("import: %s is an FC 3.0 project and this one holds FC 2.0 files (%s): run fcsync migrate --to fc3 first, or import into a new project", file, rel)
		}
	}
	data, err := os.ReadFile(filepath.Join(p.dir, configFile))
	if err != nil {
		return nil, err
	}
	out, _, err := fsync.MigrateConfig(data, nil)
	if err != nil {
		return nil, withCode(ExitUsage, err)
	}
	return out, nil
}

// readCodeURI reads a codeUri: a folder of regular files, a zip, or (as
// funcraft allows) one file.
func readCodeURI(id fc.ID, path string) (filetree.Tree, error) {
	if strings.HasSuffix(strings.ToLower(path), ".zip") {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return fsync.UnpackZip(id, data, fsync.DefaultZipLimits)
	}
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		mode := filetree.Regular
		if fi.Mode()&0o111 != 0 {
			mode = filetree.Executable
		}
		return filetree.Tree{filepath.Base(path): {Data: data, Mode: mode}}, nil
	}
	out := filetree.Tree{}
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file (links are not imported)", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := filetree.Regular
		if info.Mode()&0o111 != 0 {
			mode = filetree.Executable
		}
		out[filepath.ToSlash(rel)] = filetree.File{Data: data, Mode: mode}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no such folder or zip")
	}
	return out, err
}

// Export writes the project as a Serverless Devs project file; force
// overwrites an existing one.
func (p *Project) Export(ctx context.Context, file string, force bool) error {
	if file == "" {
		file = filepath.Join(p.dir, "s.yaml")
	}
	if _, err := os.Stat(file); err == nil && !force {
		return usagef("export: %s exists; pass --force to overwrite it", file)
	}
	local, _, err := p.readWorktree()
	if err != nil {
		return err
	}
	absFile, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	data, err := sdevs.Export(local, p.cfg.Region, filepath.Base(p.dir), func(id fc.ID) string {
		rel, err := filepath.Rel(filepath.Dir(absFile), filepath.Join(p.dir, filepath.FromSlash(id.CodeDir())))
		if err != nil {
			return id.CodeDir()
		}
		if rel = filepath.ToSlash(rel); !strings.HasPrefix(rel, "../") {
			rel = "./" + rel
		}
		return rel
	})
	if err != nil {
		return withCode(ExitUsage, fmt.Errorf("export: %w", err))
	}
	if err := os.MkdirAll(filepath.Dir(absFile), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(p.st.Out, "Wrote %s (%d resources).\n", file, len(local.Resources))
	return nil
}
