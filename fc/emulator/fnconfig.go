package emulator

import (
	"net/http"
	"time"
)

// What the per-function, per-qualifier configurations (provision,
// on-demand, async invocation) share: finding their function and checking
// their qualifier, and what deleting a function, alias or version does to
// them.

// qualifierRule is which qualifiers a kind of configuration takes.
type qualifierRule int

const (
	// aliasOrLatest: required, an alias or LATEST, never a version. The
	// API reference of PutProvisionConfig says "服务别名或 LATEST，不支持版本"
	// (a service alias or LATEST; versions are not supported), and the SDK
	// says the same of the on-demand config.
	aliasOrLatest qualifierRule = iota + 1
	// anyQualifier: LATEST (the default), a version or an alias, as the
	// SDK documents the async invocation config's qualifier.
	anyQualifier
	// aliasOrLatestDefault: an alias or LATEST, LATEST when none is sent.
	// FC 3.0's provision config documents its qualifier as "the function
	// alias"; Guess: absent means LATEST (fc3-api.md 2.9).
	aliasOrLatestDefault
)

// lookupConfigTarget finds the live function of a configuration request and
// checks its qualifier, which it returns ("LATEST" when none was sent and
// the rule allows it).
func (e *Emulator) lookupConfigTarget(req *request, rule qualifierRule) (*service, string, *apiError) {
	svc, _, aerr := e.lookupFunction(req)
	if aerr != nil {
		return nil, "", aerr
	}
	q := req.qualifier
	switch rule {
	case aliasOrLatest:
		// Guess: the code for a missing qualifier is not documented.
		if q == "" {
			return nil, "", invalidArgument("Qualifier is required: an alias of service '%s' or LATEST", req.svc)
		}
		if isVersionID(q) {
			return nil, "", invalidValue("qualifier", "an alias | LATEST", q)
		}
	case anyQualifier:
		if q == "" {
			q = "LATEST"
		}
	case aliasOrLatestDefault:
		if q == "" {
			q = "LATEST"
		}
		if isVersionID(q) {
			return nil, "", invalidValue("qualifier", "an alias | LATEST", q)
		}
	}
	if aerr := qualifierExists(svc, req.svc, q); aerr != nil {
		return nil, "", aerr
	}
	return svc, q, nil
}

// checkNoProvision refuses to delete a function (fn set) or an alias
// (qualifier set) that still has provisioned instances. The FC 3.0
// reference records ProvisionConfigExist for DeleteFunction while
// provisioned instances remain, and the official Node SDK's tests set the
// target back to 0 before deleting the alias. Guess: the status is 400.
func checkNoProvision(svc *service, svcName, fn, qualifier string) *apiError {
	var found *apiError
	svc.Provision.each(func(f, q string, c *config) {
		if found != nil || (fn != "" && f != fn) || (qualifier != "" && q != qualifier) {
			return
		}
		if n, _ := asInt(c.Attrs["target"]); n > 0 {
			found = errorf(http.StatusBadRequest, "ProvisionConfigExist",
				"function '%s' of service '%s' has %d provisioned instances for qualifier '%s'; set its target to 0 first",
				f, svcName, n, q)
		}
	})
	return found
}

// forgetFunctionConfigs drops a deleted function's configurations. Guess:
// FC deletes them with the function.
func forgetFunctionConfigs(svc *service, fn string) {
	delete(svc.Provision, fn)
	delete(svc.OnDemand, fn)
	delete(svc.AsyncInvoke, fn)
	delete(svc.Concurrency, fn)
}

// forgetQualifierConfigs drops the configurations of a deleted alias or
// version. Guess: FC deletes them with it.
func forgetQualifierConfigs(svc *service, q string) {
	for _, set := range []configSet{svc.Provision, svc.OnDemand, svc.AsyncInvoke} {
		for _, fn := range sortedKeys(set) {
			set.remove(fn, q)
		}
	}
}

// freshETag is an ETag for attrs that carry no timestamp of their own: a
// new stamp is hashed in, so that a value set back to what it was still
// gets a new ETag, as every mutation does.
func (s *store) freshETag(attrs map[string]any, now time.Time) string {
	c := clone(attrs)
	c["lastModifiedTime"] = s.stamp(now)
	return etagOf(c)
}

// configPage is one page of a list of configurations, sorted by key:
// items from the key given as nextToken (or startKey) on, inclusive, at most
// limit of them; next is the key of the first one left out.
func configPage(keys []string, items map[string]map[string]any, start, prefix string, limit int) (page []map[string]any, next string) {
	sortedKeys := sortedStrings(keys)
	for _, k := range sortedKeys {
		if k < start || len(k) < len(prefix) || k[:len(prefix)] != prefix {
			continue
		}
		if len(page) == limit {
			return page, k
		}
		page = append(page, items[k])
	}
	return page, ""
}
