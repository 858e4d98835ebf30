package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The console is the emulator's stand-in for FC's web console, at /console:
// server-rendered pages with plain forms, so that a person (or a headless
// browser in a test) can play the colleague who hot-fixes a function online.
//
// It needs no signature, which a browser cannot make; the API paths still
// do. Its writes are API calls in all but transport: each is parsed by the
// API's router and served by the API's handler table under the store lock,
// so validation, ETags, lastModifiedTime, codeChecksum and persistence
// change exactly as an UpdateFunction would. They are not API calls for
// fault injection and call counts: the console is not an API client.
// Nothing the console shows comes from the emulator's options, so the
// access keys it accepts never reach a page.

type console struct{ e *Emulator }

func newConsole(e *Emulator) *console { return &console{e: e} }

func isConsolePath(p string) bool { return p == "/console" || strings.HasPrefix(p, "/console/") }

func (c *console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	// No script runs on these pages, whatever a hostile value holds; forms
	// post only back here, and no other site frames the console.
	h.Set("Content-Security-Policy",
		"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	if r.Method == http.MethodPost {
		if !sameOrigin(r) {
			http.Error(w, "console: a form posted from another site is refused", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 4*maxEditableFile+1<<16)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "console: the form could not be read: "+err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
	}
	switch route := r.Method + " " + strings.TrimSuffix(r.URL.Path, "/"); route {
	case "GET /console":
		c.overview(w, r)
	case "GET /console/function":
		c.functionPage(w, r, nil)
	case "POST /console/function":
		c.saveFunction(w, r)
	case "GET /console/code":
		c.codePage(w, r, nil)
	case "POST /console/code":
		c.saveCode(w, r)
	case "POST /console/alias":
		c.saveAlias(w, r)
	default:
		http.Error(w, "console: no such page", http.StatusNotFound)
	}
}

// sameOrigin refuses cross-site form posts: the console has no login, so a
// page elsewhere must not be able to submit its forms from the user's
// browser. Requests without an Origin (curl) are let through.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// call runs one API action in process: method and path (without the
// dialect prefix, names path-escaped) go through the API's router, body is
// sent as JSON, and a non-empty ifMatch guards the write as If-Match does.
func (c *console) call(r *http.Request, method, path string, query url.Values, body any, ifMatch string) (reply, error) {
	target := "/" + dialect2021 + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	hr, err := http.NewRequest(method, target, nil)
	if err != nil {
		return reply{}, err
	}
	if ifMatch != "" {
		hr.Header.Set("If-Match", ifMatch)
	}
	req, aerr := parseRequest(hr)
	if aerr != nil {
		return reply{}, aerr
	}
	h, ok := handlers[req.action]
	if !ok {
		return reply{}, fmt.Errorf("console: the emulator has no handler for %s", req.action)
	}
	if body != nil {
		if req.body, err = json.Marshal(body); err != nil {
			return reply{}, err
		}
	}
	e := c.e
	e.mu.Lock()
	defer e.mu.Unlock()
	req.account, req.now, req.baseURL = e.opts.AccountID, e.opts.Now(), e.baseURL
	if req.baseURL == "" {
		req.baseURL = "http://" + r.Host
	}
	rep, aerr := h(e, req)
	if aerr != nil {
		return reply{}, aerr
	}
	return rep, nil
}

// resourcePath is the API path of a service, or of a function in it.
func resourcePath(svc string, fn ...string) string {
	p := "/services/" + url.PathEscape(svc)
	for _, f := range fn {
		p += "/functions/" + url.PathEscape(f)
	}
	return p
}

// saveError is what the page says of a refused save: FC's code and message
// as the API would answer them, and for a 412 what to do about it.
func saveError(err error) string {
	var aerr *apiError
	if !errors.As(err, &aerr) {
		return err.Error()
	}
	msg := fmt.Sprintf("%s (HTTP %d): %s", aerr.code, aerr.status, aerr.message)
	if aerr.status == http.StatusPreconditionFailed {
		msg += ". Someone changed it since this page was loaded: reload the page to see their change, then edit again."
	}
	return msg
}

// statusOf is the HTTP status a page with a refused save is sent with.
func statusOf(err error) int {
	var aerr *apiError
	if errors.As(err, &aerr) {
		return aerr.status
	}
	return http.StatusBadRequest
}

// seeOther ends a successful save: the browser loads the page anew, so a
// reload does not post the form twice.
func seeOther(w http.ResponseWriter, r *http.Request, page string, q url.Values) {
	http.Redirect(w, r, page+"?"+q.Encode(), http.StatusSeeOther)
}
