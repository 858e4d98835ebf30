package cli_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// The model test's view of one side (online, local HEAD, the sync point):
// only what its steps change, so that comparisons never trip over fields
// the model does not track (FC's defaults, fields a locally written
// function.yaml leaves unmanaged). Every tracked field is present in every
// function either side writes, so "absent" never means "unmanaged" here.

const modelSvc = "s"

// fnState is one function with its code and triggers.
type fnState struct {
	// Fields: description, runtime, handler, memorySize, timeout and
	// env.NAME per environment variable, all as strings.
	Fields   map[string]string
	Code     map[string]string // file name under code/ -> content
	Triggers map[string]trigState
}

// trigState: triggerType, cronExpression, enable.
type trigState map[string]string

// world is every function of the service by name.
type world map[string]*fnState

var trackedFields = []string{"description", "runtime", "handler", "memorySize", "timeout"}

func (f *fnState) clone() *fnState {
	if f == nil {
		return nil
	}
	c := &fnState{Fields: maps.Clone(f.Fields), Code: maps.Clone(f.Code), Triggers: map[string]trigState{}}
	for k, t := range f.Triggers {
		c.Triggers[k] = maps.Clone(t)
	}
	return c
}

func (w world) clone() world {
	c := world{}
	for k, f := range w {
		c[k] = f.clone()
	}
	return c
}

func fnEqual(a, b *fnState) bool {
	if a == nil || b == nil {
		return a == b
	}
	if !maps.Equal(a.Fields, b.Fields) || !maps.Equal(a.Code, b.Code) || len(a.Triggers) != len(b.Triggers) {
		return false
	}
	for k, t := range a.Triggers {
		u, ok := b.Triggers[k]
		if !ok || !maps.Equal(t, u) {
			return false
		}
	}
	return true
}

// resources lists the resource keys of a world: "fn" and "fn/trigger".
func (w world) resources() map[string]bool {
	out := map[string]bool{}
	for name, f := range w {
		out[name] = true
		for t := range f.Triggers {
			out[name+"/"+t] = true
		}
	}
	return out
}

// String renders a world compactly for failure messages.
func (w world) String() string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(w)) {
		f := w[name]
		fmt.Fprintf(&b, "  %s: %v code=%q\n", name, f.Fields, f.Code)
		for _, t := range slices.Sorted(maps.Keys(f.Triggers)) {
			fmt.Fprintf(&b, "    trigger %s: %v\n", t, f.Triggers[t])
		}
	}
	if b.Len() == 0 {
		return "  (nothing)\n"
	}
	return b.String()
}

// diffWorlds says where two worlds differ, for failure messages.
func diffWorlds(got, want world) string {
	var out []string
	names := maps.Clone(got.resources())
	maps.Copy(names, want.resources())
	for _, k := range slices.Sorted(maps.Keys(names)) {
		fn, trig, isTrig := strings.Cut(k, "/")
		g, w := got[fn], want[fn]
		if isTrig {
			var gt, wt trigState
			if g != nil {
				gt = g.Triggers[trig]
			}
			if w != nil {
				wt = w.Triggers[trig]
			}
			if !maps.Equal(gt, wt) || (gt == nil) != (wt == nil) {
				out = append(out, fmt.Sprintf("trigger %s: got %v, want %v", k, gt, wt))
			}
			continue
		}
		switch {
		case g == nil && w == nil:
		case g == nil:
			out = append(out, fmt.Sprintf("function %s: missing, want %v", k, w.Fields))
		case w == nil:
			out = append(out, fmt.Sprintf("function %s: present (%v), want absent", k, g.Fields))
		default:
			keys := maps.Clone(g.Fields)
			maps.Copy(keys, w.Fields)
			for _, f := range slices.Sorted(maps.Keys(keys)) {
				gv, gok := g.Fields[f]
				wv, wok := w.Fields[f]
				if gv != wv || gok != wok {
					out = append(out, fmt.Sprintf("function %s: %s = %s, want %s", k, f, show(gv, gok), show(wv, wok)))
				}
			}
			files := maps.Clone(g.Code)
			maps.Copy(files, w.Code)
			for _, f := range slices.Sorted(maps.Keys(files)) {
				gv, gok := g.Code[f]
				wv, wok := w.Code[f]
				if gv != wv || gok != wok {
					out = append(out, fmt.Sprintf("function %s: code/%s =\n%s  want\n%s", k, f, indent(show(gv, gok)), indent(show(wv, wok))))
				}
			}
		}
	}
	return strings.Join(out, "\n")
}

func show(v string, ok bool) string {
	if !ok {
		return "(absent)"
	}
	return fmt.Sprintf("%q", v)
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") + "\n" }

// scalar writes a YAML or JSON scalar the way the model compares it.
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return fmt.Sprintf("%g", x)
	default:
		return fmt.Sprint(x)
	}
}

// readOnline reads the project's functions, code and triggers through the
// SDK, as the web console would show them.
func (m *modelRun) readOnline() (world, error) {
	c := m.console
	fns, err := c.functions()
	if err != nil {
		return nil, err
	}
	w := world{}
	for _, f := range fns {
		name := scalar(f["functionName"])
		st := &fnState{Fields: map[string]string{}, Code: map[string]string{}, Triggers: map[string]trigState{}}
		for _, k := range trackedFields {
			st.Fields[k] = scalar(f[k])
		}
		if env, ok := f["environmentVariables"].(map[string]any); ok {
			for k, v := range env {
				st.Fields["env."+k] = scalar(v)
			}
		}
		code, err := c.codeFiles(name)
		if err != nil {
			return nil, fmt.Errorf("code of %s: %w", name, err)
		}
		for k, v := range code {
			st.Code[k] = string(v)
		}
		trigs, err := c.triggers(name)
		if err != nil {
			return nil, err
		}
		for _, t := range trigs {
			var cfg map[string]any
			if err := json.Unmarshal([]byte(scalar(t["triggerConfig"])), &cfg); err != nil {
				return nil, fmt.Errorf("trigger config of %s: %w", name, err)
			}
			st.Triggers[scalar(t["triggerName"])] = trigState{
				"triggerType": scalar(t["triggerType"]), "cronExpression": scalar(cfg["cronExpression"]), "enable": scalar(cfg["enable"]),
			}
		}
		w[name] = st
	}
	return w, nil
}

// readLocal reads the project's functions from the work tree (the model
// test keeps it equal to HEAD outside a merge).
func (m *modelRun) readLocal() (world, error) {
	root := filepath.Join(m.proj, filepath.FromSlash(m.api.fnRoot))
	entries, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return world{}, nil
	}
	if err != nil {
		return nil, err
	}
	w := world{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		var spec map[string]any
		if err := readYAML(filepath.Join(dir, "function.yaml"), &spec); err != nil {
			return nil, err
		}
		st := &fnState{Fields: map[string]string{}, Code: map[string]string{}, Triggers: map[string]trigState{}}
		for _, k := range trackedFields {
			if v, ok := spec[k]; ok {
				st.Fields[k] = scalar(v)
			}
		}
		if env, ok := spec["environmentVariables"].(map[string]any); ok {
			for k, v := range env {
				st.Fields["env."+k] = scalar(v)
			}
		}
		codeDir := filepath.Join(dir, "code")
		err := filepath.WalkDir(codeDir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(codeDir, p)
			st.Code[filepath.ToSlash(rel)] = string(b)
			return err
		})
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		trigs, _ := filepath.Glob(filepath.Join(dir, "triggers", "*.yaml"))
		sort.Strings(trigs)
		for _, p := range trigs {
			var t map[string]any
			if err := readYAML(p, &t); err != nil {
				return nil, err
			}
			cfg, _ := t["triggerConfig"].(map[string]any)
			st.Triggers[strings.TrimSuffix(filepath.Base(p), ".yaml")] = trigState{
				"triggerType": scalar(t["triggerType"]), "cronExpression": scalar(cfg["cronExpression"]), "enable": scalar(cfg["enable"]),
			}
		}
		w[e.Name()] = st
	}
	return w, nil
}

func readYAML(p string, into any) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}
