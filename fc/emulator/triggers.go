package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
)

var triggerOwned = []string{"triggerName", "triggerId", "createdTime", "lastModifiedTime", "domainName",
	"urlInternet", "urlIntranet", "status", "targetArn"}

func (e *Emulator) lookupTrigger(req *request) (*function, *trigger, *apiError) {
	_, fn, aerr := e.lookupFunction(req)
	if aerr != nil {
		return nil, nil, aerr
	}
	t := fn.Triggers[req.trigger]
	if t == nil {
		return nil, nil, triggerNotFound(req.svc, req.fn, req.trigger)
	}
	return fn, t, nil
}

// parseTriggerConfig stores triggerConfig decoded whatever the form it came
// in: a JSON string (/2021-04-06, /2023-03-30) or an object (/2016-08-15),
// then read against the shape of the trigger's type (typ) where the
// emulator knows it, strictly in the 2023-03-30 dialect.
func parseTriggerConfig(req *request, obj map[string]any, typ string) *apiError {
	raw, present := obj["triggerConfig"]
	if !present || raw == nil {
		return nil
	}
	if s, isString := raw.(string); isString {
		dec := json.NewDecoder(bytes.NewReader([]byte(s)))
		dec.UseNumber()
		if err := dec.Decode(&raw); err != nil {
			return invalidArgument("TriggerConfig is not valid JSON: %v", err)
		}
	}
	if _, isObject := raw.(map[string]any); !isObject {
		return invalidValue("triggerConfig", "an object", raw)
	}
	fc3 := req.dialect == dialect2023
	if sh := map[bool]map[string]*shape{false: triggerConfigShapes, true: triggerConfigShapes3}[fc3][typ]; sh != nil {
		var aerr *apiError
		if raw, aerr = conformWith(raw, sh, "triggerConfig", fc3); aerr != nil {
			return aerr
		}
	}
	obj["triggerConfig"] = raw
	return nil
}

// httpTrigger returns the name of fn's HTTP trigger other than except, or "".
func httpTrigger(fn *function, except string) string {
	for _, name := range sortedKeys(fn.Triggers) {
		if name != except && stringField(fn.Triggers[name].Attrs, "triggerType") == "http" {
			return name
		}
	}
	return ""
}

// renderTrigger is a trigger as the request's dialect shows it: the Go SDK
// types triggerConfig as a string and fails on an object (fc-api.md 0.3).
func renderTrigger(req *request, t *trigger) map[string]any {
	out := clone(t.Attrs)
	if req.dialect == dialect2023 {
		return renderTrigger3(req, out)
	}
	if req.dialect == dialect2021 {
		b, _ := json.Marshal(out["triggerConfig"])
		out["triggerConfig"] = string(b)
	}
	if stringField(out, "triggerType") == "http" {
		// Guess: FC's URL is https://<svc>-<fn>-<rand>.<region>.fcapp.run;
		// a URL on the emulator says where the trigger belongs without
		// claiming a host that does not exist. It is derived on each answer
		// because the emulator's port can change between runs.
		u := req.baseURL + "/" + dialect2016 + "/proxy/" + url.PathEscape(req.svc) + "/" + url.PathEscape(req.fn) + "/"
		out["urlInternet"], out["urlIntranet"] = u, u
	}
	return out
}

func (e *Emulator) createTrigger(req *request) (reply, *apiError) {
	_, fn, aerr := e.lookupFunction(req)
	if aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(shapeFor(req, triggerShape, createTriggerShape3))
	if aerr != nil {
		return reply{}, aerr
	}
	name := stringField(obj, "triggerName")
	if aerr := checkName("trigger", name, 128); aerr != nil {
		return reply{}, aerr
	}
	typ := stringField(obj, "triggerType")
	if typ == "" {
		return reply{}, invalidArgument("TriggerType is required")
	}
	// FC 3.0's SDK marks triggerConfig required (fc3-api.md B.2).
	if _, sent := obj["triggerConfig"]; !sent && req.dialect == dialect2023 {
		return reply{}, invalidArgument("TriggerConfig is required")
	}
	if aerr := triggerLimit(req, fn); aerr != nil {
		return reply{}, aerr
	}
	if fn.Triggers[name] != nil {
		return reply{}, errorf(http.StatusConflict, "TriggerAlreadyExists",
			"trigger '%s' already exists in service '%s' and function '%s'", name, req.svc, req.fn)
	}
	// Guess: FC allows one HTTP trigger per function; the code of the
	// refusal is not in the reference.
	if other := httpTrigger(fn, ""); typ == "http" && other != "" {
		return reply{}, invalidArgument("function '%s' of service '%s' already has the HTTP trigger '%s'; a function can have only one",
			req.fn, req.svc, other)
	}
	if aerr := parseTriggerConfig(req, obj, typ); aerr != nil {
		return reply{}, aerr
	}
	attrs := map[string]any{}
	apply(attrs, obj, triggerOwned...)
	complete(attrs, triggerDefaults())
	if aerr := checkTriggerRules(attrs); aerr != nil {
		return reply{}, aerr
	}
	attrs["triggerName"] = name
	attrs["triggerId"] = newUUID()
	attrs["createdTime"] = e.st.stamp(req.now)
	attrs["lastModifiedTime"] = attrs["createdTime"]
	t := &trigger{Attrs: attrs, ETag: etagOf(attrs)}
	fn.Triggers[name] = t
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(renderTrigger(req, t), t.ETag)
}

func (e *Emulator) getTrigger(req *request) (reply, *apiError) {
	_, t, aerr := e.lookupTrigger(req)
	if aerr != nil {
		return reply{}, aerr
	}
	return ok(renderTrigger(req, t), t.ETag)
}

func (e *Emulator) updateTrigger(req *request) (reply, *apiError) {
	_, t, aerr := e.lookupTrigger(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := req.checkIfMatch(t.ETag); aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(shapeFor(req, triggerShape, updateTriggerShape3))
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := parseTriggerConfig(req, obj, stringField(t.Attrs, "triggerType")); aerr != nil {
		return reply{}, aerr
	}
	// A trigger's type is fixed at creation.
	updated := clone(t.Attrs)
	apply(updated, obj, append(triggerOwned, "triggerType")...)
	if aerr := checkTriggerRules(updated); aerr != nil {
		return reply{}, aerr
	}
	t.Attrs = updated
	t.ETag = e.st.touch(t.Attrs, req.now)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(renderTrigger(req, t), t.ETag)
}

func (e *Emulator) deleteTrigger(req *request) (reply, *apiError) {
	fn, t, aerr := e.lookupTrigger(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := req.checkIfMatch(t.ETag); aerr != nil {
		return reply{}, aerr
	}
	delete(fn.Triggers, req.trigger)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

func (e *Emulator) listTriggers(req *request) (reply, *apiError) {
	_, fn, aerr := e.lookupFunction(req)
	if aerr != nil {
		return reply{}, aerr
	}
	page, next, aerr := paginate(sortedKeys(fn.Triggers), req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	items := make([]map[string]any, 0, len(page))
	for _, name := range page {
		items = append(items, renderTrigger(req, fn.Triggers[name]))
	}
	return listReply("triggers", items, next)
}

// renderTrigger3 is a trigger as the 2023-03-30 API answers it
// (fc3-api.md 2.4): triggerConfig a JSON string, the HTTP URLs nested in
// httpTrigger, the function's ARN as targetArn, LATEST for no qualifier.
// Guess: status is always OK.
func renderTrigger3(req *request, out map[string]any) map[string]any {
	b, _ := json.Marshal(out["triggerConfig"])
	out["triggerConfig"] = string(b)
	delete(out, "domainName")
	delete(out, "urlInternet")
	delete(out, "urlIntranet")
	if stringField(out, "qualifier") == "" {
		out["qualifier"] = "LATEST"
	}
	out["status"] = "OK"
	out["targetArn"] = "acs:fc:" + req.region + ":" + req.account + ":functions/" + req.fn3
	if stringField(out, "triggerType") == "http" {
		// Guess: FC's URL is https://<name>-<rand>.<region>.fcapp.run; one
		// on the emulator says where the trigger belongs.
		u := req.baseURL + "/" + dialect2023 + "/http/" + url.PathEscape(req.fn3) + "/"
		out["httpTrigger"] = map[string]any{"urlInternet": u, "urlIntranet": u}
	}
	return out
}
