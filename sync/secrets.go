package sync

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"regexp"
	"strings"
)

// Secrets.
//
// Git history is forever, so a secret that reaches one git object is leaked
// for good. fcsync therefore never renders a secret value: Redact replaces
// it by the reference ${env:NAME}, which is what the project file and the
// live branch's project files hold. A value is a secret when its variable's
// name matches a secret pattern (fcsync.yaml secretPatterns) or when the
// value itself matches a value rule (IsSecretValue); a custom domain's
// certConfig.privateKey always is one.
//
// So that a change of the value online is still seen as drift, the live
// branch's .fcsync/live.json keeps, per secret, the salted hash
// sha256(salt || 0x00 || NAME || 0x00 || value) in the resource's Status
// under "secretHashes". The salt (SaltFor) is derived from the account and
// region, so that two clones of the same online state give identical live
// trees, and is kept in the same live.json.
//
// Values read from FC are data, never references: a fetched value that
// looks like ${env:X} is rendered escaped ($${env:X}), and push sends it
// back as the same literal. Only references in project files resolve, and
// only where ResolveRef allows (see resolve.go).
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

// DefaultSecretPatterns are the secretPatterns of a project whose
// fcsync.yaml sets none: names containing PASS (PASSWORD, PASSWD, DB_PASS),
// PWD, SECRET, TOKEN, AUTH, CREDENTIAL, PRIVATE, SALT, DSN or APIKEY, or
// having KEY, AK or SK as a word (API_KEY, KEY_ID, OSS_AK, OSS_SK; not
// MONKEY, KEYBOARD or ASK). Words are separated by underscores.
var DefaultSecretPatterns = []string{
	"*PASS*", "*PWD*", "*SECRET*", "*TOKEN*", "*AUTH*", "*CREDENTIAL*", "*PRIVATE*", "*SALT*", "*DSN*", "*APIKEY*",
	"*_KEY", "KEY_*", "*_KEY_*", "KEY",
	"*_AK", "AK_*", "*_AK_*", "AK",
	"*_SK", "SK_*", "*_SK_*", "SK",
}

// secretValueRules recognise a secret by its value, whatever the variable
// is called: a URL with a password in its userinfo
// (postgres://user:pw@host), a PEM block (a private key, a certificate
// chain), an Alibaba Cloud AccessKey id (LTAI followed by 12 to 30 letters
// and digits).
var secretValueRules = []*regexp.Regexp{
	regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s@:]*:[^/?#\s@]+@`),
	regexp.MustCompile(`-----BEGIN [A-Z0-9 ]+-----`),
	regexp.MustCompile(`\bLTAI[0-9A-Za-z]{12,30}\b`),
}

// IsSecretValue reports whether a value is a secret by a value rule.
func IsSecretValue(v string) bool {
	for _, re := range secretValueRules {
		if re.MatchString(v) {
			return true
		}
	}
	return false
}

// IsSecret reports whether an environment variable is a secret, by its
// name or its value.
func IsSecret(name string, value any, patterns []string) bool {
	if IsSecretName(name, patterns) {
		return true
	}
	s, ok := value.(string)
	return ok && IsSecretValue(s)
}

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

// SecretRef is the reference Redact writes for an environment name.
func SecretRef(name string) string { return "${env:" + name + "}" }

// refLikeRE matches what a project file would read as a reference or as an
// escaped literal: one or more $ and then {env:...}.
var refLikeRE = regexp.MustCompile(`(?s)^\$+\{env:.*\}$`)

// EscapeValue is how a value read from FC is written into a project file
// where references resolve: one more leading $ when it looks like a
// reference or an escaped one, so that it reads back as the same literal.
func EscapeValue(v string) string {
	if refLikeRE.MatchString(v) {
		return "$" + v
	}
	return v
}

// UnescapeValue is the literal a project file's value stands for, and
// whether it is one: false for a reference, which the caller resolves.
// A value looking like a reference with one $ but an invalid name (not
// ${env:NAME}) is neither; ok is false and envName empty.
func UnescapeValue(v string) (literal string, ok bool) {
	if !refLikeRE.MatchString(v) {
		return v, true
	}
	if strings.HasPrefix(v, "$$") {
		return v[1:], true
	}
	return "", false
}

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

// credentialNames are the environment variables a reference may never read:
// those holding the credentials fcsync itself (or another Alibaba Cloud tool
// on the same machine) runs with. A project file is written by whoever can
// commit, and push may run in CI with deploy credentials; sending those to
// FC would hand them to everyone who can read the function's configuration.
var credentialNames = []string{"ALIBABA_CLOUD_*", "ALICLOUD_*", "ALIYUN_*", "*ACCESS_KEY*", "*ACCESSKEY*", "*SECURITY_TOKEN*", "*STS_TOKEN*"}

// IsCredentialName reports whether a reference to the environment variable
// name must be refused.
func IsCredentialName(name string) bool { return IsSecretName(name, credentialNames) }

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
