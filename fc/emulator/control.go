package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// serveControl answers the emulator's own endpoints, which need no
// signature: stats, faults, health, injected raw values (Inject), and the
// code downloads GetFunctionCode
// points at.
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request, requestID string) {
	path := strings.TrimPrefix(r.URL.Path, "/_emulator")
	switch {
	case path == "/stats" && r.Method == http.MethodGet:
		calls := e.Stats()
		total := 0
		for _, n := range calls {
			total += n
		}
		writeJSON(w, http.StatusOK, map[string]any{"calls": calls, "total": total, "maxInFlight": e.MaxInFlight()})
	case path == "/stats/reset" && r.Method == http.MethodPost:
		e.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	case path == "/faults" && r.Method == http.MethodPut:
		var f Faults
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			writeError(w, r, requestID, invalidArgument("faults: %v", err))
			return
		}
		e.SetFaults(f)
		w.WriteHeader(http.StatusNoContent)
	case path == "/healthz" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
	case strings.HasPrefix(path, "/inject/") && r.Method == http.MethodPatch:
		e.serveInject(w, r, requestID, strings.TrimPrefix(path, "/inject/"))
	case strings.HasPrefix(path, "/code/") && r.Method == http.MethodGet:
		e.serveCode(w, r, requestID, strings.TrimPrefix(path, "/code/"))
	default:
		if !e.serveKindsControl(w, r, requestID, path) {
			writeError(w, r, requestID, pathNotSupported(r))
		}
	}
}

// serveCode plays the OSS object behind GetFunctionCode's URL: the zip,
// with OSS's CRC-64 header. The URL names the checksum it was issued for, so
// it stops working once the code changes, like an expired OSS link.
func (e *Emulator) serveCode(w http.ResponseWriter, r *http.Request, requestID, rest string) {
	const action = "DownloadCode"
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
	zip := e.st.codeOf(parts[0], parts[1], parts[2])
	e.mu.Unlock()
	if zip == nil {
		// OSS answers a missing object with 404 NoSuchKey.
		writeError(w, r, requestID, errorf(http.StatusNotFound, "NoSuchKey", "the code package %s does not exist", rest))
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.Itoa(len(zip)))
	w.Header().Set("X-Oss-Hash-Crc64ecma", parts[2])
	w.WriteHeader(http.StatusOK)
	w.Write(zip)
}
