package emulator_test

import (
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

// TestRefusesInvalidValues sends each value FC refuses and expects FC's 400
// InvalidArgument, with nothing stored.
func TestRefusesInvalidValues(t *testing.T) {
	t.Parallel()
	s := start(t)
	n := newNodeClient(t, s)
	n.do("POST", "/services", map[string]any{"serviceName": "svc"}, nil).want(t, 200, "")
	pkg := base64.StdEncoding.EncodeToString(makeZip(t, "index.py", "x"))
	fn := func(extra map[string]any) map[string]any {
		body := map[string]any{"functionName": "f", "runtime": "python3.9", "handler": "index.handler",
			"code": map[string]any{"zipFile": pkg}}
		for k, v := range extra {
			body[k] = v
		}
		return body
	}
	n.do("POST", "/services/svc/functions", fn(map[string]any{"functionName": "ok"}), nil).want(t, 200, "")
	http1 := map[string]any{"triggerName": "web", "triggerType": "http",
		"triggerConfig": map[string]any{"authType": "anonymous", "methods": []any{"GET"}}}
	n.do("POST", "/services/svc/functions/ok/triggers", http1, nil).want(t, 200, "")

	cases := []struct {
		name, path string
		body       map[string]any
	}{
		{"runtime", "/services/svc/functions", fn(map[string]any{"runtime": "python99"})},
		{"memorySize not a multiple of 64", "/services/svc/functions", fn(map[string]any{"memorySize": 100})},
		{"memorySize over 32 GB", "/services/svc/functions", fn(map[string]any{"memorySize": 32832})},
		{"memorySize a word", "/services/svc/functions", fn(map[string]any{"memorySize": "abc"})},
		{"timeout 0", "/services/svc/functions", fn(map[string]any{"timeout": 0})},
		{"initializationTimeout 301", "/services/svc/functions", fn(map[string]any{"initializationTimeout": 301})},
		{"diskSize", "/services/svc/functions", fn(map[string]any{"diskSize": 1024})},
		{"instanceType", "/services/svc/functions", fn(map[string]any{"instanceType": "e2"})},
		{"environment variable number", "/services/svc/functions", fn(map[string]any{"environmentVariables": map[string]any{"PORT": 8080}})},
		{"code not a zip", "/services/svc/functions", fn(map[string]any{"code": map[string]any{"zipFile": base64.StdEncoding.EncodeToString([]byte("not a zip"))}})},
		{"trigger without type", "/services/svc/functions/ok/triggers", map[string]any{"triggerName": "t",
			"triggerConfig": map[string]any{"authType": "anonymous", "methods": []any{"GET"}}}},
		{"trigger type", "/services/svc/functions/ok/triggers", map[string]any{"triggerName": "t", "triggerType": "ftp"}},
		{"second HTTP trigger", "/services/svc/functions/ok/triggers", map[string]any{"triggerName": "web2", "triggerType": "http",
			"triggerConfig": map[string]any{"authType": "function", "methods": []any{"POST"}}}},
		{"HTTP trigger without methods", "/services/svc/functions/ok/triggers", map[string]any{"triggerName": "t", "triggerType": "http",
			"triggerConfig": map[string]any{"authType": "anonymous"}}},
		{"HTTP auth type", "/services/svc/functions/ok/triggers", map[string]any{"triggerName": "t", "triggerType": "http",
			"triggerConfig": map[string]any{"authType": "open", "methods": []any{"GET"}}}},
		{"cron of five fields", "/services/svc/functions/ok/triggers", map[string]any{"triggerName": "t", "triggerType": "timer",
			"triggerConfig": map[string]any{"cronExpression": "0 2 * * *", "enable": true}}},
		{"cron hour 24", "/services/svc/functions/ok/triggers", map[string]any{"triggerName": "t", "triggerType": "timer",
			"triggerConfig": map[string]any{"cronExpression": "0 0 24 * * *"}}},
		{"every 30s", "/services/svc/functions/ok/triggers", map[string]any{"triggerName": "t", "triggerType": "timer",
			"triggerConfig": map[string]any{"cronExpression": "@every 30s"}}},
		{"domain protocol", "/custom-domains", map[string]any{"domainName": "a.example.com", "protocol": "FTP"}},
		{"internetAccess a string", "/services", map[string]any{"serviceName": "s2", "internetAccess": "yes"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := newNodeClient(t, s)
			n.do("POST", tc.path, tc.body, nil).want(t, 400, "InvalidArgument")
		})
	}
	n.do("GET", "/services/svc/functions/f", nil, nil).want(t, 404, "FunctionNotFound")
	n.do("GET", "/services/svc/functions/ok/triggers/web2", nil, nil).want(t, 404, "TriggerNotFound")
	n.do("GET", "/custom-domains/a.example.com", nil, nil).want(t, 404, "DomainNameNotFound")
	// The accepted forms of the values refused above.
	n.do("POST", "/services/svc/functions/ok/triggers", map[string]any{"triggerName": "tick", "triggerType": "timer",
		"triggerConfig": map[string]any{"cronExpression": "CRON_TZ=Asia/Shanghai 0 0/5 8-20 ? * MON-FRI"}}, nil).want(t, 200, "")
	n.do("POST", "/services/svc/functions", fn(map[string]any{"functionName": "big", "memorySize": 32768,
		"diskSize": 10240, "instanceType": "c1", "environmentVariables": map[string]any{"PORT": "8080"}}), nil).want(t, 200, "")
}

// TestCaseInsensitiveBodies sends funcraft-style PascalCase keys at every
// depth: FC answers in camelCase, drops what it does not know and completes
// a partial logConfig.
func TestCaseInsensitiveBodies(t *testing.T) {
	t.Parallel()
	n := newNodeClient(t, start(t))
	got := n.do("POST", "/services", map[string]any{"ServiceName": "svc", "Description": "d",
		"LogConfig": map[string]any{"Project": "p", "LogStore": "l"},
		"VpcConfig": map[string]any{"VpcId": "vpc-1", "VSwitchIds": []any{"vsw-1"}, "SecurityGroupId": "sg-1"},
		"Unknown":   true}, nil)
	got.want(t, 200, "")
	lc, _ := got.body["logConfig"].(map[string]any)
	vpc, _ := got.body["vpcConfig"].(map[string]any)
	_, unknown := got.body["Unknown"]
	_, pascal := got.body["LogConfig"]
	if got.body["serviceName"] != "svc" || got.body["description"] != "d" || unknown || pascal ||
		lc["project"] != "p" || lc["logstore"] != "l" || lc["logBeginRule"] != "None" || lc["enableRequestMetrics"] != false ||
		vpc["vpcId"] != "vpc-1" || vpc["securityGroupId"] != "sg-1" {
		t.Fatalf("created %v", got.body)
	}
	f := n.do("POST", "/services/svc/functions", map[string]any{"FunctionName": "f", "Runtime": "python3.9",
		"Handler": "index.handler", "MemorySize": 256, "EnvironmentVariables": map[string]any{"Stage": "prod"},
		"Code": map[string]any{"ZipFile": base64.StdEncoding.EncodeToString(makeZip(t, "index.py", "x"))}}, nil)
	f.want(t, 200, "")
	env, _ := f.body["environmentVariables"].(map[string]any)
	if f.body["memorySize"] != float64(256) || env["Stage"] != "prod" || f.body["customDNS"] != nil {
		t.Fatalf("function %v", f.body)
	}
	if _, present := f.body["customDNS"]; !present {
		t.Fatalf("function answer lacks the null fields FC returns: %v", f.body)
	}
}

// TestQualifiedWritesRefused: a write through "svc.prod" would change
// LATEST in a lenient server; FC refuses it.
func TestQualifiedWritesRefused(t *testing.T) {
	t.Parallel()
	n := newNodeClient(t, start(t))
	n.do("POST", "/services", map[string]any{"serviceName": "svc", "description": "before"}, nil).want(t, 200, "")
	n.do("PUT", "/services/svc.prod", map[string]any{"description": "after"}, nil).want(t, 400, "InvalidArgument")
	n.do("DELETE", "/services/svc.prod", nil, nil).want(t, 400, "InvalidArgument")
	n.do("POST", "/services/svc.prod/functions", map[string]any{"functionName": "f"}, nil).want(t, 400, "InvalidArgument")
	if got := n.do("GET", "/services/svc", nil, nil); got.body["description"] != "before" {
		t.Fatalf("service after qualified writes: %v", got.body)
	}
}

// TestRequestDateSkew: a request dated more than 15 minutes off is refused
// with 403, in both signature schemes.
func TestRequestDateSkew(t *testing.T) {
	t.Parallel()
	s := start(t)
	n := newNodeClient(t, s)
	stale := time.Now().Add(-16 * time.Minute).UTC().Format(http.TimeFormat)
	n.do("GET", "/services", nil, map[string]string{"date": stale}).want(t, 403, "RequestTimeTooSkewed")
	recent := time.Now().Add(-14 * time.Minute).UTC().Format(http.TimeFormat)
	n.do("GET", "/services", nil, map[string]string{"date": recent}).want(t, 200, "")

	late := emulator.Options{AccountID: testAccount, AccessKeyID: testKey, AccessKeySecret: testSecret,
		Now: func() time.Time { return time.Now().Add(20 * time.Minute) }}
	skewed := start(t, func(o *emulator.Options) { *o = late })
	_, err := sdk(t, skewed).ListServices(&fcapi.ListServicesRequest{})
	wantErr(t, err, http.StatusForbidden, "RequestTimeTooSkewed")
}

// TestMoreKeysAndSTS: several key pairs sign for one account; an STS key is
// accepted only with its security token.
func TestMoreKeysAndSTS(t *testing.T) {
	t.Parallel()
	s := start(t, func(o *emulator.Options) {
		o.Keys = []emulator.AccessKey{{ID: "second", Secret: "second-secret"},
			{ID: "STS.temp", Secret: "sts-secret", SecurityToken: "token-1"}}
	})
	must[*fcapi.ListServicesResponse](t)(sdkWith(t, s, "second", "second-secret").ListServices(&fcapi.ListServicesRequest{}))
	_, err := sdkWith(t, s, "STS.temp", "sts-secret").ListServices(&fcapi.ListServicesRequest{})
	wantErr(t, err, http.StatusForbidden, "InvalidSecurityToken")
	sts := stsClient(t, s, "token-1")
	must[*fcapi.ListServicesResponse](t)(sts.ListServices(&fcapi.ListServicesRequest{}))
	_, err = stsClient(t, s, "token-2").ListServices(&fcapi.ListServicesRequest{})
	wantErr(t, err, http.StatusForbidden, "InvalidSecurityToken")

	n := newNodeClient(t, s)
	n.key, n.secret = "STS.temp", "sts-secret"
	n.do("GET", "/services", nil, map[string]string{"x-fc-security-token": "token-1"}).want(t, 200, "")
	n.do("GET", "/services", nil, map[string]string{"x-fc-security-token": "nope"}).want(t, 403, "InvalidSecurityToken")
}

// stsClient is the Go SDK with STS credentials, which it signs with the
// security token in x-acs-security-token.
func stsClient(t testing.TB, s *emulator.Server, token string) *fcapi.Client {
	t.Helper()
	c, err := fcapi.NewClient(&openapi.Config{
		Endpoint: tea.String(s.Addr), Protocol: tea.String("http"),
		AccessKeyId: tea.String("STS.temp"), AccessKeySecret: tea.String("sts-secret"), SecurityToken: tea.String(token),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
