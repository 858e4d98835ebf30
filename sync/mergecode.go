package sync

import (
	"fmt"
	"strings"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// fileOpt is a code file on one side of a merge; ok is false when absent.
type fileOpt struct {
	f  filetree.File
	ok bool
}

func fileOf(t filetree.Tree, p string) fileOpt {
	f, ok := t[p]
	return fileOpt{f, ok}
}

func (a fileOpt) equal(b fileOpt) bool { return a.ok == b.ok && (!a.ok || a.f.Equal(b.f)) }

// loaded is a with its content read, for a line-by-line merge.
func (a fileOpt) loaded() (fileOpt, error) {
	if !a.ok {
		return a, nil
	}
	f, err := a.f.Loaded()
	return fileOpt{f, true}, err
}

// code merges function id's code files one by one, with the table of DESIGN
// section 4 on whole files: both sides are measured against the sync point's
// online version (R), exactly as git merge-file measures them against the
// merge base. Files changed on both sides merge line by line when they are
// text; binary files and modify/delete pairs conflict.
func (m *pullMerge) code(id fc.ID) error {
	b := codeOf(m.in.Base, id)
	if resourceOf(m.in.BaseLocal, id) == nil {
		b = nil // never local's at the sync point: an empty base, as in fields
	}
	o, l := codeOf(m.in.Online, id), codeOf(m.in.Local, id)
	seen := map[string]bool{}
	for _, t := range []filetree.Tree{b, o, l} {
		for _, p := range t.Paths() {
			if !seen[p] {
				seen[p] = true
				if err := m.codeFile(id, p, fileOf(b, p), fileOf(o, p), fileOf(l, p)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (m *pullMerge) codeFile(id fc.ID, p string, base, online, local fileOpt) error {
	path := codePath(id, p)
	switch {
	case base.equal(online), local.equal(online):
		return nil
	case base.equal(local):
		m.note(id, filetree.Quote("code/"+p))
		m.setCodeFile(path, online)
		return nil
	}
	// Changed on both sides: the bytes are needed now.
	var err error
	for _, f := range []*fileOpt{&base, &online, &local} {
		if *f, err = f.loaded(); err != nil {
			return fmt.Errorf("sync: merge: %s: %w", path, err)
		}
	}
	reason := "changed online and locally"
	switch {
	case !online.ok:
		reason = "deleted online, changed locally"
	case !local.ok:
		reason = "changed online, deleted locally"
	case IsBinary(base.f.Data) || IsBinary(local.f.Data) || IsBinary(online.f.Data):
		reason = "binary file changed online and locally"
	default:
		merged, conflicts := MergeText(base.f.Data, local.f.Data, online.f.Data, m.in.Labels)
		mode := local.f.Mode
		if base.ok && online.f.Mode != base.f.Mode && local.f.Mode == base.f.Mode {
			mode = online.f.Mode
		}
		if conflicts == 0 {
			m.note(id, filetree.Quote("code/"+p)+": merged")
			m.setFile(path, &filetree.File{Data: merged, Mode: mode})
			return nil
		}
		if m.in.Resolve == ResolveNone {
			m.setFile(path, &filetree.File{Data: merged, Mode: mode})
		}
	}
	switch m.in.Resolve {
	case ResolveOnline:
		m.note(id, filetree.Quote("code/"+p)+": "+reason+": resolved to online")
		if text, ok := resolveText(base, local, online, true); ok {
			m.setFile(path, &filetree.File{Data: text, Mode: online.f.Mode})
			return nil
		}
		m.setCodeFile(path, online)
	case ResolveLocal:
		m.note(id, filetree.Quote("code/"+p)+": "+reason+": resolved to local")
		if text, ok := resolveText(base, local, online, false); ok {
			m.setFile(path, &filetree.File{Data: text, Mode: local.f.Mode})
		}
	default:
		m.conflict(Conflict{ID: id, Path: path, Reason: reason})
		if !local.ok {
			m.setCodeFile(path, online) // git keeps the modified side
		}
	}
	return nil
}

func (m *pullMerge) setCodeFile(path string, f fileOpt) {
	if !f.ok {
		m.setFile(path, nil)
		return
	}
	m.setFile(path, &f.f)
}

// Labels for resolveText's own MergeText call. A NUL makes a file binary, so
// no text file has a line equal to these markers.
var resolveLabels = TextMergeLabels{Ours: "ours\x00fcsync", Theirs: "theirs\x00fcsync"}

// resolveText merges two text files and settles each conflicting hunk to
// one side, as git merge -X theirs / -X ours does: the other side's
// changes elsewhere in the file are kept. ok is false when the files are
// not both text, or a hunk cannot be read back unambiguously (a side holds
// a "=======" line); the caller then takes the whole file.
func resolveText(base, local, online fileOpt, takeTheirs bool) (text []byte, ok bool) {
	if !local.ok || !online.ok || IsBinary(base.f.Data) || IsBinary(local.f.Data) || IsBinary(online.f.Data) {
		return nil, false
	}
	merged, conflicts := MergeText(base.f.Data, local.f.Data, online.f.Data, resolveLabels)
	var out strings.Builder
	const (
		outside = iota
		inOurs
		inTheirs
	)
	state, blocks := outside, 0
	for _, line := range strings.SplitAfter(string(merged), "\n") {
		switch bare := strings.TrimRight(line, "\r\n"); {
		case bare == "<<<<<<< "+resolveLabels.Ours:
			if state != outside {
				return nil, false
			}
			state = inOurs
		case bare == "=======" && state != outside:
			if state != inOurs {
				return nil, false
			}
			state = inTheirs
		case bare == ">>>>>>> "+resolveLabels.Theirs:
			if state != inTheirs {
				return nil, false
			}
			state, blocks = outside, blocks+1
		case state == outside, state == inOurs && !takeTheirs, state == inTheirs && takeTheirs:
			out.WriteString(line)
		}
	}
	if state != outside || blocks != conflicts {
		return nil, false
	}
	return []byte(out.String()), true
}
