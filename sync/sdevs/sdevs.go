// Package sdevs converts between Serverless Devs FC 2.0 projects (s.yaml,
// component devsapp/fc) and fcsync's state, so that a team can start from
// the s.yaml it has and leave with one. The schema is devsapp/fc's, as
// shared/reference/serverless-devs-fc.md section 3 records it.
//
// Field names mostly agree already (both are FC's camelCase); the
// differences are the resource names (name, type, config), a trigger's
// role (invocationRole in FC), vswitchIds (vSwitchIds in FC), NAS mount
// points (serverAddr, nasDir, fcDir; FC joins the first two), and
// environment references (${env(X)} in s.yaml, ${env:X} in fcsync). What
// has no FC value of its own (the "auto" values that Serverless Devs
// resolves by creating resources, OSS code locations, async invocation
// config, which fcsync does not model yet) is left out and listed.
//
// Serverless Devs 3.x projects of the fc3 component (FC 3.0) are read by
// Import3 (fc3.go) into an FC 3.0 state, with the same helpers.
package sdevs

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	fsync "github.com/fcsync/fcsync/sync"
)

// CodeReader returns the files of a codeUri: a folder, or a zip file,
// relative to the s.yaml.
type CodeReader func(id fc.ID, uri string) (filetree.Tree, error)

// Result is an imported project.
type Result struct {
	Region string
	State  *fsync.State
	// Notes list what was not converted, one line each, naming the entry
	// and the field.
	Notes []string
}

type doc struct {
	Edition  string         `yaml:"edition"`
	Vars     map[string]any `yaml:"vars"`
	Services map[string]struct {
		Component string         `yaml:"component"`
		Props     map[string]any `yaml:"props"`
	} `yaml:"services"`
}

// Import reads an s.yaml.
func Import(data []byte, code CodeReader) (*Result, error) {
	var d doc
	if err := yaml.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("s.yaml: %w", err)
	}
	res := &Result{State: fsync.NewState()}
	keys := make([]string, 0, len(d.Services))
	for k := range d.Services {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		entry := d.Services[key]
		if c := strings.SplitN(entry.Component, "@", 2)[0]; c != "devsapp/fc" && c != "fc" {
			res.note("services."+key, "component", fmt.Sprintf("%q is not devsapp/fc (FC 2.0); left out", entry.Component))
			continue
		}
		im := &importer{res: res, key: "services." + key, vars: d.Vars}
		props, _ := im.resolve("props", entry.Props).(map[string]any)
		if err := im.entry(props, code); err != nil {
			return nil, fmt.Errorf("s.yaml: %s: %w", im.key, err)
		}
	}
	if len(res.State.Resources) == 0 {
		return nil, fmt.Errorf("s.yaml: no devsapp/fc service to import")
	}
	return res, nil
}

// note lists what was not converted: key is the entry's path in the
// s.yaml ("services.x", "resources.x").
func (r *Result) note(key, field, what string) {
	r.Notes = append(r.Notes, fmt.Sprintf("%s.%s: %s", key, field, what))
}

type importer struct {
	res  *Result
	key  string // the entry's path in the s.yaml: services.<key> or resources.<key>
	vars map[string]any
}

var (
	varsRE = regexp.MustCompile(`\$\{vars\.([A-Za-z0-9_.-]+)\}`)
	// envRE is ${env(X)}, or ${env('X')} as Serverless Devs 3.x writes it.
	envRE = regexp.MustCompile(`\$\{env\(\s*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|([A-Za-z_][A-Za-z0-9_]*))\s*\)\}`)
	// anyRef is any other ${...} of Serverless Devs (outputs of other
	// services, the access alias): nothing fcsync can resolve.
	anyRef = regexp.MustCompile(`\$\{[^}]*\}`)
)

// resolve replaces ${vars.x} with the vars' values, everywhere; a string
// that is one whole reference takes the value's type.
func (im *importer) resolve(path string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = im.resolve(path+"."+k, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = im.resolve(fmt.Sprintf("%s[%d]", path, i), e)
		}
		return out
	case string:
		if m := varsRE.FindStringSubmatch(x); m != nil && m[0] == x {
			if val, ok := lookupVar(im.vars, m[1]); ok {
				return val
			}
		}
		return varsRE.ReplaceAllStringFunc(x, func(ref string) string {
			name := varsRE.FindStringSubmatch(ref)[1]
			if val, ok := lookupVar(im.vars, name); ok {
				return fmt.Sprint(val)
			}
			return ref
		})
	}
	return v
}

func lookupVar(vars map[string]any, dotted string) (any, bool) {
	var cur any = vars
	for _, k := range strings.Split(dotted, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// entry imports the props of one services entry.
func (im *importer) entry(props map[string]any, code CodeReader) error {
	if ok, err := im.region(props); !ok {
		return err
	}
	svcProps, _ := props["service"].(map[string]any)
	svcName, _ := svcProps["name"].(string)
	if svcName == "" {
		return fmt.Errorf("props.service.name is missing")
	}
	svc := fc.ServiceID(svcName)
	spec := im.fields("props.service", svcProps, "name")
	if vpc, ok := spec["vpcConfig"].(map[string]any); ok {
		renameKey(vpc, "vswitchIds", "vSwitchIds")
	}
	if nas, ok := spec["nasConfig"].(map[string]any); ok {
		nas["mountPoints"] = nasToFC(nas["mountPoints"])
	}
	if t, ok := spec["tracingConfig"]; ok {
		if _, isMap := t.(map[string]any); !isMap {
			im.res.note(im.key, "props.service.tracingConfig", fmt.Sprintf("%v: set FC's tracingConfig mapping instead; left out", t))
			delete(spec, "tracingConfig")
		}
	}
	if prev := im.res.State.Resources[svc]; prev != nil {
		for k, v := range spec {
			if pv, ok := prev.Spec[k]; ok && fmt.Sprint(pv) != fmt.Sprint(v) {
				im.res.note(im.key, "props.service."+k, "differs from an earlier entry of service "+svcName+"; the earlier value is kept")
				continue
			}
			prev.Spec[k] = v
		}
	} else {
		im.res.State.Resources[svc] = &fc.Resource{ID: svc, Spec: spec}
	}

	fnProps, _ := props["function"].(map[string]any)
	fnName, _ := fnProps["name"].(string)
	if fnProps != nil {
		if fnName == "" {
			return fmt.Errorf("props.function.name is missing")
		}
		fn := fc.FunctionID(svcName, fnName)
		spec := im.fields("props.function", fnProps, "name", "codeUri", "ossBucket", "ossKey", "asyncConfiguration")
		if _, ok := fnProps["asyncConfiguration"]; ok {
			im.res.note(im.key, "props.function.asyncConfiguration", "async invocation config is not modelled by fcsync yet; left out")
		}
		if _, ok := fnProps["ossBucket"]; ok {
			im.res.note(im.key, "props.function.ossBucket", "code in OSS: put the code under "+fn.CodeDir()+"/ instead; left out")
		}
		im.res.State.Resources[fn] = &fc.Resource{ID: fn, Spec: spec}
		if uri, ok := fnProps["codeUri"].(string); ok && uri != "" {
			files, err := code(fn, uri)
			if err != nil {
				return fmt.Errorf("props.function.codeUri %s: %w", uri, err)
			}
			im.res.State.Code[fn] = files
		}
	}
	triggers, _ := props["triggers"].([]any)
	for i, t := range triggers {
		tm, _ := t.(map[string]any)
		name, _ := tm["name"].(string)
		path := fmt.Sprintf("props.triggers[%d]", i)
		if fnName == "" || name == "" {
			im.res.note(im.key, path, "a trigger needs a name and the entry's function; left out")
			continue
		}
		id := fc.TriggerID(svcName, fnName, name)
		spec := im.fields(path, tm, "name")
		renameKey(spec, "type", "triggerType")
		renameKey(spec, "config", "triggerConfig")
		renameKey(spec, "role", "invocationRole")
		im.res.State.Resources[id] = &fc.Resource{ID: id, Spec: spec}
	}
	domains, _ := props["customDomains"].([]any)
	for i, d := range domains {
		dm, _ := d.(map[string]any)
		name, _ := dm["domainName"].(string)
		path := fmt.Sprintf("props.customDomains[%d]", i)
		if name == "" || name == "auto" {
			im.res.note(im.key, path+".domainName", "auto (a test domain Serverless Devs creates) has no FC name; left out")
			continue
		}
		spec := im.fields(path, dm, "domainName")
		if rc, ok := spec["routeConfigs"].([]any); ok {
			for _, r := range rc {
				if rm, ok := r.(map[string]any); ok {
					setDefault(rm, "serviceName", svcName)
					if fnName != "" {
						setDefault(rm, "functionName", fnName)
					}
				}
			}
			delete(spec, "routeConfigs")
			spec["routeConfig"] = map[string]any{"routes": rc}
		}
		id := fc.DomainID(name)
		im.res.State.Resources[id] = &fc.Resource{ID: id, Spec: spec}
	}
	return nil
}

// region checks an entry's region: the first entry's is the project's,
// and an entry of another is left out (ok false, err nil).
func (im *importer) region(props map[string]any) (ok bool, err error) {
	region, _ := props["region"].(string)
	switch {
	case region == "":
		return false, fmt.Errorf("props.region is missing")
	case im.res.Region == "":
		im.res.Region = region
	case im.res.Region != region:
		im.res.note(im.key, "props.region", fmt.Sprintf("%s, not %s like the entries before it: an fcsync project is one region; left out", region, im.res.Region))
		return false, nil
	}
	return true, nil
}

// fields copies a props mapping into an FC spec: skip names the caller
// handles, drops "auto" values and references that cannot be resolved,
// and turns ${env(X)} in environment variables into fcsync's ${env:X}.
func (im *importer) fields(path string, m map[string]any, skip ...string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if contains(skip, k) {
			continue
		}
		if s, ok := v.(string); ok && s == "auto" {
			im.res.note(im.key, path+"."+k, "auto (Serverless Devs creates it) has no FC value; left out")
			continue
		}
		if k == "environmentVariables" {
			if vars, ok := v.(map[string]any); ok {
				env := map[string]any{}
				for name, val := range vars {
					s, isString := val.(string)
					if !isString {
						env[name] = fmt.Sprint(val)
						continue
					}
					if m := envRE.FindStringSubmatch(s); m != nil && m[0] == s {
						// The same meaning: push reads the value from its
						// environment (for a secret; fcsync validate says
						// when the name is none).
						env[name] = fsync.SecretRef(m[1] + m[2] + m[3])
						continue
					}
					if anyRef.MatchString(s) {
						im.res.note(im.key, path+".environmentVariables."+name, fmt.Sprintf("%s cannot be resolved; left out", s))
						continue
					}
					env[name] = s
				}
				out[k] = env
				continue
			}
		}
		if unresolved(v) {
			im.res.note(im.key, path+"."+k, "holds a ${...} Serverless Devs resolves and fcsync cannot; left out")
			continue
		}
		out[k] = v
	}
	return out
}

func unresolved(v any) bool {
	switch x := v.(type) {
	case string:
		return anyRef.MatchString(x)
	case map[string]any:
		for _, e := range x {
			if unresolved(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if unresolved(e) {
				return true
			}
		}
	}
	return false
}

// nasToFC turns s.yaml mount points {serverAddr, nasDir, fcDir} into FC's
// {serverAddr: "addr:/nasDir", mountDir}.
func nasToFC(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, 0, len(list))
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			out = append(out, e)
			continue
		}
		addr, _ := m["serverAddr"].(string)
		dir, _ := m["nasDir"].(string)
		mp := map[string]any{"serverAddr": addr + ":" + dir, "mountDir": m["fcDir"]}
		if m["enableTLS"] != nil {
			mp["enableTLS"] = m["enableTLS"]
		}
		out = append(out, mp)
	}
	return out
}

// nasFromFC is nasToFC's inverse.
func nasFromFC(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, 0, len(list))
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			out = append(out, e)
			continue
		}
		addr, _ := m["serverAddr"].(string)
		host, dir, _ := strings.Cut(addr, ":")
		mp := map[string]any{"serverAddr": host, "nasDir": dir, "fcDir": m["mountDir"]}
		if m["enableTLS"] != nil {
			mp["enableTLS"] = m["enableTLS"]
		}
		out = append(out, mp)
	}
	return out
}

func renameKey(m map[string]any, from, to string) {
	if v, ok := m[from]; ok {
		delete(m, from)
		m[to] = v
	}
}

func setDefault(m map[string]any, k string, v any) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
