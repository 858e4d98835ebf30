package sync

import (
	"fmt"
	"sort"

	"github.com/fcsync/fcsync/fc"
)

// VersionsField is the server-owned field of a service under which the
// live branch records its published versions.
const VersionsField = "versions"

// VersionsStatus is the recorded form of a service's versions: a list of
// {versionId, description, createdTime}, oldest first.
func VersionsStatus(vs []fc.Version) []any {
	out := make([]any, 0, len(vs))
	for _, v := range vs {
		m := map[string]any{"versionId": v.ID}
		if v.Description != "" {
			m["description"] = v.Description
		}
		if v.CreatedTime != "" {
			m["createdTime"] = v.CreatedTime
		}
		out = append(out, m)
	}
	return out
}

// Versions reads back what VersionsStatus recorded for a service.
func Versions(r *fc.Resource) []fc.Version {
	if r == nil {
		return nil
	}
	list, _ := r.Status[VersionsField].([]any)
	var out []fc.Version
	for _, it := range list {
		m, _ := it.(map[string]any)
		v := fc.Version{}
		v.ID, _ = m["versionId"].(string)
		v.Description, _ = m["description"].(string)
		v.CreatedTime, _ = m["createdTime"].(string)
		if v.ID != "" {
			out = append(out, v)
		}
	}
	return out
}

// VersionChanges describes the versions published and deleted between two
// readings, one line per version ("service demo: version 3 published
// (\"canary\")"), in resource and version order.
func VersionChanges(before, after *State) []string {
	var out []string
	for _, id := range UnionIDs(before, after) {
		if id.Kind != fc.KindService {
			continue
		}
		old, cur := map[string]bool{}, map[string]bool{}
		for _, v := range Versions(before.Resources[id]) {
			old[v.ID] = true
		}
		var added []fc.Version
		for _, v := range Versions(after.Resources[id]) {
			cur[v.ID] = true
			if !old[v.ID] && before.Resources[id] != nil {
				added = append(added, v)
			}
		}
		for _, v := range added {
			line := fmt.Sprintf("%s: version %s published", id, v.ID)
			if v.Description != "" {
				line += " " + FormatValue(v.Description)
			}
			out = append(out, line)
		}
		var gone []string
		for v := range old {
			if !cur[v] && after.Resources[id] != nil {
				gone = append(gone, v)
			}
		}
		sort.Strings(gone)
		for _, v := range gone {
			out = append(out, fmt.Sprintf("%s: version %s deleted", id, v))
		}
	}
	return out
}

// PointAlias rewrites an alias file (its bytes as the user wrote them) to
// route to version: versionId becomes version and version leaves the canary
// weights, every other line kept as written (comments included). It is how
// push --alias keeps the project in step with the alias it moved.
func PointAlias(src []byte, spec map[string]any, version string) ([]byte, error) {
	edits := []fieldEdit{{path: []string{"versionId"}, local: optOf(spec, "versionId"), theirs: opt{version, true}}}
	if w, ok := spec["additionalVersionWeight"].(map[string]any); ok {
		if old, ok := w[version]; ok {
			edits = append(edits, fieldEdit{path: []string{"additionalVersionWeight", version}, local: opt{old, true}})
		}
	}
	return patchYAML(src, edits, TextMergeLabels{})
}
