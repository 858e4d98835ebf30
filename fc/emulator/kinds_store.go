package emulator

import (
	"encoding/json"
	"sort"
)

// serviceKinds is what hangs off a service besides its functions: the
// published versions and aliases, the per-function and per-qualifier
// configurations, tags and VPC bindings. Maps are created on first write,
// so a state saved before these kinds existed loads as it was.
type serviceKinds struct {
	Versions map[string]*version `json:"versions,omitempty"`
	// LastVersion is the highest version id ever published: ids are never
	// reused, even after the newest version is deleted (fc-api.md 2.7).
	LastVersion int               `json:"lastVersion,omitempty"`
	Aliases     map[string]*alias `json:"aliases,omitempty"`
	// Per function, then per qualifier.
	Provision   configSet `json:"provisionConfigs,omitempty"`
	OnDemand    configSet `json:"onDemandConfigs,omitempty"`
	AsyncInvoke configSet `json:"asyncInvokeConfigs,omitempty"`
	// Concurrency is FC 3.0's reserved concurrency, per function under
	// the qualifier "" (it is not per qualifier).
	Concurrency configSet         `json:"concurrencyConfigs,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	VpcBindings []string          `json:"vpcBindings,omitempty"`
}

// version is a published version: its own attributes (versionId,
// description, times) and a snapshot of the service and its functions,
// code included and triggers excluded (fc-api.md 2.7).
type version struct {
	Attrs     map[string]any       `json:"attrs"`
	Service   map[string]any       `json:"service"`
	Functions map[string]*function `json:"functions"`
}

type alias struct {
	Attrs map[string]any `json:"attrs"`
	ETag  string         `json:"etag"`
}

// config is one per-function, per-qualifier configuration (provision,
// on-demand, async invocation) as FC answers it.
type config struct {
	Attrs map[string]any `json:"attrs"`
	ETag  string         `json:"etag,omitempty"`
}

// configSet holds one kind of configuration: function name -> qualifier
// -> config.
type configSet map[string]map[string]*config

func (cs configSet) get(fn, qualifier string) *config { return cs[fn][qualifier] }

// put stores c, creating the set if needed; it returns the set, as append
// does.
func (cs configSet) put(fn, qualifier string, c *config) configSet {
	if cs == nil {
		cs = configSet{}
	}
	if cs[fn] == nil {
		cs[fn] = map[string]*config{}
	}
	cs[fn][qualifier] = c
	return cs
}

func (cs configSet) remove(fn, qualifier string) {
	delete(cs[fn], qualifier)
	if len(cs[fn]) == 0 {
		delete(cs, fn)
	}
}

// each calls f for every config in function, then qualifier order.
func (cs configSet) each(f func(fn, qualifier string, c *config)) {
	for _, fn := range sortedKeys(cs) {
		for _, q := range sortedKeys(cs[fn]) {
			f(fn, q, cs[fn][q])
		}
	}
}

// layer is a layer's published versions, by decimal version number.
type layer struct {
	Versions map[string]*layerVersion `json:"versions"`
	// LastVersion is the highest version ever published: numbers are not
	// reused. Guess: FC keeps counting after every version is deleted.
	LastVersion int `json:"lastVersion"`
}

type layerVersion struct {
	Attrs map[string]any `json:"attrs"`
	blobRef
}

// blobRef names a file under DataDir/code (the sha256 hex of its bytes)
// and holds the bytes in memory.
type blobRef struct {
	Blob string `json:"blob,omitempty"`
	data []byte
}

// eachBlob calls f with the name and bytes of every code package the store
// holds: functions, the functions of published versions, layer versions and
// OSS objects. persist writes them and load reads them through it.
func (s *store) eachBlob(f func(name *string, data *[]byte)) {
	for _, svc := range s.holders() {
		for _, fn := range svc.Functions {
			f(&fn.CodeBlob, &fn.code)
		}
		for _, v := range svc.Versions {
			for _, fn := range v.Functions {
				f(&fn.CodeBlob, &fn.code)
			}
		}
	}
	for _, l := range s.Layers {
		for _, lv := range l.Versions {
			f(&lv.Blob, &lv.data)
		}
	}
	for _, o := range s.OSS {
		f(&o.Blob, &o.data)
	}
}

// deepCopy copies a JSON value (objects, arrays, scalars) so that a
// snapshot never shares a nested object with the live resource.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(x))
		for k, e := range x {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}

func deepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return deepCopy(m).(map[string]any)
}

// asFloat reads a number as stored: float64 from a request, json.Number
// from a persisted state.
func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// sortedStrings returns a sorted copy.
func sortedStrings(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

// holders are the FC 2.0 services and the FC 3.0 functions' holders
// (functions3.go), for what walks every function whichever API made it.
func (s *store) holders() []*service {
	out := make([]*service, 0, len(s.Services)+len(s.Functions3))
	for _, svc := range s.Services {
		out = append(out, svc)
	}
	for _, h := range s.Functions3 {
		out = append(out, h)
	}
	return out
}
