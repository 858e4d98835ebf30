package workflow

import (
	"fmt"
	"io"
	"strings"
	gosync "sync"
	"time"
)

// progress is the one line fcsync keeps on standard error while it works
// long on a terminal: "Reading FC: 37/164 resources, 12.4 MB of code".
// It is rewritten in place (\r), at most every progressEvery, only after
// progressAfter (a quick command shows nothing), and cleared when the
// phase ends or before anything else is printed, so it never mixes with
// fcsync's own lines. Without a terminal on standard error, or with
// --no-progress, there is none: every method of a nil *progress does
// nothing, and nothing of it reaches a pipe, a log or a CI transcript.
type progress struct {
	mu    gosync.Mutex
	w     io.Writer // the terminal, below the scrubber: the line holds counts only
	verb  string    // "Reading FC"; "" between phases
	unit  string
	done  int
	total int
	bytes int64
	start time.Time
	drawn time.Time
	shown int // width of the line on screen; 0: nothing shown
}

const (
	progressAfter = 200 * time.Millisecond
	progressEvery = 100 * time.Millisecond
)

// withProgress gives st a progress line when standard error is a
// terminal, and guards both output streams so that whatever fcsync prints
// first clears the line.
func (st Streams) WithProgress() Streams {
	if !st.ErrTerminal {
		return st
	}
	pr := &progress{w: st.Err}
	st.progress = pr
	st.Out = progressGuard{st.Out, pr}
	st.Err = progressGuard{st.Err, pr}
	return st
}

// begin starts a phase: verb names it, unit what total counts.
func (pr *progress) begin(verb, unit string, total int) {
	if pr == nil {
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.clearLocked()
	pr.verb, pr.unit, pr.done, pr.total, pr.bytes = verb, unit, 0, total, 0
	pr.start, pr.drawn = time.Now(), time.Time{}
}

// more grows the total as a phase discovers work (a service's functions).
func (pr *progress) more(n int) {
	pr.update(func() { pr.total += n })
}

// step counts n units done and b bytes of code moved.
func (pr *progress) step(n int, b int64) {
	pr.update(func() { pr.done += n; pr.bytes += b })
}

func (pr *progress) update(f func()) {
	if pr == nil {
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.verb == "" {
		return
	}
	f()
	now := time.Now()
	if now.Sub(pr.start) < progressAfter || now.Sub(pr.drawn) < progressEvery {
		return
	}
	pr.drawn = now
	line := fmt.Sprintf("%s: %d/%d %s", pr.verb, pr.done, pr.total, pr.unit)
	if pr.bytes > 0 {
		line += ", " + byteSize(pr.bytes) + " of code"
	}
	pad := ""
	if n := pr.shown - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	if _, err := io.WriteString(pr.w, "\r"+line+pad); err == nil {
		pr.shown = len(line)
	}
}

// end clears the line: the phase is over.
func (pr *progress) end() {
	if pr == nil {
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.clearLocked()
	pr.verb = ""
}

func (pr *progress) clearLocked() {
	if pr.shown == 0 {
		return
	}
	io.WriteString(pr.w, "\r"+strings.Repeat(" ", pr.shown)+"\r")
	pr.shown = 0
}

// progressGuard clears the progress line before each write; the next
// update draws it again below what was written.
type progressGuard struct {
	w  io.Writer
	pr *progress
}

func (g progressGuard) Write(b []byte) (int, error) {
	g.pr.mu.Lock()
	defer g.pr.mu.Unlock()
	g.pr.clearLocked()
	return g.w.Write(b)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
