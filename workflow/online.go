package workflow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	gosync "sync"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	fsync "github.com/fcsync/fcsync/sync"
)

// readOptions say what readOnline reads.
type readOptions struct {
	// services are the tracked services; with allServices, those the
	// project knows already, which ListServices must not leave out
	// without a read confirming they are gone.
	services    []string
	allServices bool            // no services list: every service of the account
	domains     map[string]bool // custom domains tracked besides those routing to a tracked service
	layers      map[string]bool // layers tracked besides those a tracked function uses
	allLayers   bool            // every layer of the account (no services list: track everything)
	prev        *fsync.State    // the live tip: code is downloaded only when codeChecksum changed
	progress    *progress       // counts resources read and code downloaded; may be nil
	// seen, when set, is told of resources and code as they are read, on
	// the goroutines that read them (clone writes them out meanwhile): the
	// resources no later read of this one changes (not the services, whose
	// versions and attached fields come after), code nil for resources.
	seen func(rs []*fc.Resource, id fc.ID, code filetree.Tree)
}

// readOnline reads the online state of the tracked services, their
// functions and triggers (and every other kind the table puts under
// them), the custom domains that route to them and the layers. The result
// is NOT redacted: it holds secret values and must go through redact
// before it reaches a file, a commit or the terminal. Values naming a
// resource it holds by ARN are its references (State.NameRefs), as
// project files write them.
func readOnline(ctx context.Context, client *fc.Client, concurrency int, opt readOptions) (*fsync.State, error) {
	rd := startOnline(ctx, client, concurrency, opt)
	defer rd.stop()
	rd.setPrev(opt.prev)
	return rd.wait(opt)
}

// startOnline starts reading the online state in the background, as far
// as what fcsync.yaml says (the services it names, or all of them) tells
// what to read; wait returns it. The command meanwhile does its local work
// (reading commits and the work tree, validating), which then costs no
// time beyond the network's.
//
// The calls do not wait for one another beyond what they need, down the
// table of kinds: the account-wide lists (provision and on-demand configs,
// custom domains) and the services start at once; a service's versions,
// attached fields and children (functions, aliases) are read as soon as
// the services are known, a function's children (triggers, async configs)
// and code as soon as its service's list answered. Code waits for the live
// tip (setPrev) only to decide whether to download; the lists never wait.
// What the project's files must say (services known that ListServices
// leaves out, tracked domains and layers) is settled by wait.
func startOnline(ctx context.Context, client *fc.Client, concurrency int, opt readOptions) *onlineRead {
	rd := &onlineRead{client: client, opt: opt, st: fsync.NewState(), q: newWorkQueue(ctx, concurrency),
		byParent: map[fc.ID][]*fc.Resource{}, read: map[fc.ID]bool{}}
	pr := opt.progress
	pr.begin("Reading FC", "resources", 0)
	q := rd.q
	// Kinds FC lists for the whole account (provision and on-demand
	// configs): one List each, their items handed to their functions at
	// the end, not one List per function.
	for _, kind := range onceListed(client.API()) {
		q.add(lists, func(ctx context.Context) error {
			all, err := client.List(ctx, kind, fc.ID{})
			if err != nil {
				return err
			}
			rd.mu.Lock()
			defer rd.mu.Unlock()
			for _, r := range all {
				if p, ok := r.ID.Parent(); ok {
					rd.byParent[p] = append(rd.byParent[p], r)
				}
			}
			return nil
		})
	}
	q.add(lists, func(ctx context.Context) (err error) {
		ds, err := client.ListDomains(ctx)
		rd.mu.Lock()
		rd.domains = ds
		rd.mu.Unlock()
		return err
	})
	if opt.allLayers {
		q.add(lists, func(ctx context.Context) error {
			ls, err := client.List(ctx, fc.KindLayer, fc.ID{})
			rd.mu.Lock()
			rd.layers, rd.layersRead = ls, true
			rd.mu.Unlock()
			return err
		})
	}
	if opt.allServices {
		// One ListServices answers with every service and all its
		// attributes: no Get each.
		q.add(lists, func(ctx context.Context) error {
			all, err := client.ListRoots(ctx, "")
			if err != nil {
				return err
			}
			rd.mu.Lock()
			rd.listed = all
			rd.mu.Unlock()
			rd.services(all, true)
			return nil
		})
		return rd
	}
	services := uniqueSorted(opt.services)
	var got []*fc.Resource
	left := len(services)
	if left == 0 {
		rd.services(nil, false)
	}
	for _, name := range services {
		q.add(lists, func(ctx context.Context) error {
			id := client.API().RootID(name)
			svc, err := client.Get(ctx, id)
			if errors.Is(err, fc.ErrNotFound) {
				// Deleted online, or not created yet, provided a list
				// agrees: one 404 alone must not record a whole service
				// deleted.
				err = confirmAbsent(ctx, client, id, err, false)
				svc = nil
			}
			if err != nil {
				return err
			}
			rd.mu.Lock()
			if svc != nil {
				got = append(got, svc)
			}
			left--
			done := left == 0
			rd.mu.Unlock()
			if done {
				rd.services(got, false)
			}
			return nil
		})
	}
	return rd
}

// Priorities of a workQueue's tasks: lists that fan out into more calls run
// before the leaves, so that the calls in flight never run dry while a
// list that would feed them waits behind a thousand triggers.
const (
	lists  = 0
	leaves = 1
)

// onlineRead is one read of the online state in progress.
type onlineRead struct {
	client *fc.Client
	opt    readOptions
	q      *workQueue

	mu         gosync.Mutex
	st         *fsync.State
	read       map[fc.ID]bool           // resources whose children are read
	listed     []*fc.Resource           // ListServices' answer, with allServices
	byParent   map[fc.ID][]*fc.Resource // the account-wide lists' items, by parent
	domains    []*fc.Resource           // every custom domain
	layers     []*fc.Resource           // every layer, with allLayers
	layersRead bool
	prevSet    bool
	prev       *fsync.State
	pending    []*fc.Resource // resources with code read before setPrev
}

// services takes the services read (all from ListServices with fromList)
// and reads what lies in and under them.
func (rd *onlineRead) services(svcs []*fc.Resource, fromList bool) {
	rd.mu.Lock()
	for _, s := range svcs {
		rd.st.Resources[s.ID] = s
	}
	rd.mu.Unlock()
	rd.opt.progress.more(len(svcs))
	// Versions, one list per service: they are history, not desired state
	// (DESIGN section 2), kept in each service's Status.
	for _, svc := range svcs {
		rd.q.add(lists, func(ctx context.Context) error {
			versions, err := rd.client.ListVersions(ctx, svc.ID)
			if err != nil {
				return err
			}
			rd.mu.Lock()
			svc.Status[fsync.VersionsField] = fsync.VersionsStatus(versions)
			rd.mu.Unlock()
			return nil
		})
	}
	rd.attached(svcs)
	for _, svc := range svcs {
		rd.children(svc, fromList)
	}
}

// attached reads the attached fields (fc.Attached) of the resources of one
// kind, with the fewest calls: one listing for all of them where FC has
// one (ListTaggedResources), else one read each.
func (rd *onlineRead) attached(rs []*fc.Resource) {
	byKind := map[fc.Kind][]*fc.Resource{}
	for _, r := range rs {
		byKind[r.ID.Kind] = append(byKind[r.ID.Kind], r)
	}
	for kind, of := range byKind {
		api := of[0].ID.API
		for _, field := range api.AttachedFields(kind) {
			if api.InAnswer(kind, field) {
				// Answered with the resource: read only where the
				// answer left it out.
				var missing []*fc.Resource
				for _, r := range of {
					if _, ok := r.Spec[field]; !ok {
						missing = append(missing, r)
					}
				}
				rd.readEach(kind, field, missing)
				continue
			}
			if api.UsesListing(kind, field, len(of)) {
				ids := make([]fc.ID, len(of))
				for i, r := range of {
					ids[i] = r.ID
				}
				rd.q.add(lists, func(ctx context.Context) error {
					values, err := rd.client.ReadAttached(ctx, kind, field, ids)
					if err != nil {
						return err
					}
					rd.mu.Lock()
					defer rd.mu.Unlock()
					for _, r := range of {
						r.Spec[field] = values[r.ID]
					}
					return nil
				})
				continue
			}
			rd.readEach(kind, field, of)
		}
	}
}

// readEach reads an attached field of each resource with a call of its own.
func (rd *onlineRead) readEach(kind fc.Kind, field string, of []*fc.Resource) {
	for _, r := range of {
		rd.q.add(lists, func(ctx context.Context) error {
			values, err := rd.client.ReadAttached(ctx, kind, field, []fc.ID{r.ID})
			if err != nil {
				return err
			}
			rd.mu.Lock()
			r.Spec[field] = values[r.ID]
			rd.mu.Unlock()
			return nil
		})
	}
}

// children reads a resource's code and the lists of its child kinds, and
// goes on down with what they hold; fromList says the resource came from a
// list, so that a 404 on its children contradicts it.
func (rd *onlineRead) children(parent *fc.Resource, fromList bool) {
	rd.opt.progress.step(1, 0)
	rd.mu.Lock()
	rd.read[parent.ID] = true
	if parent.ID.HasCode() {
		if rd.prevSet {
			rd.code(parent)
		} else {
			rd.pending = append(rd.pending, parent)
		}
	}
	rd.mu.Unlock()
	for _, kind := range parent.ID.API.ChildKinds(parent.ID.Kind) {
		if parent.ID.API.ListedOnce(kind) {
			continue // handed over by wait
		}
		prio := leaves
		if len(parent.ID.API.ChildKinds(kind)) > 0 {
			prio = lists
		}
		rd.q.add(prio, func(ctx context.Context) error {
			children, err := rd.client.List(ctx, kind, parent.ID)
			if errors.Is(err, fc.ErrNotFound) && fromList {
				// Its list holds it, its children's list says it is
				// gone: one answer is wrong, and neither is recorded.
				return inconsistent(parent.ID, err)
			}
			if err != nil {
				return err
			}
			rd.opt.progress.more(len(children))
			rd.mu.Lock()
			for _, c := range children {
				rd.st.Resources[c.ID] = c
			}
			rd.mu.Unlock()
			// Those with attached fields wait for every resource of their
			// kind (wait), and are neither told nor read down before.
			var now []*fc.Resource
			for _, c := range children {
				if len(c.ID.API.ReadAttachedFields(c.ID.Kind)) == 0 {
					now = append(now, c)
				}
			}
			rd.tell(now, fc.ID{}, nil)
			for _, c := range now {
				rd.children(c, true)
			}
			return nil
		})
	}
}

// setPrev gives the read the live tip's state (nil: none): a resource
// whose codeChecksum it holds keeps its recorded code, downloaded only when
// the checksum moved. Until then the resources listed wait for it, without
// holding up the other calls. Only the first call counts.
func (rd *onlineRead) setPrev(prev *fsync.State) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.prevSet {
		return
	}
	rd.prevSet, rd.prev = true, prev
	for _, r := range rd.pending {
		rd.code(r)
	}
	rd.pending = nil
}

// code takes a resource's code from prev when its checksum is unchanged,
// or queues its download. The caller holds rd.mu.
func (rd *onlineRead) code(r *fc.Resource) {
	sum := r.CodeChecksum()
	if sum == "" || isContainer(r) {
		return
	}
	if rd.prev != nil {
		if old := rd.prev.Resources[r.ID]; old != nil && old.CodeChecksum() == sum {
			if code, ok := rd.prev.Code[r.ID]; ok {
				rd.st.Code[r.ID] = code
				return
			}
		}
	}
	rd.q.add(leaves, func(ctx context.Context) error {
		code, err := downloadCode(ctx, rd.client, rd.st, &rd.mu, r, rd.opt.progress)
		if code != nil {
			rd.tell(nil, r.ID, code)
		}
		return err
	})
}

// tell passes what was read to opt.seen.
func (rd *onlineRead) tell(rs []*fc.Resource, id fc.ID, code filetree.Tree) {
	if rd.opt.seen != nil && (len(rs) > 0 || code != nil) {
		rd.opt.seen(rs, id, code)
	}
}

// stop abandons the read: no new call starts, and those in flight are
// cancelled and waited for.
func (rd *onlineRead) stop() {
	rd.q.cancel()
	rd.setPrev(nil)
	rd.q.wait()
}

// wait returns the online state, scope saying what the project tracks:
// the services it knows (which ListServices may not leave out without a
// read confirming they are gone), the domains and the layers.
func (rd *onlineRead) wait(scope readOptions) (*fsync.State, error) {
	pr := rd.opt.progress
	defer pr.end()
	rd.setPrev(rd.opt.prev)
	if err := rd.q.wait(); err != nil {
		return nil, err
	}
	ctx, client, conc := rd.q.parent, rd.client, rd.q.limit
	if rd.opt.allServices {
		if err := confirmGone(ctx, client, conc, scope.services, rd.listed); err != nil {
			return nil, err
		}
	}
	// The account-wide lists' items go to the functions read, and the
	// attached fields of the kinds below services are read, now that
	// every resource of their kind is known; what those reads add is read
	// down in turn.
	handed := map[fc.ID]bool{}
	for {
		for _, id := range rd.st.IDs() {
			if !rd.read[id] || handed[id] {
				continue
			}
			handed[id] = true
			for _, c := range rd.byParent[id] {
				rd.st.Resources[c.ID] = c
				pr.more(1)
			}
		}
		var todo, withAttached []*fc.Resource
		for _, id := range rd.st.IDs() {
			if r := rd.st.Resources[id]; !rd.read[id] {
				todo = append(todo, r)
				if len(id.API.ReadAttachedFields(id.Kind)) > 0 {
					withAttached = append(withAttached, r)
				}
			}
		}
		if len(todo) == 0 {
			break
		}
		rd.q = newWorkQueue(ctx, conc)
		rd.attached(withAttached)
		for _, r := range todo {
			rd.children(r, true)
		}
		if err := rd.q.wait(); err != nil {
			return nil, err
		}
	}
	api := client.API()
	var services []string
	for id := range rd.st.Resources {
		if id.API == api && id.Kind == api.RootKind() {
			services = append(services, id.Root())
		}
	}
	if !rd.opt.allServices {
		services = uniqueSorted(rd.opt.services)
	}
	if err := rd.readLayers(ctx, scope); err != nil {
		return nil, err
	}
	rd.addDomains(services, scope.domains)
	rd.st.NameRefs()
	return rd.st, nil
}

// readLayers adds the layers in scope, each as its newest version with
// its code: every layer of the account with allLayers, else those the
// project tracks and those a function read uses (any version of them).
// One ListLayers (started with the read, with allLayers), and only when
// some layer can be in scope.
func (rd *onlineRead) readLayers(ctx context.Context, scope readOptions) error {
	st, client := rd.st, rd.client
	var uses []string
	for id, r := range st.Resources {
		uses = append(uses, layerValues(id, r)...)
	}
	if !rd.opt.allLayers && len(scope.layers) == 0 && len(uses) == 0 {
		return nil
	}
	all := rd.layers
	if !rd.layersRead {
		var err error
		if all, err = client.List(ctx, fc.KindLayer, fc.ID{}); err != nil {
			return err
		}
	}
	var in []*fc.Resource
	for _, l := range all {
		used := false
		for _, u := range uses {
			used = used || fc.NamesVersionOf(u, l)
		}
		if rd.opt.allLayers || scope.layers[l.ID.Name] || used {
			in = append(in, l)
		}
	}
	rd.opt.progress.more(len(in))
	var mu gosync.Mutex
	return parallel(ctx, rd.q.limit, len(in), func(i int) error {
		mu.Lock()
		st.Resources[in[i].ID] = in[i]
		mu.Unlock()
		if err := readCode(ctx, client, st, &mu, in[i], rd.prev, rd.opt.progress); err != nil {
			return err
		}
		rd.opt.progress.step(1, 0)
		return nil
	})
}

// addDomains adds the custom domains that route to a service read, or
// that the project already tracks.
func (rd *onlineRead) addDomains(services []string, tracked map[string]bool) {
	svc := map[string]bool{}
	for _, s := range services {
		svc[s] = true
	}
	for _, d := range rd.domains {
		if tracked[d.ID.Name] || routesTo(d, svc) {
			rd.st.Resources[d.ID] = d
		}
	}
}

// layerValues are the values of r's fields that may name a layer.
func layerValues(id fc.ID, r *fc.Resource) []string {
	var out []string
	for _, f := range id.API.RefFields(id.Kind, fc.KindLayer) {
		switch v := r.Spec[f].(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// onceListed lists the kinds FC lists for the whole account at once.
func onceListed(api fc.API) []fc.Kind {
	var out []fc.Kind
	for _, k := range api.Kinds() {
		if api.ListedOnce(k) {
			out = append(out, k)
		}
	}
	return out
}

// confirmGone accepts that a service known to the project (known) is
// absent from ListServices' answer (listed) only when a read of it agrees:
// one list that leaves a service out must not record it deleted, as one
// 404 must not (confirmAbsent). It costs a call per service gone only.
func confirmGone(ctx context.Context, client *fc.Client, concurrency int, known []string, listed []*fc.Resource) error {
	in := map[string]bool{}
	for _, r := range listed {
		in[r.ID.Root()] = true
	}
	var gone []string
	for _, s := range known {
		if !in[s] {
			gone = append(gone, s)
		}
	}
	return parallel(ctx, concurrency, len(gone), func(i int) error {
		id := client.API().RootID(gone[i])
		_, err := client.Get(ctx, id)
		if err == nil {
			return fmt.Errorf("%s: Get%s answers, but %s does not list it: FC's answers disagree, so nothing is recorded; try again",
				id, id.Schema().Noun, client.API().ListAction(id.Kind))
		}
		if errors.Is(err, fc.ErrNotFound) {
			return nil
		}
		return err
	})
}

// confirmAbsent accepts a 404 for a service as its absence only when
// ListServices agrees; listed says the service came from that list
// already, so the 404 contradicts it.
func confirmAbsent(ctx context.Context, client *fc.Client, id fc.ID, notFound error, listed bool) error {
	if !listed {
		all, err := client.ListRoots(ctx, id.Root())
		if err != nil {
			return err
		}
		for _, r := range all {
			if r.ID == id {
				listed = true
			}
		}
	}
	if listed {
		return inconsistent(id, notFound)
	}
	return nil
}

// inconsistent is the error of a read that says "not found" for a resource
// its list holds. Either answer may be the wrong one (an eventually
// consistent read, a proxy's 404), so neither is recorded: taking it for a
// deletion would delete the resource's files on the next pull.
func inconsistent(id fc.ID, notFound error) error {
	var e *fc.Error
	answer := "not found"
	action := "Get"
	if errors.As(notFound, &e) {
		answer = fmt.Sprintf("%d %s", e.Status, e.Code)
		action = e.Action
	}
	return fmt.Errorf("%s: %s answered %s, but %s lists it: FC's answers disagree, so nothing is recorded; try again",
		id, action, answer, id.API.ListAction(id.Kind))
}

// readCode fills st.Code for a zip function or a layer, reusing the previous live
// state's files when the checksum is unchanged (DESIGN section 3: the zip is
// downloaded only when the checksum changed).
func readCode(ctx context.Context, client *fc.Client, st *fsync.State, mu *gosync.Mutex, f *fc.Resource, prev *fsync.State, pr *progress) error {
	sum := f.CodeChecksum()
	if sum == "" || isContainer(f) {
		return nil
	}
	if prev != nil {
		if old := prev.Resources[f.ID]; old != nil && old.CodeChecksum() == sum {
			if code, ok := prev.Code[f.ID]; ok {
				mu.Lock()
				st.Code[f.ID] = code
				mu.Unlock()
				return nil
			}
		}
	}
	_, err := downloadCode(ctx, client, st, mu, f, pr)
	return err
}

// downloadCode downloads a resource's code and fills st.Code with it, and
// returns it (nil when refused).
func downloadCode(ctx context.Context, client *fc.Client, st *fsync.State, mu *gosync.Mutex, f *fc.Resource, pr *progress) (filetree.Tree, error) {
	zip, err := client.Code(ctx, f)
	if err != nil {
		return nil, err
	}
	pr.step(0, int64(len(zip)))
	// Unpacks share the client's memory budget with downloads, so eight
	// functions read at once cannot each hold the largest archive.
	lim := fsync.DefaultZipLimits
	need := min(fsync.ZipMemory(zip), int64(len(zip))+lim.MaxTotalSize)
	if err := client.Budget().Acquire(ctx, need); err != nil {
		return nil, fmt.Errorf("%s: code: %w", f.ID, err)
	}
	code, err := fsync.UnpackZip(f.ID, zip, lim)
	client.Budget().Release(need)
	if errors.Is(err, fsync.ErrUnsafeZip) {
		// One hostile archive is refused for its function alone (Admit);
		// the rest of the online state is still read and recorded.
		mu.Lock()
		st.Refuse(f.ID, err)
		mu.Unlock()
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	mu.Lock()
	st.Code[f.ID] = code
	mu.Unlock()
	return code, nil
}

func isContainer(f *fc.Resource) bool {
	rt, _ := f.Spec["runtime"].(string)
	return rt == "custom-container"
}

func routesTo(d *fc.Resource, services map[string]bool) bool {
	rc, _ := d.Spec["routeConfig"].(map[string]any)
	routes, _ := rc["routes"].([]any)
	for _, r := range routes {
		m, _ := r.(map[string]any)
		if name, _ := m[d.ID.API.RouteField()].(string); services[name] {
			return true
		}
	}
	return false
}

// uniqueSorted returns names sorted, each once.
func uniqueSorted(names []string) []string {
	out := append([]string(nil), names...)
	sort.Strings(out)
	n := 0
	for i, s := range out {
		if i == 0 || s != out[n-1] {
			out[n] = s
			n++
		}
	}
	return out[:n]
}

// workQueue runs tasks on at most limit goroutines, higher priorities
// first, each priority in the order added. Tasks may add tasks. After the
// first error no new task starts; wait returns that error.
type workQueue struct {
	ctx    context.Context
	parent context.Context
	cancel context.CancelFunc
	limit  int

	mu      gosync.Mutex
	tasks   [2][]func(context.Context) error
	workers int
	err     error
	wg      gosync.WaitGroup
}

func newWorkQueue(parent context.Context, limit int) *workQueue {
	ctx, cancel := context.WithCancel(parent)
	return &workQueue{ctx: ctx, parent: parent, cancel: cancel, limit: max(limit, 1)}
}

// add queues fn at the given priority.
func (q *workQueue) add(prio int, fn func(context.Context) error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return
	}
	q.tasks[prio] = append(q.tasks[prio], fn)
	if q.workers < q.limit {
		q.workers++
		q.wg.Add(1)
		go q.work()
	}
}

func (q *workQueue) work() {
	defer q.wg.Done()
	for {
		q.mu.Lock()
		var fn func(context.Context) error
		for p := range q.tasks {
			if len(q.tasks[p]) > 0 && q.err == nil && q.ctx.Err() == nil {
				fn = q.tasks[p][0]
				q.tasks[p][0] = nil
				q.tasks[p] = q.tasks[p][1:]
				break
			}
		}
		if fn == nil {
			q.workers--
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		if err := fn(q.ctx); err != nil {
			q.mu.Lock()
			if q.err == nil {
				q.err = err
				q.cancel()
			}
			q.mu.Unlock()
		}
	}
}

// wait waits for every task and returns the first error.
func (q *workQueue) wait() error {
	q.wg.Wait()
	q.cancel()
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return q.err
	}
	if err := q.parent.Err(); err != nil {
		return fmt.Errorf("reading online state: %w", err)
	}
	return nil
}

// parallel runs fn(0..n-1) with at most limit at once and returns the
// first error; after an error no new calls start.
func parallel(ctx context.Context, limit, n int, fn func(i int) error) error {
	if limit < 1 {
		limit = 1
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, limit)
	var (
		wg    gosync.WaitGroup
		once  gosync.Once
		first error
	)
	for i := 0; i < n; i++ {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(i); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}(i)
	}
	wg.Wait()
	if first != nil {
		return first
	}
	if err := parent.Err(); err != nil {
		return fmt.Errorf("reading online state: %w", err)
	}
	return nil
}
