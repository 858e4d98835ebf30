package emulator

import (
	"net/http"
	"strings"
)

// The per-function configurations of the 2023-03-30 dialect (fc3-api.md
// 2.8 to 2.10). Provision and async invocation configs are stored as FC
// 2.0 stores them, in the function's holder; only the qualifier rule, the
// body's shape and the answer differ. Reserved concurrency is FC 3.0's own.

func provisionQualifier(req *request) qualifierRule {
	if req.dialect == dialect2023 {
		return aliasOrLatestDefault
	}
	return aliasOrLatest
}

// mirrorTarget: the SDK marks the deprecated target required, and
// devsapp/fc3 sends defaultTarget (fc3-api.md B.4, 4.2). Guess: either is
// enough, and the other one follows it.
func mirrorTarget(obj map[string]any) {
	switch {
	case obj["target"] == nil && obj["defaultTarget"] != nil:
		obj["target"] = obj["defaultTarget"]
	case obj["defaultTarget"] == nil && obj["target"] != nil:
		obj["defaultTarget"] = obj["target"]
	}
}

// asyncConfigDefaults3: the SDK's documented defaults (fc3-api.md 2.10).
// Guess: asyncTask is off unless set.
func asyncConfigDefaults3() map[string]any {
	return map[string]any{"maxAsyncEventAgeInSeconds": int64(86400), "maxAsyncRetryAttempts": int64(3), "asyncTask": false}
}

// qualifiedARN is a function's ARN with its qualifier, as FC 3.0 names a
// provision config's function (fc3-api.md 2.9). Guess: LATEST is the
// function itself.
func (e *Emulator) qualifiedARN(req *request, q string) string {
	arn := e.functionARN(req.account, req.fn3)
	if q != "" && q != "LATEST" {
		arn += "/" + q
	}
	return arn
}

// renderConfig is a stored configuration as the request's dialect shows
// it: FC 2.0's identity fields give way to FC 3.0's functionArn, and FC
// 2.0's statefulInvocation reads as asyncTask.
func (e *Emulator) renderConfig(req *request, attrs map[string]any, q string) map[string]any {
	out := clone(attrs)
	if req.dialect != dialect2023 {
		return out
	}
	for _, k := range []string{"resource", "service", "function", "qualifier"} {
		delete(out, k)
	}
	if v, ok := out["statefulInvocation"]; ok {
		delete(out, "statefulInvocation")
		if out["asyncTask"] == nil {
			out["asyncTask"] = v
		}
	}
	out["functionArn"] = e.qualifiedARN(req, q)
	return out
}

func (e *Emulator) deleteProvisionConfig(req *request) (reply, *apiError) {
	svc, q, aerr := e.lookupConfigTarget(req, aliasOrLatestDefault)
	if aerr != nil {
		return reply{}, aerr
	}
	// Guess: deleting what is not there succeeds, as a Get of it answers
	// 200 with target 0 rather than 404.
	svc.Provision.remove(req.fn, q)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

// onDemandConfigNotFound3 is the code terraform reads as "no concurrency
// config" (fc3-api.md 2.8). Guess: 404.
func onDemandConfigNotFound3(fn string) *apiError {
	return errorf(http.StatusNotFound, "OnDemandConfigNotFound", "concurrency config of function '%s' does not exist", fn)
}

// putConcurrencyConfig sets the function's reserved concurrency. Guess:
// FC's quota is per account and adjustable, so only a negative value is
// refused.
func (e *Emulator) putConcurrencyConfig(req *request) (reply, *apiError) {
	h, _, aerr := e.lookupFunction(req)
	if aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(concurrencyShape3)
	if aerr != nil {
		return reply{}, aerr
	}
	if obj["reservedConcurrency"] == nil {
		return reply{}, invalidArgument("ReservedConcurrency is required")
	}
	if aerr := intIn(obj, "reservedConcurrency", 0, 1<<31-1, 0); aerr != nil {
		return reply{}, aerr
	}
	attrs := map[string]any{"reservedConcurrency": obj["reservedConcurrency"]}
	h.Concurrency = h.Concurrency.put(req.fn, "", &config{Attrs: attrs})
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(e.renderConfig(req, attrs, ""), "")
}

func (e *Emulator) getConcurrencyConfig(req *request) (reply, *apiError) {
	h, _, aerr := e.lookupFunction(req)
	if aerr != nil {
		return reply{}, aerr
	}
	c := h.Concurrency.get(req.fn, "")
	if c == nil {
		return reply{}, onDemandConfigNotFound3(req.fn3)
	}
	return ok(e.renderConfig(req, c.Attrs, ""), "")
}

func (e *Emulator) deleteConcurrencyConfig(req *request) (reply, *apiError) {
	h, _, aerr := e.lookupFunction(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if h.Concurrency.get(req.fn, "") == nil {
		return reply{}, onDemandConfigNotFound3(req.fn3)
	}
	h.Concurrency.remove(req.fn, "")
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

// listConfigs3 lists one kind of configuration of every function (one
// function's with ?functionName=), by function name, then qualifier.
// Guess: nextToken is "<function>#<qualifier>" of the first item left out.
func (e *Emulator) listConfigs3(req *request, set func(*service) configSet, key string) (reply, *apiError) {
	limit, aerr := parseLimit(req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	only := req.query.Get("functionName")
	items := map[string]map[string]any{}
	var keys []string
	for name, f := range e.functions3("") {
		if only != "" && name != only {
			continue
		}
		holder := e.st.Functions3[name]
		if f.svc != "" {
			holder = e.st.Services[f.svc]
		}
		fnName := stringField(f.fn.Attrs, "functionName")
		for q, c := range set(holder)[fnName] {
			k := name + "#" + q
			keys = append(keys, k)
			items[k] = e.renderConfig(&request{dialect: dialect2023, account: req.account, fn3: name}, c.Attrs, q)
		}
	}
	page, next := configPage(keys, items, req.query.Get("nextToken"), "", limit)
	return listReply(key, page, next)
}

func (e *Emulator) listConcurrencyConfigs3(req *request) (reply, *apiError) {
	return e.listConfigs3(req, func(s *service) configSet { return s.Concurrency }, "configs")
}

func (e *Emulator) listProvisionConfigs3(req *request) (reply, *apiError) {
	return e.listConfigs3(req, func(s *service) configSet { return s.Provision }, "provisionConfigs")
}

func (e *Emulator) listAsyncInvokeConfigs3(req *request) (reply, *apiError) {
	return e.listConfigs3(req, func(s *service) configSet { return s.AsyncInvoke }, "configs")
}

// functionOfARN reads the FC 3.0 function name out of an unqualified
// function ARN of this account; ok is false for anything else.
func (e *Emulator) functionOfARN(req *request, arn string) (string, bool) {
	name, ok := strings.CutPrefix(arn, e.functionARN(req.account, ""))
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}
