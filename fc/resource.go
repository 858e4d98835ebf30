// Package fc is fcsync's model of Function Compute resources and its client
// over the official SDK (github.com/alibabacloud-go/fc-open-20210406/v2).
//
// The model is deliberately untyped: a resource's configuration is the JSON
// object the API returns, kept as a map, so that fields FC adds after this
// code was written survive a read-modify-write untouched (DESIGN section 2).
// The typed request structs of the SDK drop unknown fields; this package never
// uses them for writes.
package fc

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Kind is the kind of an FC resource.
type Kind string

const (
	KindService  Kind = "service"
	KindFunction Kind = "function"
	KindTrigger  Kind = "trigger"
	KindDomain   Kind = "domain"
	KindAlias    Kind = "alias"
	KindLayer    Kind = "layer"
	// One function's configs per qualifier (PerQualifier kinds).
	KindProvision   Kind = "provision"
	KindOnDemand    Kind = "on-demand"
	KindAsyncInvoke Kind = "async-invoke"
	// FC 3.0's reserved concurrency: one config per function.
	KindConcurrency Kind = "concurrency"
)

// ID identifies one FC resource. Which names are set depends on the kind:
// a service has Service; a function has Service and Function; a trigger has
// all three; a domain has only Name.
type ID struct {
	API      API // FC2, the zero value, or FC3: whose table describes Kind
	Kind     Kind
	Service  string
	Function string
	Name     string // trigger name or domain name
}

// ServiceID, FunctionID, TriggerID and DomainID build IDs.
func ServiceID(svc string) ID      { return ID{Kind: KindService, Service: svc} }
func FunctionID(svc, fn string) ID { return ID{Kind: KindFunction, Service: svc, Function: fn} }
func TriggerID(svc, fn, name string) ID {
	return ID{Kind: KindTrigger, Service: svc, Function: fn, Name: name}
}
func DomainID(name string) ID { return ID{Kind: KindDomain, Name: name} }

// Schema is the table entry of id's kind (nil for an unknown kind).
func (id ID) Schema() *Schema { return id.API.schema(id.Kind) }

// names are id's names in the order of its kind's slots.
func (id ID) names() []string {
	sc := id.Schema()
	if sc == nil {
		return nil
	}
	out := make([]string, len(sc.Slots))
	for i, s := range sc.Slots {
		out[i] = id.value(s)
	}
	return out
}

// String is the form used in messages and commit summaries:
// "service svc", "function svc/fn", "trigger svc/fn/t", "domain example.com".
func (id ID) String() string {
	if id.Schema() == nil {
		return string(id.Kind) + " ?"
	}
	return string(id.Kind) + " " + strings.Join(id.names(), "/")
}

// Path is the slash-separated names of id ("svc/fn/t"), the form String
// shows after the kind.
func (id ID) Path() string { return strings.Join(id.names(), "/") }

// IDFromPath is the inverse of Path for kind k of a: the names of its
// slots, slash-separated.
func (a API) IDFromPath(k Kind, path string) (ID, bool) {
	sc := a.schema(k)
	if sc == nil {
		return ID{}, false
	}
	parts := strings.Split(path, "/")
	if len(parts) != len(sc.Slots) {
		return ID{}, false
	}
	id := ID{API: a, Kind: k}
	for i, s := range sc.Slots {
		id.set(s, parts[i])
	}
	return id, true
}

// File is the slash-separated path, relative to the project folder, of the
// file that holds the resource's configuration (DESIGN section 2).
func (id ID) File() string {
	if sc := id.Schema(); sc != nil {
		return expand(sc.File, id, plain)
	}
	return ""
}

// Dir is the folder a resource owns ("services/svc",
// "services/svc/functions/fn"); empty for kinds that own none.
func (id ID) Dir() string {
	if sc := id.Schema(); sc != nil {
		return expand(sc.Dir, id, plain)
	}
	return ""
}

// HasCode reports whether resources of id's kind have code.
func (id ID) HasCode() bool {
	sc := id.Schema()
	return sc != nil && sc.HasCode
}

// CodeDir is the folder holding a resource's unpacked code ("" for kinds
// without code).
func (id ID) CodeDir() string {
	if !id.HasCode() {
		return ""
	}
	return id.Dir() + "/code"
}

// Parent is the ID of the resource that contains id: a function's service, a
// trigger's function. Top-level kinds have none (ok is false).
func (id ID) Parent() (parent ID, ok bool) {
	sc := id.Schema()
	if sc == nil || sc.Parent == "" {
		return ID{}, false
	}
	parent = ID{API: id.API, Kind: sc.Parent}
	for _, s := range id.API.schema(sc.Parent).Slots {
		parent.set(s, id.value(s))
	}
	return parent, true
}

// Less orders IDs for deterministic output: by API, by kind in apply
// order (service, function, trigger, domain), then by names.
func (id ID) Less(o ID) bool { return CompareIDs(id, o) < 0 }

func rank(id ID) int {
	if sc := id.Schema(); sc != nil {
		return sc.rank
	}
	return len(id.API.table().kinds)
}

// SortIDs sorts ids in place with Less.
func SortIDs(ids []ID) { slices.SortFunc(ids, CompareIDs) }

// CompareIDs is Less as a three-way comparison: one call per pair of a
// sort (a state's thousands of IDs are sorted several times a command).
func CompareIDs(a, b ID) int {
	if a.API != b.API {
		return cmp.Compare(a.API, b.API)
	}
	if a.Kind != b.Kind {
		return cmp.Compare(rank(a), rank(b))
	}
	if c := strings.Compare(a.Service, b.Service); c != 0 {
		return c
	}
	if c := strings.Compare(a.Function, b.Function); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

// ParseFile is the inverse of ID.File: it recognises the configuration file of
// a resource of a from its project-relative path. Code files and anything else
// give ok == false.
func (a API) ParseFile(path string) (id ID, ok bool) {
	for _, sc := range a.table().kinds {
		if id, ok := sc.match(path); ok {
			return id, true
		}
	}
	return ID{}, false
}

// Validate checks every name in the ID.
func (id ID) Validate() error {
	sc := id.Schema()
	if sc == nil {
		return fmt.Errorf("unknown resource kind %q", id.Kind)
	}
	for _, s := range sc.Slots {
		if err := id.API.ValidateName(slotKind(id.Kind, s), id.value(s)); err != nil {
			return err
		}
	}
	return nil
}

// Resource is one FC resource as fcsync sees it.
//
// Spec holds the fields a user manages, with the API's JSON names, values
// normalised by Normalize. It excludes the name fields (the ID carries them)
// and the server-owned fields. For triggers, Spec["triggerConfig"] is always a
// decoded object, never the JSON string the 2021-04-06 API sends (unless FC
// sent one that is not an object, which sync.Admit refuses to record).
//
// Status holds the server-owned fields (ids, createdTime, lastModifiedTime,
// codeChecksum, codeSize, trigger URLs, ...), also normalised.
type Resource struct {
	ID     ID
	Spec   map[string]any
	Status map[string]any
	ETag   string // empty where FC has none (custom domains)

	// codeURL is where a versioned kind's answer says its code can be
	// downloaded (a layer's code.location, a signed URL): kept out of
	// Status, since it changes with every answer and must not be recorded.
	codeURL string
}

// CodeChecksum is the function's codeChecksum status field, or "".
func (r *Resource) CodeChecksum() string {
	s, _ := r.Status["codeChecksum"].(string)
	return s
}

// LastModified is the lastModifiedTime status field, or "".
func (r *Resource) LastModified() string {
	s, _ := r.Status["lastModifiedTime"].(string)
	return s
}

// Split divides an API object into its Spec and Status parts, leaving out
// top-level nulls. obj must already be normalised. A field the table marks
// WireJSON (a trigger's triggerConfig), given as a JSON string, is decoded
// (into an object, unless FC holds something else there). Server-owned
// fields nested in an object (customContainerConfig.accelerationInfo, which
// FC computes) go to Status under their dotted path. Set lists come sorted
// (Canonical).
func (a API) Split(k Kind, obj map[string]any) (spec, status map[string]any, err error) {
	var fields []Field
	if sc := a.schema(k); sc != nil && sc.PerQualifier == nil {
		fields = sc.Fields
	}
	spec, status = splitFields(fields, obj)
	return a.Canonical(k, spec), status, nil
}

// splitFields is Split by a list of fields: a kind's, or those of one
// qualifier's config.
func splitFields(fields []Field, obj map[string]any) (spec, status map[string]any) {
	spec, status = map[string]any{}, map[string]any{}
	for key, v := range obj {
		if v == nil {
			// FC answers null for a field never set (customDNS, layers):
			// the field is unset, as absent from a project file.
			continue
		}
		f := findField(fields, key)
		switch {
		case f != nil && f.ServerOwned:
			status[key] = v
		case f != nil && f.Answer != nil:
			spec[key] = f.Answer(v)
		case f != nil && f.WireJSON:
			if d, keep := decodeWireJSON(v); keep {
				spec[key] = d
			}
		case f != nil && f.Type == TObject:
			spec[key] = splitNested(f, key, v, status)
		default:
			spec[key] = v
		}
	}
	return spec, status
}

// decodeWireJSON decodes a field the API sends as a JSON string. An empty
// string is the field unset (keep is false). A string that is not JSON stays
// as FC sent it: one trigger must not fail the list it came in, and
// sync.Admit refuses to record it, naming the trigger.
func decodeWireJSON(v any) (out any, keep bool) {
	s, ok := v.(string)
	if !ok {
		return v, true
	}
	if s == "" {
		return nil, false
	}
	var cfg any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber() // every digit, as for the rest of the answer
	if dec.Decode(&cfg) == nil && !dec.More() {
		return Normalize(cfg), true
	}
	return s, true
}

// splitNested moves the server-owned fields of object field f to status,
// under "key.field", and returns the rest.
func splitNested(f *Field, key string, v any, status map[string]any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	var out map[string]any
	for _, nf := range f.Fields {
		if x, present := m[nf.Name]; nf.ServerOwned && present {
			if out == nil {
				out = make(map[string]any, len(m))
				for k, e := range m {
					out[k] = e
				}
			}
			delete(out, nf.Name)
			status[key+"."+nf.Name] = x
		}
	}
	if out == nil {
		return v
	}
	return out
}

// Normalize converts a value decoded from JSON or YAML into the canonical
// form used for comparison throughout fcsync:
//   - integers (json.Number without fraction, int, int64, uint64, a float64 with no fraction) -> int64
//   - a json.Number integer beyond int64, or a number beyond float64 -> json.Number, as written
//   - other numbers -> float64
//   - map[string]any and map[any]any -> map[string]any (keys stringified)
//   - []any -> []any, elements normalised
//   - string, bool, nil unchanged.
//
// Two normalised values are equal iff reflect.DeepEqual says so.
func Normalize(v any) any {
	switch x := v.(type) {
	case nil, bool, string, int64:
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
		return float64(x)
	case float32:
		return Normalize(float64(x))
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		if IsBigInt(string(x)) {
			// Beyond int64: kept as written, every digit, and sent back so.
			return json.Number(strings.TrimPrefix(string(x), "+"))
		}
		f, err := x.Float64()
		if err != nil {
			// Beyond float64 (1e400): kept as written rather than turned
			// into a string or an infinity that would read back otherwise.
			return x
		}
		return Normalize(f)
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = Normalize(e)
		}
		return m
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = Normalize(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = Normalize(e)
		}
		return l
	case []string:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = e
		}
		return l
	}
	return v
}

// IsBigInt reports whether s is a decimal integer literal ("-123", "+7")
// too large for int64: Normalize keeps such numbers as json.Number.
func IsBigInt(s string) bool {
	d := strings.TrimLeft(s, "+-")
	if d == "" || len(s)-len(d) > 1 {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err != nil
}
