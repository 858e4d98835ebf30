package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
)

var (
	triggerFields = []string{"triggerName", "triggerType", "triggerConfig", "sourceArn", "invocationRole",
		"qualifier", "description"}
	triggerOwned = []string{"triggerName", "triggerId", "createdTime", "lastModifiedTime", "domainName",
		"urlInternet", "urlIntranet", "status", "targetArn"}
)

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
// in: a JSON string (/2021-04-06) or an object (/2016-08-15).
func parseTriggerConfig(obj map[string]any) *apiError {
	s, isString := obj["triggerConfig"].(string)
	if !isString {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return invalidArgument("triggerConfig is not valid JSON: %v", err)
	}
	obj["triggerConfig"] = v
	return nil
}

// renderTrigger is a trigger as the request's dialect shows it: the Go SDK
// types triggerConfig as a string and fails on an object (fc-api.md 0.3).
func renderTrigger(req *request, t *trigger) map[string]any {
	out := clone(t.Attrs)
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
	obj, aerr := req.object()
	if aerr != nil {
		return reply{}, aerr
	}
	canonicalize(obj, triggerFields)
	name := stringField(obj, "triggerName")
	if aerr := checkName("trigger", name, 128); aerr != nil {
		return reply{}, aerr
	}
	if stringField(obj, "triggerType") == "" {
		return reply{}, invalidArgument("triggerType is required")
	}
	if fn.Triggers[name] != nil {
		return reply{}, errorf(http.StatusConflict, "TriggerAlreadyExists",
			"trigger '%s' already exists in service '%s' and function '%s'", name, req.svc, req.fn)
	}
	if aerr := parseTriggerConfig(obj); aerr != nil {
		return reply{}, aerr
	}
	attrs := map[string]any{}
	apply(attrs, obj, triggerOwned...)
	// Guess: FC's defaults for the optional trigger fields are not documented.
	withDefaults(attrs, map[string]any{"description": "", "invocationRole": "", "sourceArn": "",
		"qualifier": "", "triggerConfig": map[string]any{}})
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
	obj, aerr := req.object()
	if aerr != nil {
		return reply{}, aerr
	}
	canonicalize(obj, triggerFields)
	if aerr := parseTriggerConfig(obj); aerr != nil {
		return reply{}, aerr
	}
	// A trigger's type is fixed at creation.
	apply(t.Attrs, obj, append(triggerOwned, "triggerType")...)
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
