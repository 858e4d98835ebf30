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
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
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
)

// ID identifies one FC resource. Which names are set depends on the kind:
// a service has Service; a function has Service and Function; a trigger has
// all three; a domain has only Name.
type ID struct {
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

// String is the form used in messages and commit summaries:
// "service svc", "function svc/fn", "trigger svc/fn/t", "domain example.com".
func (id ID) String() string {
	switch id.Kind {
	case KindService:
		return "service " + id.Service
	case KindFunction:
		return "function " + id.Service + "/" + id.Function
	case KindTrigger:
		return "trigger " + id.Service + "/" + id.Function + "/" + id.Name
	case KindDomain:
		return "domain " + id.Name
	}
	return string(id.Kind) + " ?"
}

// File is the slash-separated path, relative to the project folder, of the
// file that holds the resource's configuration (DESIGN section 2).
func (id ID) File() string {
	switch id.Kind {
	case KindService:
		return "services/" + id.Service + "/service.yaml"
	case KindFunction:
		return "services/" + id.Service + "/functions/" + id.Function + "/function.yaml"
	case KindTrigger:
		return "services/" + id.Service + "/functions/" + id.Function + "/triggers/" + id.Name + ".yaml"
	case KindDomain:
		return "domains/" + id.Name + ".yaml"
	}
	return ""
}

// Dir is the folder a service or function owns ("services/svc",
// "services/svc/functions/fn"); empty for triggers and domains.
func (id ID) Dir() string {
	switch id.Kind {
	case KindService:
		return "services/" + id.Service
	case KindFunction:
		return "services/" + id.Service + "/functions/" + id.Function
	}
	return ""
}

// CodeDir is the folder holding a function's unpacked code.
func (id ID) CodeDir() string {
	if id.Kind != KindFunction {
		return ""
	}
	return id.Dir() + "/code"
}

// Parent is the ID of the resource that contains id: a function's service, a
// trigger's function. Services and domains have no parent (ok is false).
func (id ID) Parent() (parent ID, ok bool) {
	switch id.Kind {
	case KindFunction:
		return ServiceID(id.Service), true
	case KindTrigger:
		return FunctionID(id.Service, id.Function), true
	}
	return ID{}, false
}

// Less orders IDs for deterministic output: by kind in dependency order
// (service, function, trigger, domain), then by names.
func (id ID) Less(o ID) bool {
	if id.Kind != o.Kind {
		return kindRank[id.Kind] < kindRank[o.Kind]
	}
	if id.Service != o.Service {
		return id.Service < o.Service
	}
	if id.Function != o.Function {
		return id.Function < o.Function
	}
	return id.Name < o.Name
}

var kindRank = map[Kind]int{KindService: 0, KindFunction: 1, KindTrigger: 2, KindDomain: 3}

// SortIDs sorts ids in place with Less.
func SortIDs(ids []ID) { sort.Slice(ids, func(i, j int) bool { return ids[i].Less(ids[j]) }) }

// ParseFile is the inverse of ID.File: it recognises the configuration file of
// a resource from its project-relative path. Code files and anything else give
// ok == false.
func ParseFile(path string) (id ID, ok bool) {
	p := strings.Split(path, "/")
	switch {
	case len(p) == 3 && p[0] == "services" && p[2] == "service.yaml":
		return ServiceID(p[1]), true
	case len(p) == 5 && p[0] == "services" && p[2] == "functions" && p[4] == "function.yaml":
		return FunctionID(p[1], p[3]), true
	case len(p) == 6 && p[0] == "services" && p[2] == "functions" && p[4] == "triggers" && strings.HasSuffix(p[5], ".yaml"):
		return TriggerID(p[1], p[3], strings.TrimSuffix(p[5], ".yaml")), true
	case len(p) == 2 && p[0] == "domains" && strings.HasSuffix(p[1], ".yaml"):
		return DomainID(strings.TrimSuffix(p[1], ".yaml")), true
	}
	return ID{}, false
}

var nameRE = regexp.MustCompile(`^[_a-zA-Z][-_a-zA-Z0-9]*$`)

// ValidateName checks a service, function or trigger name against FC's rules
// (fc-api.md section 2.1): `^[_a-zA-Z][-_a-zA-Z0-9]*$`, 1-128 characters,
// functions 1-64.
func ValidateName(kind Kind, name string) error {
	max := 128
	if kind == KindFunction {
		max = 64
	}
	if len(name) == 0 || len(name) > max {
		return fmt.Errorf("invalid %s name %q: length must be 1-%d", kind, name, max)
	}
	if !nameRE.MatchString(name) {
		return fmt.Errorf("invalid %s name %q: must match %s", kind, name, nameRE)
	}
	return nil
}

// Validate checks every name in the ID.
func (id ID) Validate() error {
	switch id.Kind {
	case KindService:
		return ValidateName(KindService, id.Service)
	case KindFunction:
		if err := ValidateName(KindService, id.Service); err != nil {
			return err
		}
		return ValidateName(KindFunction, id.Function)
	case KindTrigger:
		if err := ValidateName(KindService, id.Service); err != nil {
			return err
		}
		if err := ValidateName(KindFunction, id.Function); err != nil {
			return err
		}
		return ValidateName(KindTrigger, id.Name)
	case KindDomain:
		if id.Name == "" || strings.ContainsAny(id.Name, "/\\ ") {
			return fmt.Errorf("invalid domain name %q", id.Name)
		}
		return nil
	}
	return fmt.Errorf("unknown resource kind %q", id.Kind)
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
// top-level nulls. obj must already be normalised. A trigger's triggerConfig
// given as a JSON string is decoded (into an object, unless FC holds
// something else there). The nested customContainerConfig.accelerationInfo,
// which FC computes, goes to Status.
func Split(k Kind, obj map[string]any) (spec, status map[string]any, err error) {
	spec, status = map[string]any{}, map[string]any{}
	for key, v := range obj {
		if v == nil {
			// FC answers null for a field never set (customDNS, layers):
			// the field is unset, as absent from a project file.
			continue
		}
		if IsServerOwned(k, key) {
			status[key] = v
			continue
		}
		spec[key] = v
	}
	if k == KindTrigger {
		if s, ok := spec["triggerConfig"].(string); ok {
			if s == "" {
				delete(spec, "triggerConfig")
			} else {
				var cfg any
				dec := json.NewDecoder(strings.NewReader(s))
				dec.UseNumber() // every digit, as for the rest of the answer
				if dec.Decode(&cfg) == nil && !dec.More() {
					spec["triggerConfig"] = Normalize(cfg)
				}
				// Otherwise the string stays as FC sent it: one trigger
				// must not fail the list it came in, and sync.Admit refuses
				// to record it, naming the trigger.
			}
		}
	}
	if k == KindFunction {
		if ccc, ok := spec["customContainerConfig"].(map[string]any); ok {
			if ai, ok := ccc["accelerationInfo"]; ok {
				c := make(map[string]any, len(ccc))
				for key, v := range ccc {
					if key != "accelerationInfo" {
						c[key] = v
					}
				}
				spec["customContainerConfig"] = c
				status["customContainerConfig.accelerationInfo"] = ai
			}
		}
	}
	return spec, status, nil
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
