package emulator

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Provision configs: provisioned instances per function and qualifier
// (an alias or LATEST). No ETag: PutProvisionConfig takes no If-Match in
// the SDK.

var provisionShape = objectOf(map[string]*shape{
	"target":            tInteger,
	"alwaysAllocateCPU": tBoolean,
	"scheduledActions": listOf(objectOf(map[string]*shape{
		"name": tString, "startTime": tString, "endTime": tString, "target": tInteger,
		"scheduleExpression": tString,
	})),
	"targetTrackingPolicies": listOf(objectOf(map[string]*shape{
		"name": tString, "startTime": tString, "endTime": tString, "metricType": tString,
		"metricTarget": tNumber, "minCapacity": tInteger, "maxCapacity": tInteger,
	})),
})

// maxProvisionTarget: "取值范围为[0,10000]" (the API reference of
// PutProvisionConfig).
const maxProvisionTarget = 10000

// Guess: the reference names the metric types of the FC 3.0 API; FC 2.0's
// console offers the first two.
var metricTypes = []string{"ProvisionedConcurrencyUtilization", "CPUUtilization", "GPUMemUtilization"}

// scheduleRE: the API reference's examples are cron(0/30 * * * *) and
// at(2021-10-10T10:10:10Z). Guess: anything else is refused.
var scheduleRE = regexp.MustCompile(`^(cron|at)\(.+\)$`)

// provisionResource is FC 2.0's resource of a provision config,
// "<account>#<service>#<qualifier>#<function>" (the API reference's
// example, and the official PHP SDK's tests).
func provisionResource(account, svc, q, fn string) string {
	return account + "#" + svc + "#" + q + "#" + fn
}

// provisionDefaults: alwaysAllocateCPU defaults to true (the API
// reference). Guess: no policies read back as empty lists.
func provisionDefaults() map[string]any {
	return map[string]any{"target": int64(0), "alwaysAllocateCPU": true,
		"scheduledActions": []any{}, "targetTrackingPolicies": []any{}}
}

func checkProvisionRules(attrs map[string]any) *apiError {
	if aerr := intIn(attrs, "target", 0, maxProvisionTarget, 0); aerr != nil {
		return aerr
	}
	if aerr := intIn(attrs, "defaultTarget", 0, maxProvisionTarget, 0); aerr != nil {
		return aerr
	}
	actions, _ := attrs["scheduledActions"].([]any)
	for i, a := range actions {
		act, _ := a.(map[string]any)
		name := "scheduledActions[" + strconv.Itoa(i) + "]"
		if stringField(act, "name") == "" {
			return invalidArgument("%s.Name is required", capitalise(name))
		}
		if expr := stringField(act, "scheduleExpression"); !scheduleRE.MatchString(expr) {
			return invalidValue(name+".scheduleExpression", "cron(<expression>) | at(<time>)", expr)
		}
		if aerr := intIn(act, "target", 0, maxProvisionTarget, 0); aerr != nil {
			return invalidValue(name+".target", "0 to 10000", act["target"])
		}
	}
	policies, _ := attrs["targetTrackingPolicies"].([]any)
	for i, p := range policies {
		pol, _ := p.(map[string]any)
		name := "targetTrackingPolicies[" + strconv.Itoa(i) + "]"
		if stringField(pol, "name") == "" {
			return invalidArgument("%s.Name is required", capitalise(name))
		}
		if aerr := oneOf(pol, "metricType", metricTypes); aerr != nil || pol["metricType"] == nil {
			return invalidValue(name+".metricType", strings.Join(metricTypes, " | "), pol["metricType"])
		}
		// Guess: a utilization target is a fraction, as the reference's
		// example 0.6.
		if t, ok := asFloat(pol["metricTarget"]); !ok || t <= 0 || t > 1 {
			return invalidValue(name+".metricTarget", "a number above 0, up to 1", pol["metricTarget"])
		}
		lo, _ := asInt(pol["minCapacity"])
		hi, _ := asInt(pol["maxCapacity"])
		if lo < 0 || hi < lo || hi > maxProvisionTarget {
			return invalidValue(name+".maxCapacity", "from minCapacity to 10000", pol["maxCapacity"])
		}
	}
	return nil
}

// putProvisionConfig replaces the function's config for the qualifier.
// Guess: current follows target at once (the instances are ready), and a
// target of 0 without policies is no config at all, as the official Node
// SDK's tests clean up by setting the target to 0.
func (e *Emulator) putProvisionConfig(req *request) (reply, *apiError) {
	svc, q, aerr := e.lookupConfigTarget(req, provisionQualifier(req))
	if aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(shapeFor(req, provisionShape, provisionShape3))
	if aerr != nil {
		return reply{}, aerr
	}
	if req.dialect == dialect2023 {
		mirrorTarget(obj)
	}
	if obj["target"] == nil {
		return reply{}, invalidArgument("Target is required")
	}
	attrs := map[string]any{}
	apply(attrs, obj)
	complete(attrs, provisionDefaults())
	if aerr := checkProvisionRules(attrs); aerr != nil {
		return reply{}, aerr
	}
	attrs["resource"] = provisionResource(req.account, req.svc, q, req.fn)
	attrs["current"] = attrs["target"]
	attrs["currentError"] = ""
	target, _ := asInt(attrs["target"])
	if target == 0 && len(attrs["scheduledActions"].([]any)) == 0 && len(attrs["targetTrackingPolicies"].([]any)) == 0 {
		svc.Provision.remove(req.fn, q)
	} else {
		svc.Provision = svc.Provision.put(req.fn, q, &config{Attrs: attrs})
	}
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(e.renderConfig(req, attrs, q), "")
}

// getProvisionConfig answers 200 with a target of 0 when nothing is
// provisioned: the FC 3.0 reference infers it from terraform, which reads
// target 0 as "no config".
func (e *Emulator) getProvisionConfig(req *request) (reply, *apiError) {
	svc, q, aerr := e.lookupConfigTarget(req, provisionQualifier(req))
	if aerr != nil {
		return reply{}, aerr
	}
	if c := svc.Provision.get(req.fn, q); c != nil {
		return ok(e.renderConfig(req, c.Attrs, q), "")
	}
	attrs := provisionDefaults()
	attrs["resource"] = provisionResource(req.account, req.svc, q, req.fn)
	attrs["current"] = int64(0)
	attrs["currentError"] = ""
	return ok(e.renderConfig(req, attrs, q), "")
}

// listProvisionConfigs lists the account's configs, filtered by serviceName
// and then qualifier ("must be aliasName and used together with the
// serviceName parameter", the SDK), paged by resource.
func (e *Emulator) listProvisionConfigs(req *request) (reply, *apiError) {
	svcName, q := req.query.Get("serviceName"), req.query.Get("qualifier")
	if q != "" && svcName == "" {
		return reply{}, invalidArgument("qualifier must be used together with serviceName")
	}
	limit, aerr := parseLimit(req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	items := map[string]map[string]any{}
	var keys []string
	for _, name := range sortedKeys(e.st.Services) {
		if svcName != "" && name != svcName {
			continue
		}
		e.st.Services[name].Provision.each(func(fn, qual string, c *config) {
			if q != "" && qual != q {
				return
			}
			key := stringField(c.Attrs, "resource")
			keys = append(keys, key)
			items[key] = clone(c.Attrs)
		})
	}
	sort.Strings(keys)
	page, next := configPage(keys, items, req.query.Get("nextToken"), "", limit)
	return listReply("provisionConfigs", page, next)
}
