package workflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// logEntry is one live-branch commit as log prints it.
type logEntry struct {
	Commit  string    `json:"commit"`
	Kind    string    `json:"kind"` // "online change", "deploy", "import"
	Author  string    `json:"author"`
	Date    time.Time `json:"date"`
	Subject string    `json:"subject"`
	Body    string    `json:"body,omitempty"`
	// Deployed is, for a deploy, the subject of the local commit it
	// deployed: why the change was made, beside what it changed.
	Deployed string `json:"deployed,omitempty"`
}

// LogOptions are log's options.
type LogOptions struct {
	Path   string // only commits touching this path (relative to the working directory)
	Output string // "text" or "json"
}

// Log prints the live branch's history.
func (p *Project) Log(ctx context.Context, opt LogOptions) error {
	format, err := outputFormat(opt.Output)
	if err != nil {
		return err
	}
	rel, err := p.projectRel(opt.Path)
	if opt.Path == "" {
		rel, err = "", nil
	}
	if err != nil {
		return err
	}
	tip, err := p.repo.Ref(p.liveBranch())
	if err != nil {
		return err
	}
	if tip.IsZero() {
		return fmt.Errorf("%s does not exist yet: run fcsync fetch", p.liveBranch())
	}
	prefix := p.prefix
	if rel != "" {
		prefix = p.repoPath(rel)
	}
	commits, err := p.repo.Log(tip, prefix, true)
	if err != nil {
		return err
	}
	if len(commits) == 0 && rel != "" {
		return usagef("log: %s: no change recorded on %s; the path was never part of the online state", rel, p.liveBranch())
	}
	entries := make([]logEntry, 0, len(commits))
	for _, cm := range commits {
		subject, body, _ := strings.Cut(cm.Message, "\n")
		if rel != "" {
			body = linesUnder(p.cfg.API, body, rel)
			subject = subjectFor(p.cfg.API, subject, body)
		}
		kind := "online change"
		switch {
		case len(cm.Parents) == 0:
			kind = "import"
		case len(cm.Parents) > 1:
			kind = "deploy"
		}
		e := logEntry{
			Commit: cm.Hash.String(), Kind: kind,
			Author:  fmt.Sprintf("%s <%s>", cm.Author.Name, cm.Author.Email),
			Date:    cm.Author.When,
			Subject: subject, Body: strings.TrimSpace(body),
		}
		if kind == "deploy" {
			if local, err := p.repo.ReadCommit(cm.Parents[1]); err == nil {
				e.Deployed, _, _ = strings.Cut(local.Message, "\n")
			}
		}
		entries = append(entries, e)
	}
	if format == "json" {
		if entries == nil {
			entries = []logEntry{}
		}
		return p.writeJSON(map[string]any{"schema": logSchema, "branch": p.liveBranch(), "commits": entries})
	}
	for _, e := range entries {
		// Commits are others' words (an older fcsync, a colleague): their
		// control characters are shown escaped, never sent to the terminal.
		fmt.Fprintf(p.st.Out, "%s %s  %s  %s\n", p.color(colorYellow, e.Commit[:10]), e.Date.Format("2006-01-02 15:04:05 -0700"), e.Kind, filetree.EscapeControl(e.Author))
		fmt.Fprintf(p.st.Out, "    %s\n", filetree.EscapeControl(e.Subject))
		if e.Deployed != "" {
			fmt.Fprintf(p.st.Out, "    deployed: %s\n", filetree.EscapeControl(e.Deployed))
		}
		for _, line := range strings.Split(e.Body, "\n") {
			if line != "" {
				fmt.Fprintf(p.st.Out, "    %s\n", filetree.EscapeControl(line))
			}
		}
	}
	return nil
}

// linesUnder keeps the summary lines of a commit body that are about a
// resource under the project path rel ("function svc/fn: ..."), so that
// log PATH shows only that part of commits that changed several resources.
// Lines naming no resource (partial-deploy notes) are kept.
func linesUnder(api fc.API, body, rel string) string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		id, ok := summaryID(api, line)
		if !ok {
			out = append(out, line)
			continue
		}
		file := id.File()
		dir := id.Dir()
		if file == rel || strings.HasPrefix(file, rel+"/") || (dir != "" && (dir == rel || strings.HasPrefix(rel, dir+"/") || strings.HasPrefix(dir, rel+"/"))) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// summaryID recognises the resource a summary line starts with, in the
// fc.ID.String form ("trigger svc/fn/t: ...", possibly after "applied: create ").
func summaryID(api fc.API, line string) (fc.ID, bool) {
	for _, prefix := range []string{"applied: ", "not applied: "} {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			_, line, _ = strings.Cut(rest, " ")
		}
	}
	kind, rest, ok := strings.Cut(line, " ")
	if !ok {
		return fc.ID{}, false
	}
	name, _, _ := strings.Cut(rest, ":")
	return api.IDFromPath(fc.Kind(kind), name)
}

// subjectFor rewrites a commit subject ("online change: a, b, c") to name
// only the resources of the filtered body.
func subjectFor(api fc.API, subject, body string) string {
	kind, _, ok := strings.Cut(subject, ": ")
	if !ok {
		return subject
	}
	var ids []string
	for _, line := range strings.Split(body, "\n") {
		if id, ok := summaryID(api, line); ok && !strings.HasPrefix(line, "applied: ") && !strings.HasPrefix(line, "not applied: ") {
			ids = append(ids, id.String())
		}
	}
	if len(ids) == 0 {
		return subject
	}
	if len(ids) > 3 {
		ids = append(ids[:3], fmt.Sprintf("and %d more", len(ids)-3))
	}
	return kind + ": " + strings.Join(ids, ", ")
}
