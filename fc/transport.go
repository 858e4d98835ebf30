package fc

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	_ "unsafe" // go:linkname

	_ "github.com/alibabacloud-go/tea/tea" // hookDo lives there
)

// The SDK (tea v1.2.1) sends every request through an http.Client of its
// own: it follows redirects (re-sending a write's body to wherever a 307
// points), takes no context, reads any answer whole, and mistakes its
// connect timeout in milliseconds for seconds. It offers no way to set a
// transport or CheckRedirect (tea v1.3 does, with an incompatible openapi
// client); its hookDo variable, which wraps every HTTP exchange, is the one
// seam. fcsync sets it once, at init, to send its own calls through
// call.roundTrip below; a request without fcsync's call header (another
// SDK user in the same process) goes through unchanged. The SDK still
// makes every HTTP exchange; requests are built and signed, and answers
// decoded, as its CallApi does (call.go).
//
//go:linkname teaHookDo github.com/alibabacloud-go/tea/tea.hookDo
var teaHookDo func(fn func(*http.Request) (*http.Response, error)) func(*http.Request) (*http.Response, error)

// callHeader carries the id of an fcsync call from do to the hook; the hook
// removes it before the request leaves, and it is not signed.
const callHeader = "X-Fcsync-Call"

var (
	pending sync.Map // call id -> *call
	callSeq atomic.Uint64
)

func init() {
	sdk := teaHookDo
	teaHookDo = func(fn func(*http.Request) (*http.Response, error)) func(*http.Request) (*http.Response, error) {
		through := sdk(fn)
		return func(req *http.Request) (*http.Response, error) {
			id := req.Header.Get(callHeader)
			if id == "" {
				return through(req)
			}
			req.Header.Del(callHeader)
			v, ok := pending.Load(id)
			if !ok {
				return nil, fmt.Errorf("fc: call %s is not registered", id)
			}
			return v.(*call).roundTrip(req)
		}
	}
}

// call is one HTTP attempt of an API operation, as the hook sees it.
type call struct {
	ctx        context.Context
	c          *Client
	what       string // "GetService demo", for the waiting notice and timeouts
	bodySize   int
	retryAfter time.Duration // what a throttling answer asked to wait
}

// register makes the call known to the hook; the returned id goes into the
// request's callHeader, and done must be called once the call returned.
func (c *Client) register(ctx context.Context, what string, bodySize int) (k *call, id string, done func()) {
	id = strconv.FormatUint(callSeq.Add(1), 10)
	k = &call{ctx: ctx, c: c, what: what, bodySize: bodySize}
	pending.Store(id, k)
	return k, id, func() { pending.Delete(id) }
}

// Transfer bounds. An FC management call answers in well under a second;
// a code upload of FC's largest package (100 MB, 133 MB as base64) over a
// slow uplink takes minutes, so an attempt's deadline grows with its body.
const (
	connectTimeout = 10 * time.Second
	minUploadRate  = 256 << 10 // bytes per second assumed for the deadline of a large body
	// defaultMaxAnswer caps an API answer: a list page of 100 functions
	// with FC's largest configurations is a few MB.
	defaultMaxAnswer = 32 << 20
	defaultNotice    = 5 * time.Second
)

// newHTTPClient is the HTTP client of every fcsync call to FC and to code
// URLs: it follows no redirect (see RedirectError) and dials with a
// connect timeout; deadlines are per call.
func newHTTPClient(concurrency int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   connectTimeout,
			MaxIdleConnsPerHost:   max(concurrency, 8),
			IdleConnTimeout:       90 * time.Second,
			ExpectContinueTimeout: time.Second,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			status := 0
			if req.Response != nil {
				status = req.Response.StatusCode
			}
			return &RedirectError{Status: status, Method: via[0].Method, From: via[0].URL.Host, To: req.URL.Scheme + "://" + req.URL.Host}
		},
	}
}

// timeoutFor is the deadline of one attempt carrying a body of size bytes.
func (c *Client) timeoutFor(size int) time.Duration {
	return c.timeout + time.Duration(size/minUploadRate)*time.Second
}

// roundTrip sends one SDK request with the caller's context and a deadline,
// says on the notice writer when FC keeps it waiting, and checks that the
// answer is FC's before the SDK reads it.
func (k *call) roundTrip(req *http.Request) (*http.Response, error) {
	c := k.c
	limit := c.timeoutFor(k.bodySize)
	if req.ContentLength == 0 && req.Body != nil && k.bodySize > 0 {
		// A streamed body (call.go): its length is known, and said, so
		// that it is not sent chunked.
		req.ContentLength = int64(k.bodySize)
	}
	ctx, cancel := context.WithTimeout(k.ctx, limit)
	stop := c.waiting(req.URL.Host, k.what, limit)
	resp, err := c.http.Do(req.WithContext(ctx))
	stop(err == nil)
	if err != nil {
		cancel()
		if ctx.Err() == context.DeadlineExceeded && k.ctx.Err() == nil {
			return nil, &TimeoutError{What: k.what, Host: req.URL.Host, After: limit}
		}
		return nil, err
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		k.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	}
	resp, err = checkAnswer(resp, c.maxAnswer)
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cappedBody{rc: resp.Body, limit: c.maxAnswer, done: cancel}
	return resp, nil
}

// waiting prints one line on the notice writer when an answer takes longer
// than the notice delay, unless a line already stands for a stall that no
// answer has ended since: a dead endpoint gets one line, not one per call
// and attempt. stop ends the wait, telling whether an answer came.
func (c *Client) waiting(host, what string, limit time.Duration) (stop func(answered bool)) {
	if c.notify == nil {
		return func(bool) {}
	}
	t := time.AfterFunc(c.noticeAfter, func() {
		if c.stalled.CompareAndSwap(false, true) {
			c.notify(fmt.Sprintf("waiting for FC at %s to answer %s (giving up after %s)", host, what, limit.Round(time.Second)))
		}
	})
	return func(answered bool) {
		t.Stop()
		if answered {
			c.stalled.Store(false)
		}
	}
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date; nonsense
// and waits beyond a minute count as not given.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = time.Until(t)
	}
	if d < 0 || d > time.Minute {
		return 0
	}
	return d
}
