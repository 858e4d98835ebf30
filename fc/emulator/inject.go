package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Inject overwrites attributes of a service, function or trigger with
// values taken verbatim, bypassing every check the API makes, and bumps its
// lastModifiedTime and ETag. It plays an FC that answers what fcsync never
// wrote and the console would not let through (a triggerConfig that is a
// string or a list, a number beyond float64, an integer of 30 digits): the
// hostile-input tests use it to prove that no answer wedges a repository.
// path is "SVC", "SVC/FN" or "SVC/FN/TRIGGER", or "/FN[/TRIGGER]" for a
// function born in FC 3.0 (no service); attrs is a JSON object, its
// numbers kept as written; a null value removes the attribute.
func (e *Emulator) Inject(path string, attrs []byte) error {
	dec := json.NewDecoder(bytes.NewReader(attrs))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return fmt.Errorf("inject %s: %w", path, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	parts := strings.Split(path, "/")
	svc := e.st.Services[parts[0]]
	if parts[0] == "" && len(parts) > 1 {
		svc = e.st.Functions3[parts[1]]
	}
	if svc == nil {
		return fmt.Errorf("inject %s: no such service", path)
	}
	target, etag := svc.Attrs, &svc.ETag
	if len(parts) > 1 {
		fn := svc.Functions[parts[1]]
		if fn == nil {
			return fmt.Errorf("inject %s: no such function", path)
		}
		target, etag = fn.Attrs, &fn.ETag
		if len(parts) > 2 {
			t := fn.Triggers[parts[2]]
			if t == nil {
				return fmt.Errorf("inject %s: no such trigger", path)
			}
			target, etag = t.Attrs, &t.ETag
		}
	}
	for k, v := range obj {
		if v == nil {
			delete(target, k)
			continue
		}
		target[k] = v
	}
	*etag = e.st.touch(target, e.opts.Now())
	if aerr := e.commit(); aerr != nil {
		return fmt.Errorf("inject %s: %s", path, aerr.message)
	}
	return nil
}

// serveInject is Inject over HTTP, for the stand-alone emulator:
// PATCH /_emulator/inject/SVC[/FN[/TRIGGER]] with the attributes as body.
func (e *Emulator) serveInject(w http.ResponseWriter, r *http.Request, requestID, path string) {
	var body bytes.Buffer
	if _, err := body.ReadFrom(http.MaxBytesReader(w, r.Body, 1<<20)); err != nil {
		writeError(w, r, requestID, invalidArgument("inject: %v", err))
		return
	}
	if err := e.Inject(path, body.Bytes()); err != nil {
		writeError(w, r, requestID, invalidArgument("%v", err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
