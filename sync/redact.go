package sync

import (
	"fmt"
	"strings"

	"github.com/fcsync/fcsync/fc"
)

// PrivateKeyField is the custom-domain field that always holds a secret.
// FC blanks it on every read, so its hash can only be carried over from
// what fcsync itself deployed.
const PrivateKeyField = "certConfig.privateKey"

// RedactOptions say which values Redact hides and how it names them.
type RedactOptions struct {
	Patterns []string // secretPatterns
	Salt     string
	// Names are states whose references are kept: a secret gets the
	// reference that the first of them holds at the same place (the local
	// commit just deployed, then the live tip), so a reference the user
	// chose, or one an earlier fetch chose, never changes under them.
	// Their secretHashes also supply the hash of a private key FC blanked.
	Names []*State
}

// secretSite is one secret value of a state: an environment variable of a
// function (key: its name) or a domain's private key (key: PrivateKeyField).
type secretSite struct {
	id    fc.ID
	key   string
	value string
	ref   string // the environment name of its reference
}

// Redact rewrites s in place into what project files hold: every secret
// value becomes a reference ${env:NAME} plus its salted hash in
// Status["secretHashes"], and every other value of a field where
// references resolve is escaped (EscapeValue), since a value read from FC
// is data. Redact copies the maps it changes, so Specs shared with other
// states are not modified.
//
// A secret keeps the reference opt.Names gives it. A new one is named
// after its variable, ${env:DB_PASSWORD}, unless variables of that name
// hold different values in different functions: each then gets its own,
// ${env:WEB2_DB_PASSWORD}, so that supplying one never overwrites the
// others. A private key is named after its domain,
// ${env:EXAMPLE_COM_PRIVATE_KEY}.
func Redact(s *State, opt RedactOptions) {
	var sites []*secretSite
	for _, id := range s.IDs() {
		r := s.Resources[id]
		spec := copyMap(r.Spec)
		switch id.Kind {
		case fc.KindFunction:
			vars, ok := r.Spec["environmentVariables"].(map[string]any)
			if !ok {
				continue
			}
			newVars := copyMap(vars)
			for name, v := range vars {
				str, isString := v.(string)
				if IsSecret(name, v, opt.Patterns) {
					if !isString {
						str = fmt.Sprint(v)
					}
					sites = append(sites, &secretSite{id: id, key: name, value: str})
				} else if isString {
					newVars[name] = EscapeValue(str)
				}
			}
			spec["environmentVariables"] = newVars
		case fc.KindDomain:
			cc, ok := r.Spec["certConfig"].(map[string]any)
			if !ok {
				continue
			}
			if key, ok := cc["privateKey"].(string); ok {
				sites = append(sites, &secretSite{id: id, key: PrivateKeyField, value: key})
			}
			spec["certConfig"] = copyMap(cc)
		default:
			continue
		}
		s.Resources[id] = &fc.Resource{ID: id, Spec: spec, Status: copyMap(r.Status), ETag: r.ETag}
	}
	nameSites(sites, opt.Names)
	for _, site := range sites {
		r := s.Resources[site.id]
		hash := ""
		if site.value != "" || site.key != PrivateKeyField {
			hash = SecretHash(opt.Salt, site.key, site.value)
		} else {
			hash = knownHash(site, opt.Names)
		}
		if site.key == PrivateKeyField {
			r.Spec["certConfig"].(map[string]any)["privateKey"] = SecretRef(site.ref)
		} else {
			r.Spec["environmentVariables"].(map[string]any)[site.key] = SecretRef(site.ref)
		}
		if hash == "" {
			continue
		}
		hashes, _ := r.Status["secretHashes"].(map[string]any)
		hashes = copyMap(hashes)
		hashes[site.key] = hash
		r.Status["secretHashes"] = hashes
	}
}

// nameSites gives every site its reference name: the one a state of names
// holds, else a new one, told apart from the variables of the same name
// that hold another value (named already or not).
func nameSites(sites []*secretSite, names []*State) {
	byVar := map[string][]*secretSite{}
	for _, site := range sites {
		if site.key == PrivateKeyField {
			site.ref = envIdent(site.id.Name) + "_PRIVATE_KEY"
		}
		if ref, ok := refIn(names, site.id, site.key); ok {
			site.ref = ref
			continue
		}
		if site.key != PrivateKeyField {
			byVar[site.key] = nil
		}
	}
	for _, site := range sites {
		if _, ok := byVar[site.key]; ok {
			byVar[site.key] = append(byVar[site.key], site)
		}
	}
	for name, group := range byVar {
		same := true
		fns := map[string]int{}
		for _, site := range group {
			same = same && site.value == group[0].value
			fns[site.id.Function]++
		}
		for _, site := range group {
			if site.ref != "" {
				continue
			}
			switch {
			case same:
				site.ref = name
			case fns[site.id.Function] == 1:
				site.ref = envIdent(site.id.Function) + "_" + name
			default:
				site.ref = envIdent(site.id.Service+"_"+site.id.Function) + "_" + name
			}
		}
	}
}

// refIn finds the reference that the first state holding one has at a
// secret's place.
func refIn(states []*State, id fc.ID, key string) (string, bool) {
	for _, s := range states {
		if s == nil || s.Resources[id] == nil {
			continue
		}
		v, _ := lookup(s.Resources[id].Spec, secretPath(id, key)).(string)
		if ref, ok := IsSecretRef(v); ok {
			return ref, true
		}
	}
	return "", false
}

// knownHash is the hash the states of names recorded for a secret FC does
// not return.
func knownHash(site *secretSite, states []*State) string {
	for _, s := range states {
		if s == nil || s.Resources[site.id] == nil {
			continue
		}
		hashes, _ := s.Resources[site.id].Status["secretHashes"].(map[string]any)
		if h, ok := hashes[site.key].(string); ok {
			return h
		}
	}
	return ""
}

// secretPath is the dotted field path of a secret's place.
func secretPath(id fc.ID, key string) string {
	if id.Kind == fc.KindFunction {
		return "environmentVariables." + key
	}
	return key
}

// envIdent turns a resource name into the part of an environment variable
// name: upper case, anything but letters and digits as underscores.
func envIdent(s string) string {
	b := []byte(strings.ToUpper(s))
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	if len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		return "_" + string(b)
	}
	return string(b)
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// MaskedValue stands for a secret held in plain text where a view shows a
// project file (fcsync diff).
const MaskedValue = "(secret value, not shown)"

// MaskPlain returns a copy of s for display: every secret held in plain
// text, as a project file may wrongly hold it, reads MaskedValue.
// References and escaped literals are shown as they are.
func MaskPlain(s *State, patterns []string) *State {
	out := s.Clone()
	for id, r := range out.Resources {
		if vars, ok := r.Spec["environmentVariables"].(map[string]any); ok {
			for name, v := range vars {
				if IsSecret(name, v, patterns) && !isRef(v) {
					vars[name] = MaskedValue
				}
			}
		}
		if cc, ok := r.Spec["certConfig"].(map[string]any); ok && id.Kind == fc.KindDomain {
			if k, ok := cc["privateKey"].(string); ok && !isRef(k) && k != "" {
				cc["privateKey"] = MaskedValue
			}
		}
	}
	return out
}
