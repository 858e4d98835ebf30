package fc

import "reflect"

// WithoutDefaults is spec less what FC fills in by itself: the fields
// whose value is their Default in the table of kinds, and nulls, at every
// depth of the objects the table describes; an object left empty goes too.
// Project files made from the online state (clone, a resource a pull
// brings in) are rendered from it, so that they hold what someone set,
// not tracingConfig: {params: null, type: null}. Leaving a field out is
// safe: a field absent from a project file is not managed by it, and the
// live branch keeps the full record. spec itself is not changed.
func (a API) WithoutDefaults(k Kind, spec map[string]any) map[string]any {
	sc := a.schema(k)
	if sc == nil {
		return spec
	}
	if sc.PerQualifier != nil {
		// Per qualifier: each config less its defaults, kept even when
		// nothing is left ({}), since the config itself was set.
		out := make(map[string]any, len(spec))
		for q, v := range spec {
			if cfg, ok := v.(map[string]any); ok {
				v = withoutDefaults(sc.Fields, cfg)
			}
			if v != nil {
				out[q] = v
			}
		}
		return out
	}
	return withoutDefaults(sc.Fields, spec)
}

func withoutDefaults(fields []Field, m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		f := findField(fields, k)
		if v == nil {
			continue
		}
		if f == nil {
			out[k] = v
			continue
		}
		if f.HasDefault && reflect.DeepEqual(Normalize(v), Normalize(f.Default)) {
			continue
		}
		if sub, ok := v.(map[string]any); ok && f.Type == TObject && f.Variants == nil {
			sub = withoutDefaults(f.Fields, sub)
			if len(sub) == 0 {
				continue
			}
			v = sub
		}
		out[k] = v
	}
	return out
}
