package sync

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/fcsync/fcsync/fc"
)

// Secrets.
//
// Git history is forever, so a secret that reaches one git object is leaked
// for good. fcsync therefore never renders the value of an environment
// variable whose name matches a secret pattern (fcsync.yaml secretPatterns).
// Redact replaces the value in Spec by the reference ${env:NAME}, which is
// what the project file and the live branch's project files hold; push
// resolves the reference from its own environment, or keeps the value FC
// already has when the environment does not set it.
//
// So that a change of the value online is still seen as drift, the live
// branch's .fcsync/live.json keeps, per secret variable, the salted hash
// sha256(salt || 0x00 || NAME || 0x00 || value) in the resource's Status
// under "secretHashes". The salt (SaltFor) is derived from the account and
// region, so that two clones of the same online state give identical live
// trees, and is kept in the same live.json.
//
// Threat model. A reader of the repository (every clone, fork, CI log of a
// checkout) learns which variables are secret and when their value changed
// online. They do not learn the plaintext; because the name is hashed in,
// equal values of two variables give unrelated hashes; and because of the
// salt, tables precomputed for all accounts do not help.
// They can, however, try candidate values offline against the hash: the salt
// is in the repository too, so a low-entropy secret (a dictionary word, a
// short PIN) can be recovered by brute force. Use high-entropy secrets, or
// keep such variables out of FC's environment altogether.
//
// Only function environmentVariables are redacted: it is the one place in
// FC 2.0's service, function, trigger and custom-domain model where values
// are keyed by an environment variable name. Secrets placed in other fields
// (a timer trigger's payload, an initializer argument) are not recognised.

// DefaultSecretPatterns are the secretPatterns of a project whose
// fcsync.yaml sets none: names containing PASSWORD, SECRET or TOKEN, or
// having KEY as a word (API_KEY, KEY_ID, ACCESS_KEY_ID, KEY; not MONKEY or
// KEYBOARD). Words are separated by underscores.
var DefaultSecretPatterns = []string{"*PASSWORD*", "*SECRET*", "*TOKEN*", "*_KEY", "KEY_*", "*_KEY_*", "KEY"}

// secretRefRE matches a whole secret reference. NAME follows the POSIX rule
// for environment variable names, so a reference is never ambiguous.
var secretRefRE = regexp.MustCompile(`^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$`)

// IsSecretRef reports whether v is a reference ${env:NAME} and returns NAME.
func IsSecretRef(v string) (envName string, ok bool) {
	m := secretRefRE.FindStringSubmatch(v)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// SecretRef is the reference Redact writes for variable name.
func SecretRef(name string) string { return "${env:" + name + "}" }

// IsSecretName reports whether an environment variable name matches one of
// patterns: shell globs (* any run, ? one character, [...] a class) matched
// case-insensitively against the whole name. Malformed patterns match
// nothing; LoadConfig rejects them.
func IsSecretName(name string, patterns []string) bool {
	upper := strings.ToUpper(name)
	for _, p := range patterns {
		if ok, err := path.Match(strings.ToUpper(p), upper); err == nil && ok {
			return true
		}
	}
	return false
}

// SaltFor is the salt of a new live branch's secret hashes for an account
// and region. It is derived, not drawn at random, so that the same online
// state always renders the same live tree (two clones agree byte for byte);
// a salt stored beside its hashes is public either way, and this one still
// keeps hashes of the same value apart across accounts and regions.
func SaltFor(accountID, region string) string {
	sum := sha256.Sum256([]byte("fcsync secret salt\x00" + accountID + "\x00" + region))
	return hex.EncodeToString(sum[:16])
}

// SecretHash is the value kept in Status["secretHashes"][name].
func SecretHash(salt, name, value string) string {
	h := sha256.New()
	h.Write([]byte(salt))
	h.Write([]byte{0})
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write([]byte(value))
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Redact rewrites s in place: in every function's environmentVariables, each
// variable whose name matches patterns gets the value ${env:NAME} in Spec,
// and its salted hash in Status["secretHashes"]. A value that already is a
// reference is left alone and gets no hash, since it holds no secret.
// Redact copies the maps it changes, so Specs shared with other states are
// not modified.
func Redact(s *State, patterns []string, salt string) {
	for id, r := range s.Resources {
		if id.Kind != fc.KindFunction {
			continue
		}
		vars, ok := r.Spec["environmentVariables"].(map[string]any)
		if !ok {
			continue
		}
		hashes := map[string]any{}
		newVars := make(map[string]any, len(vars))
		for name, v := range vars {
			newVars[name] = v
			if !IsSecretName(name, patterns) {
				continue
			}
			str, isString := v.(string)
			if !isString {
				str = fmt.Sprint(v)
			} else if _, isRef := IsSecretRef(str); isRef {
				continue
			}
			newVars[name] = SecretRef(name)
			hashes[name] = SecretHash(salt, name, str)
		}
		if len(hashes) == 0 {
			continue
		}
		spec := make(map[string]any, len(r.Spec))
		for k, v := range r.Spec {
			spec[k] = v
		}
		spec["environmentVariables"] = newVars
		status := make(map[string]any, len(r.Status)+1)
		for k, v := range r.Status {
			status[k] = v
		}
		status["secretHashes"] = hashes
		s.Resources[id] = &fc.Resource{ID: r.ID, Spec: spec, Status: status, ETag: r.ETag}
	}
}
