package workflow

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/fcsync/fcsync/filetree"
	fsync "github.com/fcsync/fcsync/sync"
)

// fileDiff is one file's unified diff.
type fileDiff struct {
	Path string `json:"path"`
	Diff string `json:"diff"`
}

// DiffOptions are diff's options.
type DiffOptions struct {
	Online bool   // what changed online since the sync point, instead of what push would change
	Path   string // only this path (relative to the working directory)
	Output string // "text" or "json"
}

// Diff prints what push would change online, as a unified diff of project
// files, or with Online what changed online since the sync point.
func (p *Project) Diff(ctx context.Context, opt DiffOptions) error {
	format, err := outputFormat(opt.Output)
	if err != nil {
		return err
	}
	filter, err := p.pathFilter(opt.Path)
	if err != nil {
		return err
	}
	if err := p.refuseUnmerged(); err != nil {
		return err
	}
	read := p.startRead(ctx)
	if read != nil {
		defer read.stop()
	}
	p.prefetch()
	local, _, err := p.readWorktree()
	if err != nil {
		return err
	}
	online, err := p.onlineForReading(ctx, local, true, read)
	if err != nil {
		return err
	}
	sp, err := p.syncPoint()
	if err != nil {
		return err
	}
	var from, to *fsync.State
	var fromLabel, toLabel string
	if opt.Online {
		from, to, fromLabel, toLabel = sp.base, online, "sync point", "online"
	} else {
		plan, err := sp.plan(fsync.PlanInput{Local: local, Online: online, Patterns: p.cfg.SecretPatterns, AsFiles: true})
		if err != nil {
			return err
		}
		from, to, fromLabel, toLabel = plan.Before(online), plan.Target(online, local), "online", "after push"
	}
	// A secret a project file holds in plain text is never printed.
	from, to = fsync.MaskPlain(from, p.cfg.SecretPatterns), fsync.MaskPlain(to, p.cfg.SecretPatterns)
	diffs, err := diffStates(from, to, fromLabel, toLabel, filter)
	if err != nil {
		return err
	}
	if format == "json" {
		if diffs == nil {
			diffs = []fileDiff{}
		}
		compare := "push"
		if opt.Online {
			compare = "online"
		}
		return p.writeJSON(map[string]any{"schema": diffSchema, "compare": compare, "files": diffs})
	}
	for _, d := range diffs {
		p.printDiff(d.Diff)
	}
	return nil
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
		from, err := side(a, rel)
		if err != nil {
			return nil, err
		}
		to, err := side(b, rel)
		if err != nil {
			return nil, err
		}
		out = append(out, fileDiff{Path: rel, Diff: unified(rel, from, to, fromLabel, toLabel)})
	}
	return out, nil
}

// side is one side of a file diff, its content read; nil when the file is
// absent there.
func side(t filetree.Tree, rel string) (*filetree.File, error) {
	f, ok := t[rel]
	if !ok {
		return nil, nil
	}
	f, err := f.Loaded()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filetree.Quote(rel), err)
	}
	return &f, nil
}

// unified diffs one file. A file absent on one side is diffed against
// /dev/null with git's hunk header for it (@@ -1,N +0,0 @@), which
// difflib does not write.
func unified(rel string, a, b *filetree.File, fromLabel, toLabel string) string {
	from, to := filetree.Quote(path.Join(fromLabel, rel)), filetree.Quote(path.Join(toLabel, rel))
	switch {
	case a == nil && b == nil:
		return ""
	case a != nil && b != nil && (fsync.IsBinary(a.Data) || fsync.IsBinary(b.Data)):
		return fmt.Sprintf("Binary file %s differs (%s, %s)\n", filetree.Quote(rel), fromLabel, toLabel)
	case a == nil:
		return wholeFile(b, "/dev/null", to, '+')
	case b == nil:
		return wholeFile(a, from, "/dev/null", '-')
	}
	text, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(string(a.Data)),
		B:        difflib.SplitLines(string(b.Data)),
		FromFile: from,
		ToFile:   to,
		Context:  3,
	})
	if text == "" && a.Mode != b.Mode {
		text = fmt.Sprintf("mode of %s changed (%s, %s)\n", filetree.Quote(rel), fromLabel, toLabel)
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return text
}

func (p *Project) printDiff(text string) {
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
func (p *Project) pathFilter(arg string) (func(string) bool, error) {
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

// wholeFile is the diff of a file added (sign '+') or removed ('-').
func wholeFile(f *filetree.File, from, to string, sign byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", from, to)
	if fsync.IsBinary(f.Data) {
		fmt.Fprintf(&b, "Binary file %s\n", map[byte]string{'+': "added", '-': "removed"}[sign])
		return b.String()
	}
	lines := strings.SplitAfter(string(f.Data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	n := len(lines)
	if sign == '+' {
		fmt.Fprintf(&b, "@@ -0,0 +%s @@\n", hunkRange(n))
	} else {
		fmt.Fprintf(&b, "@@ -%s +0,0 @@\n", hunkRange(n))
	}
	for _, l := range lines {
		b.WriteByte(sign)
		b.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
	return b.String()
}

// hunkRange is a unified diff range starting at line 1: "1" for one line,
// "1,N" otherwise, "0,0" for none.
func hunkRange(n int) string {
	switch n {
	case 0:
		return "0,0"
	case 1:
		return "1"
	}
	return fmt.Sprintf("1,%d", n)
}
