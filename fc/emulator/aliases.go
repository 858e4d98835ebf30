package emulator

import (
	"net/http"
	"strings"
)

// Aliases (fc-api.md 2.7, A.5): a name for a version, with optional canary
// weights to other versions. They have ETags, and UpdateAlias and
// DeleteAlias honour If-Match (1.8).

var aliasShape = objectOf(map[string]*shape{
	"aliasName":               tString,
	"versionId":               tString,
	"description":             tString,
	"additionalVersionWeight": mapOf(tNumber),
	"resolvePolicy":           tString,
	"routePolicy": objectOf(map[string]*shape{
		"condition": tString,
		"policyItems": listOf(objectOf(map[string]*shape{
			"type": tString, "key": tString, "operator": tString, "value": tString,
		})),
	}),
})

var aliasOwned = []string{"aliasName", "createdTime", "lastModifiedTime"}

// aliasDefaults: the SDK documents Random as resolvePolicy's default in
// three of its four comments (the fourth says "empty"). Guess: no weights
// read back as {} (the official Node SDK's tests send {}), no route policy
// as null.
func aliasDefaults() map[string]any {
	return map[string]any{"description": "", "additionalVersionWeight": map[string]any{},
		"resolvePolicy": "Random", "routePolicy": nil}
}

// Guess: the reference names the route policy's fields, not their values;
// these are the console's.
var (
	resolvePolicies = []string{"Random", "Content"}
	routeConditions = []string{"AND", "OR"}
	policyItemTypes = []string{"Header", "Cookie", "Query"}
)

// checkAliasRules checks an alias after a write is merged in: its version
// and every canary version exist, a canary is not the main version
// (400 AdditionalVersionContainsMajorVersion, fc-api.md 2.7), and each
// weight lies in [0, 1]. Guess: the weights together are at most 1, the
// share of traffic they take from the main version.
func checkAliasRules(svc *service, svcName string, attrs map[string]any) *apiError {
	main := stringField(attrs, "versionId")
	if main == "" {
		return invalidArgument("VersionId is required")
	}
	if svc.Versions[main] == nil {
		return versionNotFound(svcName, main)
	}
	weights, _ := attrs["additionalVersionWeight"].(map[string]any)
	total := 0.0
	for _, id := range sortedKeys(weights) {
		if id == main {
			return errorf(http.StatusBadRequest, "AdditionalVersionContainsMajorVersion",
				"additionalVersionWeight contains the major version '%s' of the alias", id)
		}
		if svc.Versions[id] == nil {
			return versionNotFound(svcName, id)
		}
		w, _ := asFloat(weights[id])
		if w < 0 || w > 1 {
			return invalidValue("additionalVersionWeight."+id, "0 to 1", weights[id])
		}
		total += w
	}
	if total > 1+1e-9 {
		return invalidValue("additionalVersionWeight", "weights that add up to at most 1", attrs["additionalVersionWeight"])
	}
	if aerr := oneOf(attrs, "resolvePolicy", resolvePolicies); aerr != nil {
		return aerr
	}
	if rp, ok := attrs["routePolicy"].(map[string]any); ok {
		if c := stringField(rp, "condition"); c != "" {
			if aerr := oneOf(rp, "condition", routeConditions); aerr != nil {
				return aerr
			}
		}
		items, _ := rp["policyItems"].([]any)
		for _, it := range items {
			item, _ := it.(map[string]any)
			if aerr := oneOf(item, "type", policyItemTypes); aerr != nil {
				return aerr
			}
		}
	}
	return checkDescription(attrs)
}

// aliasUses tells whether an alias routes to version id.
func aliasUses(a *alias, id string) bool {
	weights, _ := a.Attrs["additionalVersionWeight"].(map[string]any)
	_, canary := weights[id]
	return stringField(a.Attrs, "versionId") == id || canary
}

func (e *Emulator) lookupAlias(req *request) (*service, *alias, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return nil, nil, aerr
	}
	a := svc.Aliases[req.alias]
	if a == nil {
		return nil, nil, aliasNotFound(req.svc, req.alias)
	}
	return svc, a, nil
}

func (e *Emulator) createAlias(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(shapeFor(req, aliasShape, createAliasShape3))
	if aerr != nil {
		return reply{}, aerr
	}
	name := stringField(obj, "aliasName")
	if aerr := checkName("alias", name, 128); aerr != nil {
		return reply{}, aerr
	}
	if strings.EqualFold(name, "LATEST") {
		return reply{}, invalidArgument("alias name '%s' is invalid: LATEST is reserved", name)
	}
	if svc.Aliases[name] != nil {
		return reply{}, errorf(http.StatusConflict, "AliasAlreadyExists", "alias %s of service %s already exists", name, req.svc)
	}
	attrs := map[string]any{}
	apply(attrs, obj, aliasOwned...)
	complete(attrs, aliasDefaults())
	if aerr := checkAliasRules(svc, req.svc, attrs); aerr != nil {
		return reply{}, aerr
	}
	attrs["aliasName"] = name
	attrs["createdTime"] = e.st.stamp(req.now)
	attrs["lastModifiedTime"] = attrs["createdTime"]
	a := &alias{Attrs: attrs, ETag: etagOf(attrs)}
	if svc.Aliases == nil {
		svc.Aliases = map[string]*alias{}
	}
	svc.Aliases[name] = a
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(renderAlias(req, a), a.ETag)
}

func (e *Emulator) getAlias(req *request) (reply, *apiError) {
	_, a, aerr := e.lookupAlias(req)
	if aerr != nil {
		return reply{}, aerr
	}
	return ok(renderAlias(req, a), a.ETag)
}

func (e *Emulator) updateAlias(req *request) (reply, *apiError) {
	svc, a, aerr := e.lookupAlias(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := req.checkIfMatch(a.ETag); aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(shapeFor(req, aliasShape, updateAliasShape3))
	if aerr != nil {
		return reply{}, aerr
	}
	updated := clone(a.Attrs)
	apply(updated, obj, aliasOwned...)
	complete(updated, aliasDefaults())
	if aerr := checkAliasRules(svc, req.svc, updated); aerr != nil {
		return reply{}, aerr
	}
	a.Attrs = updated
	a.ETag = e.st.touch(a.Attrs, req.now)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(renderAlias(req, a), a.ETag)
}

func (e *Emulator) deleteAlias(req *request) (reply, *apiError) {
	svc, a, aerr := e.lookupAlias(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := req.checkIfMatch(a.ETag); aerr != nil {
		return reply{}, aerr
	}
	if aerr := checkNoProvision(svc, req.svc, "", req.alias); aerr != nil {
		return reply{}, aerr
	}
	forgetQualifierConfigs(svc, req.alias)
	delete(svc.Aliases, req.alias)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

func (e *Emulator) listAliases(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	page, next, aerr := paginate(sortedKeys(svc.Aliases), req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	items := make([]map[string]any, 0, len(page))
	for _, name := range page {
		items = append(items, renderAlias(req, svc.Aliases[name]))
	}
	return listReply("aliases", items, next)
}

// renderAlias is an alias as the request's dialect shows it: FC 3.0's have
// no resolvePolicy or routePolicy (fc3-api.md 2.6), and an FC 2.0
// service's aliases read through it lose them.
func renderAlias(req *request, a *alias) map[string]any {
	out := clone(a.Attrs)
	if req.dialect == dialect2023 {
		delete(out, "resolvePolicy")
		delete(out, "routePolicy")
	}
	return out
}
