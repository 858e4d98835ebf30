package fc

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/openapi-util/service"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

// A write that uploads code sends the zip base64-encoded inside its JSON
// body. Built whole, that body is the zip once more as base64, again as the
// JSON text, and again as the SDK's copy for hashing: a 50 MB function took
// three quarters of a gigabyte to push. uploadBody streams it instead, from
// the zip alone, once to hash it for the signature and once to send it;
// a retry streams it again. The SDK signs and sends only bodies it holds
// whole, so such a write is signed here as the SDK signs (ACS3-HMAC-SHA256
// over the same headers) and sent through the SDK's HTTP exchange, and so
// through fcsync's own transport (transport.go), like every other call.

// uploadBody is a write's JSON body with its code: fields, then
// "code":{"zipFile":"<base64 of zip>"}.
type uploadBody struct {
	prefix []byte // the fields' JSON up to the opening quote of zipFile
	zip    []byte
}

const uploadSuffix = `"}}`

func newUploadBody(fields map[string]any, zip []byte) (*uploadBody, error) {
	b := []byte("{")
	if len(fields) > 0 {
		var err error
		if b, err = json.Marshal(fields); err != nil {
			return nil, err
		}
		b = append(bytes.TrimSuffix(b, []byte("}")), ',')
	}
	return &uploadBody{prefix: append(b, `"code":{"zipFile":"`...), zip: zip}, nil
}

// size is the body's length in bytes.
func (u *uploadBody) size() int {
	return len(u.prefix) + base64.StdEncoding.EncodedLen(len(u.zip)) + len(uploadSuffix)
}

// reader streams the body from its start.
func (u *uploadBody) reader() io.Reader {
	return io.MultiReader(bytes.NewReader(u.prefix), &base64Reader{src: u.zip}, strings.NewReader(uploadSuffix))
}

// sha256 is the hex SHA-256 of the body, the signature's payload hash.
func (u *uploadBody) sha256() string {
	h := sha256.New()
	io.Copy(h, u.reader())
	return hex.EncodeToString(h.Sum(nil))
}

// base64Reader reads src base64-encoded (standard encoding, padded).
type base64Reader struct {
	src []byte
	buf []byte // encoded bytes not yet read
}

func (b *base64Reader) Read(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if len(b.buf) == 0 {
			if len(b.src) == 0 {
				break
			}
			chunk := min(len(b.src), 48<<10) // a multiple of 3: no padding inside
			b.buf = make([]byte, base64.StdEncoding.EncodedLen(chunk))
			base64.StdEncoding.Encode(b.buf, b.src[:chunk])
			b.src = b.src[chunk:]
		}
		c := copy(p, b.buf)
		b.buf, p, n = b.buf[c:], p[c:], n+c
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// jsonBody is a write's JSON body held whole (no code).
type jsonBody []byte

// send is the SDK's CallApi for an ROA call signed with an access key
// (DoRequest in darabonba-openapi v2's client.go), step for step: the same
// headers, the same ACS3-HMAC-SHA256 signature (openapi-util's own
// function), the same exchange (tea.DoRequest, and so fcsync's transport),
// the same error values from an error answer. It differs in three ways: an
// upload's body is streamed (uploadBody) rather than held whole; a JSON
// answer is decoded once, numbers as json.Number, where the SDK decoded it,
// re-encoded it and decoded it again (tea.Convert), then fcsync once more
// to keep big integers whole; and it skips the SDK's reflective checks of
// its own parameters and its goroutine-id nonce, which together cost more
// than the rest of a call (a third of a fetch of 3,000 functions).
func (c *Client) send(params *openapi.Params, in *openapi.OpenApiRequest, body any) (map[string]any, error) {
	api := c.api
	req := tea.NewRequest()
	req.Protocol = util.DefaultString(api.Protocol, params.Protocol)
	req.Method = params.Method
	req.Pathname = params.Pathname
	req.Query = in.Query
	req.Headers = tea.Merge(map[string]*string{
		"host":                  api.Endpoint,
		"x-acs-version":         params.Version,
		"x-acs-action":          params.Action,
		"user-agent":            api.GetUserAgent(),
		"x-acs-date":            openapiutil.GetTimestamp(),
		"x-acs-signature-nonce": nonce(),
		"accept":                tea.String("application/json"),
	}, in.Headers)
	payload := emptyPayload
	switch b := body.(type) {
	case jsonBody:
		sum := sha256.Sum256(b)
		payload = hex.EncodeToString(sum[:])
		req.Body = bytes.NewReader(b)
		req.Headers["content-type"] = tea.String("application/json; charset=utf-8")
	case *uploadBody:
		payload = b.sha256()
		req.Body = b.reader()
		req.Headers["content-type"] = tea.String("application/json; charset=utf-8")
	}
	req.Headers["x-acs-content-sha256"] = tea.String(payload)
	cred, err := api.Credential.GetCredential()
	if err != nil {
		return nil, err
	}
	if tea.StringValue(cred.Type) == "bearer" {
		req.Headers["x-acs-bearer-token"] = cred.BearerToken
	} else {
		if !tea.BoolValue(util.Empty(cred.SecurityToken)) {
			req.Headers["x-acs-accesskey-id"] = cred.AccessKeyId
			req.Headers["x-acs-security-token"] = cred.SecurityToken
		}
		req.Headers["Authorization"] = openapiutil.GetAuthorization(req, tea.String("ACS3-HMAC-SHA256"), tea.String(payload), cred.AccessKeyId, cred.AccessKeySecret)
	}
	resp, err := tea.DoRequest(req, c.runtime)
	if err != nil {
		return nil, err
	}
	if code := tea.IntValue(resp.StatusCode); code >= 400 && code < 600 {
		res, err := util.ReadAsJSON(resp.Body)
		if err != nil {
			return nil, err
		}
		e, err := util.AssertAsMap(res)
		if err != nil {
			return nil, err
		}
		e["statusCode"] = resp.StatusCode
		return nil, tea.NewSDKError(map[string]interface{}{
			"code":               tea.ToString(openapi.DefaultAny(e["Code"], e["code"])),
			"message":            "code: " + tea.ToString(code) + ", " + tea.ToString(openapi.DefaultAny(e["Message"], e["message"])) + " request id: " + tea.ToString(openapi.DefaultAny(e["RequestId"], e["requestId"])),
			"data":               e,
			"description":        tea.ToString(openapi.DefaultAny(e["Description"], e["description"])),
			"accessDeniedDetail": openapi.DefaultAny(e["AccessDeniedDetail"], e["accessDeniedDetail"]),
		})
	}
	headers := make(map[string]any, len(resp.Headers))
	for k, v := range resp.Headers {
		headers[k] = tea.StringValue(v)
	}
	out := map[string]any{"headers": headers, "statusCode": tea.IntValue(resp.StatusCode)}
	if tea.StringValue(params.BodyType) != "json" {
		_, err := util.ReadAsString(resp.Body)
		return out, err
	}
	obj, err := util.ReadAsJSON(resp.Body) // numbers as json.Number
	if err != nil {
		return nil, err
	}
	res, err := util.AssertAsMap(obj)
	if err != nil {
		return nil, err
	}
	out["body"] = res
	return out, nil
}

// emptyPayload is the SHA-256 of no body.
var emptyPayload = func() string {
	sum := sha256.Sum256(nil)
	return hex.EncodeToString(sum[:])
}()

// nonce is a request's x-acs-signature-nonce: random, never repeated. (The
// SDK's hashes the goroutine's id, read from a stack trace, the clock and a
// counter.)
func nonce() *string {
	var b [16]byte
	rand.Read(b[:])
	return tea.String(hex.EncodeToString(b[:]))
}
