package cli_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/internal/fcconsole"
)

// --- console steps: the official SDK through fcconsole, as a colleague's
// hot-fix in the web console arrives.

func (m *modelRun) consoleStep(s step, online world) (bool, error) {
	c := m.console
	f := online[s.Fn]
	switch s.Op {
	case "c-create":
		if f != nil {
			return false, nil
		}
		body := map[string]any{
			"runtime": "python3.10", "handler": "index.handler", "description": "alpha",
			"memorySize": atoiMust(s.Key), "timeout": 10, "environmentVariables": map[string]string{"A": "red"},
		}
		if cpu := m.api.cpu(s.Key); cpu != "" {
			body["cpu"] = json.Number(cpu)
		}
		zip, err := zipOf(map[string]string{"index.py": codeTemplate(s.Fn, s.Val)})
		if err != nil {
			return true, err
		}
		return true, c.createFunction(s.Fn, body, zip)
	}
	if f == nil {
		return false, nil
	}
	switch s.Op {
	case "c-field":
		body := map[string]any{}
		if env, ok := strings.CutPrefix(s.Key, "env."); ok {
			vars := map[string]string{}
			for k, v := range f.Fields {
				if name, ok := strings.CutPrefix(k, "env."); ok {
					vars[name] = v
				}
			}
			vars[env] = s.Val
			if s.Val == unset {
				delete(vars, env)
			}
			body["environmentVariables"] = vars
		} else if s.Key == "description" {
			body[s.Key] = s.Val
		} else {
			body[s.Key] = atoiMust(s.Val)
		}
		if cpu := m.api.cpu(s.Val); s.Key == "memorySize" && cpu != "" {
			body["cpu"] = json.Number(cpu)
		}
		return true, c.updateFunction(s.Fn, body)
	case "c-code":
		code := maps.Clone(f.Code)
		code["index.py"] = setLine(code["index.py"], s.Line, s.Val)
		zip, err := zipOf(code)
		if err != nil {
			return true, err
		}
		return true, c.updateCode(s.Fn, zip)
	case "c-delete":
		for _, t := range slices.Sorted(maps.Keys(f.Triggers)) {
			if err := c.deleteTrigger(s.Fn, t); err != nil {
				return true, err
			}
		}
		return true, c.deleteFunction(s.Fn)
	case "c-add-trigger":
		if _, ok := f.Triggers[s.Key]; ok {
			return false, nil
		}
		return true, c.createTrigger(s.Fn, s.Key, "timer", cronJSON(s.Val))
	case "c-update-trigger":
		if _, ok := f.Triggers[s.Key]; !ok {
			return false, nil
		}
		return true, c.updateTrigger(s.Fn, s.Key, cronJSON(s.Val))
	case "c-delete-trigger":
		if _, ok := f.Triggers[s.Key]; !ok {
			return false, nil
		}
		return true, c.deleteTrigger(s.Fn, s.Key)
	}
	return false, fmt.Errorf("unknown step %q", s.Op)
}

func cronJSON(cron string) string {
	b, _ := json.Marshal(map[string]any{"cronExpression": cron, "enable": true})
	return string(b)
}

func atoiMust(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

func zipOf(files map[string]string) ([]byte, error) {
	var entries []fcconsole.ZipEntry
	for _, name := range slices.Sorted(maps.Keys(files)) {
		entries = append(entries, fcconsole.ZipEntry{Name: name, Data: []byte(files[name])})
	}
	return fcconsole.BuildZip(entries)
}

// --- local steps: files edited as a user would, committed with git.

func (m *modelRun) localStep(s step, local world) (bool, error) {
	fnDir := m.api.fnDir(s.Fn)
	abs := filepath.Join(m.proj, fnDir)
	f := local[s.Fn]
	switch s.Op {
	case "l-create":
		if f != nil {
			return false, nil
		}
		yml := fmt.Sprintf("description: alpha\nruntime: python3.10\nhandler: index.handler\nmemorySize: %s\ntimeout: 10\nenvironmentVariables:\n  A: red\n", s.Key)
		if cpu := m.api.cpu(s.Key); cpu != "" {
			yml += "cpu: " + cpu + "\n"
		}
		if err := writeFile(filepath.Join(abs, "function.yaml"), yml); err != nil {
			return true, err
		}
		if err := writeFile(filepath.Join(abs, "code", "index.py"), codeTemplate(s.Fn, "local")); err != nil {
			return true, err
		}
	case "l-field":
		if f == nil {
			return false, nil
		}
		if err := editYAML(filepath.Join(abs, "function.yaml"), s.Key, s.Val); err != nil {
			return true, err
		}
		if cpu := m.api.cpu(s.Val); s.Key == "memorySize" && cpu != "" {
			if err := editYAMLPath(filepath.Join(abs, "function.yaml"), []string{"cpu"}, cpu, "!!float"); err != nil {
				return true, err
			}
		}
	case "l-code":
		if f == nil || f.Code["index.py"] == "" {
			return false, nil
		}
		if err := writeFile(filepath.Join(abs, "code", "index.py"), setLine(f.Code["index.py"], s.Line, s.Val)); err != nil {
			return true, err
		}
	case "l-delete":
		if f == nil {
			return false, nil
		}
		if _, err := m.git("rm", "-r", "-q", "--", fnDir); err != nil {
			return true, err
		}
	case "l-trigger":
		trig, field, _ := strings.Cut(s.Key, ".")
		if f == nil || f.Triggers[trig] == nil {
			return false, nil
		}
		tag := "!!str"
		if field == "enable" {
			tag = "!!bool"
		}
		if err := editYAMLPath(filepath.Join(abs, "triggers", trig+".yaml"), []string{"triggerConfig", field}, s.Val, tag); err != nil {
			return true, err
		}
	case "l-delete-trigger":
		if f == nil || f.Triggers[s.Key] == nil {
			return false, nil
		}
		if _, err := m.git("rm", "-q", "--", filepath.Join(fnDir, "triggers", s.Key+".yaml")); err != nil {
			return true, err
		}
	default:
		return false, fmt.Errorf("unknown step %q", s.Op)
	}
	if _, err := m.git("add", "-A"); err != nil {
		return true, err
	}
	if out, _ := m.git("status", "--porcelain"); out == "" {
		return false, nil // the edit wrote what was there already
	}
	_, err := m.git("commit", "-q", "-m", s.String())
	return true, err
}

func writeFile(p, content string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(content), 0o644)
}

// editYAML sets one field of function.yaml (env.NAME: one variable; the
// value unset removes it).
func editYAML(p, key, val string) error {
	tag := "!!str"
	if key == "memorySize" || key == "timeout" {
		tag = "!!int"
	}
	if name, ok := strings.CutPrefix(key, "env."); ok {
		return editYAMLPath(p, []string{"environmentVariables", name}, val, tag)
	}
	return editYAMLPath(p, []string{key}, val, tag)
}

// editYAMLPath sets (or with unset removes) the value at a path of nested
// mappings in place through yaml.v3 nodes, the way a user's editor leaves
// the rest of the file alone.
func editYAMLPath(p string, path []string, val, tag string) error {
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	m := doc.Content[0]
	for _, k := range path[:len(path)-1] {
		next := mappingValue(m, k)
		if next == nil {
			next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			setMapping(m, k, next)
		}
		m = next
	}
	last := path[len(path)-1]
	if val == unset {
		deleteMapping(m, last)
	} else {
		setMapping(m, last, &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: val})
	}
	var out strings.Builder
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(out.String()), 0o644)
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func deleteMapping(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

func setMapping(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}
