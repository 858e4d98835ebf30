package emulator

import (
	"net/http"
	"strconv"
	"strings"
)

// serveKindsControl answers the control endpoints of the kinds beyond
// services, functions and triggers; false if path is none of them:
//
//	PUT    /_emulator/oss/<bucket>/<object>   an object code can be read from
//	GET    /_emulator/layer-code/<layer>/<version>/<checksum>   a layer's code
//	PUT    /_emulator/invoke/<svc>/<fn>       a canned InvokeResponse (JSON)
//	DELETE /_emulator/invoke/<svc>/<fn>       back to echoing the event
func (e *Emulator) serveKindsControl(w http.ResponseWriter, r *http.Request, requestID, path string) bool {
	switch {
	case strings.HasPrefix(path, "/oss/") && r.Method == http.MethodPut:
		e.serveOSSPut(w, r, requestID, strings.TrimPrefix(path, "/oss/"))
	case strings.HasPrefix(path, "/layer-code/") && r.Method == http.MethodGet:
		e.serveLayerCode(w, r, requestID, strings.TrimPrefix(path, "/layer-code/"))
	case strings.HasPrefix(path, "/invoke/") && (r.Method == http.MethodPut || r.Method == http.MethodDelete):
		e.serveInvokeResponse(w, r, requestID, strings.TrimPrefix(path, "/invoke/"))
	default:
		return false
	}
	return true
}

// serveLayerCode plays the OSS object behind a layer version's
// code.location, as serveCode does for functions.
func (e *Emulator) serveLayerCode(w http.ResponseWriter, r *http.Request, requestID, rest string) {
	const action = "DownloadLayerCode"
	e.stats.add(action)
	if in, handled := e.faults.inject(w, r, action, requestID); handled || in.lose && dropConnection(w) {
		return
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 {
		writeError(w, r, requestID, pathNotSupported(r))
		return
	}
	e.mu.Lock()
	var zip []byte
	if l := e.st.Layers[parts[0]]; l != nil {
		if lv := l.Versions[parts[1]]; lv != nil && Checksum(lv.data) == parts[2] {
			zip = lv.data
		}
	}
	e.mu.Unlock()
	if zip == nil {
		writeError(w, r, requestID, errorf(http.StatusNotFound, "NoSuchKey", "the code package %s does not exist", rest))
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.Itoa(len(zip)))
	w.Header().Set("X-Oss-Hash-Crc64ecma", parts[2])
	w.WriteHeader(http.StatusOK)
	w.Write(zip)
}
