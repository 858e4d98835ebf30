// Package emulator is a local stand-in for Alibaba Cloud Function Compute
// 2.0 and 3.0: an http.Handler with an in-memory (optionally persisted)
// store that speaks the FC API the way the official SDKs expect it — the
// /2021-04-06 dialect signed ACS3-HMAC-SHA256 for the Go SDK, the
// /2016-08-15 dialect signed "FC <id>:<sig>" for the Node SDK, and FC 3.0's
// /2023-03-30 (ACS3, no services, PascalCase errors, no ETag; routes3.go,
// functions3.go), all over one store. It is as
// strict as FC, from its own reading of the reference (shapes.go, rules.go,
// defaults.go): keys in any case, answers in camelCase with every field,
// unknown fields dropped, invalid values refused. It injects latency,
// throttling and failures on demand and counts calls per action.
//
// The wire behaviour follows shared/reference/fc-api.md and, for FC 3.0,
// fc3-api.md; where FC's behaviour is unconfirmed there, the code says
// "Guess:".
package emulator

import (
	"errors"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure an Emulator.
type Options struct {
	// Region is the region the emulator plays, in ARNs
	// (acs:fc:<region>:<account>:...); cn-hangzhou if empty. AvailableAZs
	// are the zones GetAccountSettings lists (Guess: three zones named after
	// the region if empty).
	Region       string
	AvailableAZs []string
	// AccountID is the account the emulator plays; AccessKeyID and
	// AccessKeySecret are the key pair whose signatures it accepts, and Keys
	// more of them (other users, STS credentials).
	AccountID, AccessKeyID, AccessKeySecret string
	Keys                                    []AccessKey
	// DataDir, if set, keeps the state across restarts: it is loaded by New
	// and every acknowledged write is on disk before its answer is sent.
	DataDir string
	Faults  Faults
	// Now is the server's clock (time.Now if nil): createdTime and
	// lastModifiedTime, and the time requests' dates are checked against.
	Now func() time.Time
	// MaxCodeSize is the largest decoded code package accepted (FC: 100 MB).
	MaxCodeSize int64
	// MaxFunctionsPerService is FC's quota of functions per service (50).
	MaxFunctionsPerService int
	// Logf reports internal failures (log.Printf if nil).
	Logf func(format string, args ...any)
}

// AccessKey is one key pair the emulator accepts. With a SecurityToken it
// plays STS credentials: requests must carry that token.
type AccessKey struct {
	ID, Secret, SecurityToken string
}

// ErrNoCredentials is returned by New when the key pair is not configured.
var ErrNoCredentials = errors.New("emulator: access key id and secret are required")

// Emulator is the FC API handler and its store.
type Emulator struct {
	opts   Options
	faults *faultState
	stats  *stats

	mu      sync.Mutex // guards st, saved, baseURL and invoke
	st      *store
	saved   []byte // the state last written to DataDir
	baseURL string // set by Start; else derived from each request's Host
	invoke  invokeState
}

// New builds an emulator, loading the state in opts.DataDir if there is one.
func New(opts Options) (*Emulator, error) {
	if opts.AccessKeyID == "" || opts.AccessKeySecret == "" {
		return nil, ErrNoCredentials
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Region == "" {
		opts.Region = "cn-hangzhou"
	}
	if opts.AvailableAZs == nil {
		opts.AvailableAZs = []string{opts.Region + "-f", opts.Region + "-g", opts.Region + "-h"}
	}
	if opts.MaxCodeSize <= 0 {
		opts.MaxCodeSize = 100 << 20
	}
	if opts.MaxFunctionsPerService <= 0 {
		opts.MaxFunctionsPerService = 50
	}
	if opts.Logf == nil {
		opts.Logf = log.Printf
	}
	e := &Emulator{opts: opts, faults: newFaultState(opts.Faults), stats: newStats(), st: newStore()}
	if err := e.load(); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Emulator) logf(format string, args ...any) { e.opts.Logf(format, args...) }

// SetFaults replaces the injected faults; FailNth and EditBefore count
// requests from now on.
func (e *Emulator) SetFaults(f Faults) { e.faults.set(f) }

// Injected returns the faults played since they were last set, by kind:
// "throttled", "500", "503", "dropped", "lost" (applied, answer lost) and
// "canned" (Faults.Answers).
func (e *Emulator) Injected() map[string]int { return e.faults.count() }

// Stats returns the API calls per action (the Go SDK's x-acs-action names;
// code downloads count as "DownloadCode") since the last reset.
func (e *Emulator) Stats() map[string]int { return e.stats.snapshot() }

// MaxInFlight is the most API requests served at once since the last
// reset (latency included, so Faults.Latency makes a client's parallelism
// visible).
func (e *Emulator) MaxInFlight() int { return e.stats.peak() }

// ResetStats sets every call count back to zero.
func (e *Emulator) ResetStats() { e.stats.reset() }

// Close releases the emulator. Every acknowledged write is already on disk,
// so there is nothing to flush.
func (e *Emulator) Close() error { return nil }

// ServeHTTP answers one request: control endpoints under /_emulator/, the
// web console under /console, API calls under /2021-04-06/, /2016-08-15/
// and /2023-03-30/.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newUUID()
	w.Header().Set("X-Fc-Request-Id", requestID)
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		e.serveControl(w, r, requestID)
		return
	}
	if isConsolePath(r.URL.Path) {
		newConsole(e).ServeHTTP(w, r)
		return
	}
	req, aerr := parseRequest(r)
	if aerr != nil {
		writeError(w, r, requestID, aerr)
		return
	}
	e.stats.begin(req.action)
	defer e.stats.end()
	in, handled := e.faults.inject(w, r, req.action, requestID)
	if handled {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, e.maxBody()+1))
	if err != nil {
		writeError(w, r, requestID, invalidArgument("read request body: %v", err))
		return
	}
	if int64(len(body)) > e.maxBody() {
		writeError(w, r, requestID, entityTooLarge(e.opts.MaxCodeSize))
		return
	}
	if aerr := e.verifySignature(r, body); aerr != nil {
		writeError(w, r, requestID, aerr)
		return
	}
	// Guess: a key pair belongs to one account, so FC would refuse a request
	// addressed to another one.
	if acct := e.accountID(r); e.opts.AccountID != "" && acct != e.opts.AccountID {
		writeError(w, r, requestID, errorf(http.StatusForbidden, "AccessDenied",
			"the caller is not authorized to access account '%s'", acct))
		return
	}
	req.body = body
	req.account = e.opts.AccountID
	req.region = e.opts.Region
	req.requestID = requestID
	req.now = e.opts.Now()
	rep, aerr := e.serve(req, r, in.editBefore)
	if in.lose && dropConnection(w) {
		return
	}
	if aerr != nil {
		writeError(w, r, requestID, aerr)
		return
	}
	// FC 3.0 has no ETag (fc3-api.md 1.6): its clients compare
	// lastModifiedTime instead.
	if rep.etag != "" && req.dialect != dialect2023 {
		w.Header().Set("ETag", rep.etag)
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.raw != nil {
		w.Header().Set("Content-Type", rep.raw.contentType)
		w.WriteHeader(rep.status)
		w.Write(rep.raw.data)
		return
	}
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	writeJSON(w, rep.status, rep.body)
}

// maxBody bounds a request body: the base64 of the largest code package plus
// room for the rest of a function's configuration.
func (e *Emulator) maxBody() int64 { return e.opts.MaxCodeSize/3*4 + 4 + 1<<20 }

func entityTooLarge(limit int64) *apiError {
	return errorf(http.StatusBadRequest, "EntityTooLarge", "payload size exceeds maximum allowed size (%d bytes)", limit)
}

// serve runs the handler of req under the store lock.
func (e *Emulator) serve(req *request, r *http.Request, editBefore bool) (reply, *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	req.baseURL = e.baseURL
	if req.baseURL == "" {
		req.baseURL = "http://" + r.Host
	}
	if editBefore {
		if aerr := e.editConcurrently(req); aerr != nil {
			return reply{}, aerr
		}
	}
	table := handlers
	if req.dialect == dialect2023 {
		table = handlers3
	}
	h, ok := table[req.action]
	if !ok {
		return reply{}, pathNotSupported(r)
	}
	return h(e, req)
}

func pathNotSupported(r *http.Request) *apiError {
	return errorf(http.StatusBadRequest, "PathNotSupported", "'%s' against '%s' is not supported", r.Method, r.URL.Path)
}

// editConcurrently plays a console edit of the resource req targets, as
// EditBefore asks: description, lastModifiedTime and ETag change (an
// on-demand config, which has neither, gets one more instance).
func (e *Emulator) editConcurrently(req *request) *apiError {
	var attrs map[string]any
	var etag *string
	svc := e.st.Services[req.svc]
	if req.dialect == dialect2023 {
		svc, _ = e.holder(req)
	}
	if svc != nil {
		attrs, etag = svc.Attrs, &svc.ETag
		if a := svc.Aliases[req.alias]; a != nil {
			attrs, etag = a.Attrs, &a.ETag
		}
		if c := svc.OnDemand.get(req.fn, req.qualifier); c != nil && strings.Contains(req.action, "OnDemand") && req.dialect != dialect2023 {
			n, _ := asInt(c.Attrs["maximumInstanceCount"])
			c.Attrs["maximumInstanceCount"] = n + 1
			c.ETag = e.st.freshETag(c.Attrs, e.opts.Now())
			return e.commit()
		}
		if fn := svc.Functions[req.fn]; fn != nil {
			attrs, etag = fn.Attrs, &fn.ETag
			if t := fn.Triggers[req.trigger]; t != nil {
				attrs, etag = t.Attrs, &t.ETag
			}
		}
	} else if d := e.st.Domains[req.domain]; d != nil {
		attrs = d.Attrs
	}
	if attrs == nil {
		return nil
	}
	attrs["description"] = "edited concurrently"
	tag := e.st.touch(attrs, e.opts.Now())
	if etag != nil {
		*etag = tag
	}
	return e.commit()
}

// reply is a successful answer: a JSON object body (nil for 204) and the
// resource's ETag where it has one. An invocation answers with raw bytes
// and headers of its own instead.
type reply struct {
	status int
	body   map[string]any
	etag   string
	header map[string]string
	raw    *rawBody
}

type rawBody struct {
	contentType string
	data        []byte
}

func ok(body map[string]any, etag string) (reply, *apiError) {
	return reply{status: http.StatusOK, body: body, etag: etag}, nil
}

func noContent() (reply, *apiError) { return reply{status: http.StatusNoContent}, nil }
