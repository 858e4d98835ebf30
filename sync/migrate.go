package sync

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// Migration is an FC 2.0 project carried into FC 3.0's layout (fcsync
// migrate --to fc3). FC 3.0 shows the function fn of the FC 2.0 service
// svc as the function "svc$fn" (fc3-api.md 3.2), so the migrated project
// names the same online functions rather than new ones.
type Migration struct {
	// State is the FC 3.0 project.
	State *State
	// Notes list what was not carried over, one line each, naming the FC
	// 2.0 file and the field ("services/s/service.yaml: description: ...").
	Notes []string
	// From is each FC 3.0 resource's FC 2.0 origin (a function's is its
	// FC 2.0 function; the service it took fields from is its parent).
	From map[fc.ID]fc.ID
	// Functions are the FC 3.0 names of each FC 2.0 service's functions.
	Functions map[string][]string
}

// serviceToFunction are the service fields that FC 3.0 sets per function
// (fc3-api.md 3.1: role, logs and VPC are configured per function).
var serviceToFunction = []string{"role", "logConfig", "vpcConfig", "nasConfig", "ossMountConfig", "tracingConfig", "internetAccess"}

// MigratedName is the FC 3.0 name of the FC 2.0 function fn of svc.
func MigratedName(svc, fn string) string { return svc + "$" + fn }

// Migrate carries an FC 2.0 state into FC 3.0 (fc3-api.md 3.2, 3.5, and
// the devsapp/fc3 2to3 rules of 4.2): each function becomes "svc$fn" with
// its service's function-level fields, its triggers and per-qualifier
// configs move under it, custom-domain routes name "svc$fn", layers stay.
// What FC 3.0 has no place for is left out and listed. old is not changed.
func Migrate(old *State) *Migration {
	m := &Migration{State: NewState(), From: map[fc.ID]fc.ID{}, Functions: map[string][]string{}}
	m.State.API = fc.FC3
	for _, id := range old.IDs() {
		r := old.Resources[id]
		file := id.File()
		switch id.Kind {
		case fc.KindService:
			m.service(file, r.Spec)
		case fc.KindFunction:
			svc := old.Resources[fc.ServiceID(id.Service)]
			m.function(id, r.Spec, svc, old.Code[id])
		case fc.KindTrigger:
			m.add(id, fc.ID{Kind: fc.KindTrigger, Function: MigratedName(id.Service, id.Function), Name: id.Name}, deepCopy(r.Spec).(map[string]any))
		case fc.KindProvision:
			m.add(id, fc.ID{Kind: fc.KindProvision, Function: MigratedName(id.Service, id.Function)}, deepCopy(r.Spec).(map[string]any))
		case fc.KindAsyncInvoke:
			spec := deepCopy(r.Spec).(map[string]any)
			for _, v := range spec {
				if cfg, ok := v.(map[string]any); ok {
					renameField(cfg, "statefulInvocation", "asyncTask")
				}
			}
			m.add(id, fc.ID{Kind: fc.KindAsyncInvoke, Function: MigratedName(id.Service, id.Function)}, spec)
		case fc.KindOnDemand:
			m.note(file, "", "FC 3.0 has no on-demand configs; its concurrency.yaml (reservedConcurrency) limits the function's instances differently, set it by hand")
		case fc.KindAlias:
			m.note(file, "", "FC 2.0 aliases and versions belong to the service, and how FC 3.0 shows them per function is not confirmed")
		case fc.KindDomain:
			m.add(id, fc.ID{Kind: fc.KindDomain, Name: id.Name}, m.domain(file, r.Spec))
		case fc.KindLayer:
			nid := m.add(id, fc.ID{Kind: fc.KindLayer, Name: id.Name}, deepCopy(r.Spec).(map[string]any))
			if c, ok := old.Code[id]; ok {
				m.State.Code[nid] = c
			}
		default:
			m.note(file, "", fmt.Sprintf("FC 3.0 has no %s", id.Kind))
		}
	}
	for svc := range m.Functions {
		sort.Strings(m.Functions[svc])
	}
	sort.Strings(m.Notes)
	return m
}

// add puts a migrated resource into the FC 3.0 state.
func (m *Migration) add(from, to fc.ID, spec map[string]any) fc.ID {
	to.API = fc.FC3
	m.State.Resources[to] = &fc.Resource{ID: to, Spec: fc.FC3.Canonical(to.Kind, spec)}
	m.From[to] = from
	return to
}

func (m *Migration) note(file, field, what string) {
	if field != "" {
		file += ": " + field
	}
	m.Notes = append(m.Notes, file+": "+what)
}

// service lists the service's fields that no function takes.
func (m *Migration) service(file string, spec map[string]any) {
	for _, k := range specKeys(spec) {
		switch {
		case contains(serviceToFunction, k):
		case k == "description":
			m.note(file, k, "FC 3.0 has no services (the functions keep their own descriptions)")
		case k == "tags":
			m.note(file, k, "FC 3.0 tags functions, and fcsync does not manage FC 3.0 tags yet")
		case k == "vpcBindings":
			m.note(file, k, "FC 3.0 binds VPCs per function, which fcsync does not manage yet")
		default:
			m.note(file, k, "FC 3.0 functions have no such field")
		}
	}
}

// function migrates one function: its own fields, its service's
// function-level fields (the function's own win, FC 2.0 has no such
// overlap), FC 2.0 spellings FC 3.0 moved, and its code.
func (m *Migration) function(id fc.ID, own map[string]any, svc *fc.Resource, code filetree.Tree) {
	file := id.File()
	spec := deepCopy(own).(map[string]any)
	if svc != nil {
		for _, k := range serviceToFunction {
			if v, ok := svc.Spec[k]; ok {
				spec[k] = deepCopy(v)
			}
		}
	}
	if nas, ok := spec["nasConfig"].(map[string]any); ok && len(nas) > 0 {
		// FC 2.0's unset NAS ids are -1, FC 3.0's 0: said out loud, they
		// stay what the function runs with.
		for _, k := range []string{"userId", "groupId"} {
			if _, set := nas[k]; !set {
				nas[k] = int64(-1)
			}
		}
	}
	runtime, _ := spec["runtime"].(string)
	// initializer is a lifecycle hook in FC 3.0, as preStop already was.
	if h, ok := spec["initializer"]; ok {
		hook := map[string]any{"handler": h}
		if t, ok := spec["initializationTimeout"]; ok {
			hook["timeout"] = t
		}
		lc, _ := spec["instanceLifecycleConfig"].(map[string]any)
		if lc == nil {
			lc = map[string]any{}
		}
		lc["initializer"] = hook
		spec["instanceLifecycleConfig"] = lc
		delete(spec, "initializer")
		delete(spec, "initializationTimeout")
	} else if _, ok := spec["initializationTimeout"]; ok {
		delete(spec, "initializationTimeout")
		m.note(file, "initializationTimeout", "without an initializer it has no FC 3.0 place")
	}
	if lc, ok := spec["instanceLifecycleConfig"].(map[string]any); ok {
		if _, ok := lc["preFreeze"]; ok {
			delete(lc, "preFreeze")
			m.note(file, "instanceLifecycleConfig.preFreeze", "FC 3.0 has no PreFreeze hook")
		}
	}
	// caPort and the health check belong to the custom runtime's or the
	// container's config in FC 3.0.
	var custom string
	switch {
	case runtime == "custom-container":
		custom = "customContainerConfig"
	case strings.HasPrefix(runtime, "custom"):
		custom = "customRuntimeConfig"
	}
	for from, to := range map[string]string{"caPort": "port", "customHealthCheckConfig": "healthCheckConfig"} {
		v, ok := spec[from]
		if !ok {
			continue
		}
		delete(spec, from)
		if custom == "" {
			m.note(file, from, "FC 3.0 has it only for custom runtimes and containers")
			continue
		}
		cc, _ := spec[custom].(map[string]any)
		if cc == nil {
			cc = map[string]any{}
		}
		cc[to] = v
		spec[custom] = cc
	}
	if cc, ok := spec["customContainerConfig"].(map[string]any); ok {
		renameField(cc, "instanceID", "acrInstanceId")
		for _, k := range []string{"command", "args", "accelerationType", "webServerMode"} {
			if _, ok := cc[k]; ok {
				delete(cc, k)
				m.note(file, "customContainerConfig."+k, "FC 3.0's container config has entrypoint and command lists instead; set them by hand")
			}
		}
	}
	// What FC 3.0's table still does not know (instanceType,
	// instanceSoftConcurrency, ...) is left out, each named.
	for _, pr := range fc.FC3.Check(fc.KindFunction, spec, nil) {
		if !pr.Warning && strings.HasPrefix(pr.Msg, "unknown field") && deleteAt(spec, pr.Path) {
			m.note(file, fc.PathString(pr.Path), "FC 3.0 functions have no such field")
		}
	}
	name := MigratedName(id.Service, id.Function)
	nid := m.add(id, fc.ID{Kind: fc.KindFunction, Function: name}, spec)
	m.Functions[id.Service] = append(m.Functions[id.Service], name)
	if code != nil {
		m.State.Code[nid] = code
	}
}

// domain rewrites a custom domain's routes: FC 3.0 routes name the
// function alone, "svc$fn".
func (m *Migration) domain(file string, spec map[string]any) map[string]any {
	spec = deepCopy(spec).(map[string]any)
	rc, _ := spec["routeConfig"].(map[string]any)
	routes, _ := rc["routes"].([]any)
	kept := routes[:0]
	for i, r := range routes {
		route, ok := r.(map[string]any)
		if !ok {
			kept = append(kept, r)
			continue
		}
		svc, _ := route["serviceName"].(string)
		fn, _ := route["functionName"].(string)
		if svc == "" || fn == "" {
			m.note(file, fmt.Sprintf("routeConfig.routes[%d]", i), "an FC 3.0 route names a function, and this one names no service and function")
			continue
		}
		delete(route, "serviceName")
		route["functionName"] = MigratedName(svc, fn)
		kept = append(kept, route)
	}
	if rc != nil {
		rc["routes"] = kept
	}
	return spec
}

func renameField(m map[string]any, from, to string) {
	if v, ok := m[from]; ok {
		delete(m, from)
		m[to] = v
	}
}

// deleteAt removes the value at a path of map keys; it reports whether
// there was one.
func deleteAt(m map[string]any, path []any) bool {
	for i, p := range path {
		k, ok := p.(string)
		if !ok {
			return false
		}
		if i == len(path)-1 {
			_, had := m[k]
			delete(m, k)
			return had
		}
		if m, ok = m[k].(map[string]any); !ok {
			return false
		}
	}
	return false
}

func specKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
