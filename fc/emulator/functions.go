package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
)

var functionOwned = []string{"functionName", "functionId", "createdTime", "lastModifiedTime",
	"codeChecksum", "codeSize", "layersArnV2", "code"}

// renderFunction is a function as FC answers it: a custom container's
// configuration carries FC's accelerationInfo (fc-api.md 2.3,
// CustomContainerConfigInfo). Guess: the image is taken as accelerated at
// once, status "Ready"; the reference names the field, not its values.
func renderFunction(fn *function) map[string]any {
	out := clone(fn.Attrs)
	if ccc, ok := out["customContainerConfig"].(map[string]any); ok {
		ccc = clone(ccc)
		ccc["accelerationInfo"] = map[string]any{"status": "Ready"}
		out["customContainerConfig"] = ccc
	}
	return out
}

func (e *Emulator) lookupFunction(req *request) (*service, *function, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return nil, nil, aerr
	}
	fn := svc.Functions[req.fn]
	if fn == nil {
		return nil, nil, functionNotFound(req.svc, req.fn)
	}
	return svc, fn, nil
}

// decodeCode reads the code package of a create or update: the base64 zip in
// code.zipFile, or an OSS object (oss.go). present is false when the body
// has no code.
func (e *Emulator) decodeCode(req *request, obj map[string]any) (zip []byte, present bool, aerr *apiError) {
	raw, present := obj["code"]
	if !present {
		return nil, false, nil
	}
	code, isObj := raw.(map[string]any)
	if !isObj {
		return nil, true, invalidArgument("code must be an object")
	}
	zip, aerr = e.codePackage(req, code, "code")
	return zip, true, aerr
}

// setCode stores a function's code package and the fields derived from it.
func setCode(fn *function, zip []byte) {
	sum := sha256.Sum256(zip)
	fn.code = zip
	fn.CodeBlob = hex.EncodeToString(sum[:])
	fn.Attrs["codeSize"] = len(zip)
	fn.Attrs["codeChecksum"] = Checksum(zip)
}

func (e *Emulator) createFunction(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(functionShape)
	if aerr != nil {
		return reply{}, aerr
	}
	name := stringField(obj, "functionName")
	if aerr := checkName("function", name, 64); aerr != nil {
		return reply{}, aerr
	}
	if svc.Functions[name] != nil {
		return reply{}, errorf(http.StatusConflict, "FunctionAlreadyExists",
			"function '%s' already exists in service '%s'", name, req.svc)
	}
	if len(svc.Functions) >= e.opts.MaxFunctionsPerService {
		return reply{}, errorf(http.StatusBadRequest, "LimitExceeded",
			"the number of functions in service '%s' exceeds the limit %d", req.svc, e.opts.MaxFunctionsPerService)
	}
	zip, hasCode, aerr := e.decodeCode(req, obj)
	if aerr != nil {
		return reply{}, aerr
	}
	_, container := obj["customContainerConfig"]
	if !hasCode && !container && stringField(obj, "runtime") != "custom-container" {
		return reply{}, invalidArgument("code is required for function '%s'", name)
	}
	attrs := map[string]any{}
	apply(attrs, obj, functionOwned...)
	complete(attrs, functionDefaults())
	if aerr := checkFunctionRules(attrs); aerr != nil {
		return reply{}, aerr
	}
	if aerr := e.resolveLayers(req, attrs, obj); aerr != nil {
		return reply{}, aerr
	}
	attrs["functionName"] = name
	attrs["functionId"] = newUUID()
	attrs["createdTime"] = e.st.stamp(req.now)
	attrs["lastModifiedTime"] = attrs["createdTime"]
	// Guess: a function without a package (custom container) reports size 0
	// and no checksum.
	attrs["codeSize"] = 0
	fn := &function{Attrs: attrs, Triggers: map[string]*trigger{}}
	if hasCode {
		setCode(fn, zip)
	}
	fn.ETag = etagOf(attrs)
	svc.Functions[name] = fn
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(renderFunction(fn), fn.ETag)
}

// lookupView finds the function req names as its qualifier sees it: live,
// or in the version the qualifier resolves to.
func (e *Emulator) lookupView(req *request) (view, *function, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return view{}, nil, aerr
	}
	v, aerr := viewOf(svc, req.svc, req.qualifier)
	if aerr != nil {
		return view{}, nil, aerr
	}
	fn := v.functions[req.fn]
	if fn == nil {
		return view{}, nil, functionNotFound(req.svc, req.fn)
	}
	return v, fn, nil
}

func (e *Emulator) getFunction(req *request) (reply, *apiError) {
	_, fn, aerr := e.lookupView(req)
	if aerr != nil {
		return reply{}, aerr
	}
	return ok(renderFunction(fn), fn.ETag)
}

func (e *Emulator) updateFunction(req *request) (reply, *apiError) {
	_, fn, aerr := e.lookupFunction(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := req.checkIfMatch(fn.ETag); aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(functionShape)
	if aerr != nil {
		return reply{}, aerr
	}
	zip, hasCode, aerr := e.decodeCode(req, obj)
	if aerr != nil {
		return reply{}, aerr
	}
	updated := clone(fn.Attrs)
	apply(updated, obj, functionOwned...)
	complete(updated, functionDefaults())
	if aerr := checkFunctionRules(updated); aerr != nil {
		return reply{}, aerr
	}
	if aerr := e.resolveLayers(req, updated, obj); aerr != nil {
		return reply{}, aerr
	}
	fn.Attrs = updated
	if hasCode {
		setCode(fn, zip)
	}
	fn.ETag = e.st.touch(fn.Attrs, req.now)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(renderFunction(fn), fn.ETag)
}

func (e *Emulator) deleteFunction(req *request) (reply, *apiError) {
	svc, fn, aerr := e.lookupFunction(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := req.checkIfMatch(fn.ETag); aerr != nil {
		return reply{}, aerr
	}
	if len(fn.Triggers) > 0 {
		return reply{}, errorf(http.StatusConflict, "FunctionNotEmpty", "function '%s' has active triggers", req.fn)
	}
	if aerr := checkNoProvision(svc, req.svc, req.fn, ""); aerr != nil {
		return reply{}, aerr
	}
	forgetFunctionConfigs(svc, req.fn)
	delete(svc.Functions, req.fn)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

func (e *Emulator) listFunctions(req *request) (reply, *apiError) {
	svc, aerr := e.lookupService(req)
	if aerr != nil {
		return reply{}, aerr
	}
	v, aerr := viewOf(svc, req.svc, req.qualifier)
	if aerr != nil {
		return reply{}, aerr
	}
	page, next, aerr := paginate(sortedKeys(v.functions), req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	items := make([]map[string]any, 0, len(page))
	for _, name := range page {
		items = append(items, renderFunction(v.functions[name]))
	}
	return listReply("functions", items, next)
}

// getFunctionCode answers with a URL the emulator itself serves, in place of
// FC's signed OSS URL.
func (e *Emulator) getFunctionCode(req *request) (reply, *apiError) {
	_, fn, aerr := e.lookupView(req)
	if aerr != nil {
		return reply{}, aerr
	}
	if fn.CodeBlob == "" {
		// Guess: FC's answer for a function without a code package is not
		// documented.
		return reply{}, invalidArgument("function '%s' of service '%s' has no code package", req.fn, req.svc)
	}
	sum := Checksum(fn.code)
	return ok(map[string]any{"url": codeURL(req.baseURL, req.svc, req.fn, sum), "checksum": sum}, "")
}

// codeURL is where the emulator serves a function's code; svc is empty
// for a function born in FC 3.0 (fc3Space in the URL).
func codeURL(base, svc, fn, checksum string) string {
	if svc == "" {
		svc = fc3Space
	}
	return base + "/_emulator/code/" + url.PathEscape(svc) + "/" + url.PathEscape(fn) + "/" + checksum
}
