package fc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	fcopen "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/internal/budget"
)

// defaultPageSize is FC's maximum list limit: the fewer pages, the fewer
// calls against the API's rate limits.
const defaultPageSize = 100

// Client is fcsync's FC client. It calls the API as the official SDK's
// generic CallApi does (send, in call.go), with map bodies, so fields FC
// adds later pass through reads and writes untouched. Every operation
// retries throttling, server and network errors under the configured
// RetryPolicy. A Client is safe for concurrent use.
type Client struct {
	api       *fcopen.Client
	ver       API // the dialect: every ID the client builds carries it
	protocol  string
	accountID string
	region    string
	policy    RetryPolicy
	pageSize  int // list limit; 0 leaves it to the server's default (20)

	http        *http.Client  // every API call and code download (see transport.go)
	timeout     time.Duration // one attempt without a body
	maxAnswer   int64
	notify      func(string)
	noticeAfter time.Duration
	stalled     atomic.Bool // a waiting notice stands for the current stall
	budget      *budget.Budget
	trace       func(Call)
	limit       *limiter
	runtime     map[string]any // the SDK's runtime settings for tea.DoRequest (call)
}

// API is the dialect the client speaks.
func (c *Client) API() API { return c.ver }

// AccountID is the account the client calls FC as ("" when an explicit
// endpoint needed none).
func (c *Client) AccountID() string { return c.accountID }

// NewClient validates cfg and builds a Client. It makes no API call.
func NewClient(cfg Config) (*Client, error) {
	protocol, host, err := cfg.endpoint()
	if err != nil {
		return nil, err
	}
	cred := cfg.Credential
	if cred == nil {
		if cred, err = ResolveCredential(); err != nil {
			return nil, err
		}
	}
	timeout := cfg.HTTPTimeout
	if timeout <= 0 {
		timeout = defaultHTTPTimeout
	}
	// Timeouts are set on fcsync's own HTTP client (transport.go), not
	// here: the SDK's are neither per call nor scaled by size.
	api, err := fcopen.NewClient(&openapi.Config{
		Endpoint:   tea.String(host),
		Protocol:   tea.String(protocol),
		RegionId:   tea.String(cfg.Region),
		Credential: cred,
	})
	if err != nil {
		return nil, fmt.Errorf("fc client: %w", err)
	}
	c := &Client{
		api:         api,
		ver:         cfg.API,
		protocol:    protocol,
		accountID:   cfg.AccountID,
		region:      cfg.Region,
		policy:      cfg.Retry.withDefaults(),
		pageSize:    defaultPageSize,
		http:        newHTTPClient(cfg.Concurrency),
		timeout:     timeout,
		maxAnswer:   cfg.MaxAnswer,
		notify:      cfg.Notify,
		noticeAfter: cfg.NoticeAfter,
		budget:      cfg.Budget,
		trace:       cfg.Trace,
	}
	c.limit = newLimiter(cfg.Concurrency, c.policy)
	// What DoRequest makes of an empty util.RuntimeOptions with this
	// client's settings.
	c.runtime = map[string]any{
		"timeouted":      "retry",
		"key":            tea.StringValue(api.Key),
		"cert":           tea.StringValue(api.Cert),
		"ca":             tea.StringValue(api.Ca),
		"readTimeout":    tea.IntValue(api.ReadTimeout),
		"connectTimeout": tea.IntValue(api.ConnectTimeout),
		"httpProxy":      tea.StringValue(api.HttpProxy),
		"httpsProxy":     tea.StringValue(api.HttpsProxy),
		"noProxy":        tea.StringValue(api.NoProxy),
		"socks5Proxy":    tea.StringValue(api.Socks5Proxy),
		"socks5NetWork":  tea.StringValue(api.Socks5NetWork),
		"maxIdleConns":   tea.IntValue(api.MaxIdleConns),
		"retry":          map[string]any{"retryable": false, "maxAttempts": 3},
		"backoff":        map[string]any{"policy": "no", "period": 1},
		"ignoreSSL":      false,
	}
	if c.maxAnswer <= 0 {
		c.maxAnswer = defaultMaxAnswer
	}
	if c.noticeAfter <= 0 {
		c.noticeAfter = defaultNotice
	}
	return c, nil
}

// request is one API call, described independently of the SDK.
type request struct {
	action string
	method string
	path   string // after the version prefix, segments already encoded
	query  map[string]string
	body   map[string]any // nil: no body
	zip    []byte         // code uploaded with body, streamed (call.go)
	etag   string         // sent as If-Match when not empty
	id     ID             // for error messages
	noBody bool           // FC answers 204 with no body (TagResource)
}

// response is a successful answer: the JSON object, numbers as json.Number.
type response struct {
	body map[string]any
	etag string
}

// do makes one attempt of r. The SDK's exchange takes no context: ctx
// reaches the HTTP request through the hook in transport.go.
func (c *Client) do(ctx context.Context, r request) (*response, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s%s: %w", prefixOf(r.id), r.action, err)
	}
	bodyType := "json"
	if r.method == http.MethodDelete || r.noBody {
		bodyType = "none"
	}
	version := c.ver.Version()
	params := &openapi.Params{
		Action:      tea.String(r.action),
		Version:     tea.String(version),
		Protocol:    tea.String(c.protocol),
		Pathname:    tea.String("/" + version + r.path),
		Method:      tea.String(r.method),
		AuthType:    tea.String("AK"),
		Style:       tea.String("ROA"),
		ReqBodyType: tea.String("json"),
		BodyType:    tea.String(bodyType),
	}
	req := &openapi.OpenApiRequest{Headers: map[string]*string{}, Query: map[string]*string{}}
	for k, v := range r.query {
		req.Query[k] = tea.String(v)
	}
	// FC 3.0 knows neither If-Match nor the account header (fc3-api.md
	// 0.2, 0.14): its account comes from the signature's key.
	if r.etag != "" && c.ver == FC2 {
		req.Headers["If-Match"] = tea.String(r.etag)
	}
	if c.accountID != "" && c.ver == FC2 {
		req.Headers["X-Fc-Account-Id"] = tea.String(c.accountID)
	}
	size := 0
	var body any
	switch {
	case r.zip != nil:
		upload, err := newUploadBody(r.body, r.zip)
		if err != nil {
			return nil, fmt.Errorf("%s%s: encode request: %w", prefixOf(r.id), r.action, err)
		}
		body, size = upload, upload.size()
	case r.body != nil:
		// Marshalled here, so that a marshalling error is not turned
		// into an empty body.
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("%s%s: encode request: %w", prefixOf(r.id), r.action, err)
		}
		body, size = jsonBody(b), len(b)
	}
	what := strings.TrimSpace(r.action + " " + idName(r.id))
	k, callID, done := c.register(ctx, what, size)
	defer done()
	req.Headers[callHeader] = tea.String(callID)
	started, err := c.limit.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s%s: %w", prefixOf(r.id), r.action, err)
	}
	m, err := c.send(params, req, body)
	c.traceCall(r, params, started, m, err)
	var se *tea.SDKError
	if errors.As(err, &se) {
		ae := apiError(r.action, r.id, se)
		c.limit.release(started, ae.throttled(), k.retryAfter)
		return nil, ae
	}
	c.limit.release(started, false, 0)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s%s: %w", prefixOf(r.id), r.action, ctx.Err())
		}
		// Network and decoding errors: retry decides which are transient.
		return nil, fmt.Errorf("%s%s: %w", prefixOf(r.id), r.action, err)
	}
	out := &response{}
	if h, ok := m["headers"].(map[string]any); ok {
		out.etag, _ = h["etag"].(string)
	}
	if bodyType == "json" {
		body, ok := m["body"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s%s: decode response: body is not a JSON object", prefixOf(r.id), r.action)
		}
		out.body = body
	}
	return out, nil
}

// prefixOf is the "kind name: " that starts an error message about id.
func prefixOf(id ID) string {
	if id.Kind == "" {
		return ""
	}
	return id.String() + ": "
}

// traceCall reports one attempt to the Trace hook: the status and request
// id from FC's answer, or from its error body.
func (c *Client) traceCall(r request, params *openapi.Params, start time.Time, m map[string]any, err error) {
	if c.trace == nil {
		return
	}
	call := Call{Action: r.action, Method: r.method, Path: tea.StringValue(params.Pathname), Duration: time.Since(start)}
	if h, ok := m["headers"].(map[string]any); ok {
		call.RequestID, _ = h["x-fc-request-id"].(string)
	}
	if s, ok := Normalize(m["statusCode"]).(int64); ok {
		call.Status = int(s)
	}
	var se *tea.SDKError
	switch {
	case errors.As(err, &se):
		e := apiError(r.action, r.id, se)
		call.Status, call.RequestID = e.Status, e.RequestID
	case err != nil:
		call.Failed = true
	}
	c.trace(call)
}

// idName is the resource's path ("demo/web") for the waiting notice.
func idName(id ID) string {
	if id.Kind == "" {
		return ""
	}
	s := id.String()
	if _, name, ok := strings.Cut(s, " "); ok {
		return name
	}
	return s
}
