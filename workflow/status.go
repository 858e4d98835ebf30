package workflow

import (
	"context"
	"fmt"
	"strings"

	"github.com/fcsync/fcsync/filetree"
	fsync "github.com/fcsync/fcsync/sync"
)

// StatusOptions are status's options.
type StatusOptions struct {
	Offline  bool   // compare with the live branch as last fetched, without reading FC
	ExitCode bool   // exit 3 when online changes are not merged, 5 when only local changes are not deployed
	URLs     bool   // also list the URLs of HTTP triggers and custom domains
	All      bool   // also list the resources that are in sync
	Output   string // "text" or "json"
}

// Status prints where each resource stands between local, the sync point
// and online.
func (p *Project) Status(ctx context.Context, opt StatusOptions) error {
	format, err := outputFormat(opt.Output)
	if err != nil {
		return err
	}
	if err := p.refuseUnmerged(); err != nil {
		return err
	}
	p.prefetch()
	var read *onlineRead
	if !opt.Offline {
		// FC is read while the work tree and the sync point are.
		if read = p.startRead(ctx); read != nil {
			defer read.stop()
		}
	}
	local, _, err := p.readWorktree()
	if err != nil {
		if busy, _ := p.repo.MergeInProgress(); busy {
			fmt.Fprintln(p.st.Err, "fcsync: a merge is in progress: resolve the conflict markers, then git add and git commit (or git merge --abort)")
		}
		return err
	}
	p.warnPlainSecrets(local)
	sp, err := p.syncPoint()
	if err != nil {
		return err
	}
	online, err := p.onlineForReading(ctx, local, !opt.Offline, read)
	if err != nil {
		return err
	}
	entries := fsync.Status(sp.base, sp.baseLocal, local, online)
	var shown []fsync.Entry
	code := ExitOK
	for _, e := range entries {
		if e.Category == fsync.InSync {
			if opt.All {
				shown = append(shown, e)
			}
			continue
		}
		shown = append(shown, e)
		if e.Category.Online() {
			code = ExitDrift
		} else if code == ExitOK {
			code = ExitLocal
		}
	}
	if format == "json" {
		var urls []string
		if opt.URLs {
			urls = append([]string{}, endpoints(online)...)
		}
		if err := p.writeJSON(p.statusDoc(sp, shown, urls)); err != nil {
			return err
		}
	} else {
		p.printStatus(sp, shown, len(entries))
		if urls := urlsIf(opt.URLs, online); len(urls) > 0 {
			fmt.Fprintln(p.st.Out, "URLs:")
			for _, u := range urls {
				fmt.Fprintf(p.st.Out, "  %s\n", u)
			}
		}
	}
	if opt.ExitCode {
		return silentExit(code)
	}
	return nil
}

// urlsIf returns the endpoints of online when asked for (they take a
// sorted walk of every resource).
func urlsIf(asked bool, online *fsync.State) []string {
	if !asked {
		return nil
	}
	return endpoints(online)
}

func (p *Project) printStatus(sp *syncPoint, shown []fsync.Entry, total int) {
	out := p.st.Out
	if sp.ok {
		fmt.Fprintf(out, "On branch %s, synced with %s at %s.\n", sp.branch, p.liveBranch(), short(sp.r))
	} else {
		fmt.Fprintf(out, "On branch %s, never synced with %s.\n", sp.branch, p.liveBranch())
	}
	if len(shown) == 0 || allInSync(shown) {
		fmt.Fprintf(out, "All %d resources in sync.\n", total)
		if len(shown) == 0 {
			return
		}
	}
	width := 0
	for _, e := range shown {
		if n := len(e.Category); n > width {
			width = n
		}
	}
	for _, e := range shown {
		var detail []string
		if len(e.Local) > 0 {
			detail = append(detail, "local: "+quoteAll(e.Local))
		}
		if len(e.Online) > 0 {
			detail = append(detail, "online: "+quoteAll(e.Online))
		}
		line := fmt.Sprintf("  %-*s  %s", width, e.Category, p.userPath(e.Path))
		if len(detail) > 0 {
			line += "  (" + strings.Join(detail, "; ") + ")"
		}
		fmt.Fprintln(out, p.color(categoryColor(e.Category), line))
	}
}

func categoryColor(c fsync.Category) string {
	switch {
	case c == fsync.ChangedBoth || c == fsync.NotSynced:
		return colorRed
	case c.Online():
		return colorYellow
	}
	return colorGreen
}

// onlineForReading is the online state for commands that only read: FC
// now (redacted, nothing committed), or the live tip when offline. read,
// when not nil, is the read of FC the command started (startRead).
func (p *Project) onlineForReading(ctx context.Context, local *fsync.State, readFC bool, read *onlineRead) (*fsync.State, error) {
	live, err := p.loadLive()
	if err != nil {
		return nil, err
	}
	if !readFC {
		return live.state, nil
	}
	p.inBackground(live.state.PrepareRendering) // for admit, while FC answers
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	opt := p.readScope(local, live.state)
	opt.prev = live.state
	if read == nil {
		read = startOnline(ctx, client, p.concurrency, opt)
		defer read.stop()
	}
	read.setPrev(live.state)
	raw, err := read.wait(opt)
	if err != nil {
		return nil, err
	}
	p.st.scrub.Add(fsync.SecretValues(raw, p.cfg.SecretPatterns)...)
	online, _ := p.admit(p.redact(raw, live.salt, live.state), live.state)
	return online, nil
}

// refuseUnmerged stops status and diff while a merge has conflicts left:
// the files hold conflict markers, which are no YAML, and what the user
// needs is the list of files to resolve, as git status gives it (exit 4).
func (p *Project) refuseUnmerged() error {
	paths, err := p.repo.UnmergedPaths(p.prefix)
	if err != nil || len(paths) == 0 {
		return err
	}
	fmt.Fprintf(p.st.Out, "A merge is in progress with %d unmerged files:\n", len(paths))
	for _, rp := range paths {
		rel := rp
		if p.prefix != "" {
			rel = strings.TrimPrefix(rp, p.prefix+"/")
		}
		fmt.Fprintf(p.st.Out, "  %s\n", p.color(colorRed, "both modified  "+p.userPath(rel)))
	}
	fmt.Fprintln(p.st.Out, "Resolve the conflict markers, then git add and git commit (or git merge --abort).")
	return silentExit(ExitConflict)
}

// quoteAll lists field names as git quotes paths, at most
// filetree.MaxListed of them.
func quoteAll(names []string) string {
	n := len(names)
	if n > filetree.MaxListed {
		names = names[:filetree.MaxListed]
	}
	q := make([]string, len(names))
	for i, s := range names {
		q[i] = filetree.Quote(s)
	}
	out := strings.Join(q, ", ")
	if n > len(names) {
		out += fmt.Sprintf(" and %s more", filetree.Thousands(n-len(names)))
	}
	return out
}
