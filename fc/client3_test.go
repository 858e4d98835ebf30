package fc_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/credentials-go/credentials"

	"github.com/fcsync/fcsync/fc"
)

// fc3Call is one request an FC 3.0 client made, as the server saw it.
type fc3Call struct {
	Method, Path, Query, Version, IfMatch, Account string
	Body                                           map[string]any
}

// fc3Server answers each request with the answer its route has (method
// and escaped path), or 404, and records the requests.
func fc3Server(t *testing.T, answers map[string]any) (*fc.Client, func() []fc3Call) {
	t.Helper()
	var mu sync.Mutex
	var calls []fc3Call
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := fc3Call{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
			Version: r.Header.Get("x-acs-version"), IfMatch: r.Header.Get("If-Match"), Account: r.Header.Get("X-Fc-Account-Id")}
		if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			_ = json.Unmarshal(b, &c.Body)
		}
		mu.Lock()
		calls = append(calls, c)
		mu.Unlock()
		answer, ok := answers[r.Method+" "+c.Path]
		w.Header().Set("Content-Type", "application/json")
		switch {
		case !ok:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"Code":"FunctionNotFound","Message":"no such thing","RequestId":"r1"}`))
		case answer == nil:
			w.WriteHeader(http.StatusNoContent)
		default:
			_ = json.NewEncoder(w).Encode(answer)
		}
	}))
	t.Cleanup(srv.Close)
	cred, err := credentials.NewCredential(&credentials.Config{
		Type: tea.String("access_key"), AccessKeyId: tea.String(testKeyID), AccessKeySecret: tea.String(testSecret)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := fc.NewClient(fc.Config{API: fc.FC3, Endpoint: srv.URL, Region: "cn-hangzhou", AccountID: testAccount,
		Credential: cred, Retry: fc.RetryPolicy{MaxAttempts: 1}, HTTPTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, func() []fc3Call {
		mu.Lock()
		defer mu.Unlock()
		return append([]fc3Call(nil), calls...)
	}
}

// TestClientFC3 pins what the client sends in the 2023-03-30 dialect:
// the version in path and header, no If-Match nor account header, names
// percent-encoded ("svc$fn" as svc%24fn), a trigger's configuration as a
// JSON string, layers read as ARNs, the concurrency config at its own
// path, configs per qualifier located by their ARN, and FC 3.0's error
// body mapped.
func TestClientFC3(t *testing.T) {
	t.Parallel()
	arn := "acs:fc:cn-hangzhou:1234567890:layers/shared/versions/2"
	fn := map[string]any{"functionName": "web", "runtime": "python3.10", "handler": "index.handler",
		"memorySize": 512, "functionArn": "acs:fc:cn-hangzhou:1234567890:functions/web",
		"lastModifiedTime": "2024-01-01T00:00:00Z", "layers": []any{map[string]any{"arn": arn, "size": 12}}}
	c, calls := fc3Server(t, map[string]any{
		"GET /2023-03-30/functions":          map[string]any{"functions": []any{fn}},
		"PUT /2023-03-30/functions/svc%24fn": withField(fn, "memorySize", 1024),
		// An answer that does not hold what was sent: another write landed.
		"PUT /2023-03-30/functions/web": fn,
		"GET /2023-03-30/functions/web": fn,
		"POST /2023-03-30/functions/web/triggers": map[string]any{"triggerName": "t", "triggerType": "timer",
			"triggerConfig": `{"cronExpression":"@every 5m","enable":true}`, "qualifier": "LATEST"},
		"PUT /2023-03-30/functions/web/concurrency": map[string]any{"functionArn": "acs:fc:cn-hangzhou:1234567890:functions/web", "reservedConcurrency": 5},
		"GET /2023-03-30/concurrency-configs": map[string]any{"configs": []any{
			map[string]any{"functionArn": "acs:fc:cn-hangzhou:1234567890:functions/web", "reservedConcurrency": 5}}},
		"GET /2023-03-30/provision-configs": map[string]any{"provisionConfigs": []any{
			map[string]any{"functionArn": "acs:fc:cn-hangzhou:1234567890:functions/web/prod", "defaultTarget": 2, "target": 2}}},
		"DELETE /2023-03-30/functions/web/aliases/prod": nil,
	})
	ctx := testContext(t)

	all, err := c.List(ctx, fc.KindFunction, fc.ID{})
	if err != nil || len(all) != 1 {
		t.Fatalf("List functions = %v, %v", all, err)
	}
	web := all[0]
	if want := (fc.ID{API: fc.FC3, Kind: fc.KindFunction, Function: "web"}); web.ID != want {
		t.Errorf("listed ID = %#v, want %#v", web.ID, want)
	}
	if got := web.Spec["layers"]; !reflect.DeepEqual(got, []any{arn}) {
		t.Errorf("layers read as %v, want the ARN list", got)
	}
	if web.ETag != "" || web.LastModified() == "" {
		t.Errorf("ETag %q, lastModifiedTime %q", web.ETag, web.LastModified())
	}

	migrated := fc.ID{API: fc.FC3, Kind: fc.KindFunction, Function: "svc$fn"}
	if _, err := c.Update(ctx, migrated, map[string]any{"memorySize": 1024, "layers": []any{arn}}, nil, "ignored"); err != nil {
		t.Fatal(err)
	}
	// FC 3.0 has no If-Match: an update whose answer does not hold the
	// values sent is an online change made meanwhile, never a deploy.
	_, err = c.Update(ctx, fc.ID{API: fc.FC3, Kind: fc.KindFunction, Function: "web"}, map[string]any{"memorySize": 1024}, nil, "")
	if !errors.Is(err, fc.ErrPreconditionFailed) {
		t.Errorf("update answered without the value sent: err = %v, want ErrPreconditionFailed", err)
	}
	trig := fc.ID{API: fc.FC3, Kind: fc.KindTrigger, Function: "web", Name: "t"}
	r, err := c.Create(ctx, trig, map[string]any{"triggerType": "timer",
		"triggerConfig": map[string]any{"cronExpression": "@every 5m", "enable": true}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, ok := r.Spec["triggerConfig"].(map[string]any); !ok || cfg["enable"] != true {
		t.Errorf("triggerConfig read as %#v, want an object", r.Spec["triggerConfig"])
	}
	conc := fc.ID{API: fc.FC3, Kind: fc.KindConcurrency, Function: "web"}
	if _, err := c.Create(ctx, conc, map[string]any{"reservedConcurrency": 5}, nil); err != nil {
		t.Fatal(err)
	}
	if cs, err := c.List(ctx, fc.KindConcurrency, fc.ID{}); err != nil || len(cs) != 1 || cs[0].ID != conc || cs[0].Spec["reservedConcurrency"] != int64(5) {
		t.Errorf("List concurrency = %v, %v", cs, err)
	}
	ps, err := c.List(ctx, fc.KindProvision, fc.ID{})
	if want := (fc.ID{API: fc.FC3, Kind: fc.KindProvision, Function: "web"}); err != nil || len(ps) != 1 || ps[0].ID != want || ps[0].Spec["prod"] == nil {
		t.Errorf("List provision = %v, %v", ps, err)
	}
	if err := c.Delete(ctx, fc.ID{API: fc.FC3, Kind: fc.KindAlias, Function: "web", Name: "prod"}, "ignored"); err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(ctx, fc.ID{API: fc.FC3, Kind: fc.KindFunction, Function: "gone"})
	var fe *fc.Error
	if !errors.As(err, &fe) || fe.Code != "FunctionNotFound" || fe.RequestID != "r1" || !strings.Contains(fe.Message, "no such thing") {
		t.Errorf("Get of a missing function: %v", err)
	}

	for _, call := range calls() {
		if !strings.HasPrefix(call.Path, "/2023-03-30/") || call.Version != "2023-03-30" {
			t.Errorf("%s %s: version %q", call.Method, call.Path, call.Version)
		}
		if call.IfMatch != "" || call.Account != "" {
			t.Errorf("%s %s: If-Match %q, X-Fc-Account-Id %q: FC 3.0 has neither", call.Method, call.Path, call.IfMatch, call.Account)
		}
		switch call.Method + " " + call.Path {
		case "PUT /2023-03-30/functions/svc%24fn":
			if want := map[string]any{"memorySize": 1024.0, "layers": []any{arn}}; !reflect.DeepEqual(call.Body, want) {
				t.Errorf("update body = %v, want %v", call.Body, want)
			}
		case "POST /2023-03-30/functions/web/triggers":
			if s, ok := call.Body["triggerConfig"].(string); !ok || !strings.Contains(s, `"cronExpression":"@every 5m"`) || call.Body["triggerName"] != "t" {
				t.Errorf("trigger body = %v: triggerConfig must be a JSON string", call.Body)
			}
		case "PUT /2023-03-30/functions/web/concurrency":
			if want := map[string]any{"reservedConcurrency": 5.0}; !reflect.DeepEqual(call.Body, want) {
				t.Errorf("concurrency body = %v, want %v", call.Body, want)
			}
		}
	}
}

// withField is a copy of m with k set to v.
func withField(m map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for key, val := range m {
		out[key] = val
	}
	out[k] = v
	return out
}
