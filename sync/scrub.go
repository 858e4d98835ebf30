package sync

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	gosync "sync"

	"github.com/fcsync/fcsync/fc"
)

// Scrubber removes secrets from text that leaves fcsync: messages, error
// text FC sent back (which may quote what it was sent), commit messages,
// debug traces. It knows the exact values to hide (credentials, the secret
// values read from FC or the environment) and hides, besides, whatever a
// value rule recognises. It is safe for concurrent use.
type Scrubber struct {
	mu     gosync.Mutex
	values []string // longest first, so a value containing another goes whole
}

// Redacted replaces a hidden value.
const Redacted = "[redacted]"

// minSecretLen is the shortest value hidden by exact match: shorter ones
// ("true", "prod" under a name like AUTH_MODE) would blank ordinary words
// all over the output. Messages never carry secret values in the first
// place; the scrubber is the backstop for the long, guess-proof ones.
const minSecretLen = 8

// Add makes the scrubber hide these values.
func (s *Scrubber) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) < minSecretLen || contains(s.values, v) {
			continue
		}
		s.values = append(s.values, v)
	}
	sort.Slice(s.values, func(i, j int) bool { return len(s.values[i]) > len(s.values[j]) })
}

// Holds reports whether text contains one of the values to hide.
func (s *Scrubber) Holds(text string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.values {
		if strings.Contains(text, v) {
			return true
		}
	}
	return false
}

// Scrub returns text with every known value and every match of a value
// rule replaced by Redacted.
func (s *Scrubber) Scrub(text string) string {
	s.mu.Lock()
	for _, v := range s.values {
		text = strings.ReplaceAll(text, v, Redacted)
	}
	s.mu.Unlock()
	return scrubByRule(text)
}

var (
	urlPasswordRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^/?#\s@:]*:)[^/?#\s@]+@`)
	// A PEM block ends at its END line, or where the text shown ends: the
	// end of a JSON string (a diff hunk in `-o json` that shows no END
	// line) or of the text. Running on to the end of the text ate the
	// rest of a JSON document.
	pemBlockRE  = regexp.MustCompile(`(?s)-----BEGIN ([A-Z0-9 ]+)-----.*?(-----END [A-Z0-9 ]+-----|"|$)`)
	accessKeyRE = regexp.MustCompile(`\bLTAI[0-9A-Za-z]{12,30}\b`)
)

// scrubByRule hides what the value rules of IsSecretValue recognise.
func scrubByRule(text string) string {
	text = urlPasswordRE.ReplaceAllString(text, "${1}"+Redacted+"@")
	text = pemBlockRE.ReplaceAllString(text, "-----BEGIN ${1}-----"+Redacted+"${2}")
	return accessKeyRE.ReplaceAllString(text, "LTAI"+Redacted)
}

// SecretValues lists the secret values a state holds in plain text: what
// a raw online state read from FC, or a resolved plan, carries.
func SecretValues(s *State, patterns []string) []string {
	var out []string
	for id, r := range s.Resources { // a set: no order needed (Scrubber.Add)
		out = append(out, secretValuesOf(id, r.Spec, patterns)...)
	}
	return out
}

func secretValuesOf(id fc.ID, spec map[string]any, patterns []string) []string {
	var out []string
	vars, _ := spec["environmentVariables"].(map[string]any)
	for name, v := range vars {
		if IsSecret(name, v, patterns) && !isRef(v) {
			out = append(out, fmt.Sprint(v))
		}
	}
	if cc, ok := spec["certConfig"].(map[string]any); ok && id.Kind == fc.KindDomain {
		if k, ok := cc["privateKey"].(string); ok && !isRef(k) {
			out = append(out, k)
		}
	}
	return out
}

// SecretValues lists the secret values the plan sends.
func (p *Plan) SecretValues(patterns []string) []string {
	var out []string
	for _, op := range p.Ops {
		out = append(out, secretValuesOf(op.ID, op.Send, patterns)...)
	}
	return out
}

// isRef reports a reference or an escaped literal: text of a project
// file, not a secret.
func isRef(v any) bool {
	s, _ := v.(string)
	return refLikeRE.MatchString(s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
