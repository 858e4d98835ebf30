package emulator

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// apiError is an FC error answer: an HTTP status and FC's error code and
// message (fc-api.md section 4).
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func invalidArgument(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "InvalidArgument", format, args...)
}

func internalError() *apiError {
	return errorf(http.StatusInternalServerError, "InternalServerError", "an internal error has occurred. Please retry.")
}

func preconditionFailed() *apiError {
	return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "the resource being modified has been changed")
}

func serviceNotFound(svc string) *apiError {
	return errorf(http.StatusNotFound, "ServiceNotFound", "service '%s' does not exist", svc)
}

// functionNotFound names the service of an FC 2.0 function; svc is empty
// for a function born in FC 3.0, which has none.
func functionNotFound(svc, fn string) *apiError {
	if svc == "" {
		return errorf(http.StatusNotFound, "FunctionNotFound", "function '%s' does not exist", fn)
	}
	return errorf(http.StatusNotFound, "FunctionNotFound", "function '%s' does not exist in service '%s'", fn, svc)
}

func triggerNotFound(svc, fn, t string) *apiError {
	if svc == "" {
		return errorf(http.StatusNotFound, "TriggerNotFound", "trigger '%s' does not exist in function '%s'", t, fn)
	}
	return errorf(http.StatusNotFound, "TriggerNotFound",
		"trigger '%s' does not exist in service '%s' and function '%s'", t, svc, fn)
}

func domainNotFound(d string) *apiError {
	return errorf(http.StatusNotFound, "DomainNameNotFound", "domain name '%s' does not exist", d)
}

// writeError sends FC's error body for the dialect r speaks. FC 2.0 sends
// ErrorCode/ErrorMessage (read by the Node SDK @alicloud/fc2) and the Go SDK
// reads Code/Message/RequestId, so both are sent there (fc-api.md 1.9). The
// 2023-03-30 API sends only the PascalCase three (fc3-api.md 1.5).
func writeError(w http.ResponseWriter, r *http.Request, requestID string, e *apiError) {
	body := map[string]any{"Code": e.code, "Message": e.message, "RequestId": requestID}
	if !strings.HasPrefix(r.URL.Path, "/"+dialect2023+"/") {
		body["ErrorCode"], body["ErrorMessage"] = e.code, e.message
	}
	writeJSON(w, e.status, body)
}

// writeJSON sends v as a JSON body. The request id header is set by the
// caller before, on every response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"ErrorCode":"InternalServerError","Code":"InternalServerError"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// newUUID returns a random version 4 UUID, the form FC uses for request ids
// and resource ids (36 characters).
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
