package fc

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Problem is one finding of Check: where (the field path, map keys as
// strings and list indexes as ints; empty for the resource as a whole) and
// what. A Warning does not stop a push.
type Problem struct {
	Path    []any
	Msg     string
	Warning bool
}

// PathString is the dotted form of a problem's path ("triggerConfig.methods[1]").
func PathString(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch x := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", x)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, x)
		}
	}
	return b.String()
}

// Check validates a resource's Spec (normalised, as Parse gives it) against
// a's table of kinds. extra lists dotted field paths (without list indexes)
// that the user let through as opaque values (extraFields in fcsync.yaml):
// they are neither checked nor warned about.
func (a API) Check(k Kind, spec map[string]any, extra []string) []Problem {
	sc := a.schema(k)
	if sc == nil {
		return []Problem{{Msg: fmt.Sprintf("unknown resource kind %q", k)}}
	}
	c := &checker{api: a, kind: k, extra: map[string]bool{}}
	for _, e := range extra {
		c.extra[e] = true
	}
	if sc.PerQualifier != nil {
		c.qualifiers(sc, spec)
		return c.problems
	}
	c.object(nil, sc.Fields, spec, spec)
	return c.problems
}

type checker struct {
	api      API
	kind     Kind
	extra    map[string]bool
	problems []Problem
	// top is the depth of a config's fields: 1 under a qualifier, else 0.
	top int
}

// qualifiers checks the file of a PerQualifier kind: each key a qualifier
// the kind takes, each value a config, or null to delete that config online.
func (c *checker) qualifiers(sc *Schema, spec map[string]any) {
	c.top = 1
	for _, q := range keys(spec) {
		p := []any{q}
		if err := sc.PerQualifier.Qualifier(c.kind, q); err != nil {
			c.add(p, false, "%v", err)
			continue
		}
		v := spec[q]
		if v == nil {
			continue // delete the config online
		}
		m, ok := v.(map[string]any)
		if !ok {
			c.add(p, false, "%s must be a mapping of %s fields (%s), or null to delete the config online, not %s",
				q, c.kind, strings.Join(fieldNames(sc.Fields), ", "), typeName(v))
			continue
		}
		c.object(p, sc.Fields, m, m)
		if sc.PerQualifier.Clear != nil && cleared(sc, m) {
			c.add(p, true, "%s: this config is what Function Compute reads as none, and it would be removed online "+
				"while the file keeps it; write %s: null to remove it", q, q)
		}
	}
}

// extraPath is a field's path as extraFields name it: without the qualifier.
func (c *checker) extraPath(p []any) string { return dotted(p[min(c.top, len(p)):]) }

func (c *checker) add(path []any, warning bool, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: append([]any(nil), path...), Msg: fmt.Sprintf(format, args...), Warning: warning})
}

// object checks the keys of a mapping against fields; siblings is the
// mapping holding this one's variant key (the spec for triggerConfig).
func (c *checker) object(path []any, fields []Field, m map[string]any, siblings map[string]any) {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		p := append(append([]any(nil), path...), key)
		if c.extra[c.extraPath(p)] {
			continue
		}
		f := findField(fields, key)
		if f == nil {
			if hint := Suggest(key, fieldNames(fields)); hint != "" {
				c.add(p, false, "unknown field %s; did you mean %s?", key, hint)
			} else {
				c.add(p, false, "unknown field %s, which Function Compute would ignore; if it is a field FC added that fcsync does not know yet, list %s.%s under extraFields in fcsync.yaml",
					key, c.kind, c.extraPath(p))
			}
			continue
		}
		if f.ServerOwned {
			c.add(p, false, "%s is set by Function Compute and cannot be written here", key)
			continue
		}
		if m[key] == nil && len(path) == c.top {
			// FC answers null for an unset field and fcsync reads that as
			// absent, so a null here would differ from online forever.
			c.add(p, false, "%s: null is how Function Compute says \"not set\"; remove the line to leave %s unmanaged, or write an empty value to clear it", key, key)
			continue
		}
		if f.Untyped {
			c.add(p, true, "fcsync does not check %s yet and sends it as it is; list %s.%s under extraFields in fcsync.yaml to silence this",
				key, c.kind, c.extraPath(p))
			continue
		}
		c.value(p, f, m[key], m)
	}
	for _, f := range fields {
		_, present := m[f.Name]
		switch {
		case present:
		case f.Required:
			c.add(path, false, "%s is required%s", qualified(path, f.Name), choices(f))
		case f.VariantOf != "":
			// A type whose configuration has required keys needs the
			// configuration itself.
			variant, _ := siblings[f.VariantOf].(string)
			for _, vf := range f.Variants[variant] {
				if vf.Required {
					c.add(path, false, "%s is required for %s %s", qualified(path, f.Name), f.VariantOf, variant)
					break
				}
			}
		}
	}
}

func qualified(path []any, name string) string {
	if len(path) == 0 {
		return name
	}
	return PathString(path) + "." + name
}

func choices(f Field) string {
	if len(f.Enum) > 0 {
		return " (one of " + strings.Join(f.Enum, ", ") + ")"
	}
	return ""
}

// value checks one value against its field. A null is always accepted: FC
// returns nulls for unset values (tracingConfig {type: null}).
func (c *checker) value(path []any, f *Field, v any, siblings map[string]any) {
	if v == nil {
		return
	}
	name := PathString(path)
	switch f.Type {
	case TAny:
		return
	case TString:
		sv, ok := v.(string)
		if !ok {
			hint := ""
			if isScalar(v) {
				hint = fmt.Sprintf("; quote it: \"%v\"", v)
			}
			c.add(path, false, "%s must be a string, not %s%s", name, typeName(v), hint)
			return
		}
		if len(f.Enum) > 0 && !contains(f.Enum, sv) {
			if hint := Suggest(sv, f.Enum); hint != "" {
				c.add(path, false, "%s: Function Compute has no %q; did you mean %s?", name, sv, hint)
			} else {
				c.add(path, false, "%s: %q is not one of %s", name, sv, strings.Join(f.Enum, ", "))
			}
			return
		}
		if f.Syntax != nil {
			if err := f.Syntax(sv); err != nil {
				c.add(path, false, "%s: %v", name, err)
			}
		}
		if id, ok := c.api.RefID(f.RefKind, sv); ok {
			if err := id.Validate(); err != nil {
				c.add(path, false, "%s: %v", name, err)
			}
		}
	case TInt, TFloat:
		c.number(path, f, v)
	case TBool:
		if _, ok := v.(bool); !ok {
			c.add(path, false, "%s must be true or false, not %s", name, describe(v))
		}
	case TObject:
		m, ok := v.(map[string]any)
		if !ok {
			c.add(path, false, "%s must be a mapping, not %s", name, typeName(v))
			return
		}
		fields := f.Fields
		if f.VariantOf != "" {
			variant, _ := siblings[f.VariantOf].(string)
			vf, known := f.Variants[variant]
			if !known {
				return // a type whose configuration the table does not describe
			}
			fields = vf
		}
		c.object(path, fields, m, m)
	case TMap:
		m, ok := v.(map[string]any)
		if !ok {
			c.add(path, false, "%s must be a mapping, not %s", name, typeName(v))
			return
		}
		keys := make([]string, 0, len(m))
		for key := range m {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			if m[key] == nil {
				continue
			}
			c.value(append(append([]any(nil), path...), key), f.Elem, m[key], m)
		}
	case TList:
		l, ok := v.([]any)
		if !ok {
			c.add(path, false, "%s must be a list, not %s", name, typeName(v))
			return
		}
		switch {
		case f.HasRange && float64(len(l)) > f.Max:
			c.add(path, false, "%s has %d items; Function Compute allows at most %v", name, len(l), f.Max)
		case f.HasRange && float64(len(l)) < f.Min:
			c.add(path, false, "%s needs at least %v item", name, f.Min)
		}
		seen := map[string]bool{}
		for i, e := range l {
			p := append(append([]any(nil), path...), i)
			if s, isString := e.(string); f.Set && isString {
				if seen[s] {
					// Said of the list, not of the item: that a value FC
					// returned is the same does not excuse the repeat.
					c.add(path, false, "%s: %s is listed twice", name, s)
				}
				seen[s] = true
			}
			c.value(p, f.Elem, e, nil)
		}
	}
}

// number checks a number against its field. A quoted number ("128") is
// refused even if FC took it (the emulator guesses it does): FC answers
// with a number, and the file would differ from online forever.
func (c *checker) number(path []any, f *Field, v any) {
	name := PathString(path)
	var n float64
	switch x := v.(type) {
	case int64:
		n = float64(x)
	case float64:
		n = x
	default:
		what := "a number"
		if f.Type == TInt {
			what = "a whole number"
		}
		if r := rangeText(f); r != "" {
			what += " (" + r + ")"
		}
		hint := ""
		if s, ok := v.(string); ok {
			if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
				hint = "; write it without quotes"
			}
		}
		c.add(path, false, "%s must be %s, not %s%s", name, what, describe(v), hint)
		return
	}
	if f.Type == TInt && n != math.Trunc(n) {
		c.add(path, false, "%s must be a whole number, not %v", name, v)
		return
	}
	bad := f.HasRange && (n < f.Min || n > f.Max)
	if len(f.OneOf) > 0 {
		bad = true
		for _, o := range f.OneOf {
			if float64(o) == n {
				bad = false
			}
		}
	}
	if f.MultipleOf != 0 {
		q := n / f.MultipleOf
		bad = bad || math.Abs(q-math.Round(q)) > 1e-9
	}
	if bad {
		c.add(path, false, "%s must be %s, not %v", name, rangeText(f), v)
	}
}

// rangeText describes a number's constraints for messages: "a multiple of
// 64, from 64 to 32768 MB", "512 or 10240 MB".
func rangeText(f *Field) string {
	var parts []string
	if len(f.OneOf) > 0 {
		vals := make([]string, len(f.OneOf))
		for i, o := range f.OneOf {
			vals[i] = fmt.Sprint(o)
		}
		parts = append(parts, strings.Join(vals, " or "))
	}
	if f.MultipleOf != 0 {
		parts = append(parts, fmt.Sprintf("a multiple of %v", f.MultipleOf))
	}
	switch {
	case f.HasRange && math.IsInf(f.Max, 1):
		parts = append(parts, fmt.Sprintf("at least %v", f.Min))
	case f.HasRange:
		parts = append(parts, fmt.Sprintf("from %v to %v", f.Min, f.Max))
	}
	s := strings.Join(parts, ", ")
	if f.Unit != "" && s != "" {
		s += " " + f.Unit
	}
	return s
}

func dotted(path []any) string {
	var parts []string
	for _, p := range path {
		if s, ok := p.(string); ok {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ".")
}

func findField(fields []Field, name string) *Field {
	for i := range fields {
		if fields[i].Name == name {
			return &fields[i]
		}
	}
	return nil
}

// fieldNames lists the names a user may write (server-owned ones left out).
func fieldNames(fields []Field) []string {
	var out []string
	for _, f := range fields {
		if !f.ServerOwned {
			out = append(out, f.Name)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isScalar(v any) bool {
	switch v.(type) {
	case int64, float64, bool:
		return true
	}
	return false
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64, float64:
		return "a number"
	case bool:
		return "true/false"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}

func describe(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return typeName(v)
}

// Suggest returns the candidate closest to name when it is close enough to
// be a typo of it (same letters in another case, or a few edits away), else "".
func Suggest(name string, candidates []string) string {
	best, bestDist := "", -1
	lname := strings.ToLower(name)
	for _, cand := range candidates {
		d := editDistance(lname, strings.ToLower(cand))
		if bestDist < 0 || d < bestDist {
			best, bestDist = cand, d
		}
	}
	limit := 2
	if len(name) >= 12 {
		limit = 3
	}
	if bestDist < 0 || bestDist > limit || bestDist >= len(name) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
