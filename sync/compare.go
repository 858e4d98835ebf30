package sync

import (
	"reflect"
	"sort"

	"github.com/fcsync/fcsync/fc"
)

// wholeMaps are the mapping fields that a local file manages as a whole:
// a key missing locally is a key to remove online. Every other mapping
// (triggerConfig, logConfig, vpcConfig, ...) is managed key by key, so FC
// may add defaults inside it without the project seeing a difference, and a
// key absent locally is never reset online (DESIGN section 2: nothing online
// is lost by omission).
var wholeMaps = map[string]bool{
	"environmentVariables": true,
	"tags":                 true, // a service's: a key removed locally is untagged
}

// ManagedDiff lists the dotted paths of the fields that local manages and
// whose value differs from online. Fields absent from local are not
// managed and never reported. A local null is the same as absent online:
// FC answers null for "not set" and fcsync reads that as absent (it is how
// a qualifier's config is deleted). Both specs must be normalised.
func ManagedDiff(local, online map[string]any) []string {
	var out []string
	managedDiff("", local, online, &out)
	sort.Strings(out)
	return out
}

func managedDiff(prefix string, local, online map[string]any, out *[]string) {
	for k, lv := range local {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		ov, ok := online[k]
		if !ok {
			if lv != nil {
				*out = append(*out, path)
			}
			continue
		}
		lm, lIsMap := lv.(map[string]any)
		om, oIsMap := ov.(map[string]any)
		if lIsMap && oIsMap && !wholeMaps[path] {
			managedDiff(path, lm, om, out)
			continue
		}
		if !reflect.DeepEqual(lv, ov) {
			*out = append(*out, path)
		}
	}
}

// Overlay returns online with local's managed fields written over it: the
// value a resource has after push applies local. Key-by-key mappings are
// overlaid recursively; whole maps and other values are replaced.
func Overlay(local, online map[string]any) map[string]any {
	return overlay("", local, online)
}

func overlay(prefix string, local, online map[string]any) map[string]any {
	out := make(map[string]any, len(online)+len(local))
	for k, v := range online {
		out[k] = v
	}
	for k, lv := range local {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		lm, lIsMap := lv.(map[string]any)
		om, oIsMap := online[k].(map[string]any)
		if lIsMap && oIsMap && !wholeMaps[path] {
			out[k] = overlay(path, lm, om)
			continue
		}
		out[k] = lv
	}
	return out
}

// OnlineChanged reports whether a resource's online state differs between
// two readings (the drift test of DESIGN section 3): any field of its
// rendering, its codeChecksum, or a secret's hash.
func OnlineChanged(before, after *fc.Resource) bool {
	if (before == nil) != (after == nil) {
		return true
	}
	if before == nil {
		return false
	}
	if !reflect.DeepEqual(before.Spec, after.Spec) {
		return true
	}
	if before.CodeChecksum() != after.CodeChecksum() {
		return true
	}
	return !reflect.DeepEqual(before.Status["secretHashes"], after.Status["secretHashes"])
}

func equalValues(a, b any) bool { return reflect.DeepEqual(a, b) }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// holdsNothing reports whether r is of a kind whose resource is a
// function's configs per qualifier (fc.IsPerQualifier) and holds none: no
// qualifier, or only nulls. Online, such a resource does not exist (there
// is nothing to list), so a local file holding only nulls has nothing to
// create, and a deploy that deletes the last config deletes the resource.
func holdsNothing(r *fc.Resource) bool {
	if r == nil || !r.ID.API.IsPerQualifier(r.ID.Kind) {
		return false
	}
	for _, v := range r.Spec {
		if v != nil {
			return false
		}
	}
	return true
}
