package emulator_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fcsync/fcsync/fc/emulator"
)

// client3 sends /2023-03-30 requests signed ACS3-HMAC-SHA256 as the FC 3.0
// Node SDK signs them (fc3-api.md 1.2, 1.3): x-acs-credentials-provider
// among the signed headers, the body chunked (no Content-Length).
type client3 struct {
	t           testing.TB
	url, secret string
}

func newClient3(t testing.TB, s *emulator.Server) *client3 {
	return &client3{t: t, url: s.URL, secret: testSecret}
}

type response3 struct {
	status int
	header http.Header
	body   map[string]any
}

func (c *client3) do(method, path string, body any) response3 {
	c.t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			c.t.Fatal(err)
		}
	}
	// A reader of unknown length makes net/http send the body chunked.
	req, err := http.NewRequest(method, c.url+"/2023-03-30"+path, io.MultiReader(bytes.NewReader(raw)))
	if err != nil {
		c.t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	h := map[string]string{
		"x-acs-version": "2023-03-30", "x-acs-action": "Any", "x-acs-date": time.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"x-acs-content-sha256":  hex.EncodeToString(sum[:]), "x-acs-credentials-provider": "static_ak",
		"host": req.Host,
	}
	if body != nil {
		h["content-type"] = "application/json; charset=utf-8"
	}
	names := make([]string, 0, len(h))
	for k, v := range h {
		names = append(names, k)
		if k != "host" {
			req.Header.Set(k, v)
		}
	}
	sort.Strings(names)
	var canon strings.Builder
	query := req.URL.Query()
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(query.Get(k))))
	}
	canon.WriteString(method + "\n" + req.URL.EscapedPath() + "\n" + strings.Join(parts, "&") + "\n")
	for _, k := range names {
		canon.WriteString(k + ":" + h[k] + "\n")
	}
	signed := strings.Join(names, ";")
	canon.WriteString("\n" + signed + "\n" + h["x-acs-content-sha256"])
	cr := sha256.Sum256([]byte(canon.String()))
	mac := hmac.New(sha256.New, []byte(c.secret))
	mac.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(cr[:])))
	req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+testKey+",SignedHeaders="+signed+",Signature="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := response3{status: resp.StatusCode, header: resp.Header}
	if b, _ := io.ReadAll(resp.Body); len(b) > 0 {
		if err := json.Unmarshal(b, &out.body); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return out
}

// want checks the status and, for errors, FC 3.0's error body: Code,
// Message and RequestId, and nothing of FC 2.0's ErrorCode.
func (r response3) want(t testing.TB, status int, code string) {
	t.Helper()
	if r.status != status || r.body["Code"] != code && code != "" {
		t.Fatalf("got %d %v, want %d %s", r.status, r.body, status, code)
	}
	if code != "" && (r.body["RequestId"] != r.header.Get("X-Fc-Request-Id") || r.body["Message"] == "" || r.body["ErrorCode"] != nil) {
		t.Fatalf("error body %v", r.body)
	}
}

func fc3Function(t testing.TB, name string, extra map[string]any) map[string]any {
	body := map[string]any{"functionName": name, "runtime": "python3.10", "handler": "index.handler",
		"code": map[string]any{"zipFile": base64.StdEncoding.EncodeToString(makeZip(t, "index.py", "x"))}}
	for k, v := range extra {
		body[k] = v
	}
	return body
}

// TestFC3ReferenceVectors replays the signed requests of fc3-api.md 1.3:
// each signature must verify, so the answer is the handler's, not 403.
func TestFC3ReferenceVectors(t *testing.T) {
	t.Parallel()
	e, err := emulator.New(emulator.Options{AccountID: "123456789", AccessKeyID: "AKID", AccessKeySecret: "SECRET", Logf: t.Logf,
		Now: func() time.Time { return time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	headers := func(action, hash string) map[string]string {
		return map[string]string{"x-acs-action": action, "x-acs-version": "2023-03-30", "x-acs-date": "2024-01-02T03:04:05Z",
			"x-acs-signature-nonce": "0123456789abcdef0123456789abcdef", "x-acs-content-sha256": hash}
	}
	const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	cases := []struct {
		name, method, target, body, signed, sig string
		headers                                 map[string]string
		status                                  int
		code                                    string
	}{
		{"V1 list", "GET", "/2023-03-30/functions?limit=10&nextToken=a%20b&prefix=p", "",
			"host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version",
			"e1af958860e92e0ff8c23df62ccb37b036f836ac08fe3812a11a7028fd66a33f",
			merge(headers("ListFunctions", emptyHash), map[string]string{"x-acs-credentials-provider": "static_ak"}), 200, ""},
		{"V2 create", "POST", "/2023-03-30/functions", `{"functionName":"f","handler":"index.handler","runtime":"python3.10"}`,
			"content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
			"f8ff7315bb5732ebcf2e475d7bfbc5636cb476045b16894c1929dcbc021c737b",
			merge(headers("CreateFunction", "cc7a83a9f87e14d8877c1e7abeb0855172e56dddf8c2b8e92f66bee32cd11a9c"),
				map[string]string{"content-type": "application/json; charset=utf-8"}), 400, "InvalidArgument"},
		{"V3 svc$fn", "GET", "/2023-03-30/functions/svc%24fn?qualifier=LATEST", "",
			"host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
			"1068678cd241b93856652425a6316b04aeec6eea4e69d33858e26e48f394fa4b",
			headers("GetFunction", emptyHash), 404, "FunctionNotFound"},
	}
	for _, tc := range cases {
		for _, sig := range []string{tc.sig, strings.Repeat("0", 64)} {
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			req.Host = "123456789.cn-hangzhou.fc.aliyuncs.com"
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders="+tc.signed+",Signature="+sig)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			status, code := tc.status, tc.code
			if sig != tc.sig {
				status, code = 403, "SignatureNotMatch"
			}
			var body map[string]any
			json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != status || (code != "" && body["Code"] != code) {
				t.Errorf("%s (signature %.8s): %d %s, want %d %s", tc.name, sig, rec.Code, rec.Body, status, code)
			}
		}
	}
}

// TestFC3Refusals sends each value the 2023-03-30 dialect refuses and
// expects FC's status and code, with nothing stored.
func TestFC3Refusals(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := newClient3(t, s)
	c.do("POST", "/functions", fc3Function(t, "ok", nil)).want(t, 200, "")
	c.do("POST", "/functions/ok/versions", map[string]any{}).want(t, 200, "")
	fn := func(extra map[string]any) map[string]any { return fc3Function(t, "bad", extra) }
	cases := []struct {
		name, method, path string
		body               map[string]any
		status             int
		code               string
	}{
		{"unknown field", "POST", "/functions", fn(map[string]any{"caPort": 9000}), 400, "InvalidArgument"},
		{"field in the wrong case", "POST", "/functions", fn(map[string]any{"MemorySize": 512}), 400, "InvalidArgument"},
		{"server-owned field", "POST", "/functions", fn(map[string]any{"functionArn": "x"}), 400, "InvalidArgument"},
		{"tags on update", "PUT", "/functions/ok", map[string]any{"tags": []any{}}, 400, "InvalidArgument"},
		{"functionName on update", "PUT", "/functions/ok", map[string]any{"functionName": "ok"}, 400, "InvalidArgument"},
		{"memorySize a word", "POST", "/functions", fn(map[string]any{"memorySize": "lots"}), 400, "InvalidArgument"},
		{"memorySize not a multiple of 64", "POST", "/functions", fn(map[string]any{"memorySize": 200}), 400, "InvalidArgument"},
		{"memorySize under 128", "POST", "/functions", fn(map[string]any{"memorySize": 64}), 400, "InvalidArgument"},
		{"cpu to memory over 1:4", "POST", "/functions", fn(map[string]any{"memorySize": 4096, "cpu": 0.5}), 400, "InvalidArgument"},
		{"cpu not a multiple of 0.05", "POST", "/functions", fn(map[string]any{"cpu": 0.33}), 400, "InvalidArgument"},
		{"diskSize", "POST", "/functions", fn(map[string]any{"diskSize": 1024}), 400, "InvalidArgument"},
		{"timeout 0", "POST", "/functions", fn(map[string]any{"timeout": 0}), 400, "InvalidArgument"},
		{"runtime", "POST", "/functions", fn(map[string]any{"runtime": "python99"}), 400, "InvalidArgument"},
		{"handler missing", "POST", "/functions", fn(map[string]any{"handler": ""}), 400, "InvalidArgument"},
		{"concurrency on a standard runtime", "POST", "/functions", fn(map[string]any{"instanceConcurrency": 2}), 400, "InvalidArgument"},
		{"concurrency over 200", "POST", "/functions", fn(map[string]any{"runtime": "custom.debian10", "instanceConcurrency": 201}), 400, "InvalidArgument"},
		{"gpu memory", "POST", "/functions", fn(map[string]any{"gpuConfig": map[string]any{"gpuType": "fc.gpu.tesla.1", "gpuMemorySize": 1000}}), 400, "InvalidArgument"},
		{"initializer timeout", "POST", "/functions", fn(map[string]any{"instanceLifecycleConfig": map[string]any{
			"initializer": map[string]any{"handler": "i", "timeout": 301}}}), 400, "InvalidArgument"},
		{"health check timeout", "POST", "/functions", fn(map[string]any{"runtime": "custom", "customRuntimeConfig": map[string]any{
			"healthCheckConfig": map[string]any{"timeoutSeconds": 4}}}), 400, "InvalidArgument"},
		{"no code", "POST", "/functions", map[string]any{"functionName": "bad", "runtime": "python3.10", "handler": "h"}, 400, "InvalidArgument"},
		{"container without image", "POST", "/functions", map[string]any{"functionName": "bad", "runtime": "custom-container", "handler": "h"}, 400, "InvalidArgument"},
		{"code checksum", "POST", "/functions", fn(map[string]any{"code": map[string]any{
			"zipFile": base64.StdEncoding.EncodeToString(makeZip(t, "a", "b")), "checksum": "1"}}), 400, "InvalidArgument"},
		{"name with $", "POST", "/functions", fn(map[string]any{"functionName": "svc$fn"}), 400, "InvalidArgument"},
		{"name of 65", "POST", "/functions", fn(map[string]any{"functionName": strings.Repeat("a", 65)}), 400, "InvalidArgument"},
		{"duplicate tag keys", "POST", "/functions", fn(map[string]any{"tags": []any{map[string]any{"Key": "k", "Value": "1"},
			map[string]any{"Key": "k", "Value": "2"}}}), 400, "InvalidArgument"},
		{"existing function", "POST", "/functions", fc3Function(t, "ok", nil), 409, "FunctionAlreadyExists"},
		{"triggerConfig an object", "POST", "/functions/ok/triggers", map[string]any{"triggerName": "t", "triggerType": "timer",
			"triggerConfig": map[string]any{"cronExpression": "@every 5m"}}, 400, "InvalidArgument"},
		{"triggerConfig missing", "POST", "/functions/ok/triggers", map[string]any{"triggerName": "t", "triggerType": "timer"}, 400, "InvalidArgument"},
		{"trigger config unknown key", "POST", "/functions/ok/triggers", map[string]any{"triggerName": "t", "triggerType": "timer",
			"triggerConfig": `{"cronExpression":"@every 5m","when":"now"}`}, 400, "InvalidArgument"},
		{"trigger of a missing function", "POST", "/functions/nope/triggers", map[string]any{"triggerName": "t", "triggerType": "timer",
			"triggerConfig": `{"cronExpression":"@every 5m"}`}, 404, "FunctionNotFound"},
		{"alias to a missing version", "POST", "/functions/ok/aliases", map[string]any{"aliasName": "a", "versionId": "7"}, 404, "VersionNotFound"},
		{"alias routePolicy (FC 2.0 only)", "POST", "/functions/ok/aliases", map[string]any{"aliasName": "a", "versionId": "1",
			"resolvePolicy": "Random"}, 400, "InvalidArgument"},
		{"provision for a version", "PUT", "/functions/ok/provision-config?qualifier=1", map[string]any{"target": 1}, 400, "InvalidArgument"},
		{"provision over 10000", "PUT", "/functions/ok/provision-config", map[string]any{"defaultTarget": 10001}, 400, "InvalidArgument"},
		{"async event age", "PUT", "/functions/ok/async-invoke-config", map[string]any{"maxAsyncEventAgeInSeconds": 604801}, 400, "InvalidArgument"},
		{"async statefulInvocation (FC 2.0 only)", "PUT", "/functions/ok/async-invoke-config", map[string]any{"statefulInvocation": true}, 400, "InvalidArgument"},
		{"concurrency missing", "PUT", "/functions/ok/concurrency", map[string]any{}, 400, "InvalidArgument"},
		{"route without function", "POST", "/custom-domains", map[string]any{"domainName": "a.example.com",
			"routeConfig": map[string]any{"routes": []any{map[string]any{"path": "/"}}}}, 400, "InvalidArgument"},
		{"route with serviceName (FC 2.0 only)", "POST", "/custom-domains", map[string]any{"domainName": "a.example.com",
			"routeConfig": map[string]any{"routes": []any{map[string]any{"path": "/", "functionName": "ok", "serviceName": "s"}}}}, 400, "InvalidArgument"},
		{"tag resource type", "POST", "/tags-v2", map[string]any{"ResourceType": "service", "ResourceId": []any{"x"},
			"Tag": []any{map[string]any{"Key": "k", "Value": "v"}}}, 400, "InvalidArgument"},
		{"FC 2.0 path in FC 3.0", "GET", "/services", nil, 400, "PathNotSupported"},
		{"limit 0", "GET", "/functions?limit=0", nil, 400, "InvalidArgument"},
		{"fcVersion", "GET", "/functions?fcVersion=v4", nil, 400, "InvalidArgument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != nil {
				body = tc.body
			}
			newClient3(t, s).do(tc.method, tc.path, body).want(t, tc.status, tc.code)
		})
	}
	c.do("GET", "/functions/bad", nil).want(t, 404, "FunctionNotFound")
	c.do("GET", "/custom-domains/a.example.com", nil).want(t, 404, "DomainNameNotFound")
	c.do("GET", "/functions/ok/aliases/a", nil).want(t, 404, "AliasNotFound")
}

// TestFC3Pagination walks ListFunctions and ListTriggers page by page.
func TestFC3Pagination(t *testing.T) {
	t.Parallel()
	c := newClient3(t, start(t))
	names := []string{"e", "a", "d", "c", "b"}
	for _, n := range names {
		c.do("POST", "/functions", fc3Function(t, n, nil)).want(t, 200, "")
	}
	for _, n := range names {
		c.do("POST", "/functions/a/triggers", map[string]any{"triggerName": "t" + n, "triggerType": "timer",
			"triggerConfig": `{"cronExpression":"@every 5m"}`}).want(t, 200, "")
	}
	for _, list := range []struct{ path, key, name string }{{"/functions", "functions", "functionName"},
		{"/functions/a/triggers", "triggers", "triggerName"}} {
		var got []string
		token := ""
		for pages := 0; ; pages++ {
			r := c.do("GET", list.path+"?limit=2&nextToken="+url.QueryEscape(token), nil)
			r.want(t, 200, "")
			items, _ := r.body[list.key].([]any)
			if len(items) > 2 || pages > 3 {
				t.Fatalf("%s: page %d of %d items", list.path, pages, len(items))
			}
			for _, it := range items {
				got = append(got, it.(map[string]any)[list.name].(string))
			}
			next, _ := r.body["nextToken"].(string)
			if next == "" {
				break
			}
			token = next
		}
		if strings.Join(got, ",") != "a,b,c,d,e" && strings.Join(got, ",") != "ta,tb,tc,td,te" {
			t.Fatalf("%s listed %v", list.path, got)
		}
	}
	r := c.do("GET", "/functions?prefix=c", nil)
	if items, _ := r.body["functions"].([]any); len(items) != 1 {
		t.Fatalf("prefix c: %v", r.body)
	}
}

// TestFC3SeesFC2 shows an FC 2.0 function as svc$fn through FC 3.0, and
// keeps functions born in FC 3.0 out of FC 2.0's paths.
func TestFC3SeesFC2(t *testing.T) {
	t.Parallel()
	s := start(t)
	n, c := newNodeClient(t, s), newClient3(t, s)
	n.do("POST", "/services", map[string]any{"serviceName": "svc", "role": "acs:ram::1:role/r"}, nil).want(t, 200, "")
	n.do("POST", "/services/svc/functions", map[string]any{"functionName": "fn", "runtime": "custom", "handler": "h",
		"caPort": 8080, "initializer": "i.init", "initializationTimeout": 5, "customRuntimeConfig": map[string]any{"command": []any{"./run"}},
		"code": map[string]any{"zipFile": base64.StdEncoding.EncodeToString(makeZip(t, "run", "x"))}}, nil).want(t, 200, "")
	c.do("POST", "/functions", fc3Function(t, "born3", nil)).want(t, 200, "")

	got := c.do("GET", "/functions/svc%24fn", nil)
	got.want(t, 200, "")
	crc, _ := got.body["customRuntimeConfig"].(map[string]any)
	ilc, _ := got.body["instanceLifecycleConfig"].(map[string]any)
	init, _ := ilc["initializer"].(map[string]any)
	if got.body["functionName"] != "svc$fn" || got.body["role"] != "acs:ram::1:role/r" || crc["port"] != float64(8080) ||
		init["handler"] != "i.init" || got.body["caPort"] != nil || got.header.Get("ETag") != "" {
		t.Fatalf("svc$fn through FC 3.0: %v", got.body)
	}
	list := func(q string) []string {
		var names []string
		for _, f := range c.do("GET", "/functions"+q, nil).body["functions"].([]any) {
			names = append(names, f.(map[string]any)["functionName"].(string))
		}
		return names
	}
	if a, v2, v3 := list(""), list("?fcVersion=v2"), list("?fcVersion=v3"); strings.Join(a, ",") != "born3,svc$fn" ||
		strings.Join(v2, ",") != "svc$fn" || strings.Join(v3, ",") != "born3" {
		t.Fatalf("lists: %v %v %v", a, v2, v3)
	}
	c.do("PUT", "/functions/svc%24fn", map[string]any{"description": "via 3", "role": "acs:ram::1:role/r"}).want(t, 200, "")
	c.do("PUT", "/functions/svc%24fn", map[string]any{"role": "acs:ram::1:role/other"}).want(t, 400, "InvalidArgument")
	c.do("PUT", "/functions/svc%24fn", map[string]any{"gpuConfig": map[string]any{"gpuType": "g1"}}).want(t, 400, "InvalidArgument")
	if d := n.do("GET", "/services/svc/functions/fn", nil, nil).body["description"]; d != "via 3" {
		t.Fatalf("FC 2.0 reads description %v", d)
	}
	if items := n.do("GET", "/services", nil, nil).body["services"].([]any); len(items) != 1 {
		t.Fatalf("FC 2.0 lists %v", items)
	}
	n.do("GET", "/services/born3", nil, nil).want(t, 404, "ServiceNotFound")
	c.do("GET", "/functions/svc%24nope", nil).want(t, 404, "FunctionNotFound")
	c.do("GET", "/functions/nosvc%24fn", nil).want(t, 404, "FunctionNotFound")
}

// TestFC3FaultsAndState: the fault hooks, call counts, the race check
// (lastModifiedTime) and persistence reach FC 3.0's functions.
func TestFC3FaultsAndState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := start(t, func(o *emulator.Options) { o.DataDir = dir })
	c := newClient3(t, s)
	created := c.do("POST", "/functions", fc3Function(t, "f", nil))
	created.want(t, 200, "")
	s.SetFaults(emulator.Faults{FailFrom: map[string]int{"UpdateFunction": 1}})
	c.do("PUT", "/functions/f", map[string]any{"description": "x"}).want(t, 500, "InternalServerError")
	s.SetFaults(emulator.Faults{EditBefore: map[string]int{"GetFunction": 1}})
	got := c.do("GET", "/functions/f", nil)
	if got.body["description"] != "edited concurrently" || got.body["lastModifiedTime"] == created.body["lastModifiedTime"] {
		t.Fatalf("after a concurrent edit: %v", got.body)
	}
	s.SetFaults(emulator.Faults{})
	if calls := s.Stats(); calls["UpdateFunction"] != 1 || calls["GetFunction"] != 1 || calls["CreateFunction"] != 1 {
		t.Fatalf("calls %v", calls)
	}
	if err := s.Inject("/f", []byte(`{"memorySize":3}`)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	again := start(t, func(o *emulator.Options) { o.DataDir = dir })
	after := newClient3(t, again).do("GET", "/functions/f", nil)
	if after.body["memorySize"] != float64(3) || after.body["codeChecksum"] != created.body["codeChecksum"] {
		t.Fatalf("after a restart: %v", after.body)
	}
}
