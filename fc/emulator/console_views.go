package emulator

import (
	"encoding/json"
	"strings"
)

// The console's pages show copies of the store taken under its lock, one
// consistent snapshot per page.

type serviceView struct {
	Name, Description string
	Functions         []functionView
	Aliases           []aliasView
}

type functionView struct {
	Service, Name          string
	Runtime, Handler       string
	MemorySize, Timeout    string
	CodeSize, CodeChecksum string
	LastModifiedTime, ETag string
	Env                    []envRow
	Triggers               []triggerView
	code                   []byte
	hasCode                bool
	// rawEnv is environmentVariables as stored, so that a save keeps a
	// value whose row was not edited exactly as it was (a number
	// injected where FC holds strings, say).
	rawEnv map[string]any
}

// envRow is one environment variable; Multiline values are edited in a
// text area, since an input drops line breaks.
type envRow struct {
	Name, Value string
	Multiline   bool
}

type triggerView struct {
	Name, Type, Config, LastModifiedTime string
}

// services reads every service with its functions, triggers and aliases,
// sorted by name.
func (c *console) services() []serviceView {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	var out []serviceView
	for _, name := range sortedKeys(c.e.st.Services) {
		svc := c.e.st.Services[name]
		sv := serviceView{Name: name, Description: display(svc.Attrs["description"])}
		for _, fname := range sortedKeys(svc.Functions) {
			sv.Functions = append(sv.Functions, viewFunction(name, fname, svc.Functions[fname]))
		}
		for _, aname := range sortedKeys(svc.Aliases) {
			sv.Aliases = append(sv.Aliases, viewAlias(name, aname, svc.Aliases[aname]))
		}
		out = append(out, sv)
	}
	return out
}

// function reads one function; ok is false if it does not exist.
func (c *console) function(svc, fn string) (functionView, bool) {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	s := c.e.st.Services[svc]
	if s == nil || s.Functions[fn] == nil {
		return functionView{}, false
	}
	return viewFunction(svc, fn, s.Functions[fn]), true
}

func viewFunction(svc, name string, fn *function) functionView {
	a := fn.Attrs
	v := functionView{
		Service: svc, Name: name,
		Runtime: text(a["runtime"]), Handler: text(a["handler"]),
		MemorySize: text(a["memorySize"]), Timeout: text(a["timeout"]),
		CodeSize: text(a["codeSize"]), CodeChecksum: text(a["codeChecksum"]),
		LastModifiedTime: text(a["lastModifiedTime"]), ETag: fn.ETag,
		// The code package is never changed in place (setCode replaces
		// it), so the page may read it after the lock is released.
		code: fn.code, hasCode: fn.CodeBlob != "",
	}
	v.rawEnv, _ = a["environmentVariables"].(map[string]any)
	for _, k := range sortedKeys(v.rawEnv) {
		val := text(v.rawEnv[k])
		v.Env = append(v.Env, envRow{Name: k, Value: val, Multiline: strings.ContainsAny(val, "\r\n")})
	}
	for _, tname := range sortedKeys(fn.Triggers) {
		t := fn.Triggers[tname].Attrs
		cfg, _ := json.Marshal(t["triggerConfig"])
		v.Triggers = append(v.Triggers, triggerView{
			Name: tname, Type: text(t["triggerType"]), Config: string(cfg), LastModifiedTime: text(t["lastModifiedTime"]),
		})
	}
	return v
}

// text shows an attribute value: nothing for an absent or null one.
func text(v any) string {
	if v == nil {
		return ""
	}
	return display(v)
}

// HasCode says whether the function has a code package (a custom
// container has none).
func (v functionView) HasCode() bool { return v.hasCode }
