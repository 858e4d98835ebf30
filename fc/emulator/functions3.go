package emulator

import (
	"encoding/json"
	"net/http"
	"reflect"
)

// Functions of the 2023-03-30 dialect (fc3-api.md 2.2). FC 3.0 has no
// services: versions, aliases, triggers and configurations hang off the
// function. The emulator keeps a function born in FC 3.0 in a holder, a
// service of its own with that one function and no attributes, so the
// versions, aliases and configurations of services serve it unchanged.
//
// An FC 2.0 function fn of service svc is the FC 3.0 function "svc$fn"
// (fc3-api.md 3.2). Guess, where the reference says UNCONFIRMED:
//   - its versions, aliases, VPC bindings and tags are its service's, shared
//     with its sibling functions (FC 2.0 keeps them per service);
//   - reading it merges the service's settings (role, logConfig, vpcConfig,
//     ...) into the function and maps FC 2.0's initializer to
//     instanceLifecycleConfig.initializer and caPort to
//     customRuntimeConfig.port; other FC 2.0-only fields are not shown;
//   - UpdateFunction writes the fields both APIs spell alike; a service
//     setting is accepted only unchanged, and any other field is refused,
//     because whether FC forks the service or rewrites it is unknown;
//   - custom-domain routes of FC 2.0 ({serviceName, functionName}) read as
//     functionName "svc$fn".
// Functions born in FC 3.0 are not visible through the FC 2.0 paths.

// fc3Space stands for the service of a function born in FC 3.0 in the
// emulator's own URLs (code downloads): no service name starts with '-'.
const fc3Space = "-"

// holder finds what holds the function a 2023-03-30 request names.
func (e *Emulator) holder(req *request) (*service, *apiError) {
	h := e.st.Functions3[req.fn]
	if req.svc != "" {
		h = e.st.Services[req.svc]
	}
	if h == nil {
		return nil, functionNotFound("", req.fn3)
	}
	return h, nil
}

func (e *Emulator) functionARN(account, name string) string {
	return "acs:fc:" + e.opts.Region + ":" + account + ":functions/" + name
}

func name3(svc, fn string) string {
	if svc == "" {
		return fn
	}
	return svc + "$" + fn
}

// checkFunctionName3 is FC 3.0's rule, in its own words (fc3-api.md 0.10):
// names with '$' are FC 2.0's and cannot be made.
func checkFunctionName3(name string) *apiError {
	if name == "" {
		return invalidArgument("FunctionName is required")
	}
	if len(name) > 64 || !nameRE.MatchString(name) {
		return invalidArgument("FunctionName doesn't match expected format (allowed: %s, actual: '%s')", nameRE, name)
	}
	return nil
}

// code3 reads the code of a create or update: required on create unless
// the runtime is custom-container, which takes none.
func (e *Emulator) code3(req *request, obj map[string]any, create bool) (zip []byte, present bool, aerr *apiError) {
	code, present := obj["code"].(map[string]any)
	if present && stringField(code, "zipFile") == "" && stringField(code, "ossBucketName") == "" &&
		stringField(code, "ossObjectName") == "" || !present && create && stringField(obj, "runtime") != "custom-container" {
		return nil, false, invalidArgument("Either ossBucketName/ossObjectName or zipFile must be set")
	}
	if !present {
		return nil, false, nil
	}
	zip, aerr = e.codePackage(req, code, "code")
	return zip, true, aerr
}

func (e *Emulator) createFunction3(req *request) (reply, *apiError) {
	obj, aerr := req.conformed(createFunctionShape3)
	if aerr != nil {
		return reply{}, aerr
	}
	name := stringField(obj, "functionName")
	if aerr := checkFunctionName3(name); aerr != nil {
		return reply{}, aerr
	}
	if e.st.Functions3[name] != nil {
		return reply{}, errorf(http.StatusConflict, "FunctionAlreadyExists", "function '%s' already exists", name)
	}
	zip, hasCode, aerr := e.code3(req, obj, true)
	if aerr != nil {
		return reply{}, aerr
	}
	tagsSent, _ := obj["tags"].([]any)
	tags, aerr := tagList3(tagsSent)
	if aerr != nil {
		return reply{}, aerr
	}
	attrs := map[string]any{}
	apply(attrs, obj, "code", "tags")
	completeFunction3(attrs)
	if aerr := checkFunctionRules3(attrs); aerr != nil {
		return reply{}, aerr
	}
	if aerr := e.resolveLayers(req, attrs, obj); aerr != nil {
		return reply{}, aerr
	}
	delete(attrs, "layersArnV2")
	attrs["functionName"] = name
	attrs["functionId"] = newUUID()
	attrs["createdTime"] = e.st.stamp(req.now)
	attrs["lastModifiedTime"] = attrs["createdTime"]
	attrs["codeSize"] = 0
	attrs["codeChecksum"] = ""
	fn := &function{Attrs: attrs, Triggers: map[string]*trigger{}}
	if hasCode {
		setCode(fn, zip)
	}
	fn.ETag = etagOf(attrs)
	h := &service{Attrs: map[string]any{}, Functions: map[string]*function{name: fn}}
	h.Tags = tags
	e.st.Functions3[name] = h
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(e.renderFunction3(req, h.Attrs, fn, h.Tags), "")
}

func (e *Emulator) getFunction3(req *request) (reply, *apiError) {
	v, fn, aerr := e.lookupView(req)
	if aerr != nil {
		return reply{}, aerr
	}
	h, _ := e.holder(req)
	return ok(e.renderFunction3(req, v.service, fn, h.Tags), "")
}

func (e *Emulator) updateFunction3(req *request) (reply, *apiError) {
	h, fn, aerr := e.lookupFunction(req)
	if aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(updateFunctionShape3)
	if aerr != nil {
		return reply{}, aerr
	}
	zip, hasCode, aerr := e.code3(req, obj, false)
	if aerr != nil {
		return reply{}, aerr
	}
	var updated map[string]any
	if req.svc == "" {
		updated = clone(fn.Attrs)
		apply(updated, obj, "code")
		completeFunction3(updated)
		aerr = checkFunctionRules3(updated)
	} else {
		updated, aerr = updateFC2Function(h, fn, obj)
	}
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := e.resolveLayers(req, updated, obj); aerr != nil {
		return reply{}, aerr
	}
	if req.svc == "" {
		delete(updated, "layersArnV2")
	}
	fn.Attrs = updated
	if hasCode {
		setCode(fn, zip)
	}
	fn.ETag = e.st.touch(fn.Attrs, req.now)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(e.renderFunction3(req, h.Attrs, fn, h.Tags), "")
}

// fc2Shared are the fields FC 2.0 and FC 3.0 spell and mean alike.
var fc2Shared = []string{"description", "runtime", "handler", "timeout", "memorySize", "cpu", "diskSize",
	"instanceConcurrency", "environmentVariables", "layers", "customDNS"}

// updateFC2Function merges a 2023-03-30 update into an FC 2.0 function
// (the Guess in this file's comment).
func updateFC2Function(svc *service, fn *function, obj map[string]any) (map[string]any, *apiError) {
	updated := clone(fn.Attrs)
	for _, k := range sortedKeys(obj) {
		switch {
		case contains(fc2Shared, k):
			updated[k] = obj[k]
		case k == "code":
		case contains(functionServiceFields3, k):
			if !sameJSON(obj[k], svc.Attrs[k]) {
				return nil, invalidArgument("%s of FC 2.0 function '%s' belongs to its service; change it through the FC 2.0 API",
					capitalise(k), name3(stringField(svc.Attrs, "serviceName"), stringField(fn.Attrs, "functionName")))
			}
		default:
			return nil, invalidArgument("%s cannot be written to FC 2.0 function '%s' through the 2023-03-30 API",
				capitalise(k), name3(stringField(svc.Attrs, "serviceName"), stringField(fn.Attrs, "functionName")))
		}
	}
	complete(updated, functionDefaults())
	return updated, checkFunctionRules(updated)
}

// sameJSON compares two JSON values as JSON, so that a number read from
// disk (json.Number) equals the one sent.
func sameJSON(a, b any) bool {
	norm := func(v any) any {
		raw, _ := json.Marshal(v)
		var out any
		json.Unmarshal(raw, &out)
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// deleteFunction3 deletes the function with its triggers, versions,
// aliases and configurations, as the reference recommends (fc3-api.md
// 2.1, UNCONFIRMED), but not while instances are provisioned
// (ProvisionConfigExist). An FC 2.0 function leaves its service's versions
// and aliases alone.
func (e *Emulator) deleteFunction3(req *request) (reply, *apiError) {
	h, _, aerr := e.lookupFunction(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := checkNoProvision(h, req.svc, req.fn, ""); aerr != nil {
		return reply{}, aerr
	}
	if req.svc == "" {
		delete(e.st.Functions3, req.fn)
	} else {
		forgetFunctionConfigs(h, req.fn)
		delete(h.Functions, req.fn)
	}
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

// function3 is one function as the 2023-03-30 API lists it.
type function3 struct {
	svc      string // "" for a function born in FC 3.0
	svcAttrs map[string]any
	fn       *function
	tags     map[string]string
}

// functions3 are every function by its FC 3.0 name: born in FC 3.0 unless
// fcVersion is v2, of FC 2.0 services unless it is v3 (fc3-api.md 3.2).
func (e *Emulator) functions3(fcVersion string) map[string]function3 {
	out := map[string]function3{}
	if fcVersion != "v2" {
		for name, h := range e.st.Functions3 {
			out[name] = function3{svcAttrs: h.Attrs, fn: h.Functions[name], tags: h.Tags}
		}
	}
	if fcVersion != "v3" {
		for svcName, svc := range e.st.Services {
			for fnName, fn := range svc.Functions {
				out[name3(svcName, fnName)] = function3{svc: svcName, svcAttrs: svc.Attrs, fn: fn, tags: svc.Tags}
			}
		}
	}
	return out
}

// listFunctions3 filters by prefix, runtime, gpuType and tags (all of a
// JSON [{Key, Value}]). Its items lack the state fields (fc3-api.md 1.7).
func (e *Emulator) listFunctions3(req *request) (reply, *apiError) {
	fcVersion := req.query.Get("fcVersion")
	if fcVersion != "" && fcVersion != "v2" && fcVersion != "v3" {
		return reply{}, invalidValue("fcVersion", "v2 | v3", fcVersion)
	}
	want := map[string]any{}
	if s := req.query.Get("tags"); s != "" {
		var list []map[string]string
		if err := json.Unmarshal([]byte(s), &list); err != nil {
			return reply{}, invalidValue("tags", `a JSON array of {"Key","Value"}`, s)
		}
		for _, t := range list {
			want[t["Key"]] = t["Value"]
		}
	}
	all := e.functions3(fcVersion)
	var names []string
	for name, f := range all {
		rt, gc := stringField(f.fn.Attrs, "runtime"), f.fn.Attrs["gpuConfig"]
		gpu, _ := gc.(map[string]any)
		if q := req.query.Get("runtime"); q != "" && rt != q {
			continue
		}
		if q := req.query.Get("gpuType"); q != "" && stringField(gpu, "gpuType") != q {
			continue
		}
		if !hasTags(f.tags, want) {
			continue
		}
		names = append(names, name)
	}
	page, next, aerr := paginate(names, req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	items := make([]map[string]any, 0, len(page))
	for _, name := range page {
		f := all[name]
		item := e.renderFunction3(&request{account: req.account, svc: f.svc}, f.svcAttrs, f.fn, f.tags)
		for _, k := range []string{"state", "stateReason", "stateReasonCode", "lastUpdateStatus",
			"lastUpdateStatusReason", "lastUpdateStatusReasonCode"} {
			delete(item, k)
		}
		items = append(items, item)
	}
	return listReply("functions", items, next)
}

func hasTags(tags map[string]string, want map[string]any) bool {
	for k, v := range want {
		if got, ok := tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// renderFunction3 is a function as the 2023-03-30 API answers it: layers
// as [{arn, size}], tags as [{Key, Value}], codeChecksum a string, and
// the state an emulator's deploy is always in (fc3-api.md 2.2).
func (e *Emulator) renderFunction3(req *request, svcAttrs map[string]any, fn *function, tags map[string]string) map[string]any {
	out := deepCopyMap(fn.Attrs)
	if req.svc != "" {
		out = fc2AsFC3(req.svc, svcAttrs, fn.Attrs)
	}
	name := stringField(out, "functionName")
	out["functionArn"] = e.functionARN(req.account, name)
	arns, _ := out["layers"].([]any)
	layers := make([]any, 0, len(arns))
	for _, a := range arns {
		arn, _ := a.(string)
		size := int64(0)
		if lv, aerr := e.layerByARN(req, arn); aerr == nil {
			size, _ = asInt(lv.Attrs["codeSize"])
		}
		layers = append(layers, map[string]any{"arn": arn, "size": size})
	}
	out["layers"] = layers
	out["tags"] = tagRows3(tags)
	out["state"], out["stateReason"], out["stateReasonCode"] = "Active", "", ""
	out["lastUpdateStatus"], out["lastUpdateStatusReason"], out["lastUpdateStatusReasonCode"] = "Successful", "", ""
	return out
}

func tagRows3(tags map[string]string) []any {
	rows := make([]any, 0, len(tags))
	for _, k := range sortedKeys(tags) {
		rows = append(rows, map[string]any{"Key": k, "Value": tags[k]})
	}
	return rows
}

// fc2AsFC3 reads an FC 2.0 function as FC 3.0 shows it (this file's
// comment).
func fc2AsFC3(svc string, svcAttrs, attrs map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range functionServiceFields3 {
		if v, ok := svcAttrs[k]; ok && v != nil {
			out[k] = deepCopy(v)
		}
	}
	for _, k := range append([]string{"functionId", "createdTime", "lastModifiedTime", "codeChecksum",
		"codeSize", "customRuntimeConfig"}, fc2Shared...) {
		if v, ok := attrs[k]; ok && v != nil {
			out[k] = deepCopy(v)
		}
	}
	out["functionName"] = name3(svc, stringField(attrs, "functionName"))
	if h := stringField(attrs, "initializer"); h != "" {
		out["instanceLifecycleConfig"] = map[string]any{
			"initializer": map[string]any{"handler": h, "timeout": attrs["initializationTimeout"]}}
	}
	if crc, ok := out["customRuntimeConfig"].(map[string]any); ok && attrs["caPort"] != nil {
		crc["port"] = attrs["caPort"]
	}
	completeFunction3(out)
	return out
}
