package sync

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// Change operations of a ResourceChange.
const (
	ChangeAdded    = "added"
	ChangeDeleted  = "deleted"
	ChangeModified = "modified"
)

// ResourceChange is how one resource differs between two states: the body
// of an online-change commit and of `fcsync log`.
type ResourceChange struct {
	ID   fc.ID  `json:"-"`
	Path string `json:"path"` // ID.File(), the name the user sees
	Op   string `json:"op"`   // ChangeAdded, ChangeDeleted or ChangeModified
	// Fields are the changed Spec fields of a modified resource, as dotted
	// paths into mappings (lists compare whole). A nil Old or New means
	// absent. A secret whose value changed has Secret set and no values.
	Fields []FieldChange `json:"fields,omitempty"`
	// CodeFiles are the code paths (relative to code/) added, removed or
	// changed.
	CodeFiles []string `json:"codeFiles,omitempty"`
}

// Diff lists the resources that differ from old to new, in fc.ID.Less
// order. Besides Spec and code files it compares two Status facts when both
// states have Status: secretHashes, so that a secret changed online shows
// (as "(secret changed)", never its value), and codeChecksum, reported as a
// field only when no code file differs (the same files packed otherwise).
func Diff(old, new *State) []ResourceChange {
	var out []ResourceChange
	for _, id := range UnionIDs(old, new) {
		a, b := old.Resources[id], new.Resources[id]
		c := ResourceChange{ID: id, Path: id.File()}
		switch {
		case a == nil:
			c.Op = ChangeAdded
		case b == nil:
			c.Op = ChangeDeleted
		default:
			c.Op = ChangeModified
			c.Fields = resourceFields(a, b)
			c.CodeFiles = filetree.Changed(old.Code[id], new.Code[id])
			if len(c.CodeFiles) == 0 && a.Status != nil && b.Status != nil && a.CodeChecksum() != b.CodeChecksum() {
				c.Fields = append(c.Fields, FieldChange{Field: "codeChecksum", Old: a.Status["codeChecksum"], New: b.Status["codeChecksum"]})
			}
			if len(c.Fields) == 0 && len(c.CodeFiles) == 0 {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func resourceFields(a, b *fc.Resource) []FieldChange {
	keys := keysOfBoth(a.Spec, b.Spec)
	sort.Slice(keys, func(i, j int) bool { return keyLess(a.ID, "", keys[i], keys[j]) })
	var out []FieldChange
	for _, k := range keys {
		out = appendFieldChanges(out, k, a.Spec[k], b.Spec[k])
	}
	return markSecrets(out, a, b)
}

// appendFieldChanges recurses into mappings present on both sides.
func appendFieldChanges(out []FieldChange, path string, a, b any) []FieldChange {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap && bIsMap {
		for _, k := range sortedKeysOfBoth(am, bm) {
			out = appendFieldChanges(out, path+"."+k, am[k], bm[k])
		}
		return out
	}
	if reflect.DeepEqual(a, b) {
		return out
	}
	return append(out, FieldChange{Field: path, Old: a, New: b})
}

const envPrefix = "environmentVariables."

// markSecrets withholds the values of environment variables and private
// keys held as secret references, and of values a value rule calls secret,
// and adds the secrets whose salted hash alone changed.
func markSecrets(fields []FieldChange, a, b *fc.Resource) []FieldChange {
	seen := map[string]bool{}
	for i, f := range fields {
		if isSecretValueAny(f.Old) || isSecretValueAny(f.New) || f.Field == PrivateKeyField && (f.Old != nil || f.New != nil) {
			fields[i] = FieldChange{Field: f.Field, Secret: true}
			seen[f.Field] = true
			continue
		}
		if !strings.HasPrefix(f.Field, envPrefix) {
			continue
		}
		seen[f.Field] = true
		_, oldRef := secretRefValue(f.Old)
		_, newRef := secretRefValue(f.New)
		// A reference next to an absent value holds nothing secret; next
		// to a plain value, that value may be the secret itself.
		if (oldRef && f.New != nil) || (newRef && f.Old != nil) {
			fields[i] = FieldChange{Field: f.Field, Secret: true}
		}
	}
	if a.Status == nil || b.Status == nil {
		return fields
	}
	ah, _ := a.Status["secretHashes"].(map[string]any)
	bh, _ := b.Status["secretHashes"].(map[string]any)
	for _, name := range sortedKeysOfBoth(ah, bh) {
		field := secretPath(a.ID, name)
		if seen[field] || reflect.DeepEqual(ah[name], bh[name]) || ah[name] == nil || bh[name] == nil {
			continue
		}
		fields = append(fields, FieldChange{Field: field, Secret: true})
	}
	return fields
}

func isSecretValueAny(v any) bool {
	s, ok := v.(string)
	return ok && IsSecretValue(s)
}

func secretRefValue(v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		return "", false
	}
	return IsSecretRef(s)
}

func keysOfBoth(a, b map[string]any) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	return keys
}

func sortedKeysOfBoth(a, b map[string]any) []string {
	keys := keysOfBoth(a, b)
	sort.Strings(keys)
	return keys
}

// Summary is the body of an online-change commit: one line per resource,
// e.g. `function svc/fn: memorySize 128 -> 256; code: 2 files changed`,
// `trigger svc/fn/http: created`, `function svc/old: deleted`.
func Summary(changes []ResourceChange) string {
	var b strings.Builder
	for _, c := range changes {
		b.WriteString(c.ID.String())
		b.WriteString(": ")
		switch c.Op {
		case ChangeAdded:
			b.WriteString("created")
		case ChangeDeleted:
			b.WriteString("deleted")
		default:
			b.WriteString(strings.Join(changeParts(c), "; "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func changeParts(c ResourceChange) []string {
	var parts []string
	for _, f := range c.Fields {
		switch {
		case f.Secret:
			parts = append(parts, filetree.Quote(f.Field)+": (secret changed)")
		case f.Field == "codeChecksum" && c.ID.HasCode():
			parts = append(parts, "code: repacked, same files")
		default:
			// Field names come from FC's answer: quoted, so that a name
			// holding a newline cannot forge a line of the commit message.
			parts = append(parts, fmt.Sprintf("%s %s -> %s", filetree.Quote(f.Field), FormatValue(f.Old), FormatValue(f.New)))
		}
	}
	if n := len(c.CodeFiles); n == 1 {
		parts = append(parts, "code: 1 file changed")
	} else if n > 1 {
		parts = append(parts, fmt.Sprintf("code: %d files changed", n))
	}
	return parts
}

// Subject is the subject line of an online-change commit, naming up to
// three resources: `online change: function svc/fn, trigger svc/fn/t`.
func Subject(changes []ResourceChange) string {
	const shown = 3
	names := make([]string, 0, shown)
	for i, c := range changes {
		if i == shown {
			break
		}
		names = append(names, c.ID.String())
	}
	s := "online change: " + strings.Join(names, ", ")
	if len(changes) > shown {
		s += fmt.Sprintf(" and %d more", len(changes)-shown)
	}
	return s
}
