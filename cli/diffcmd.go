package cli

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/urfave/cli/v2"

	"github.com/fcsync/fcsync/filetree"
	fsync "github.com/fcsync/fcsync/sync"
)

func diffCommand(st Streams) *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "default: what push would change online; --online: what changed online since the sync point",
		ArgsUsage: "[PATH]",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "online", Usage: "show what changed online since the sync point"},
			outputFlag(),
		},
		OnUsageError: onUsageError,
		Action:       projectAction(st, readsOnly, (*project).runDiff),
	}
}

// fileDiff is one file's unified diff.
type fileDiff struct {
	Path string `json:"path"`
	Diff string `json:"diff"`
}

func (p *project) runDiff(c *cli.Context) error {
	format, err := outputFormat(c)
	if err != nil {
		return err
	}
	filter, err := p.pathFilter(c.Args().First())
	if err != nil {
		return err
	}
	local, _, err := p.readWorktree()
	if err != nil {
		return err
	}
	online, err := p.onlineForReading(c, local, true)
	if err != nil {
		return err
	}
	var from, to *fsync.State
	var fromLabel, toLabel string
	if c.Bool("online") {
		sp, err := p.syncPoint()
		if err != nil {
			return err
		}
		from, to, fromLabel, toLabel = sp.base, online, "sync point", "online"
	} else {
		from, to, fromLabel, toLabel = online, pushTarget(local, online), "online", "after push"
	}
	diffs, err := diffStates(from, to, fromLabel, toLabel, filter)
	if err != nil {
		return err
	}
	if format == "json" {
		if diffs == nil {
			diffs = []fileDiff{}
		}
		return json.NewEncoder(p.st.Out).Encode(map[string]any{"files": diffs})
	}
	for _, d := range diffs {
		p.printDiff(d.Diff)
	}
	return nil
}

// pushTarget is the state online would have after push: every resource
// local has, with local's managed fields over what online holds, and local
// code; resources local deleted are gone.
func pushTarget(local, online *fsync.State) *fsync.State {
	out := fsync.NewState()
	for id, l := range local.Resources {
		r := *l
		if o := online.Resources[id]; o != nil {
			r.Spec = fsync.Overlay(l.Spec, o.Spec)
		}
		out.Resources[id] = &r
		if code, ok := local.Code[id]; ok {
			out.Code[id] = code
		} else if code, ok := online.Code[id]; ok {
			out.Code[id] = code
		}
	}
	return out
}

// diffStates renders both states as project files and returns the unified
// diff of every file that differs, limited by filter.
func diffStates(from, to *fsync.State, fromLabel, toLabel string, filter func(string) bool) ([]fileDiff, error) {
	a, err := fsync.Render(from, fsync.RenderOptions{})
	if err != nil {
		return nil, err
	}
	b, err := fsync.Render(to, fsync.RenderOptions{})
	if err != nil {
		return nil, err
	}
	var out []fileDiff
	for _, rel := range filetree.Changed(a, b) {
		if !filter(rel) {
			continue
		}
		out = append(out, fileDiff{Path: rel, Diff: unified(rel, a[rel], b[rel], fromLabel, toLabel)})
	}
	return out, nil
}

func unified(rel string, a, b filetree.File, fromLabel, toLabel string) string {
	if fsync.IsBinary(a.Data) || fsync.IsBinary(b.Data) {
		return fmt.Sprintf("Binary file %s differs (%s, %s)\n", rel, fromLabel, toLabel)
	}
	text, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(string(a.Data)),
		B:        difflib.SplitLines(string(b.Data)),
		FromFile: path.Join(fromLabel, rel),
		ToFile:   path.Join(toLabel, rel),
		Context:  3,
	})
	if text == "" && a.Mode != b.Mode {
		text = fmt.Sprintf("mode of %s changed (%s, %s)\n", rel, fromLabel, toLabel)
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return text
}

func (p *project) printDiff(text string) {
	for _, line := range strings.SplitAfter(text, "\n") {
		if line == "" {
			continue
		}
		switch {
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
			fmt.Fprint(p.st.Out, p.color(colorCyan, strings.TrimSuffix(line, "\n"))+"\n")
		case strings.HasPrefix(line, "+"):
			fmt.Fprint(p.st.Out, p.color(colorGreen, strings.TrimSuffix(line, "\n"))+"\n")
		case strings.HasPrefix(line, "-"):
			fmt.Fprint(p.st.Out, p.color(colorRed, strings.TrimSuffix(line, "\n"))+"\n")
		default:
			fmt.Fprint(p.st.Out, line)
		}
	}
}

// pathFilter turns a PATH argument (relative to the working directory)
// into a predicate over project-relative paths.
func (p *project) pathFilter(arg string) (func(string) bool, error) {
	if arg == "" {
		return func(string) bool { return true }, nil
	}
	rel, err := p.projectRel(arg)
	if err != nil {
		return nil, err
	}
	if rel == "" {
		return func(string) bool { return true }, nil
	}
	return func(s string) bool { return s == rel || strings.HasPrefix(s, rel+"/") }, nil
}
