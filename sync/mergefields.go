package sync

import (
	"reflect"
	"sort"
	"strings"

	"github.com/fcsync/fcsync/filetree"
)

// opt is a field's value on one side of a merge; ok is false when the field
// is absent, which is a value of its own (DESIGN section 4: "including
// absent").
type opt struct {
	v  any
	ok bool
}

func optOf(m map[string]any, key string) opt {
	v, ok := m[key]
	return opt{v, ok}
}

// equal compares two sides of a field; null and absent are the same
// value, "not set" (see ManagedDiff).
func (o opt) equal(p opt) bool { return o.set() == p.set() && reflect.DeepEqual(o.v, p.v) }

func (o opt) set() bool { return o.ok && o.v != nil }

func (o opt) mapping() (map[string]any, bool) {
	m, ok := o.v.(map[string]any)
	return m, o.ok && ok
}

// fieldEdit is one change the merge makes to a local resource file: set the
// field at path to theirs (delete it when theirs is absent), or, when
// conflict is set, surround the field with conflict markers, the local text
// on one side and theirs on the other.
type fieldEdit struct {
	path     []string
	local    opt // the value being replaced, for reports
	theirs   opt
	conflict bool
}

// dotted names the field for messages, quoted as git quotes paths: the
// names come from FC's answers and may hold newlines or escape sequences.
func (e fieldEdit) dotted() string { return filetree.Quote(strings.Join(e.path, ".")) }

// change describes the edit for MergeResult.Changed: "memorySize 128 -> 256".
func (e fieldEdit) change() string {
	return e.dotted() + " " + FormatValue(e.local.v) + " -> " + FormatValue(e.theirs.v)
}

// mergeFields applies the table of DESIGN section 4 to one resource's specs:
// r is the sync point's online side (R), l its local side (L), r1 and l1
// online and local now. Local changes are measured against R, as git
// measures them against the merge base; l only says which fields local
// manages. It returns the edits that turn l1 into the merge result, in path
// order. Mappings present on both current sides are merged key by key, so
// that comments inside them survive an edit next door; every other value
// (scalars, lists) is merged whole.
func mergeFields(r, l, r1, l1 opt) []fieldEdit {
	var out []fieldEdit
	mergeField(nil, false, r, l, r1, l1, &out)
	return out
}

func mergeField(path []string, whole bool, r, l, r1, l1 opt, out *[]fieldEdit) {
	m1, online := r1.mapping()
	ml1, local := l1.mapping()
	if online && local {
		whole = whole || wholeMaps[strings.Join(path, ".")]
		mr, _ := r.mapping()
		ml, _ := l.mapping()
		for _, k := range unionKeys(mr, ml, m1, ml1) {
			sub := append(path[:len(path):len(path)], k)
			mergeField(sub, whole, optOf(mr, k), optOf(ml, k), optOf(m1, k), optOf(ml1, k), out)
		}
		return
	}
	switch {
	case r.equal(r1), l1.equal(r1):
		// Online did not change it, or both sides agree: local stands.
	case !localChangedField(whole, r, l, l1):
		*out = append(*out, fieldEdit{path: path, local: l1, theirs: r1})
	default:
		*out = append(*out, fieldEdit{path: path, local: l1, theirs: r1, conflict: true})
	}
}

// localChangedField reports whether local changed one field since the sync
// point: local manages it (it is in L or in local now, or inside a mapping
// managed as a whole) and its value differs from R's, absence included.
func localChangedField(whole bool, r, l, l1 opt) bool {
	managed := whole || l.ok || l1.ok
	return managed && !l1.equal(r)
}

// localFieldChanges lists the dotted paths of the fields local changed
// since the sync point, by the rule of localChangedField.
func localFieldChanges(r, l, l1 opt) []string {
	var out []string
	localFieldChange(nil, false, r, l, l1, &out)
	return out
}

func localFieldChange(path []string, whole bool, r, l, l1 opt, out *[]string) {
	mr, base := r.mapping()
	ml1, local := l1.mapping()
	if base && local {
		whole = whole || wholeMaps[strings.Join(path, ".")]
		ml, _ := l.mapping()
		for _, k := range unionKeys(mr, ml, ml1) {
			sub := append(path[:len(path):len(path)], k)
			localFieldChange(sub, whole, optOf(mr, k), optOf(ml, k), optOf(ml1, k), out)
		}
		return
	}
	if localChangedField(whole, r, l, l1) {
		*out = append(*out, strings.Join(path, "."))
	}
}

func unionKeys(ms ...map[string]any) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// applyEdits returns the value of spec after the clean (non-conflict)
// edits. It is the value a patched file must parse back to, which lets the
// YAML patcher check its own work.
func applyEdits(spec map[string]any, edits []fieldEdit) map[string]any {
	out := deepCopy(spec).(map[string]any)
	for _, e := range edits {
		if e.conflict {
			continue
		}
		m, ok := out, true
		for _, k := range e.path[:len(e.path)-1] {
			if m, ok = m[k].(map[string]any); !ok {
				break
			}
		}
		last := e.path[len(e.path)-1]
		switch {
		case !ok:
			// The file's value has no mapping there; the check it serves
			// then fails, as it should.
		case e.theirs.ok:
			m[last] = deepCopy(e.theirs.v)
		default:
			delete(m, last)
		}
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}
