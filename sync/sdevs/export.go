package sdevs

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
	fsync "github.com/fcsync/fcsync/sync"
)

// Export writes a project as an s.yaml: one devsapp/fc entry per function
// (Serverless Devs deploys one function per entry), named
// <service>-<function>, each with its service's props, its triggers, and
// the custom domains whose first route reaches it; a service without
// functions gets an entry of its own. codeURI names each function's code
// folder relative to the s.yaml.
func Export(s *fsync.State, region, name string, codeURI func(fc.ID) string) ([]byte, error) {
	services := map[string]any{}
	domainsOf := map[fc.ID][]any{}
	var orphanDomains []any
	for _, id := range s.IDs() {
		if id.Kind != fc.KindDomain {
			continue
		}
		d := exportDomain(s.Resources[id])
		if fn, ok := firstRoute(s.Resources[id]); ok && s.Resources[fn] != nil {
			domainsOf[fn] = append(domainsOf[fn], d)
		} else {
			orphanDomains = append(orphanDomains, d)
		}
	}
	hasFunction := map[string]bool{}
	for _, id := range s.IDs() {
		if id.Kind == fc.KindFunction {
			hasFunction[id.Service] = true
		}
	}
	for _, id := range s.IDs() {
		var props map[string]any
		var key string
		switch {
		case id.Kind == fc.KindService && !hasFunction[id.Service]:
			key = entryName(id.Service)
			props = map[string]any{"region": region, "service": exportService(s.Resources[id])}
		case id.Kind == fc.KindFunction:
			key = entryName(id.Service + "-" + id.Function)
			props = map[string]any{"region": region, "service": exportService(s.Resources[fc.ServiceID(id.Service)])}
			fn := map[string]any{"name": id.Function}
			for k, v := range s.Resources[id].Spec {
				fn[k] = v
			}
			if env, ok := fn["environmentVariables"].(map[string]any); ok {
				fn["environmentVariables"] = exportEnv(env)
			}
			if _, ok := s.Code[id]; ok {
				fn["codeUri"] = codeURI(id)
			}
			props["function"] = fn
			var triggers []any
			for _, t := range s.IDs() {
				if t.Kind == fc.KindTrigger && t.Service == id.Service && t.Function == id.Function {
					triggers = append(triggers, exportTrigger(s.Resources[t]))
				}
			}
			if len(triggers) > 0 {
				props["triggers"] = triggers
			}
			if ds := domainsOf[id]; len(ds) > 0 {
				props["customDomains"] = ds
			}
		default:
			continue
		}
		services[key] = map[string]any{"component": "devsapp/fc", "props": props}
	}
	if len(orphanDomains) > 0 {
		return nil, fmt.Errorf("custom domains %v route to no function of the project; Serverless Devs keeps domains inside a function's entry", orphanDomains)
	}
	out := map[string]any{"edition": "1.0.0", "name": name, "access": "default", "services": services}
	var buf bytes.Buffer
	buf.WriteString("# Written by fcsync export from an fcsync project; fcsync import reads it back.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func exportService(r *fc.Resource) map[string]any {
	out := map[string]any{"name": r.ID.Service}
	for k, v := range r.Spec {
		out[k] = v
	}
	if vpc, ok := out["vpcConfig"].(map[string]any); ok {
		c := copyMap(vpc)
		renameKey(c, "vSwitchIds", "vswitchIds")
		out["vpcConfig"] = c
	}
	if nas, ok := out["nasConfig"].(map[string]any); ok {
		c := copyMap(nas)
		c["mountPoints"] = nasFromFC(c["mountPoints"])
		out["nasConfig"] = c
	}
	return out
}

func exportTrigger(r *fc.Resource) map[string]any {
	out := map[string]any{"name": r.ID.Name}
	for k, v := range r.Spec {
		out[k] = v
	}
	renameKey(out, "triggerType", "type")
	renameKey(out, "triggerConfig", "config")
	renameKey(out, "invocationRole", "role")
	return out
}

func exportDomain(r *fc.Resource) map[string]any {
	out := map[string]any{"domainName": r.ID.Name}
	for k, v := range r.Spec {
		out[k] = v
	}
	if rc, ok := out["routeConfig"].(map[string]any); ok {
		delete(out, "routeConfig")
		out["routeConfigs"] = rc["routes"]
	}
	return out
}

// firstRoute is the function a domain's first route reaches.
func firstRoute(r *fc.Resource) (fc.ID, bool) {
	rc, _ := r.Spec["routeConfig"].(map[string]any)
	routes, _ := rc["routes"].([]any)
	if len(routes) == 0 {
		return fc.ID{}, false
	}
	m, _ := routes[0].(map[string]any)
	svc, _ := m["serviceName"].(string)
	fn, _ := m["functionName"].(string)
	return fc.FunctionID(svc, fn), svc != "" && fn != ""
}

// exportEnv writes fcsync's ${env:X} references as Serverless Devs'
// ${env(X)}.
func exportEnv(env map[string]any) map[string]any {
	out := make(map[string]any, len(env))
	for k, v := range env {
		if s, ok := v.(string); ok {
			if name, ref := fsync.IsSecretRef(s); ref {
				v = "${env(" + name + ")}"
			}
		}
		out[k] = v
	}
	return out
}

var entryRE = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func entryName(s string) string { return strings.Trim(entryRE.ReplaceAllString(s, "-"), "-") }

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
