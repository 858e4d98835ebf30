package fc

import (
	"fmt"
	"regexp"
	"strings"
)

// The table of kinds, part one: what each kind is, as opposed to what its
// fields are (schema.go). One Schema per kind says where its file lives,
// which kind contains it, how the API names it, whether it has code and an
// ETag, how its name is checked, and (by its place in kindTable) the order
// in which push applies it. ID's methods, the client's paths and bodies, the
// renderer, the parser, the planner and apply all read these entries: a new
// kind is a new entry here, a handler in the emulator, a console command and
// a test.

// Slot is one name of an ID: every kind is identified by some of them,
// outermost first (a trigger by service, function and its own name).
type Slot int

const (
	SlotService  Slot = iota // ID.Service
	SlotFunction             // ID.Function
	SlotName                 // ID.Name: the kind's own name when it is neither of the above
)

var slotPlaceholder = [...]string{SlotService: "{service}", SlotFunction: "{function}", SlotName: "{name}"}

// value is the name id holds in slot s.
func (id ID) value(s Slot) string {
	switch s {
	case SlotService:
		return id.Service
	case SlotFunction:
		return id.Function
	}
	return id.Name
}

// set stores name in slot s of id.
func (id *ID) set(s Slot, name string) {
	switch s {
	case SlotService:
		id.Service = name
	case SlotFunction:
		id.Function = name
	default:
		id.Name = name
	}
}

// kindTable lists the kinds in apply order: a kind comes after the kind that
// contains it, and after the kinds it refers to (a custom domain routes to
// functions). Push creates and updates in this order and deletes in reverse.
var fc2Kinds = []*Schema{
	{
		// Layers (fc-api.md 2.8) are account-level code packages that
		// functions name in their layers; they come first, since a push
		// publishes a layer before the functions that refer to it.
		Kind: KindLayer, Slots: []Slot{SlotName},
		Noun: "Layer", ListKey: "layers", NameField: "layerName",
		Collection: "/layers", File: "layers/{name}/layer.yaml", Dir: "layers/{name}",
		HasCode: true, CodeRequired: true, Versioned: true, ARNFields: []string{"arnV2", "arn"},
		Name:   fcName(128),
		Fields: layerFields,
	},
	{
		Kind: KindService, Slots: []Slot{SlotService},
		Noun: "Service", ListKey: "services", NameField: "serviceName",
		Collection: "/services", File: "services/{service}/service.yaml", Dir: "services/{service}",
		ETag: true, Name: fcName(128),
		Fields: serviceFields,
	},
	{
		Kind: KindFunction, Parent: KindService, Slots: []Slot{SlotService, SlotFunction},
		Noun: "Function", ListKey: "functions", NameField: "functionName",
		Collection: "/services/{service}/functions",
		File:       "services/{service}/functions/{function}/function.yaml", Dir: "services/{service}/functions/{function}",
		HasCode: true, ETag: true, Name: fcName(64),
		Fields: functionFields,
	},
	{
		Kind: KindTrigger, Parent: KindFunction, Slots: []Slot{SlotService, SlotFunction, SlotName},
		Noun: "Trigger", ListKey: "triggers", NameField: "triggerName",
		Collection: "/services/{service}/functions/{function}/triggers",
		File:       "services/{service}/functions/{function}/triggers/{name}.yaml",
		ETag:       true, Name: fcName(128),
		Fields: triggerFields,
	},
	{
		// Aliases (fc-api.md 2.7, A.5) name a version of their service; a
		// traffic shift in the console is an update like any other.
		Kind: KindAlias, Parent: KindService, Slots: []Slot{SlotService, SlotName},
		Noun: "Alias", ListKey: "aliases", NameField: "aliasName",
		Collection: "/services/{service}/aliases", File: "services/{service}/aliases/{name}.yaml",
		ETag: true, Name: aliasName,
		Fields: aliasFields,
	},
	{
		// Provisioned instances (issue 11), per qualifier: an alias or
		// LATEST, never a version. One account-wide list reads them all;
		// FC has no DELETE: a target of 0 without policies removes one.
		// No ETag: PutProvisionConfig takes no If-Match in the SDK.
		Kind: KindProvision, Parent: KindFunction, Slots: []Slot{SlotService, SlotFunction},
		Noun: "ProvisionConfig", ListKey: "provisionConfigs",
		Collection: "/provision-configs", File: "services/{service}/functions/{function}/provision.yaml",
		Name: fcName(64),
		PerQualifier: &PerQualifier{
			Config:     "/services/{service}/functions/{function}/provision-config",
			ListAction: "ListProvisionConfigs",
			Locate:     locateByResource,
			Clear:      map[string]any{"target": 0, "scheduledActions": []any{}, "targetTrackingPolicies": []any{}},
			Qualifier:  aliasOrLatest,
		},
		Fields: provisionFields,
	},
	{
		// The most on-demand instances, per alias or LATEST; one
		// account-wide list, ETags on single reads (fc-api.md 1.8).
		Kind: KindOnDemand, Parent: KindFunction, Slots: []Slot{SlotService, SlotFunction},
		Noun: "FunctionOnDemandConfig", ListKey: "configs",
		Collection: "/on-demand-configs", File: "services/{service}/functions/{function}/on-demand.yaml",
		ETag: true, Name: fcName(64),
		PerQualifier: &PerQualifier{
			Config:     "/services/{service}/functions/{function}/on-demand-config",
			ListAction: "ListOnDemandConfigs",
			Locate:     locateByResource,
			Delete:     true,
			Qualifier:  aliasOrLatest,
		},
		Fields: onDemandFields,
	},
	{
		// Async invocation: retries, event age, destinations, per LATEST,
		// version or alias. FC lists them per function only; no ETag.
		Kind: KindAsyncInvoke, Parent: KindFunction, Slots: []Slot{SlotService, SlotFunction},
		Noun: "FunctionAsyncInvokeConfig", ListKey: "configs",
		Collection: "/services/{service}/functions/{function}/async-invoke-configs",
		File:       "services/{service}/functions/{function}/async-invoke.yaml",
		Name:       fcName(64),
		PerQualifier: &PerQualifier{
			Config:     "/services/{service}/functions/{function}/async-invoke-config",
			ListAction: "ListFunctionAsyncInvokeConfigs",
			Locate:     locateByFields,
			Delete:     true,
			Qualifier:  anyQualifier,
		},
		Fields: asyncInvokeFields,
	},
	{
		// Custom domains have no ETag (fc-api.md 1.8).
		Kind: KindDomain, Slots: []Slot{SlotName},
		Noun: "CustomDomain", ListKey: "customDomains", NameField: "domainName",
		Collection: "/custom-domains", File: "domains/{name}.yaml",
		Name:   domainName,
		Fields: domainFields,
	},
}

// ChildKinds returns the kinds of a whose Parent is k, in apply order.
func (a API) ChildKinds(k Kind) []Kind {
	var out []Kind
	for _, sc := range a.table().kinds {
		if sc.Parent == k && k != "" {
			out = append(out, sc.Kind)
		}
	}
	return out
}

// CodeOwner recognises a path under a resource's code folder
// ("services/s/functions/f/code/lib/a.py") and returns the resource.
func (a API) CodeOwner(path string) (ID, bool) {
	for _, sc := range a.table().kinds {
		if !sc.HasCode {
			continue
		}
		// The folder is as many segments as sc.Dir has, then "code/" and
		// at least one byte of path inside it.
		end := -1
		for range strings.Count(sc.Dir, "/") + 1 {
			j := strings.IndexByte(path[end+1:], '/')
			if j < 0 {
				end = -1
				break
			}
			end += j + 1
		}
		if end < 0 {
			continue
		}
		if rest := path[end+1:]; !strings.HasPrefix(rest, "code/") || rest == "code/" {
			continue
		}
		if id, ok := sc.matchPattern(sc.Dir, path[:end]); ok {
			return id, true
		}
	}
	return ID{}, false
}

// FileLayout lists the project files of every kind, as a user reads them
// ("services/<service>/service.yaml", ".../code/..."), for messages.
func (a API) FileLayout() []string {
	var out []string
	for _, sc := range a.table().kinds {
		out = append(out, userPattern(sc.File))
		if sc.HasCode {
			out = append(out, userPattern(sc.Dir)+"/code/...")
		}
	}
	return out
}

func userPattern(p string) string {
	return strings.NewReplacer("{service}", "<service>", "{function}", "<function>", "{name}", "<name>").Replace(p)
}

// Kinds returns every kind of a in apply order.
func (a API) Kinds() []Kind {
	kinds := a.table().kinds
	out := make([]Kind, len(kinds))
	for i, sc := range kinds {
		out[i] = sc.Kind
	}
	return out
}

// nameRE is FC's rule for service, function and trigger names (fc-api.md
// section 2.1).
var nameRE = regexp.MustCompile(`^[_a-zA-Z][-_a-zA-Z0-9]*$`)

// fcName is FC's name rule with a maximum length: 1-max characters of nameRE.
func fcName(max int) func(Kind, string) error {
	return func(k Kind, name string) error {
		if len(name) == 0 || len(name) > max {
			return fmt.Errorf("invalid %s name %q: length must be 1-%d", k, name, max)
		}
		if !validName(name) {
			return fmt.Errorf("invalid %s name %q: must match %s", k, name, nameRE)
		}
		return nil
	}
}

// validName is nameRE.MatchString, without the regular expression machine:
// every resource of every tree parsed is checked.
func validName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && (c == '-' || '0' <= c && c <= '9'):
		default:
			return false
		}
	}
	return name != ""
}

// aliasName is FC's name rule, and LATEST is reserved (fc-api.md A.5).
func aliasName(k Kind, name string) error {
	if strings.EqualFold(name, "LATEST") {
		return fmt.Errorf("invalid %s name %q: LATEST is reserved for the newest code", k, name)
	}
	return fcName(128)(k, name)
}

// domainName accepts any name that is one path segment: FC checks the DNS
// name itself, and fcsync only needs it to be a file name.
func domainName(k Kind, name string) error {
	if name == "" || strings.ContainsAny(name, "/\\ ") {
		return fmt.Errorf("invalid %s name %q", k, name)
	}
	return nil
}

// ValidateName checks a name of kind k against FC's rules.
func (a API) ValidateName(k Kind, name string) error {
	sc := a.schema(k)
	if sc == nil {
		return fmt.Errorf("unknown resource kind %q", k)
	}
	return sc.Name(k, name)
}

// slotKind is the kind whose name a slot holds in an ID of kind k: the
// service slot holds a service's name, the function slot a function's, and
// the name slot k's own.
func slotKind(k Kind, s Slot) Kind {
	switch s {
	case SlotService:
		return KindService
	case SlotFunction:
		return KindFunction
	}
	return k
}

// expand fills pattern's placeholders with id's names, each passed through
// enc (the API's path encoding, or none).
func expand(pattern string, id ID, enc func(string) string) string {
	if pattern == "" {
		return ""
	}
	out := pattern
	for s, ph := range slotPlaceholder {
		if strings.Contains(out, ph) {
			out = strings.ReplaceAll(out, ph, enc(id.value(Slot(s))))
		}
	}
	return out
}

func plain(s string) string { return s }

// match recognises the path of a resource's file.
func (sc *Schema) match(path string) (ID, bool) { return sc.matchPattern(sc.File, path) }

// matchPattern recognises a path made from pattern and returns the ID it
// names. A placeholder matches one segment; "{name}.yaml" one that ends in
// ".yaml".
func (sc *Schema) matchPattern(pattern, path string) (ID, bool) {
	// Every project file and code path of a tree is matched against the
	// table (status --offline matches tens of thousands): no allocation.
	if strings.Count(pattern, "/") != strings.Count(path, "/") {
		return ID{}, false
	}
	id := ID{API: sc.api, Kind: sc.Kind}
	for pattern != "" {
		var p, seg string
		p, pattern, _ = strings.Cut(pattern, "/")
		seg, path, _ = strings.Cut(path, "/")
		open := strings.IndexByte(p, '{')
		if open < 0 {
			if p != seg {
				return ID{}, false
			}
			continue
		}
		end := strings.IndexByte(p, '}')
		prefix, suffix := p[:open], p[end+1:]
		if !strings.HasPrefix(seg, prefix) || !strings.HasSuffix(seg, suffix) || len(seg) < len(prefix)+len(suffix) {
			return ID{}, false
		}
		name := seg[len(prefix) : len(seg)-len(suffix)]
		for s, ph := range slotPlaceholder {
			if ph == p[open:end+1] {
				id.set(Slot(s), name)
			}
		}
	}
	return id, true
}

// aliasOrLatest is the qualifier rule of provision and on-demand configs:
// an alias or LATEST, not a version ("服务别名或 LATEST，不支持版本", the API
// reference of PutProvisionConfig; the SDK says the same of on-demand).
// Alias names cannot start with a digit, so a version never passes.
func aliasOrLatest(k Kind, q string) error {
	if q == "LATEST" || aliasName(KindAlias, q) == nil {
		return nil
	}
	if strings.EqualFold(q, "LATEST") {
		return fmt.Errorf("qualifier %q: write LATEST, in capitals", q)
	}
	if isVersionID(q) {
		return fmt.Errorf("qualifier %q: %s configs take an alias or LATEST, not a version", q, k)
	}
	return fmt.Errorf("qualifier %q: %s configs take an alias (a name of 1-128 characters matching %s) or LATEST", q, k, nameRE)
}

// anyQualifier is the async invocation config's rule: LATEST, a version
// or an alias, as the SDK documents its qualifier.
func anyQualifier(k Kind, q string) error {
	if q == "LATEST" || isVersionID(q) || aliasName(KindAlias, q) == nil {
		return nil
	}
	if strings.EqualFold(q, "LATEST") {
		return fmt.Errorf("qualifier %q: write LATEST, in capitals", q)
	}
	return fmt.Errorf("qualifier %q: %s configs take LATEST, a version number or an alias", q, k)
}

func isVersionID(q string) bool {
	if q == "" {
		return false
	}
	for _, r := range q {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// locateByResource reads a provision or on-demand config's address from its
// resource field: "<account>#<service>#<qualifier>#<function>" (provision,
// the API reference's example) or "services/<service>.<qualifier>/functions/<function>"
// (on-demand, ListOnDemandConfigs' example). Both forms are accepted for
// both kinds, as the SDK's own examples mix them.
func locateByResource(item map[string]any) (svc, fn, q string, ok bool) {
	res, _ := item["resource"].(string)
	if parts := strings.Split(res, "#"); len(parts) == 4 {
		return parts[1], parts[3], parts[2], parts[1] != "" && parts[2] != "" && parts[3] != ""
	}
	rest, found := strings.CutPrefix(res, "services/")
	if !found {
		return "", "", "", false
	}
	sq, fn, found := strings.Cut(rest, "/functions/")
	svc, q, dot := strings.Cut(sq, ".")
	ok = found && dot && svc != "" && q != "" && fn != "" && !strings.Contains(fn, "/")
	return svc, fn, q, ok
}

// locateByFields reads an async invocation config's address from its
// service, function and qualifier fields.
func locateByFields(item map[string]any) (svc, fn, q string, ok bool) {
	svc, _ = item["service"].(string)
	fn, _ = item["function"].(string)
	q, _ = item["qualifier"].(string)
	return svc, fn, q, svc != "" && fn != "" && q != ""
}

// ListedOnce reports whether one list call reads every resource of kind k
// in the account (its list path names no enclosing resource), while its
// resources still belong to a parent: the online walk then lists it once
// rather than once per parent.
func (a API) ListedOnce(k Kind) bool {
	sc := a.schema(k)
	return sc != nil && sc.Parent != "" && !strings.Contains(sc.Collection, "{")
}
