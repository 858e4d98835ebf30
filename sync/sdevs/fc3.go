package sdevs

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
	fsync "github.com/fcsync/fcsync/sync"
)

// Serverless Devs 3.x projects of the fc3 component (FC 3.0, API
// 2023-03-30; shared/reference/fc3-api.md section 4): resources: entries,
// each ONE function with its satellites (triggers, async invocation,
// concurrency, provisioning, a custom-domain route). They become an FC 3.0
// state, with the same helpers as FC 2.0's entries (vars, env references,
// auto values).

type doc3 struct {
	Edition   string         `yaml:"edition"`
	Vars      map[string]any `yaml:"vars"`
	Resources map[string]struct {
		Component string         `yaml:"component"`
		Props     map[string]any `yaml:"props"`
	} `yaml:"resources"`
}

// IsFC3 reports whether an s.yaml is a Serverless Devs 3.x project (edition
// 3.x) or names the fc3 component.
func IsFC3(data []byte) bool {
	var d doc3
	if yaml.Unmarshal(data, &d) != nil {
		return false
	}
	if strings.HasPrefix(d.Edition, "3.") {
		return true
	}
	for _, r := range d.Resources {
		if component(r.Component) == "fc3" {
			return true
		}
	}
	return false
}

func component(c string) string { return strings.SplitN(c, "@", 2)[0] }

// props3Unconverted are the fc3 props fcsync has no file for.
var props3Unconverted = map[string]string{
	"scalingConfig": "scaling config is not modelled by fcsync yet",
	"vpcBinding":    "VPC bindings are not modelled by fcsync yet",
	"tags":          "fcsync does not manage FC 3.0 tags yet",
	"endpoint":      "a Serverless Devs setting; fcsync's is --endpoint",
	"annotations":   "a Serverless Devs setting (extra HTTP headers)",
	"supplement":    "a Serverless Devs setting",
	"buildDir":      "a Serverless Devs build setting",
}

// Import3 reads a Serverless Devs fc3 s.yaml into an FC 3.0 state.
func Import3(data []byte, code CodeReader) (*Result, error) {
	var d doc3
	if err := yaml.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("s.yaml: %w", err)
	}
	res := &Result{State: fsync.NewState()}
	res.State.API = fc.FC3
	keys := make([]string, 0, len(d.Resources))
	for k := range d.Resources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		entry := d.Resources[key]
		im := &importer{res: res, key: "resources." + key, vars: d.Vars}
		props, _ := im.resolve("props", entry.Props).(map[string]any)
		var err error
		switch c := component(entry.Component); c {
		case "fc3":
			err = im.function3(props, code)
		case "fc3-domain":
			err = im.domain3(props)
		default:
			res.note(im.key, "component", fmt.Sprintf("%q is not fc3 (FC 3.0); left out", entry.Component))
		}
		if err != nil {
			return nil, fmt.Errorf("s.yaml: %s: %w", im.key, err)
		}
	}
	if len(res.State.Resources) == 0 {
		return nil, fmt.Errorf("s.yaml: no fc3 resource to import")
	}
	sort.Strings(res.Notes)
	return res, nil
}

// function3 imports one fc3 entry: a function and its satellites.
func (im *importer) function3(props map[string]any, code CodeReader) error {
	if ok, err := im.region(props); !ok {
		return err
	}
	name, _ := props["functionName"].(string)
	if name == "" {
		return fmt.Errorf("props.functionName is missing")
	}
	fn := fc.ID{API: fc.FC3, Kind: fc.KindFunction, Function: name}
	satellites := []string{"region", "functionName", "code", "triggers", "asyncInvokeConfig", "concurrencyConfig", "provisionConfig", "customDomain"}
	for k := range props3Unconverted {
		satellites = append(satellites, k)
	}
	spec := im.fields("props", props, satellites...)
	for _, k := range specKeys(props3Unconverted) {
		if _, ok := props[k]; ok {
			im.res.note(im.key, "props."+k, props3Unconverted[k]+"; left out")
		}
	}
	if v, ok := spec["sessionAffinityConfig"].(map[string]any); ok {
		// A JSON string in the API, an object in s.yaml.
		b, _ := json.Marshal(v)
		spec["sessionAffinityConfig"] = string(b)
	}
	im.res.State.Resources[fn] = &fc.Resource{ID: fn, Spec: spec}
	switch c := props["code"].(type) {
	case nil:
	case string:
		files, err := code(fn, c)
		if err != nil {
			return fmt.Errorf("props.code %s: %w", c, err)
		}
		im.res.State.Code[fn] = files
	default:
		im.res.note(im.key, "props.code", "code in OSS: put the code under "+fn.CodeDir()+"/ instead; left out")
	}
	triggers, _ := props["triggers"].([]any)
	for i, t := range triggers {
		tm, _ := t.(map[string]any)
		tname, _ := tm["triggerName"].(string)
		path := fmt.Sprintf("props.triggers[%d]", i)
		if tname == "" {
			im.res.note(im.key, path, "a trigger needs a triggerName; left out")
			continue
		}
		id := fc.ID{API: fc.FC3, Kind: fc.KindTrigger, Function: name, Name: tname}
		im.res.State.Resources[id] = &fc.Resource{ID: id, Spec: im.fields(path, tm, "triggerName")}
	}
	for prop, kind := range map[string]fc.Kind{"asyncInvokeConfig": fc.KindAsyncInvoke, "provisionConfig": fc.KindProvision} {
		m, ok := props[prop].(map[string]any)
		if !ok {
			continue
		}
		q, _ := m["qualifier"].(string)
		if q == "" {
			q = "LATEST"
		}
		id := fc.ID{API: fc.FC3, Kind: kind, Function: name}
		im.res.State.Resources[id] = &fc.Resource{ID: id, Spec: map[string]any{q: im.fields("props."+prop, m, "qualifier")}}
	}
	if m, ok := props["concurrencyConfig"].(map[string]any); ok {
		id := fc.ID{API: fc.FC3, Kind: fc.KindConcurrency, Function: name}
		im.res.State.Resources[id] = &fc.Resource{ID: id, Spec: im.fields("props.concurrencyConfig", m)}
	}
	if m, ok := props["customDomain"].(map[string]any); ok {
		route, _ := m["route"].(map[string]any)
		if route == nil {
			im.res.note(im.key, "props.customDomain.route", "missing: a domain of this function routes to it; left out")
			return nil
		}
		route = im.fields("props.customDomain.route", route)
		route["functionName"] = name
		im.addDomain("props.customDomain", m, []any{route}, "route")
	}
	return nil
}

// domain3 imports an fc3-domain entry, whose routes name their functions.
func (im *importer) domain3(props map[string]any) error {
	if ok, err := im.region(props); !ok {
		return err
	}
	rc, _ := props["routeConfig"].(map[string]any)
	routes, _ := rc["routes"].([]any)
	im.addDomain("props", props, routes, "region", "routeConfig")
	return nil
}

// addDomain adds routes to the custom domain that m describes, made or
// extended: several functions route through one domain.
func (im *importer) addDomain(path string, m map[string]any, routes []any, skip ...string) {
	name, _ := m["domainName"].(string)
	if name == "" || name == "auto" {
		im.res.note(im.key, path+".domainName", "auto (a test domain Serverless Devs creates) has no FC name; left out")
		return
	}
	spec := im.fields(path, m, append(skip, "domainName")...)
	id := fc.ID{API: fc.FC3, Kind: fc.KindDomain, Name: name}
	prev := im.res.State.Resources[id]
	if prev == nil {
		spec["routeConfig"] = map[string]any{"routes": routes}
		im.res.State.Resources[id] = &fc.Resource{ID: id, Spec: spec}
		return
	}
	for k, v := range spec {
		if pv, ok := prev.Spec[k]; ok && fmt.Sprint(pv) != fmt.Sprint(v) {
			im.res.note(im.key, path+"."+k, "differs from an earlier entry of domain "+name+"; the earlier value is kept")
			continue
		}
		prev.Spec[k] = v
	}
	rc, _ := prev.Spec["routeConfig"].(map[string]any)
	old, _ := rc["routes"].([]any)
	prev.Spec["routeConfig"] = map[string]any{"routes": append(old, routes...)}
}

func specKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
