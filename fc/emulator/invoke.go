package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// InvokeFunction (fc-api.md 2.6). The emulator runs no code: a synchronous
// invocation answers with the event it was sent, or with the canned
// response set for the function (SetInvokeResponse), so a post-deploy smoke
// check can be written against it; an asynchronous one is accepted with
// 202. Every invocation is recorded (Invocations).

// Payload limits (fc-api.md 5): 32 MB synchronous, 128 KB asynchronous.
const (
	maxSyncPayload  = 32 << 20
	maxAsyncPayload = 128 << 10
)

// maxInvocationsKept bounds the record of invocations, oldest dropped.
const maxInvocationsKept = 1000

// InvokeResponse is a canned answer to a function's synchronous
// invocations: Status (200 if 0; FC answers function errors with 200 and
// an X-Fc-Error-Type header), headers (Content-Type among them) and body.
type InvokeResponse struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header"`
	Body   string            `json:"body"`
}

// Invocation is one InvokeFunction the emulator accepted.
type Invocation struct {
	RequestID string `json:"requestId"`
	Service   string `json:"service"`
	Function  string `json:"function"`
	Qualifier string `json:"qualifier"` // as sent; "" for none
	Version   string `json:"version"`   // what it resolved to: "LATEST" or a version id
	Async     bool   `json:"async"`
	Body      []byte `json:"body"`
}

// invokeState is the emulator's own, not FC's: canned answers and the
// record of invocations, in memory only.
type invokeState struct {
	answers map[string]InvokeResponse // by service/function
	log     []Invocation
}

// SetInvokeResponse makes the synchronous invocations of svc/fn (through
// any qualifier) answer with r; nil restores the echo of the event.
func (e *Emulator) SetInvokeResponse(svc, fn string, r *InvokeResponse) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.invoke.answers == nil {
		e.invoke.answers = map[string]InvokeResponse{}
	}
	if r == nil {
		delete(e.invoke.answers, svc+"/"+fn)
		return
	}
	e.invoke.answers[svc+"/"+fn] = *r
}

// Invocations returns the invocations of svc/fn accepted so far, oldest
// first; with svc and fn empty, those of every function.
func (e *Emulator) Invocations(svc, fn string) []Invocation {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Invocation
	for _, in := range e.invoke.log {
		if (svc == "" && fn == "") || (in.Service == svc && in.Function == fn) {
			out = append(out, in)
		}
	}
	return out
}

func (e *Emulator) invokeFunction(req *request) (reply, *apiError) {
	v, fn, aerr := e.lookupView(req)
	if aerr != nil {
		return reply{}, aerr
	}
	typ := req.header.Get("X-Fc-Invocation-Type")
	if typ == "" {
		typ = "Sync"
	}
	// Guess: the reference gives the LogType messages (below) but none for
	// an invocation type other than Sync or Async; this follows them.
	if typ != "Sync" && typ != "Async" {
		return reply{}, invalidArgument("InvocationType is set to an invalid value (allowed: Sync | Async, actual: '%s')", typ)
	}
	logType := req.header.Get("X-Fc-Log-Type")
	if logType == "" {
		logType = "None"
	}
	async := typ == "Async"
	switch {
	case async && logType != "None":
		return reply{}, invalidArgument("LogType is set to an invalid value (allowed: None, actual: '%s')", logType)
	case !async && logType != "None" && logType != "Tail":
		return reply{}, invalidArgument("LogType is set to an invalid value (allowed: Tail | None, actual: '%s')", logType)
	}
	limit := int64(maxSyncPayload)
	if async {
		limit = maxAsyncPayload
	}
	if int64(len(req.body)) > limit {
		return reply{}, entityTooLarge(limit)
	}
	version := v.version
	if version == "" {
		version = "LATEST"
	}
	e.recordInvocation(Invocation{RequestID: req.requestID, Service: req.svc, Function: req.fn,
		Qualifier: req.qualifier, Version: version, Async: async, Body: req.body})
	if async {
		return reply{status: http.StatusAccepted}, nil
	}
	header := map[string]string{
		"X-Fc-Invocation-Service-Version": version,
		"X-Fc-Code-Checksum":              stringField(fn.Attrs, "codeChecksum"),
		"X-Fc-Invocation-Duration":        "1",
		"X-Fc-Max-Memory-Usage":           "8.00",
		"X-Fc-Instance-Id":                "c-" + newUUID(),
	}
	if logType == "Tail" {
		logs := fmt.Sprintf("FC Invoke Start RequestId: %s\nFC Invoke End RequestId: %s\n", req.requestID, req.requestID)
		header["X-Fc-Log-Result"] = base64.StdEncoding.EncodeToString([]byte(logs))
	}
	answer, canned := e.invoke.answers[req.svc+"/"+req.fn]
	if !canned {
		return reply{status: http.StatusOK, header: header,
			raw: &rawBody{contentType: "application/octet-stream", data: append([]byte{}, req.body...)}}, nil
	}
	contentType := "application/octet-stream"
	for k, val := range answer.Header {
		if strings.EqualFold(k, "Content-Type") {
			contentType = val
			continue
		}
		header[k] = val
	}
	status := answer.Status
	if status == 0 {
		status = http.StatusOK
	}
	return reply{status: status, header: header, raw: &rawBody{contentType: contentType, data: []byte(answer.Body)}}, nil
}

func (e *Emulator) recordInvocation(in Invocation) {
	e.invoke.log = append(e.invoke.log, in)
	if n := len(e.invoke.log); n > maxInvocationsKept {
		e.invoke.log = append([]Invocation(nil), e.invoke.log[n-maxInvocationsKept:]...)
	}
}

// serveInvokeResponse is SetInvokeResponse over HTTP, for the stand-alone
// emulator: PUT /_emulator/invoke/<svc>/<fn> with an InvokeResponse as
// JSON, DELETE to restore the echo.
func (e *Emulator) serveInvokeResponse(w http.ResponseWriter, r *http.Request, requestID, rest string) {
	svc, fn, ok := strings.Cut(rest, "/")
	if !ok || svc == "" || fn == "" {
		writeError(w, r, requestID, pathNotSupported(r))
		return
	}
	if r.Method == http.MethodDelete {
		e.SetInvokeResponse(svc, fn, nil)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	var resp InvokeResponse
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxSyncPayload)).Decode(&resp); err != nil {
		writeError(w, r, requestID, invalidArgument("invoke response: %v", err))
		return
	}
	e.SetInvokeResponse(svc, fn, &resp)
	w.WriteHeader(http.StatusNoContent)
}
