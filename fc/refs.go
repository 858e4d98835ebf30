package fc

import "strings"

// References: a field the table marks with RefKind (a function's layers)
// may name a resource of the project as "<kind>:<name>" ("layer:shared")
// instead of by ARN. The reference stands for that resource's ARN as it is
// now: for a layer, its newest version. Push resolves it (ResolveRefs);
// reading online, an ARN that is the one a reference would resolve to is
// shown as the reference (NameRefs), so that a function deployed from
// "layer:shared" reads back as "layer:shared", and one left on an older
// version reads back as that version's ARN.

// RefID is the resource a reference names, for a field whose values may
// be references to kind k of a; ok is false when v is not such a reference.
func (a API) RefID(k Kind, v any) (ID, bool) {
	s, isString := v.(string)
	if k == "" || !isString {
		return ID{}, false
	}
	name, ok := strings.CutPrefix(s, string(k)+":")
	if !ok {
		return ID{}, false
	}
	sc := a.schema(k)
	if sc == nil || len(sc.Slots) != 1 {
		return ID{}, false
	}
	id := ID{API: a, Kind: k}
	id.set(sc.Slots[0], name)
	return id, true
}

// Ref is the reference that names id ("layer:shared").
func Ref(id ID) string { return string(id.Kind) + ":" + nameOf(id) }

// ARNs are the forms of r's ARN that its Status holds (Schema.ARNFields),
// the one references resolve to first.
func ARNs(r *Resource) []string {
	var out []string
	for _, f := range r.ID.Schema().ARNFields {
		if s, _ := r.Status[f].(string); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// refField is one top-level field of kind k whose values may be
// references: the field itself a string, or a list of strings.
type refField struct {
	name   string
	target Kind
	list   bool
}

func (a API) refFields(k Kind) []refField {
	sc := a.schema(k)
	if sc == nil {
		return nil
	}
	var out []refField
	for _, f := range sc.Fields {
		switch {
		case f.RefKind != "":
			out = append(out, refField{name: f.Name, target: f.RefKind})
		case f.Type == TList && f.Elem != nil && f.Elem.RefKind != "":
			out = append(out, refField{name: f.Name, target: f.Elem.RefKind, list: true})
		}
	}
	return out
}

// Reference is one reference in a spec: where (a field, and an index in
// a list field) and which resource it names.
type Reference struct {
	Path   []any
	Target ID
}

// Refs lists the references a spec of kind k holds, in field order.
func (a API) Refs(k Kind, spec map[string]any) []Reference {
	var out []Reference
	a.mapRefs(k, spec, func(path []any, id ID) (string, bool) {
		out = append(out, Reference{Path: path, Target: id})
		return "", false
	})
	return out
}

// ReplaceRefs returns spec with each reference that to maps to a value
// replaced by that value; references it does not map stay. spec itself is
// not changed.
func (a API) ReplaceRefs(k Kind, spec map[string]any, to func(ID) (string, bool)) map[string]any {
	return a.mapRefs(k, spec, func(_ []any, id ID) (string, bool) { return to(id) })
}

// NameRefs returns spec with each value that is the ARN byARN maps to a
// resource replaced by that resource's reference: the inverse of
// ReplaceRefs for the ARNs the resources have now. spec itself is not
// changed.
func (a API) NameRefs(k Kind, spec map[string]any, byARN map[string]ID) map[string]any {
	if len(byARN) == 0 {
		return spec
	}
	var out map[string]any
	for _, rf := range a.refFields(k) {
		v, ok := spec[rf.name]
		if !ok {
			continue
		}
		nv, changed := nameValue(rf, v, byARN)
		if !changed {
			continue
		}
		if out == nil {
			out = copySpec(spec)
		}
		out[rf.name] = nv
	}
	if out == nil {
		return spec
	}
	return out
}

func nameValue(rf refField, v any, byARN map[string]ID) (any, bool) {
	name := func(e any) (any, bool) {
		s, _ := e.(string)
		if id, ok := byARN[s]; ok && id.Kind == rf.target {
			return Ref(id), true
		}
		return e, false
	}
	if !rf.list {
		return name(v)
	}
	l, ok := v.([]any)
	if !ok {
		return v, false
	}
	var out []any
	for i, e := range l {
		if n, changed := name(e); changed {
			if out == nil {
				out = append([]any(nil), l...)
			}
			out[i] = n
		}
	}
	if out == nil {
		return v, false
	}
	return out, true
}

// mapRefs calls fn for every reference in spec's reference fields and
// returns spec with those fn gave a replacement for replaced.
func (a API) mapRefs(k Kind, spec map[string]any, fn func(path []any, id ID) (string, bool)) map[string]any {
	var out map[string]any
	set := func(field string, v any) {
		if out == nil {
			out = copySpec(spec)
		}
		out[field] = v
	}
	for _, rf := range a.refFields(k) {
		v, ok := spec[rf.name]
		if !ok {
			continue
		}
		if !rf.list {
			if id, isRef := a.RefID(rf.target, v); isRef {
				if r, ok := fn([]any{rf.name}, id); ok {
					set(rf.name, r)
				}
			}
			continue
		}
		l, _ := v.([]any)
		var nl []any
		for i, e := range l {
			id, isRef := a.RefID(rf.target, e)
			if !isRef {
				continue
			}
			if r, ok := fn([]any{rf.name, i}, id); ok {
				if nl == nil {
					nl = append([]any(nil), l...)
				}
				nl[i] = r
			}
		}
		if nl != nil {
			set(rf.name, nl)
		}
	}
	if out == nil {
		return spec
	}
	return out
}

func copySpec(spec map[string]any) map[string]any {
	out := make(map[string]any, len(spec))
	for k, v := range spec {
		out[k] = v
	}
	return out
}

// RefFields are the names of kind k's fields whose values may name a
// resource of kind target.
func (a API) RefFields(k, target Kind) []string {
	var out []string
	for _, rf := range a.refFields(k) {
		if rf.target == target {
			out = append(out, rf.name)
		}
	}
	return out
}

// NamesVersionOf reports whether an ARN names some version of r, a
// resource of a versioned kind read as its newest version: it is one of
// r's ARNs but for the version number they end in.
func NamesVersionOf(arn string, r *Resource) bool {
	for _, own := range ARNs(r) {
		base := strings.TrimRight(own, "0123456789")
		rest, ok := strings.CutPrefix(arn, base)
		if ok && base != own && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return true
		}
	}
	return false
}
