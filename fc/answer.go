package fc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// RedirectError is an FC answer redirecting a request. FC's API never
// redirects, so a redirect comes from something else on the way (a
// captive portal, a misconfigured proxy, an attacker); fcsync follows
// none, so a write's body (secret values included) is never re-sent
// elsewhere and a foreign answer is never taken for FC's.
type RedirectError struct {
	Status   int
	Method   string
	From, To string // hosts
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("the endpoint %s answered %d %s with a redirect to %s; fcsync follows no redirect, so the %s was not sent there",
		e.From, e.Status, http.StatusText(e.Status), e.To, e.Method)
}

// NotFCError is an answer that is not FC's: not JSON, as a web server, a
// proxy's error page or a captive portal gives.
type NotFCError struct {
	Status      int
	ContentType string
}

func (e *NotFCError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	return fmt.Sprintf("the endpoint did not answer like FC: HTTP %d %s", e.Status, ct)
}

// TooLargeError is an answer larger than fcsync accepts.
type TooLargeError struct {
	What  string // "answer", "code package"
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the endpoint's %s is larger than the limit of %d bytes", e.What, e.Limit)
}

// TimeoutError is an attempt FC did not answer in time.
type TimeoutError struct {
	What  string
	Host  string
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("FC at %s did not answer %s within %s", e.Host, e.What, e.After.Round(time.Millisecond))
}

// Timeout makes a TimeoutError a net.Error timeout, retried like one.
func (e *TimeoutError) Timeout() bool   { return true }
func (e *TimeoutError) Temporary() bool { return true }

// permanent reports answers that another attempt would only repeat.
func permanent(err error) bool {
	var re *RedirectError
	var ne *NotFCError
	var te *TooLargeError
	return errors.As(err, &re) || errors.As(err, &ne) || errors.As(err, &te)
}

// checkAnswer passes FC's answers on to the SDK: JSON, or 204 without a
// body. A server error page that is not JSON (a gateway's 502 in HTML)
// becomes a JSON error answer of the same status, so that it is retried
// like FC's own 5xx; any other foreign answer is a NotFCError.
func checkAnswer(resp *http.Response, limit int64) (*http.Response, error) {
	if resp.ContentLength > limit {
		resp.Body.Close()
		return nil, &TooLargeError{What: "answer", Limit: limit}
	}
	if resp.StatusCode == http.StatusNoContent || isJSON(resp.Header.Get("Content-Type")) {
		return resp, nil
	}
	resp.Body.Close()
	ct, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	if resp.StatusCode >= 500 {
		body := fmt.Sprintf(`{"Code":"BadGateway","Message":"the endpoint answered HTTP %d %s, not FC's error"}`, resp.StatusCode, ct)
		resp.Body = io.NopCloser(bytes.NewReader([]byte(body)))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
	return nil, &NotFCError{Status: resp.StatusCode, ContentType: ct}
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// cappedBody fails a read beyond limit instead of letting the SDK read an
// endless answer into memory, and ends the call's deadline once the answer
// is read.
type cappedBody struct {
	rc    io.ReadCloser
	limit int64
	read  int64
	done  context.CancelFunc
}

func (b *cappedBody) Read(p []byte) (int, error) {
	// Up to one byte past the limit is asked for, to tell a body of exactly
	// the limit from a longer one.
	if room := b.limit - b.read + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.rc.Read(p)
	b.read += int64(n)
	if b.read > b.limit {
		b.done()
		return 0, &TooLargeError{What: "answer", Limit: b.limit}
	}
	if err != nil {
		b.done()
	}
	return n, err
}

func (b *cappedBody) Close() error {
	err := b.rc.Close()
	b.done()
	return err
}
