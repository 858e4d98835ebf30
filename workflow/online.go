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
	services    []string        // tracked services; ignored when allServices
	allServices bool            // clone without --service: every service of the account
	domains     map[string]bool // custom domains tracked besides those routing to a tracked service
	prev        *fsync.State    // the live tip: code is downloaded only when codeChecksum changed
	etags       bool            // Get every resource so that its ETag is known (push)
	progress    *progress       // counts resources read and code downloaded; may be nil
}

// readOnline reads the online state of the tracked services, their
// functions and triggers, and the custom domains that route to them. The
// result is NOT redacted: it holds secret values and must go through
// redact before it reaches a file, a commit or the terminal.
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
	services := opt.services
	listed := opt.allServices
	if opt.allServices {
		all, err := client.ListServices(ctx, "")
		if err != nil {
			return nil, err
		}
		services = nil
		for _, r := range all {
			services = append(services, r.ID.Service)
		}
	}
	sort.Strings(services)
	pr.more(len(services))

	// Services: one Get each, and, at the same time, one List for each
	// kind that FC lists for the whole account (provision and on-demand
	// configs). Then, level by level down the table of kinds, every child
	// kind of every resource read (a service's functions, a function's
	// triggers): one List each, or the account list's part, and a resource
	// with code has it read when its checksum moved.
	var level []*fc.Resource
	once := onceListed()
	byParent := map[fc.ID][]*fc.Resource{} // what the account lists hold, by parent
	err := parallel(ctx, concurrency, len(services)+len(once), func(i int) error {
		if i >= len(services) {
			all, err := client.List(ctx, once[i-len(services)], fc.ID{})
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
		}
		id := fc.ServiceID(services[i])
		svc, err := client.Get(ctx, id)
		if errors.Is(err, fc.ErrNotFound) {
			// Deleted online, or not created yet, provided a list agrees:
			// one 404 alone must not record a whole service deleted.
			return confirmAbsent(ctx, client, id, err, listed)
		}
		if err != nil {
			return err
		}
		// Published versions are history, not desired state: the live
		// branch records them with the service (DESIGN section 2).
		versions, err := client.ListVersions(ctx, services[i])
		if err != nil {
			return err
		}
		svc.Status[fsync.VersionsField] = fsync.VersionsStatus(versions)
		add(svc)
		mu.Lock()
		level = append(level, svc)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	for len(level) > 0 {
		parents := level
		level = nil
		err := parallel(ctx, concurrency, len(parents), func(i int) error {
			parent := parents[i]
			if parent.ID.HasCode() {
				if err := readCode(ctx, client, st, &mu, parent, opt.prev, pr); err != nil {
					return err
				}
			}
			for _, kind := range fc.ChildKinds(parent.ID.Kind) {
				var children []*fc.Resource
				if fc.ListedOnce(kind) {
					mu.Lock()
					for _, r := range byParent[parent.ID] {
						if r.ID.Kind == kind {
							children = append(children, r)
						}
					}
					mu.Unlock()
				} else {
					var err error
					if children, err = client.List(ctx, kind, parent.ID); err != nil {
						return err
					}
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
	return st, readDomains(ctx, client, st, services, opt.domains)
}

// onceListed are the kinds one list call reads for the whole account
// (fc.ListedOnce); what it finds under resources not read (untracked
// services) is left out.
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

// readCode fills st.Code for a zip function, reusing the previous live
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
	zip, err := client.GetCode(ctx, f.ID.Service, f.ID.Function)
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
