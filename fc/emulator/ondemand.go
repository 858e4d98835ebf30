package emulator

import (
	"net/http"
	"sort"
	"strings"
)

// On-demand configs: the most on-demand instances of a function for a
// qualifier (an alias or LATEST, as the SDK documents it). They have ETags:
// PutFunctionOnDemandConfig and DeleteFunctionOnDemandConfig take If-Match
// (fc-api.md 1.8).

var onDemandShape = objectOf(map[string]*shape{"maximumInstanceCount": tInteger})

// onDemandResource is the config's resource, services/<svc>.<q>/functions/<fn>.
// Guess: the SDK's examples disagree (one shows this path with a service id
// in it, another "<account>#<svc>#<q>#<fn>"); the path form is the one
// ListOnDemandConfigs' example uses.
func onDemandResource(svc, q, fn string) string {
	return "services/" + svc + "." + q + "/functions/" + fn
}

// onDemandNotFound: the FC 3.0 reference records OnDemandConfigNotFound
// (terraform treats it as "not found"). Guess: 404, and this message.
func onDemandNotFound(svc, q, fn string) *apiError {
	return errorf(http.StatusNotFound, "OnDemandConfigNotFound",
		"on-demand config of function '%s' of service '%s' with qualifier '%s' does not exist", fn, svc, q)
}

// checkConfigIfMatch is If-Match on a configuration that may not exist
// yet: with no config there is no ETag to match, so any If-Match fails
// (RFC 9110 13.1.1). Guess: FC's behaviour here is not documented.
func checkConfigIfMatch(req *request, c *config) *apiError {
	if c == nil {
		if req.header.Get("If-Match") != "" {
			return preconditionFailed()
		}
		return nil
	}
	return req.checkIfMatch(c.ETag)
}

func (e *Emulator) putOnDemandConfig(req *request) (reply, *apiError) {
	svc, q, aerr := e.lookupConfigTarget(req, aliasOrLatest)
	if aerr != nil {
		return reply{}, aerr
	}
	existing := svc.OnDemand.get(req.fn, q)
	if aerr := checkConfigIfMatch(req, existing); aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(onDemandShape)
	if aerr != nil {
		return reply{}, aerr
	}
	if obj["maximumInstanceCount"] == nil {
		return reply{}, invalidArgument("MaximumInstanceCount is required")
	}
	// Guess: the reference gives no bound; FC's instance quota is
	// adjustable, so only a negative count is refused.
	if n, _ := asInt(obj["maximumInstanceCount"]); n < 0 {
		return reply{}, invalidValue("maximumInstanceCount", "0 or more", obj["maximumInstanceCount"])
	}
	attrs := map[string]any{"resource": onDemandResource(req.svc, q, req.fn), "maximumInstanceCount": obj["maximumInstanceCount"]}
	c := &config{Attrs: attrs, ETag: e.st.freshETag(attrs, req.now)}
	svc.OnDemand = svc.OnDemand.put(req.fn, q, c)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(clone(attrs), c.ETag)
}

func (e *Emulator) getOnDemandConfig(req *request) (reply, *apiError) {
	svc, q, aerr := e.lookupConfigTarget(req, aliasOrLatest)
	if aerr != nil {
		return reply{}, aerr
	}
	c := svc.OnDemand.get(req.fn, q)
	if c == nil {
		return reply{}, onDemandNotFound(req.svc, q, req.fn)
	}
	return ok(clone(c.Attrs), c.ETag)
}

func (e *Emulator) deleteOnDemandConfig(req *request) (reply, *apiError) {
	svc, q, aerr := e.lookupConfigTarget(req, aliasOrLatest)
	if aerr != nil {
		return reply{}, aerr
	}
	c := svc.OnDemand.get(req.fn, q)
	if c == nil {
		return reply{}, onDemandNotFound(req.svc, q, req.fn)
	}
	if aerr := req.checkIfMatch(c.ETag); aerr != nil {
		return reply{}, aerr
	}
	svc.OnDemand.remove(req.fn, q)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

// listOnDemandConfigs lists the account's configs. Guess: prefix, startKey
// and nextToken apply to the resource after "services/" (so a prefix is a
// service name's start, as the SDK's startKey example "nextservice"
// suggests), in byte order.
func (e *Emulator) listOnDemandConfigs(req *request) (reply, *apiError) {
	limit, aerr := parseLimit(req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	items := map[string]map[string]any{}
	var keys []string
	for _, name := range sortedKeys(e.st.Services) {
		e.st.Services[name].OnDemand.each(func(fn, q string, c *config) {
			key := strings.TrimPrefix(stringField(c.Attrs, "resource"), "services/")
			keys = append(keys, key)
			items[key] = clone(c.Attrs)
		})
	}
	sort.Strings(keys)
	start := req.query.Get("startKey")
	if tok := req.query.Get("nextToken"); tok != "" {
		start = tok
	}
	page, next := configPage(keys, items, start, req.query.Get("prefix"), limit)
	return listReply("configs", page, next)
}
