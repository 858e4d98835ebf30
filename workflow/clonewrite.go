package workflow

import (
	gosync "sync"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// cloneWriter writes a clone's files while FC is still being read:
// creating thousands of files and folders is most of a clone's local work
// (a second for a thousand functions on a busy disk), and the network phase
// leaves that time idle. Each resource is written as it is read, rendered
// alone; the clone then renders the whole state and writes only what
// differs from what was written early (a secret's reference named
// otherwise, a resource refused), and removes what it does not hold. What
// is written early is a guess that the end corrects, never the result.
type cloneWriter struct {
	p    *Project
	co   *gitstate.Checkout
	salt string

	mu    gosync.Mutex
	wake  *gosync.Cond
	queue []cloneItem
	done  bool
	idle  gosync.WaitGroup
}

// cloneItem is resources or a function's code, as readOnline saw them.
type cloneItem struct {
	rs   []*fc.Resource
	id   fc.ID
	code filetree.Tree
}

func newCloneWriter(p *Project, co *gitstate.Checkout, salt string) *cloneWriter {
	w := &cloneWriter{p: p, co: co, salt: salt}
	w.wake = gosync.NewCond(&w.mu)
	w.idle.Add(1)
	go w.run()
	return w
}

// seen queues what was read; it never waits (readOptions.seen).
func (w *cloneWriter) seen(rs []*fc.Resource, id fc.ID, code filetree.Tree) {
	w.mu.Lock()
	w.queue = append(w.queue, cloneItem{rs, id, code})
	w.mu.Unlock()
	w.wake.Signal()
}

// finish writes what is queued and stops.
func (w *cloneWriter) finish() {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
	w.wake.Signal()
	w.idle.Wait()
}

func (w *cloneWriter) run() {
	defer w.idle.Done()
	for {
		w.mu.Lock()
		for len(w.queue) == 0 && !w.done {
			w.wake.Wait()
		}
		if len(w.queue) == 0 {
			w.mu.Unlock()
			return
		}
		item := w.queue[0]
		w.queue = w.queue[1:]
		w.mu.Unlock()
		w.write(item)
	}
}

// write writes one item's files. A failure is left to the end, which
// writes whatever differs from what was written.
func (w *cloneWriter) write(item cloneItem) {
	for p, f := range item.code {
		w.co.Write(w.p.repoPath(item.id.CodeDir()+"/"+p), f)
	}
	if len(item.rs) == 0 {
		return
	}
	s := fsync.NewState()
	for _, r := range item.rs {
		s.Resources[r.ID] = r
	}
	files, err := fsync.Render(w.p.redact(s, w.salt), fsync.RenderOptions{WithoutDefaults: true})
	if err != nil {
		return
	}
	for p, f := range files {
		w.co.Write(w.p.repoPath(p), f)
	}
}
