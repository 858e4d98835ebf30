// Package funcraft converts a funcraft project's template.yml (an ROS
// template with Transform Aliyun::Serverless-2018-04-03, the spec of
// alibaba/funcraft docs/specs/2018-04-03.md and its validation schemas)
// into fcsync's state, so that a team still on funcraft can start from
// the template it has.
//
// The template names FC's fields in PascalCase (MemorySize, VpcConfig,
// VSwitchIds); FC's API, and so fcsync's files, use camelCase
// (memorySize, vpcConfig, vSwitchIds). A service resource holds its
// functions as sibling keys of Type and Properties, a function its
// triggers under Events, and a custom domain maps paths to functions. What
// has no FC value of its own is left out and listed: RAM policies and the
// Auto values funcraft creates resources for, tracing (funcraft enables it
// by creating a Jaeger endpoint), async invocation config (not modelled by
// fcsync yet), code in OSS, ROS functions (!Ref, Fn::Sub) and ${...}
// references, event types that are not FC triggers, non-FC resources, and
// every property the spec does not name.
package funcraft

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	fsync "github.com/fcsync/fcsync/sync"
)

// Transform is the template's Transform value funcraft requires.
const Transform = "Aliyun::Serverless-2018-04-03"

// Options say where the template's files are and what the trigger ARNs
// are made of.
type Options struct {
	// Region and AccountID make the sourceArn of event triggers (OSS, Log,
	// ...), as funcraft does from its profile. The template names neither.
	Region, AccountID string
	// Code returns the files of a CodeUri: a folder, a zip or one file,
	// relative to the template.
	Code func(id fc.ID, uri string) (filetree.Tree, error)
	// ReadFile reads a certificate named by path, relative to the template.
	ReadFile func(path string) ([]byte, error)
}

// Result is an imported project.
type Result struct {
	State *fsync.State
	// Notes list what was not converted, one line each, naming the
	// template path of the property.
	Notes []string
}

// IsTemplate reports whether data reads as a funcraft template rather than
// an s.yaml: it has the Transform (or the ROS version) and Resources.
func IsTemplate(data []byte) bool {
	var head struct {
		Version   string         `yaml:"ROSTemplateFormatVersion"`
		Transform any            `yaml:"Transform"`
		Resources map[string]any `yaml:"Resources"`
	}
	if yaml.Unmarshal(data, &head) != nil {
		return false
	}
	return head.Resources != nil && (head.Version != "" || hasTransform(head.Transform))
}

func hasTransform(t any) bool {
	switch x := t.(type) {
	case string:
		return x == Transform
	case []any:
		for _, e := range x {
			if e == Transform {
				return true
			}
		}
	}
	return false
}

// Import reads a template.yml.
func Import(data []byte, opt Options) (*Result, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("template.yml: %w", err)
	}
	doc, _ := toValue(&root).(map[string]any)
	if doc == nil {
		return nil, fmt.Errorf("template.yml: not a mapping")
	}
	if !hasTransform(doc["Transform"]) {
		return nil, fmt.Errorf("template.yml: Transform is not %s (not a funcraft template)", Transform)
	}
	resources, _ := doc["Resources"].(map[string]any)
	im := &importer{opt: opt, res: &Result{State: fsync.NewState()}}
	for _, name := range sortedKeys(resources) {
		r, _ := resources[name].(map[string]any)
		path := "Resources." + name
		switch typ, _ := r["Type"].(string); typ {
		case "Aliyun::Serverless::Service":
			if err := im.service(path, name, r); err != nil {
				return nil, err
			}
		case "Aliyun::Serverless::CustomDomain":
			im.domain(path, name, r)
		default:
			im.note(path, fmt.Sprintf("%s is not an FC resource fcsync keeps; left out", orNone(typ)))
		}
	}
	if len(im.res.State.Resources) == 0 {
		return nil, fmt.Errorf("template.yml: no Aliyun::Serverless::Service to import")
	}
	return im.res, nil
}

type importer struct {
	opt Options
	res *Result
}

func (im *importer) note(path, what string) {
	im.res.Notes = append(im.res.Notes, path+": "+what)
}

// Property tables: the template's name of each FC field the spec gives.
// A property outside them is listed and left out.
var (
	serviceProps = map[string]string{
		"Description": "description", "Role": "role", "InternetAccess": "internetAccess",
		"VpcConfig": "vpcConfig", "LogConfig": "logConfig", "NasConfig": "nasConfig",
	}
	functionProps = map[string]string{
		"Handler": "handler", "Initializer": "initializer", "Runtime": "runtime", "Description": "description",
		"Timeout": "timeout", "InitializationTimeout": "initializationTimeout", "MemorySize": "memorySize",
		"EnvironmentVariables": "environmentVariables", "InstanceType": "instanceType",
		"InstanceConcurrency": "instanceConcurrency", "CAPort": "caPort", "Layers": "layers",
		"InstanceLifecycleConfig": "instanceLifecycleConfig", "CustomContainerConfig": "customContainerConfig",
	}
	// leftOut are properties the spec names that have no FC value fcsync
	// can write, with the reason.
	leftOut = map[string]string{
		"Policies":           "RAM policies are attached by funcraft, not FC; set role to a role that has them",
		"TracingConfig":      "funcraft enables tracing by creating a Jaeger endpoint; set FC's tracingConfig mapping instead",
		"AsyncConfiguration": "async invocation config is not modelled by fcsync yet",
	}
)

func (im *importer) service(path, name string, r map[string]any) error {
	id := fc.ServiceID(name)
	if err := id.Validate(); err != nil {
		return fmt.Errorf("template.yml: %s: %w", path, err)
	}
	props, _ := r["Properties"].(map[string]any)
	spec := im.props(path+".Properties", props, serviceProps)
	for _, k := range []string{"vpcConfig", "logConfig", "nasConfig"} {
		if s, ok := spec[k].(string); ok && strings.EqualFold(s, "auto") {
			im.note(path+".Properties."+pascal(k), "Auto (funcraft creates the resources) has no FC value; left out")
			delete(spec, k)
		}
	}
	im.res.State.Resources[id] = &fc.Resource{ID: id, Spec: spec}
	for _, fn := range sortedKeys(r) {
		if fn == "Type" || fn == "Properties" {
			continue
		}
		child, _ := r[fn].(map[string]any)
		if typ, _ := child["Type"].(string); typ != "Aliyun::Serverless::Function" {
			im.note(path+"."+fn, fmt.Sprintf("%s inside a service is not a function; left out", orNone(typ)))
			continue
		}
		if err := im.function(path+"."+fn, name, fn, child); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) function(path, svc, name string, r map[string]any) error {
	id := fc.FunctionID(svc, name)
	if err := id.Validate(); err != nil {
		return fmt.Errorf("template.yml: %s: %w", path, err)
	}
	props, _ := r["Properties"].(map[string]any)
	spec := im.props(path+".Properties", props, functionProps, "CodeUri")
	im.res.State.Resources[id] = &fc.Resource{ID: id, Spec: spec}
	switch uri, _ := props["CodeUri"].(string); {
	case uri == "":
	case strings.HasPrefix(uri, "oss://"):
		im.note(path+".Properties.CodeUri", "code in OSS: put the code under "+id.CodeDir()+"/ instead; left out")
	default:
		files, err := im.opt.Code(id, uri)
		if err != nil {
			return fmt.Errorf("template.yml: %s.Properties.CodeUri %s: %w", path, uri, err)
		}
		im.res.State.Code[id] = files
	}
	events, _ := r["Events"].(map[string]any)
	for _, t := range sortedKeys(events) {
		ev, _ := events[t].(map[string]any)
		im.trigger(path+".Events."+t, fc.TriggerID(svc, name, t), ev)
	}
	for _, k := range sortedKeys(r) {
		if k != "Type" && k != "Properties" && k != "Events" {
			im.note(path+"."+k, "not a property of a function in the spec; left out")
		}
	}
	return nil
}

// props converts a Properties mapping by table: known names become FC's,
// what the spec names without an FC value and what it does not name at all
// are listed, and so is any value holding a reference fcsync cannot
// resolve. Environment variables are converted one by one.
func (im *importer) props(path string, props map[string]any, table map[string]string, skip ...string) map[string]any {
	spec := map[string]any{}
	for _, k := range sortedKeys(props) {
		v, p := props[k], path+"."+k
		if contains(skip, k) {
			continue
		}
		name, known := table[k]
		switch {
		case !known && leftOut[k] != "":
			im.note(p, leftOut[k]+"; left out")
		case !known:
			im.note(p, "not a property fcsync knows of this resource; left out")
		case name == "environmentVariables":
			spec[name] = im.env(p, v)
		case unresolved(v):
			im.note(p, "holds a reference (${...}, !Ref, Fn::...) funcraft or ROS resolves and fcsync cannot; left out")
		default:
			spec[name] = camelValue(v)
		}
	}
	return spec
}

// env keeps the variables' names, turns values into strings as FC holds
// them, and leaves out those fcsync cannot resolve.
func (im *importer) env(path string, v any) map[string]any {
	vars, _ := v.(map[string]any)
	out := map[string]any{}
	for _, name := range sortedKeys(vars) {
		val := vars[name]
		if unresolved(val) {
			im.note(path+"."+name, fmt.Sprintf("%s cannot be resolved; left out", describe(val)))
			continue
		}
		if val == nil {
			val = ""
		}
		out[name] = fmt.Sprint(val)
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func orNone(typ string) string {
	if typ == "" {
		return "a resource without Type"
	}
	return typ
}
