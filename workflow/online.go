package workflow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	gosync "sync"

	"github.com/fcsync/fcsync/fc"
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
	etags       bool            // Get every resource so that its ETag is known (push)
	progress    *progress       // counts resources read and code downloaded; may be nil
}

// readOnline reads the online state of the tracked services, their
// functions and triggers (and every other kind the table puts under
// them), the custom domains that route to them and the layers. The result
// is NOT redacted: it holds secret values and must go through redact
// before it reaches a file, a commit or the terminal. Values naming a
// resource it holds by ARN are its references (State.NameRefs), as
// project files write them.
func readOnline(ctx context.Context, client *fc.Client, concurrency int, opt readOptions) (*fsync.State, error) {
	pr := opt.progress
	pr.begin("Reading FC", "resources", 0)
	defer pr.end()
	st := fsync.NewState()
	var mu gosync.Mutex
	add := func(r *fc.Resource) {
		mu.Lock()
		st.Resources[r.ID] = r
		mu.Unlock()
	}
	// Kinds FC lists for the whole account (provision and on-demand
	// configs): one List each, their items handed to their functions
	// below, not one List per function.
	byParent := map[fc.ID][]*fc.Resource{}
	once := onceListed()
	err := parallel(ctx, concurrency, len(once), func(i int) error {
		all, err := client.List(ctx, once[i], fc.ID{})
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, r := range all {
			if p, ok := r.ID.Parent(); ok {
				byParent[p] = append(byParent[p], r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	services := opt.services
	var level []*fc.Resource
	if opt.allServices {
		// One ListServices answers with every service and all its
		// attributes: no Get each.
		all, err := client.ListServices(ctx, "")
		if err != nil {
			return nil, err
		}
		if err := confirmGone(ctx, client, concurrency, opt.services, all); err != nil {
			return nil, err
		}
		services = nil
		for _, r := range all {
			services = append(services, r.ID.Service)
			add(r)
			level = append(level, r)
		}
	} else {
		var err error
		if level, err = getServices(ctx, client, concurrency, services); err != nil {
			return nil, err
		}
		for _, r := range level {
			add(r)
		}
	}
	sort.Strings(services)
	pr.more(len(services))
	if err := readVersions(ctx, client, concurrency, level); err != nil {
		return nil, err
	}

	// Level by level down the table of kinds: the attached fields of every
	// resource read (a service's tags and VPC bindings), then every child
	// kind of it (a service's functions and aliases, a function's
	// triggers): one List each, and a resource with code has it read when
	// its checksum moved.
	listed := opt.allServices
	for len(level) > 0 {
		if err := readAttached(ctx, client, concurrency, level); err != nil {
			return nil, err
		}
		parents, fromList := level, listed
		level, listed = nil, true
		err := parallel(ctx, concurrency, len(parents), func(i int) error {
			parent := parents[i]
			if parent.ID.HasCode() {
				if err := readCode(ctx, client, st, &mu, parent, opt.prev, pr); err != nil {
					return err
				}
			}
			for _, kind := range fc.ChildKinds(parent.ID.Kind) {
				if fc.ListedOnce(kind) {
					mu.Lock()
					var children []*fc.Resource
					for _, r := range byParent[parent.ID] {
						if r.ID.Kind == kind {
							children = append(children, r)
						}
					}
					level = append(level, children...)
					mu.Unlock()
					pr.more(len(children))
					continue
				}
				children, err := client.List(ctx, kind, parent.ID)
				if errors.Is(err, fc.ErrNotFound) && fromList {
					// Its list holds it, its children's list says it is
					// gone: one answer is wrong, and neither is recorded.
					return inconsistent(parent.ID, err)
				}
				if err != nil {
					return err
				}
				pr.more(len(children))
				mu.Lock()
				level = append(level, children...)
				mu.Unlock()
			}
			pr.step(1, 0)
			return nil
		})
		if err != nil {
			return nil, err
		}
		// With etags, every resource of the level is read again with Get
		// (lists carry no ETags).
		err = parallel(ctx, concurrency, len(level), func(i int) error {
			r, err := withETag(ctx, client, level[i], opt.etags)
			if err != nil {
				return err
			}
			add(r)
			mu.Lock()
			level[i] = r
			mu.Unlock()
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if err := readLayers(ctx, client, concurrency, st, opt); err != nil {
		return nil, err
	}
	if err := readDomains(ctx, client, st, services, opt.domains); err != nil {
		return nil, err
	}
	st.NameRefs()
	return st, nil
}

// getServices reads the named services, one Get each. A 404 is the
// service's absence only when ListServices agrees (confirmAbsent).
func getServices(ctx context.Context, client *fc.Client, concurrency int, services []string) ([]*fc.Resource, error) {
	var mu gosync.Mutex
	var out []*fc.Resource
	err := parallel(ctx, concurrency, len(services), func(i int) error {
		id := fc.ServiceID(services[i])
		svc, err := client.Get(ctx, id)
		if errors.Is(err, fc.ErrNotFound) {
			// Deleted online, or not created yet, provided a list agrees:
			// one 404 alone must not record a whole service deleted.
			return confirmAbsent(ctx, client, id, err, false)
		}
		if err != nil {
			return err
		}
		mu.Lock()
		out = append(out, svc)
		mu.Unlock()
		return nil
	})
	return out, err
}

// confirmGone accepts that a service known to the project (known) is
// absent from ListServices' answer (listed) only when a read of it agrees:
// one list that leaves a service out must not record it deleted, as one
// 404 must not (confirmAbsent). It costs a call per service gone only.
func confirmGone(ctx context.Context, client *fc.Client, concurrency int, known []string, listed []*fc.Resource) error {
	in := map[string]bool{}
	for _, r := range listed {
		in[r.ID.Service] = true
	}
	var gone []string
	for _, s := range known {
		if !in[s] {
			gone = append(gone, s)
		}
	}
	return parallel(ctx, concurrency, len(gone), func(i int) error {
		id := fc.ServiceID(gone[i])
		_, err := client.Get(ctx, id)
		if err == nil {
			return fmt.Errorf("%s: GetService answers, but ListServices does not list it: FC's answers disagree, so nothing is recorded; try again", id)
		}
		if errors.Is(err, fc.ErrNotFound) {
			return nil
		}
		return err
	})
}

// readVersions records each service's published versions in its Status:
// they are history, not desired state (DESIGN section 2).
func readVersions(ctx context.Context, client *fc.Client, concurrency int, services []*fc.Resource) error {
	return parallel(ctx, concurrency, len(services), func(i int) error {
		svc := services[i]
		versions, err := client.ListVersions(ctx, svc.ID.Service)
		if err != nil {
			return err
		}
		svc.Status[fsync.VersionsField] = fsync.VersionsStatus(versions) // each goroutine has its own service
		return nil
	})
}

// readAttached reads the attached fields (fc.Attached) of the resources
// read, with the fewest calls: one listing for all of them where FC has
// one (ListTaggedResources), else one read each, in parallel.
func readAttached(ctx context.Context, client *fc.Client, concurrency int, rs []*fc.Resource) error {
	byKind := map[fc.Kind][]*fc.Resource{}
	for _, r := range rs {
		byKind[r.ID.Kind] = append(byKind[r.ID.Kind], r)
	}
	for kind, of := range byKind {
		for _, field := range fc.AttachedFields(kind) {
			if fc.UsesListing(kind, field, len(of)) {
				ids := make([]fc.ID, len(of))
				for i, r := range of {
					ids[i] = r.ID
				}
				values, err := client.ReadAttached(ctx, kind, field, ids)
				if err != nil {
					return err
				}
				for _, r := range of {
					r.Spec[field] = values[r.ID]
				}
				continue
			}
			err := parallel(ctx, concurrency, len(of), func(i int) error {
				r := of[i]
				values, err := client.ReadAttached(ctx, kind, field, []fc.ID{r.ID})
				if err != nil {
					return err
				}
				r.Spec[field] = values[r.ID] // each goroutine has its own resource
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// readLayers adds the layers in scope, each as its newest version with
// its code: every layer of the account with allLayers, else those the
// project tracks and those a function read uses (any version of them).
// One ListLayers, and only when some layer can be in scope.
func readLayers(ctx context.Context, client *fc.Client, concurrency int, st *fsync.State, opt readOptions) error {
	var uses []string
	for id, r := range st.Resources {
		uses = append(uses, layerValues(id, r)...)
	}
	if !opt.allLayers && len(opt.layers) == 0 && len(uses) == 0 {
		return nil
	}
	all, err := client.List(ctx, fc.KindLayer, fc.ID{})
	if err != nil {
		return err
	}
	var in []*fc.Resource
	for _, l := range all {
		used := false
		for _, u := range uses {
			used = used || fc.NamesVersionOf(u, l)
		}
		if opt.allLayers || opt.layers[l.ID.Name] || used {
			in = append(in, l)
		}
	}
	var mu gosync.Mutex
	opt.progress.more(len(in))
	return parallel(ctx, concurrency, len(in), func(i int) error {
		mu.Lock()
		st.Resources[in[i].ID] = in[i]
		mu.Unlock()
		if err := readCode(ctx, client, st, &mu, in[i], opt.prev, opt.progress); err != nil {
			return err
		}
		opt.progress.step(1, 0)
		return nil
	})
}

// layerValues are the values of r's fields that may name a layer.
func layerValues(id fc.ID, r *fc.Resource) []string {
	var out []string
	for _, f := range fc.RefFields(id.Kind, fc.KindLayer) {
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
func onceListed() []fc.Kind {
	var out []fc.Kind
	for _, k := range fc.Kinds() {
		if fc.ListedOnce(k) {
			out = append(out, k)
		}
	}
	return out
}

// withETag returns a listed resource as it is, or, when etags are wanted,
// read again with Get (lists carry no ETags). A 404 for a listed resource
// is an error: a deletion is recorded only from a list.
func withETag(ctx context.Context, client *fc.Client, r *fc.Resource, etags bool) (*fc.Resource, error) {
	if !etags {
		return r, nil
	}
	g, err := client.Get(ctx, r.ID)
	if errors.Is(err, fc.ErrNotFound) {
		return nil, inconsistent(r.ID, err)
	}
	return g, err
}

// confirmAbsent accepts a 404 for a service as its absence only when
// ListServices agrees; listed says the service came from that list
// already, so the 404 contradicts it.
func confirmAbsent(ctx context.Context, client *fc.Client, id fc.ID, notFound error, listed bool) error {
	if !listed {
		all, err := client.ListServices(ctx, id.Service)
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
		id, action, answer, fc.ListAction(id.Kind))
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
	zip, err := client.Code(ctx, f)
	if err != nil {
		return err
	}
	pr.step(0, int64(len(zip)))
	// Unpacks share the client's memory budget with downloads, so eight
	// functions read at once cannot each hold the largest archive.
	lim := fsync.DefaultZipLimits
	need := min(fsync.ZipMemory(zip), int64(len(zip))+lim.MaxTotalSize)
	if err := client.Budget().Acquire(ctx, need); err != nil {
		return fmt.Errorf("%s: code: %w", f.ID, err)
	}
	code, err := fsync.UnpackZip(f.ID, zip, lim)
	client.Budget().Release(need)
	if errors.Is(err, fsync.ErrUnsafeZip) {
		// One hostile archive is refused for its function alone (Admit);
		// the rest of the online state is still read and recorded.
		mu.Lock()
		st.Refuse(f.ID, err)
		mu.Unlock()
		return nil
	}
	if err != nil {
		return err
	}
	mu.Lock()
	st.Code[f.ID] = code
	mu.Unlock()
	return nil
}

func isContainer(f *fc.Resource) bool {
	rt, _ := f.Spec["runtime"].(string)
	return rt == "custom-container"
}

// readDomains adds the custom domains that route to a tracked service, or
// that the project already tracks.
func readDomains(ctx context.Context, client *fc.Client, st *fsync.State, services []string, tracked map[string]bool) error {
	ds, err := client.ListDomains(ctx)
	if err != nil {
		return err
	}
	svc := map[string]bool{}
	for _, s := range services {
		svc[s] = true
	}
	for _, d := range ds {
		if tracked[d.ID.Name] || routesTo(d, svc) {
			st.Resources[d.ID] = d
		}
	}
	return nil
}

func routesTo(d *fc.Resource, services map[string]bool) bool {
	rc, _ := d.Spec["routeConfig"].(map[string]any)
	routes, _ := rc["routes"].([]any)
	for _, r := range routes {
		m, _ := r.(map[string]any)
		if name, _ := m["serviceName"].(string); services[name] {
			return true
		}
	}
	return false
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
