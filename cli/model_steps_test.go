package cli_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/internal/fcconsole"
)

// A step is data, not code: the generator picks it from the seed and the
// current state, and a replay (or the shrinker) runs the same list again.
// A step whose target no longer exists in a shortened list is skipped.
type step struct {
	Op       string
	Fn       string // function
	Key      string // field, env.NAME or trigger name
	Val      string // new value, code token or cron expression
	Line     int    // code line, 1-based
	Seed     int64  // conflict-resolution choices of a pull
	UseLocal bool
}

func (s step) String() string {
	var b strings.Builder
	b.WriteString(s.Op)
	if s.Op == "push" && s.Fn != "" {
		b.WriteString(" --function " + modelSvc + "/" + s.Fn)
		s.Fn = ""
	}
	for _, p := range []string{s.Fn, s.Key, s.Val} {
		if p != "" {
			b.WriteString(" " + p)
		}
	}
	if s.Line > 0 {
		fmt.Fprintf(&b, " line %d", s.Line)
	}
	if s.Op == "pull" && s.Key == "" {
		fmt.Fprintf(&b, " (choices %d)", s.Seed)
	}
	if s.UseLocal {
		b.WriteString(" --use-local")
	}
	return b.String()
}

// Value pools are small on purpose: both sides often pick the same value,
// which is the table's "changed to the same value" row.
var (
	modelFns      = []string{"f1", "f2", "f3", "f4"}
	modelTrigs    = []string{"t1", "t2", "t3"}
	modelMemory   = []string{"128", "256", "512", "1024"}
	modelTimeout  = []string{"3", "10", "30", "60"}
	modelDescs    = []string{"alpha", "beta", "gamma"}
	modelEnvKeys  = []string{"A", "B"}
	modelEnvVals  = []string{"red", "green", "blue"}
	modelCrons    = []string{"@every 1m", "@every 5m", "@every 10m"}
	modelCodeLine = 5
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

// genStep draws the next step from the current online and local state.
func genStep(r *rand.Rand, online, local world, tok *int) step {
	token := func(side string) string { *tok++; return fmt.Sprintf("%s%d", side, *tok) }
	n := r.Intn(100)
	switch {
	case n < 35:
		return genConsole(r, online, token)
	case n < 65:
		return genLocal(r, local, token)
	case n < 80:
		s := step{Op: "pull", Seed: r.Int63()}
		switch r.Intn(8) {
		case 0:
			s.Key = "--use-local"
		case 1:
			s.Key = "--use-remote"
		}
		return s
	case n < 92:
		s := step{Op: "push", UseLocal: r.Intn(6) == 0}
		if names := slices.Sorted(maps.Keys(local)); len(names) > 0 && r.Intn(4) == 0 {
			s.Fn = pick(r, names) // push --function: DESIGN 5's scope
		}
		return s
	case n < 96:
		return step{Op: "fetch"}
	}
	return step{Op: "status"}
}

func genConsole(r *rand.Rand, online world, token func(string) string) step {
	names := slices.Sorted(maps.Keys(online))
	absent := missing(modelFns, online)
	n := r.Intn(100)
	if len(names) == 0 || (n >= 75 && n < 83) {
		if len(absent) == 0 {
			return step{Op: "status"}
		}
		return step{Op: "c-create", Fn: pick(r, absent), Key: pick(r, modelMemory), Val: token("c")}
	}
	fn := pick(r, names)
	trigs := slices.Sorted(maps.Keys(online[fn].Triggers))
	switch {
	case n < 35:
		k, v := genField(r)
		return step{Op: "c-field", Fn: fn, Key: k, Val: v}
	case n < 60:
		return step{Op: "c-code", Fn: fn, Line: 1 + r.Intn(modelCodeLine), Val: token("c")}
	case n < 68 && len(trigs) < len(modelTrigs):
		return step{Op: "c-add-trigger", Fn: fn, Key: pick(r, missingTrigs(online[fn])), Val: pick(r, modelCrons)}
	case n < 75 && len(trigs) > 0:
		return step{Op: "c-update-trigger", Fn: fn, Key: pick(r, trigs), Val: pick(r, modelCrons)}
	case n >= 83 && n < 91 && len(trigs) > 0:
		return step{Op: "c-delete-trigger", Fn: fn, Key: pick(r, trigs)}
	case n >= 91:
		return step{Op: "c-delete", Fn: fn}
	}
	k, v := genField(r)
	return step{Op: "c-field", Fn: fn, Key: k, Val: v}
}

func genLocal(r *rand.Rand, local world, token func(string) string) step {
	names := slices.Sorted(maps.Keys(local))
	absent := missing(modelFns, local)
	n := r.Intn(100)
	if len(names) == 0 || (n >= 70 && n < 80) {
		if len(absent) == 0 {
			return step{Op: "status"}
		}
		return step{Op: "l-create", Fn: pick(r, absent), Key: pick(r, modelMemory)}
	}
	fn := pick(r, names)
	trigs := slices.Sorted(maps.Keys(local[fn].Triggers))
	switch {
	case n < 40:
		k, v := genField(r)
		return step{Op: "l-field", Fn: fn, Key: k, Val: v}
	case n < 70:
		return step{Op: "l-code", Fn: fn, Line: 1 + r.Intn(modelCodeLine), Val: token("L")}
	case n < 80 && len(trigs) > 0:
		return step{Op: "l-delete-trigger", Fn: fn, Key: pick(r, trigs)}
	case n < 92 && len(trigs) > 0:
		if r.Intn(3) == 0 {
			return step{Op: "l-trigger", Fn: fn, Key: pick(r, trigs) + ".enable", Val: pick(r, []string{"true", "false"})}
		}
		return step{Op: "l-trigger", Fn: fn, Key: pick(r, trigs) + ".cronExpression", Val: pick(r, modelCrons)}
	case n >= 92:
		return step{Op: "l-delete", Fn: fn}
	}
	return step{Op: "l-code", Fn: fn, Line: 1 + r.Intn(modelCodeLine), Val: token("L")}
}

// unset as a step's value removes an environment variable (B only, so
// that A keeps the mapping from ever being empty, which FC's API cannot
// express in an update).
const unset = "<unset>"

func genField(r *rand.Rand) (string, string) {
	switch r.Intn(5) {
	case 4:
		return "env.B", unset
	case 0:
		return "memorySize", pick(r, modelMemory)
	case 1:
		return "timeout", pick(r, modelTimeout)
	case 2:
		return "description", pick(r, modelDescs)
	}
	return "env." + pick(r, modelEnvKeys), pick(r, modelEnvVals)
}

func missing(all []string, w world) []string {
	var out []string
	for _, n := range all {
		if w[n] == nil {
			out = append(out, n)
		}
	}
	return out
}

func missingTrigs(f *fnState) []string {
	var out []string
	for _, t := range modelTrigs {
		if _, ok := f.Triggers[t]; !ok {
			out = append(out, t)
		}
	}
	return out
}

// codeTemplate is a new function's code: five numbered lines, plus a token
// so that code uploaded by the console is never byte-equal to an earlier
// upload (drift is by checksum; the model compares content).
func codeTemplate(fn, token string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s\n", fn, token)
	for i := 1; i <= modelCodeLine; i++ {
		fmt.Fprintf(&b, "line%d = %d\n", i, i)
	}
	return b.String()
}

// setLine replaces code line n (counting the lines after the header) of
// index.py, or appends one when a merge left fewer lines.
func setLine(code string, n int, token string) string {
	lines := strings.SplitAfter(code, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	text := fmt.Sprintf("line%d = %s\n", n, token)
	if n < len(lines) {
		lines[n] = text
	} else {
		lines = append(lines, text)
	}
	return strings.Join(lines, "")
}

// --- console steps: the official SDK through fcconsole, as a colleague's
// hot-fix in the web console arrives.

func (m *modelRun) consoleStep(s step, online world) (bool, error) {
	run := func(args ...string) error { return m.console.Run(args, &strings.Builder{}) }
	f := online[s.Fn]
	switch s.Op {
	case "c-create":
		if f != nil {
			return false, nil
		}
		body, _ := json.Marshal(map[string]any{
			"runtime": "python3.10", "handler": "index.handler", "description": "alpha",
			"memorySize": atoiMust(s.Key), "timeout": 10, "environmentVariables": map[string]string{"A": "red"},
		})
		zip, err := m.writeZip(map[string]string{"index.py": codeTemplate(s.Fn, s.Val)})
		if err != nil {
			return true, err
		}
		return true, run("create-function", modelSvc, s.Fn, string(body), zip)
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
		b, _ := json.Marshal(body)
		return true, run("update-function", modelSvc, s.Fn, string(b))
	case "c-code":
		code := maps.Clone(f.Code)
		code["index.py"] = setLine(code["index.py"], s.Line, s.Val)
		zip, err := m.writeZip(code)
		if err != nil {
			return true, err
		}
		return true, run("update-code", modelSvc, s.Fn, zip)
	case "c-delete":
		for _, t := range slices.Sorted(maps.Keys(f.Triggers)) {
			if err := run("delete-trigger", modelSvc, s.Fn, t); err != nil {
				return true, err
			}
		}
		return true, run("delete-function", modelSvc, s.Fn)
	case "c-add-trigger":
		if _, ok := f.Triggers[s.Key]; ok {
			return false, nil
		}
		return true, run("create-trigger", modelSvc, s.Fn, s.Key, "timer", cronJSON(s.Val))
	case "c-update-trigger":
		if _, ok := f.Triggers[s.Key]; !ok {
			return false, nil
		}
		return true, run("update-trigger", modelSvc, s.Fn, s.Key, cronJSON(s.Val))
	case "c-delete-trigger":
		if _, ok := f.Triggers[s.Key]; !ok {
			return false, nil
		}
		return true, run("delete-trigger", modelSvc, s.Fn, s.Key)
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

func (m *modelRun) writeZip(files map[string]string) (string, error) {
	var entries []fcconsole.ZipEntry
	for _, name := range slices.Sorted(maps.Keys(files)) {
		entries = append(entries, fcconsole.ZipEntry{Name: name, Data: []byte(files[name])})
	}
	data, err := fcconsole.BuildZip(entries)
	if err != nil {
		return "", err
	}
	p := filepath.Join(m.scratch, "upload.zip")
	return p, os.WriteFile(p, data, 0o644)
}

// --- local steps: files edited as a user would, committed with git.

func (m *modelRun) localStep(s step, local world) (bool, error) {
	fnDir := filepath.Join("services", modelSvc, "functions", s.Fn)
	abs := filepath.Join(m.proj, fnDir)
	f := local[s.Fn]
	switch s.Op {
	case "l-create":
		if f != nil {
			return false, nil
		}
		yml := fmt.Sprintf("description: alpha\nruntime: python3.10\nhandler: index.handler\nmemorySize: %s\ntimeout: 10\nenvironmentVariables:\n  A: red\n", s.Key)
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
