package sync

import (
	"errors"
	"fmt"
	"reflect"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
)

// References resolve on push only (DESIGN section 5): a value is sent where
// local work changed it since the sync point, or where push creates the
// resource. An unchanged reference means "keep what FC has": a password
// rotated in the console and pulled is never reverted by a push that only
// meant to change something else, and a reference shared by several
// functions never copies one function's value into another.
//
// A reference reads the pusher's environment, which in CI holds deploy
// credentials; so it resolves only for a secret (by name, or by the value
// it reads), never from a credential variable (IsCredentialName), and
// never to a value holding the credentials fcsync runs with. Anything else
// is an error naming the file and line, and nothing is sent.

// RefEnv is what resolving references may read.
type RefEnv struct {
	// Lookup reads the environment (os.LookupEnv in the CLI). An empty
	// variable counts as unset: CI templating that expands to nothing must
	// not blank a password online.
	Lookup func(name string) (string, bool)
	// IsCredential reports whether a value holds a credential fcsync runs
	// with (its AccessKey secret, its STS token); nil knows none.
	IsCredential func(value string) bool
}

func (e RefEnv) get(name string) (string, bool) {
	if e.Lookup == nil {
		return "", false
	}
	v, ok := e.Lookup(name)
	return v, ok && v != ""
}

// resolution is one resource's local spec made ready for the wire.
type resolution struct {
	spec    map[string]any    // literals unescaped, references resolved
	fromEnv map[string]string // dotted field path -> environment name read
}

// resolver resolves one resource's references.
type resolver struct {
	in      PlanInput
	id      fc.ID
	created bool
	online  map[string]any // FC's values now (raw)
	base    map[string]any // the sync point's spec (redacted); nil without one
	// baseHashes are the sync point's secretHashes: the secrets it knew.
	baseHashes map[string]any
	out        resolution
}

func (in PlanInput) resolve(id fc.ID, local, online, base *fc.Resource) (resolution, error) {
	rv := &resolver{in: in, id: id, created: online == nil, out: resolution{fromEnv: map[string]string{}}}
	if online != nil {
		rv.online = online.Spec
	}
	if base != nil {
		rv.base = base.Spec
		rv.baseHashes, _ = base.Status["secretHashes"].(map[string]any)
	}
	spec := copyMap(local.Spec)
	if vars, ok := local.Spec["environmentVariables"].(map[string]any); ok {
		resolved := make(map[string]any, len(vars))
		for _, name := range sortedMapKeys(vars) {
			v, err := rv.envValue(name, vars[name])
			if err != nil {
				return resolution{}, err
			}
			resolved[name] = v
		}
		spec["environmentVariables"] = resolved
	}
	if id.Kind == fc.KindDomain {
		if cc, ok := local.Spec["certConfig"].(map[string]any); ok {
			c, err := rv.certConfig(cc, base)
			if err != nil {
				return resolution{}, err
			}
			spec["certConfig"] = c
		}
	}
	rv.out.spec = spec
	return rv.out, nil
}

// envValue is the value to send for one environment variable.
func (rv *resolver) envValue(name string, v any) (any, error) {
	s, ok := v.(string)
	if !ok {
		return v, nil
	}
	if lit, ok := UnescapeValue(s); ok {
		return lit, nil
	}
	path := "environmentVariables." + name
	envName, isRef := IsSecretRef(s)
	if !isRef {
		return nil, rv.errorf(path, "%s is not a reference ${env:NAME}; for the literal text write $%s", path, s)
	}
	onlineVars, _ := rv.online["environmentVariables"].(map[string]any)
	onlineVal, online := onlineVars[name]
	baseVars, _ := rv.base["environmentVariables"].(map[string]any)
	if err := rv.checkName(path, envName); err != nil {
		return nil, err
	}
	if !rv.created && online && baseVars != nil && baseVars[name] == s {
		return onlineVal, nil // unchanged since the sync point: keep FC's
	}
	// A variable that is no secret by name may still hold one by value:
	// the value read says so, or, unset, the hash the sync point keeps.
	val, set := rv.in.Env.get(envName)
	if !IsSecretName(name, rv.in.Patterns) && !(set && IsSecretValue(val)) && !(!set && rv.baseHashes[name] != nil) {
		return nil, rv.errorf(path, "%s refers to ${env:%s}, but %s is not a secret by name (secretPatterns) and the value is not one by a value rule: references resolve only for secrets", path, envName, name)
	}
	if !set {
		if online {
			return onlineVal, nil
		}
		return nil, rv.unset(path, "%s refers to ${env:%s}, which is not set, and FC has no value to keep", path, envName)
	}
	if err := rv.checkValue(path, envName, val); err != nil {
		return nil, err
	}
	rv.out.fromEnv[path] = envName
	return val, nil
}

// certConfig is the certConfig to send for a domain. FC never returns the
// private key, so the key is sent only when it must be: the domain is
// created, the reference (or a plain key) changed since the sync point, or
// another certConfig field changes, as FC takes the certificate as a whole.
// Otherwise it is left out, and push never sends FC's blanked value back.
func (rv *resolver) certConfig(local map[string]any, base *fc.Resource) (map[string]any, error) {
	out := copyMap(local)
	v, has := local["privateKey"]
	if !has {
		return out, nil
	}
	delete(out, "privateKey")
	onlineCC, _ := rv.online["certConfig"].(map[string]any)
	baseCC, _ := rv.base["certConfig"].(map[string]any)
	s, _ := v.(string)
	var baseHash string
	if base != nil {
		hashes, _ := base.Status["secretHashes"].(map[string]any)
		baseHash, _ = hashes[PrivateKeyField].(string)
	}
	lit, isLiteral := UnescapeValue(s)
	changed := rv.created || baseCC == nil || baseCC["privateKey"] != s
	if isLiteral && baseHash != "" && SecretHash(rv.in.Salt, PrivateKeyField, lit) == baseHash {
		changed = false // the plain key deployed last time
	}
	if !changed && !otherFieldsDiffer(out, onlineCC, "privateKey") {
		return out, nil
	}
	if isLiteral {
		out["privateKey"] = lit
		return out, nil
	}
	envName, isRef := IsSecretRef(s)
	if !isRef {
		return nil, rv.errorf(PrivateKeyField, "%s is not a reference ${env:NAME}; for the literal text write $%s", PrivateKeyField, s)
	}
	if err := rv.checkName(PrivateKeyField, envName); err != nil {
		return nil, err
	}
	val, set := rv.in.Env.get(envName)
	if !set {
		return nil, rv.unset(PrivateKeyField, "certConfig changes and FC takes it with its private key, which it never returns: set %s to the key (the file refers to ${env:%s})", envName, envName)
	}
	if err := rv.checkValue(PrivateKeyField, envName, val); err != nil {
		return nil, err
	}
	out["privateKey"] = val
	rv.out.fromEnv[PrivateKeyField] = envName
	return out, nil
}

func (rv *resolver) checkName(path, envName string) error {
	if IsCredentialName(envName) {
		return rv.errorf(path, "%s refers to ${env:%s}, a credential variable: references never read the credentials fcsync runs with", path, envName)
	}
	return nil
}

func (rv *resolver) checkValue(path, envName, val string) error {
	if rv.in.Env.IsCredential != nil && rv.in.Env.IsCredential(val) {
		return rv.errorf(path, "%s refers to ${env:%s}, which holds the credentials fcsync runs with: they are never sent", path, envName)
	}
	return nil
}

// errorf is a problem with a field of the resource's local file, at the
// field's line when the file is at hand.
func (rv *resolver) errorf(path, format string, args ...any) error {
	file := rv.id.File()
	data, _ := rv.in.LocalFiles[file].Bytes() // without it, the error has no line
	return &FileError{Path: file, Line: fieldLine(data, path), Err: fmt.Errorf(format, args...)}
}

// unset is an error about a variable missing from the environment: not a
// problem of the file (exit 1, not 2), but said at the field's line.
func (rv *resolver) unset(path, format string, args ...any) error {
	var fe *FileError
	errors.As(rv.errorf(path, format, args...), &fe)
	return errors.New(fe.Error())
}

// otherFieldsDiffer compares two mappings, leaving one key out.
func otherFieldsDiffer(a, b map[string]any, except string) bool {
	a, b = copyMap(a), copyMap(b)
	delete(a, except)
	delete(b, except)
	return !reflect.DeepEqual(a, b)
}

// fieldLine is the line of a dotted field path in a YAML file; 0 when it
// is not found.
func fieldLine(data []byte, path string) int {
	var doc yaml.Node
	if len(data) == 0 || yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return 0
	}
	n := doc.Content[0]
	line := 0
	for _, key := range splitPath(path) {
		if n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line, next = n.Content[i].Line, n.Content[i+1]
				break
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

// splitPath splits a dotted field path whose first element is a field and
// whose last may be an environment variable name.
func splitPath(path string) []string {
	for _, top := range []string{"environmentVariables.", "certConfig."} {
		if len(path) > len(top) && path[:len(top)] == top {
			return []string{top[:len(top)-1], path[len(top):]}
		}
	}
	return []string{path}
}

func sortedMapKeys(m map[string]any) []string {
	return sortedKeysOfBoth(m, nil)
}
