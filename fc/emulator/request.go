package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The API dialects: FC 2.0's two (fc-api.md 0.1) and FC 3.0's
// (fc3-api.md), which has no services.
const (
	dialect2021 = "2021-04-06" // Go SDK: ACS3 signature, triggerConfig as a string
	dialect2016 = "2016-08-15" // Node SDK: FC signature, triggerConfig as an object
	dialect2023 = "2023-03-30" // FC 3.0, both SDKs: ACS3, triggerConfig as a string
)

// request is one parsed API call.
type request struct {
	action    string // the Go SDK's x-acs-action name
	dialect   string
	svc       string
	qualifier string // from "svc.qualifier" or ?qualifier=
	// pathQualified is set when the qualifier came in the path ("svc.prod").
	pathQualified bool
	fn            string
	// fn3 is the function as the 2023-03-30 API names it: fn for a
	// function born in FC 3.0 (svc empty), "svc$fn" for one of FC 2.0.
	fn3       string
	trigger   string
	domain    string
	alias     string
	version   string // a service version (DeleteServiceVersion) or layer version
	layer     string
	vpcID     string
	query     url.Values
	header    http.Header
	body      []byte
	baseURL   string
	account   string
	region    string
	requestID string
	now       time.Time
}

// parseRequest finds the dialect, action and names of an API call from its
// method and path (fc-api.md 6).
func parseRequest(r *http.Request) (*request, *apiError) {
	path := r.URL.EscapedPath()
	req := &request{query: r.URL.Query(), header: r.Header}
	switch {
	case strings.HasPrefix(path, "/"+dialect2021+"/"):
		req.dialect = dialect2021
	case strings.HasPrefix(path, "/"+dialect2016+"/"):
		req.dialect = dialect2016
	case strings.HasPrefix(path, "/"+dialect2023+"/"):
		req.dialect = dialect2023
	default:
		return nil, pathNotSupported(r)
	}
	var segs []string
	for _, s := range strings.Split(strings.TrimPrefix(path, "/"+req.dialect+"/"), "/") {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, invalidArgument("invalid path %q", path)
		}
		segs = append(segs, u)
	}
	if len(segs) > 0 && segs[len(segs)-1] == "" {
		segs = segs[:len(segs)-1]
	}
	if req.dialect == dialect2023 {
		req.action = route3(r.Method, segs, req)
	} else {
		req.action = route(r.Method, segs, req)
	}
	if req.action == "" {
		return nil, pathNotSupported(r)
	}
	if q := req.query.Get("qualifier"); q != "" && req.qualifier == "" {
		req.qualifier = q
	}
	if aerr := req.checkQualifiedWrite(); aerr != nil {
		return nil, aerr
	}
	return req, nil
}

// route names the action of method + path segments and fills req's names;
// "" if FC has no such operation the emulator knows.
func route(method string, segs []string, req *request) string {
	n := len(segs)
	if n == 0 {
		return ""
	}
	switch segs[0] {
	case "account-settings":
		if n == 1 && method == http.MethodGet {
			return "GetAccountSettings"
		}
		return ""
	case "custom-domains":
		if n == 2 {
			req.domain = segs[1]
		}
		return pick(method, n, "CustomDomain", "CustomDomains")
	case "services":
	default:
		return routeAccountLevel(method, segs, req)
	}
	if n >= 2 {
		// Service names cannot contain '.', so "svc.q" is a qualified service.
		req.svc, req.qualifier, req.pathQualified = strings.Cut(segs[1], ".")
	}
	if n <= 2 {
		return pick(method, n, "Service", "Services")
	}
	switch segs[2] {
	case "functions":
	case "versions":
		if n == 4 {
			req.version = segs[3]
		}
		return pickVersion(method, n)
	case "aliases":
		if n == 4 {
			req.alias = segs[3]
		}
		return pick(method, n-2, "Alias", "Aliases")
	case "bindings":
		return routeBindings(method, segs, req)
	default:
		return ""
	}
	if n >= 4 {
		req.fn = segs[3]
	}
	if n <= 4 {
		return pick(method, n-2, "Function", "Functions")
	}
	switch {
	case n == 5 && segs[4] == "code" && method == http.MethodGet:
		return "GetFunctionCode"
	case n == 5 && segs[4] == "invocations" && method == http.MethodPost:
		return "InvokeFunction"
	case segs[4] == "triggers" && n <= 6:
		if n == 6 {
			req.trigger = segs[5]
		}
		return pick(method, n-4, "Trigger", "Triggers")
	}
	return routeFunctionConfig(method, segs)
}

// pick names the CRUD action on a collection (n == 1) or one item (n == 2).
func pick(method string, n int, one, many string) string {
	switch {
	case n == 1 && method == http.MethodPost:
		return "Create" + one
	case n == 1 && method == http.MethodGet:
		return "List" + many
	case n == 2 && method == http.MethodGet:
		return "Get" + one
	case n == 2 && method == http.MethodPut:
		return "Update" + one
	case n == 2 && method == http.MethodDelete:
		return "Delete" + one
	}
	return ""
}

func pickVersion(method string, n int) string {
	switch {
	case n == 3 && method == http.MethodPost:
		return "PublishServiceVersion"
	case n == 3 && method == http.MethodGet:
		return "ListServiceVersions"
	case n == 4 && method == http.MethodDelete:
		return "DeleteServiceVersion"
	}
	return ""
}

// checkQualifiedWrite refuses a write through a qualified path
// (PUT /services/svc.prod): versions are immutable and an alias is not the
// service, so FC changes nothing through them. Guess: the reference does not
// give FC's code for it; a qualifier naming LATEST is the service itself and
// is let through. The per-qualifier configurations (provision, on-demand,
// async invocation) are written through the qualified path by the Node SDK,
// so they are not writes to the version or alias.
func (req *request) checkQualifiedWrite() *apiError {
	if !req.pathQualified || req.qualifier == "LATEST" || req.action == "InvokeFunction" ||
		strings.HasPrefix(req.action, "Get") || strings.HasPrefix(req.action, "List") ||
		qualifierScoped[req.action] {
		return nil
	}
	return invalidArgument("%s cannot be sent to the qualified service '%s.%s': only LATEST can be changed; address service '%s'",
		req.action, req.svc, req.qualifier, req.svc)
}

// object decodes the body as a JSON object, numbers kept exact.
func (req *request) object() (map[string]any, *apiError) {
	if len(bytes.TrimSpace(req.body)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(req.body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, invalidArgument("the request body is not a JSON object")
	}
	return obj, nil
}

// conformed decodes the body and reads it against a shape as FC does
// (conform): FC 2.0 takes keys in any case and drops unknown ones; the
// 2023-03-30 dialect is strict (conformStrict).
func (req *request) conformed(sh *shape) (map[string]any, *apiError) {
	obj, aerr := req.object()
	if aerr != nil {
		return nil, aerr
	}
	v, aerr := conformWith(obj, sh, "", req.dialect == dialect2023)
	if aerr != nil {
		return nil, aerr
	}
	return v.(map[string]any), nil
}

// checkIfMatch answers 412 when the request carries an If-Match that is not
// the resource's current ETag. A quoted ETag and "*" are accepted as HTTP
// allows.
func (req *request) checkIfMatch(etag string) *apiError {
	want := req.header.Get("If-Match")
	if want == "" || want == "*" || want == etag || strings.Trim(want, `"`) == etag {
		return nil
	}
	return preconditionFailed()
}
