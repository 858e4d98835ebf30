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
var kindTable = []*Schema{
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
		// Custom domains have no ETag (fc-api.md 1.8).
		Kind: KindDomain, Slots: []Slot{SlotName},
		Noun: "CustomDomain", ListKey: "customDomains", NameField: "domainName",
		Collection: "/custom-domains", File: "domains/{name}.yaml",
		Name:   domainName,
		Fields: domainFields,
	},
}

var schemas = func() map[Kind]*Schema {
	m := make(map[Kind]*Schema, len(kindTable))
	for i, sc := range kindTable {
		sc.rank = i
		m[sc.Kind] = sc
	}
	return m
}()

// ChildKinds returns the kinds whose Parent is k, in apply order.
func ChildKinds(k Kind) []Kind {
	var out []Kind
	for _, sc := range kindTable {
		if sc.Parent == k && k != "" {
			out = append(out, sc.Kind)
		}
	}
	return out
}

// CodeOwner recognises a path under a resource's code folder
// ("services/s/functions/f/code/lib/a.py") and returns the resource.
func CodeOwner(path string) (ID, bool) {
	for _, sc := range kindTable {
		if !sc.HasCode {
			continue
		}
		n := strings.Count(sc.Dir, "/") + 1
		seg := strings.SplitN(path, "/", n+2)
		if len(seg) != n+2 || seg[n] != "code" || seg[n+1] == "" {
			continue
		}
		if id, ok := sc.matchPattern(sc.Dir, strings.Join(seg[:n], "/")); ok {
			return id, true
		}
	}
	return ID{}, false
}

// FileLayout lists the project files of every kind, as a user reads them
// ("services/<service>/service.yaml", ".../code/..."), for messages.
func FileLayout() []string {
	var out []string
	for _, sc := range kindTable {
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

// Kinds returns every kind in apply order.
func Kinds() []Kind {
	out := make([]Kind, len(kindTable))
	for i, sc := range kindTable {
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
		if !nameRE.MatchString(name) {
			return fmt.Errorf("invalid %s name %q: must match %s", k, name, nameRE)
		}
		return nil
	}
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
func ValidateName(k Kind, name string) error {
	sc := schemas[k]
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
	pat := strings.Split(pattern, "/")
	seg := strings.Split(path, "/")
	if len(pat) != len(seg) {
		return ID{}, false
	}
	id := ID{Kind: sc.Kind}
	for i, p := range pat {
		open := strings.IndexByte(p, '{')
		if open < 0 {
			if p != seg[i] {
				return ID{}, false
			}
			continue
		}
		end := strings.IndexByte(p, '}')
		prefix, suffix := p[:open], p[end+1:]
		if !strings.HasPrefix(seg[i], prefix) || !strings.HasSuffix(seg[i], suffix) || len(seg[i]) < len(prefix)+len(suffix) {
			return ID{}, false
		}
		name := seg[i][len(prefix) : len(seg[i])-len(suffix)]
		for s, ph := range slotPlaceholder {
			if ph == p[open:end+1] {
				id.set(Slot(s), name)
			}
		}
	}
	return id, true
}
