package emulator

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Layers: account-level code packages published in numbered versions that
// functions name in their layers list. The SDK's Layer struct gives the
// fields; the API reference gives arnV2 as
// acs:fc:{region}:{accountID}:layers/{layerName}/versions/{layerVersion}
// and arn, "about to be discarded", as <hash>#<layerName>#<version>.

var layerShape = objectOf(map[string]*shape{
	// The Go SDK sends this one key capitalised, "Code".
	"code":              objectOf(map[string]*shape{"zipFile": tString, "ossBucketName": tString, "ossObjectName": tString}),
	"compatibleRuntime": tStrings,
	"description":       tString,
})

// maxLayersPerFunction: FC's documented limit of layers on a function.
const maxLayersPerFunction = 5

func layerNotFound(name string) *apiError {
	return errorf(http.StatusNotFound, "LayerNotFound", "layer '%s' does not exist", name)
}

// Guess: the FC 3.0 reference records LayerNotFound and
// LayerVersionNotFound; FC 2.0 is taken to use the same.
func layerVersionNotFound(name, version string) *apiError {
	return errorf(http.StatusNotFound, "LayerVersionNotFound", "version '%s' of layer '%s' does not exist", version, name)
}

func (e *Emulator) layerARNV2(account, name string, version int64) string {
	return "acs:fc:" + e.opts.Region + ":" + account + ":layers/" + name + "/versions/" + strconv.FormatInt(version, 10)
}

// legacyLayerARN is the deprecated arn. Guess: its first part, 32 hex
// digits in the reference's example, is the md5 of the account id.
func legacyLayerARN(account, name string, version int64) string {
	sum := md5.Sum([]byte(account))
	return hex.EncodeToString(sum[:]) + "#" + name + "#" + strconv.FormatInt(version, 10)
}

// lookupLayerVersion finds a version of a layer that has at least one.
func (e *Emulator) lookupLayerVersion(name, version string) (*layerVersion, *apiError) {
	l := e.st.Layers[name]
	if l == nil || len(l.Versions) == 0 {
		return nil, layerNotFound(name)
	}
	lv := l.Versions[version]
	if lv == nil {
		return nil, layerVersionNotFound(name, version)
	}
	return lv, nil
}

// layerByARN resolves a layer version ARN, V2 or legacy, of this account.
func (e *Emulator) layerByARN(req *request, arn string) (*layerVersion, *apiError) {
	var name, version string
	if parts := strings.Split(arn, "#"); len(parts) == 3 {
		if parts[0] != strings.Split(legacyLayerARN(req.account, "", 0), "#")[0] {
			return nil, invalidValue("layers", "a layer version ARN of this account", arn)
		}
		name, version = parts[1], parts[2]
	} else {
		prefix := "acs:fc:" + e.opts.Region + ":" + req.account + ":layers/"
		rest, ok := strings.CutPrefix(arn, prefix)
		if ok {
			name, version, ok = strings.Cut(rest, "/versions/")
		}
		if !ok || name == "" || !isVersionID(version) {
			return nil, invalidValue("layers", prefix+"<layer>/versions/<version>", arn)
		}
	}
	return e.lookupLayerVersion(name, version)
}

// resolveLayers checks the layers a function write sends and fills in
// layersArnV2: each must name an existing layer version of this account,
// in either ARN form, and there are at most five. Guess: FC answers a
// missing layer with the layer's 404; layers already set are not checked
// again when a write does not send them (a layer version deleted since
// keeps working for the functions that use it).
func (e *Emulator) resolveLayers(req *request, attrs, sent map[string]any) *apiError {
	if _, ok := sent["layers"]; !ok {
		return nil
	}
	list, _ := attrs["layers"].([]any)
	if list == nil {
		attrs["layersArnV2"] = nil
		return nil
	}
	if len(list) > maxLayersPerFunction {
		return invalidValue("layers", "at most 5 layers", len(list))
	}
	v2 := make([]any, 0, len(list))
	for _, l := range list {
		arn, _ := l.(string)
		lv, aerr := e.layerByARN(req, arn)
		if aerr != nil {
			return aerr
		}
		v2 = append(v2, lv.Attrs["arnV2"])
	}
	attrs["layersArnV2"] = v2
	return nil
}

// renderLayer is a layer version as FC answers it, with the code's
// location on the emulator (FC's is a signed OSS URL).
func renderLayer(req *request, lv *layerVersion) map[string]any {
	out := clone(lv.Attrs)
	v, _ := asInt(out["version"])
	out["code"] = map[string]any{
		"repositoryType": "OSS",
		"location": req.baseURL + "/_emulator/layer-code/" + url.PathEscape(stringField(out, "layerName")) + "/" +
			strconv.FormatInt(v, 10) + "/" + stringField(out, "codeChecksum"),
	}
	if req.dialect == dialect2023 {
		// FC 3.0's Layer names the ARN layerVersionArn and types acl as a
		// string (fc3-api.md 2.11).
		out["layerVersionArn"] = out["arnV2"]
		out["acl"] = display(out["acl"])
		delete(out, "arn")
		delete(out, "arnV2")
	}
	return out
}

func (e *Emulator) createLayerVersion(req *request) (reply, *apiError) {
	// Guess: layer names follow the rule of services' (fc-api.md 2.1),
	// 1 to 128 characters.
	if aerr := checkName("layer", req.layer, 128); aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(shapeFor(req, layerShape, layerShape3))
	if aerr != nil {
		return reply{}, aerr
	}
	code, hasCode := obj["code"].(map[string]any)
	if !hasCode {
		return reply{}, invalidArgument("Code is required")
	}
	zip, aerr := e.codePackage(req, code, "code")
	if aerr != nil {
		return reply{}, aerr
	}
	rts, _ := obj["compatibleRuntime"].([]any)
	if len(rts) == 0 {
		return reply{}, invalidArgument("CompatibleRuntime is required")
	}
	for _, rt := range rts {
		if aerr := oneOf(map[string]any{"compatibleRuntime": rt}, "compatibleRuntime", runtimes); aerr != nil {
			return reply{}, aerr
		}
	}
	if aerr := checkDescription(obj); aerr != nil {
		return reply{}, aerr
	}
	l := e.st.Layers[req.layer]
	if l == nil {
		l = &layer{Versions: map[string]*layerVersion{}}
		e.st.Layers[req.layer] = l
	}
	l.LastVersion++
	n := int64(l.LastVersion)
	attrs := map[string]any{
		"layerName": req.layer, "version": n, "description": stringField(obj, "description"),
		"compatibleRuntime": rts, "codeSize": len(zip), "codeChecksum": Checksum(zip),
		"createTime": e.st.stamp(req.now), "acl": 0, "license": stringField(obj, "license"),
		"arn": legacyLayerARN(req.account, req.layer, n), "arnV2": e.layerARNV2(req.account, req.layer, n),
	}
	sum := sha256.Sum256(zip)
	lv := &layerVersion{Attrs: attrs, blobRef: blobRef{Blob: hex.EncodeToString(sum[:]), data: zip}}
	l.Versions[strconv.FormatInt(n, 10)] = lv
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	out := renderLayer(req, lv)
	// The SDK's CreateLayerVersionResponseBody spells the size "codesize";
	// Guess: FC's answer is the Layer, so both spellings are sent.
	if req.dialect != dialect2023 {
		out["codesize"] = out["codeSize"]
	}
	return ok(out, etagOf(attrs))
}

func (e *Emulator) getLayerVersion(req *request) (reply, *apiError) {
	lv, aerr := e.lookupLayerVersion(req.layer, req.version)
	if aerr != nil {
		return reply{}, aerr
	}
	return ok(renderLayer(req, lv), etagOf(lv.Attrs))
}

// getLayerVersionByArn serves the Node SDK's getLayerVersionByArn
// (GET /layerarn/<escaped arn>).
func (e *Emulator) getLayerVersionByArn(req *request) (reply, *apiError) {
	lv, aerr := e.layerByARN(req, req.layer)
	if aerr != nil {
		return reply{}, aerr
	}
	return ok(renderLayer(req, lv), etagOf(lv.Attrs))
}

// deleteLayerVersion deletes one version; functions that use it keep
// their layers list (Guess, as a deployed function keeps running).
func (e *Emulator) deleteLayerVersion(req *request) (reply, *apiError) {
	if _, aerr := e.lookupLayerVersion(req.layer, req.version); aerr != nil {
		return reply{}, aerr
	}
	delete(e.st.Layers[req.layer].Versions, req.version)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

// listLayers lists each layer with versions by its newest version. The
// emulator has no official (Alibaba's) or public layers, so those filters
// list nothing.
func (e *Emulator) listLayers(req *request) (reply, *apiError) {
	var names []string
	if req.query.Get("official") != "true" && req.query.Get("public") != "true" {
		for name, l := range e.st.Layers {
			if len(l.Versions) > 0 {
				names = append(names, name)
			}
		}
	}
	page, next, aerr := paginate(names, req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	items := make([]map[string]any, 0, len(page))
	for _, name := range page {
		l := e.st.Layers[name]
		newest := 0
		for v := range l.Versions {
			newest = max(newest, atoi(v))
		}
		items = append(items, renderLayer(req, l.Versions[strconv.Itoa(newest)]))
	}
	return listReply("layers", items, next)
}

// listLayerVersions lists a layer's versions from startVersion up, with
// nextVersion the first one left out.
func (e *Emulator) listLayerVersions(req *request) (reply, *apiError) {
	l := e.st.Layers[req.layer]
	if l == nil || len(l.Versions) == 0 {
		return reply{}, layerNotFound(req.layer)
	}
	limit, aerr := parseLimit(req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	start := 1
	if s := req.query.Get("startVersion"); s != "" {
		if start = atoi(s); start < 1 || !isVersionID(s) {
			return reply{}, invalidValue("startVersion", "a version number from 1", s)
		}
	}
	items := []map[string]any{}
	body := map[string]any{}
	for v := start; v <= l.LastVersion; v++ {
		lv := l.Versions[strconv.Itoa(v)]
		if lv == nil {
			continue
		}
		if len(items) == limit {
			body["nextVersion"] = v
			break
		}
		items = append(items, renderLayer(req, lv))
	}
	body["layers"] = items
	return ok(body, "")
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
