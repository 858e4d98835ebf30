package emulator

import (
	"sort"
	"strconv"
)

// What the emulator holds of the kinds beyond services, functions and
// triggers, for tests that check a client's effect without going through
// the API (and its call counts). Every value is a copy.

// Versions returns the ids of the published versions of svc, oldest first.
func (e *Emulator) Versions(svc string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.st.Services[svc]
	if s == nil {
		return nil
	}
	ids := make([]int, 0, len(s.Versions))
	for id := range s.Versions {
		ids = append(ids, atoi(id))
	}
	sort.Ints(ids)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return out
}

// Alias returns an alias of svc as GetAlias answers it, and its ETag.
func (e *Emulator) Alias(svc, name string) (attrs map[string]any, etag string, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.st.Services[svc]
	if s == nil || s.Aliases[name] == nil {
		return nil, "", false
	}
	a := s.Aliases[name]
	return deepCopyMap(a.Attrs), a.ETag, true
}

// ProvisionConfig returns the provision config of svc/fn for qualifier, as
// GetProvisionConfig answers it; ok is false when none is stored.
func (e *Emulator) ProvisionConfig(svc, fn, qualifier string) (map[string]any, bool) {
	return e.configOf(svc, fn, qualifier, func(s *service) configSet { return s.Provision })
}

// OnDemandConfig returns the on-demand config of svc/fn for qualifier.
func (e *Emulator) OnDemandConfig(svc, fn, qualifier string) (map[string]any, bool) {
	return e.configOf(svc, fn, qualifier, func(s *service) configSet { return s.OnDemand })
}

// AsyncInvokeConfig returns the async invocation config of svc/fn for
// qualifier ("LATEST" for the unqualified one).
func (e *Emulator) AsyncInvokeConfig(svc, fn, qualifier string) (map[string]any, bool) {
	return e.configOf(svc, fn, qualifier, func(s *service) configSet { return s.AsyncInvoke })
}

func (e *Emulator) configOf(svc, fn, qualifier string, set func(*service) configSet) (map[string]any, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.st.Services[svc]
	if s == nil {
		return nil, false
	}
	c := set(s).get(fn, qualifier)
	if c == nil {
		return nil, false
	}
	return deepCopyMap(c.Attrs), true
}

// Tags returns the tags of svc.
func (e *Emulator) Tags(svc string) map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]string{}
	if s := e.st.Services[svc]; s != nil {
		for k, v := range s.Tags {
			out[k] = v
		}
	}
	return out
}

// VpcBindings returns the VPC ids bound to svc, sorted.
func (e *Emulator) VpcBindings(svc string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s := e.st.Services[svc]; s != nil {
		return append([]string(nil), s.VpcBindings...)
	}
	return nil
}

// LayerVersions returns the versions of a layer that exist, ascending.
func (e *Emulator) LayerVersions(name string) []int {
	e.mu.Lock()
	defer e.mu.Unlock()
	l := e.st.Layers[name]
	if l == nil {
		return nil
	}
	out := make([]int, 0, len(l.Versions))
	for v := range l.Versions {
		out = append(out, atoi(v))
	}
	sort.Ints(out)
	return out
}
