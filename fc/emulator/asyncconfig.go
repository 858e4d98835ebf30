package emulator

import (
	"net/http"
	"strings"
)

// Async invocation configs: retries, event age and destinations of a
// function's asynchronous invocations, per qualifier (LATEST, a version or
// an alias). No ETag: the SDK sends no If-Match for them.

var destinationShape = objectOf(map[string]*shape{"destination": tString})

var asyncConfigShape = objectOf(map[string]*shape{
	"destinationConfig":         objectOf(map[string]*shape{"onSuccess": destinationShape, "onFailure": destinationShape}),
	"maxAsyncEventAgeInSeconds": tInteger,
	"maxAsyncRetryAttempts":     tInteger,
	"statefulInvocation":        tBoolean,
})

// The FC 3.0 reference reads these ranges from its SDK's doc-comments;
// FC 2.0's SDK gives none. Guess: FC 2.0 has the same.
const (
	maxEventAge      = 604800
	maxRetryAttempts = 8
)

// destinationProducts: the SDK's and funcraft's examples are fc and mns
// destinations. Guess: EventBridge too, and nothing else.
var destinationProducts = []string{"fc", "mns", "eventbridge"}

// asyncConfigNotExists is the error funcraft and Serverless Devs branch on
// (AsyncConfigNotExists, 404, "AsyncConfig for %s:%s does not exist." in
// the FC 3.0 reference). Guess: the two parts are service/function and
// qualifier.
func asyncConfigNotExists(svc, q, fn string) *apiError {
	if svc == "" {
		return errorf(http.StatusNotFound, "AsyncConfigNotExists", "AsyncConfig for %s:%s does not exist.", fn, q)
	}
	return errorf(http.StatusNotFound, "AsyncConfigNotExists", "AsyncConfig for %s/%s:%s does not exist.", svc, fn, q)
}

// checkDestination accepts an ARN acs:<product>:<region>:<account>:<resource>.
// funcraft writes acs:fc:::... in templates and fills in the region and
// account before sending; an ARN without them is refused.
func checkDestination(name, arn string) *apiError {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) != 5 || parts[0] != "acs" || parts[2] == "" || parts[3] == "" || parts[4] == "" ||
		!contains(destinationProducts, parts[1]) {
		return invalidValue(name, "acs:<fc|mns|eventbridge>:<region>:<account>:<resource>", arn)
	}
	return nil
}

func checkAsyncConfigRules(attrs map[string]any) *apiError {
	if aerr := intIn(attrs, "maxAsyncEventAgeInSeconds", 1, maxEventAge, 0); aerr != nil {
		return aerr
	}
	if aerr := intIn(attrs, "maxAsyncRetryAttempts", 0, maxRetryAttempts, 0); aerr != nil {
		return aerr
	}
	dc, _ := attrs["destinationConfig"].(map[string]any)
	for _, on := range []string{"onSuccess", "onFailure"} {
		d, ok := dc[on].(map[string]any)
		if !ok {
			continue
		}
		if aerr := checkDestination("destinationConfig."+on+".destination", stringField(d, "destination")); aerr != nil {
			return aerr
		}
	}
	return nil
}

// asyncConfigDefaults: "If you have not configured this parameter, this
// parameter is null" (the SDK, of every field of the list's items).
func asyncConfigDefaults() map[string]any {
	return map[string]any{"destinationConfig": nil, "maxAsyncEventAgeInSeconds": nil,
		"maxAsyncRetryAttempts": nil, "statefulInvocation": nil}
}

// putAsyncInvokeConfig replaces the config of the qualifier whole. Guess: a
// PUT replaces, as funcraft's deploy (delete, then put) treats it; the
// creation time of a config replaced is kept.
func (e *Emulator) putAsyncInvokeConfig(req *request) (reply, *apiError) {
	svc, q, aerr := e.lookupConfigTarget(req, anyQualifier)
	if aerr != nil {
		return reply{}, aerr
	}
	obj, aerr := req.conformed(shapeFor(req, asyncConfigShape, asyncConfigShape3))
	if aerr != nil {
		return reply{}, aerr
	}
	attrs := map[string]any{}
	apply(attrs, obj)
	if req.dialect == dialect2023 {
		complete(attrs, asyncConfigDefaults3())
	}
	complete(attrs, asyncConfigDefaults())
	if aerr := checkAsyncConfigRules(attrs); aerr != nil {
		return reply{}, aerr
	}
	attrs["service"], attrs["function"], attrs["qualifier"] = req.svc, req.fn, q
	now := e.st.stamp(req.now)
	attrs["createdTime"], attrs["lastModifiedTime"] = now, now
	if old := svc.AsyncInvoke.get(req.fn, q); old != nil {
		attrs["createdTime"] = old.Attrs["createdTime"]
	}
	svc.AsyncInvoke = svc.AsyncInvoke.put(req.fn, q, &config{Attrs: attrs})
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return ok(e.renderConfig(req, attrs, q), "")
}

func (e *Emulator) getAsyncInvokeConfig(req *request) (reply, *apiError) {
	svc, q, aerr := e.lookupConfigTarget(req, anyQualifier)
	if aerr != nil {
		return reply{}, aerr
	}
	c := svc.AsyncInvoke.get(req.fn, q)
	if c == nil {
		return reply{}, asyncConfigNotExists(req.svc, q, req.fn)
	}
	return ok(e.renderConfig(req, c.Attrs, q), "")
}

// deleteAsyncInvokeConfig: Guess: deleting a config that does not exist is
// its 404, as reading it is.
func (e *Emulator) deleteAsyncInvokeConfig(req *request) (reply, *apiError) {
	svc, q, aerr := e.lookupConfigTarget(req, anyQualifier)
	if aerr != nil {
		return reply{}, aerr
	}
	if svc.AsyncInvoke.get(req.fn, q) == nil {
		return reply{}, asyncConfigNotExists(req.svc, q, req.fn)
	}
	svc.AsyncInvoke.remove(req.fn, q)
	if aerr := e.commit(); aerr != nil {
		return reply{}, aerr
	}
	return noContent()
}

// listAsyncInvokeConfigs lists a function's configs by qualifier. Guess:
// nextToken is the next qualifier, in byte order.
func (e *Emulator) listAsyncInvokeConfigs(req *request) (reply, *apiError) {
	svc, _, aerr := e.lookupFunction(req)
	if aerr != nil {
		return reply{}, aerr
	}
	limit, aerr := parseLimit(req.query)
	if aerr != nil {
		return reply{}, aerr
	}
	items := map[string]map[string]any{}
	for q, c := range svc.AsyncInvoke[req.fn] {
		items[q] = clone(c.Attrs)
	}
	page, next := configPage(sortedKeys(items), items, req.query.Get("nextToken"), "", limit)
	return listReply("configs", page, next)
}
