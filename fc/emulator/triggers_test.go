package emulator_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

func createFunction(t testing.TB, c *fcapi.Client, svc, fn string) {
	t.Helper()
	must[*fcapi.CreateFunctionResponse](t)(c.CreateFunction(tea.String(svc), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String(fn), Runtime: tea.String("python3.9"), Handler: tea.String("index.handler"),
		Code: zipCode(makeZip(t, "index.py", "zip")),
	}))
}

func TestTriggerLifecycle(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))
	_, err := c.CreateTrigger(tea.String("svc"), tea.String("f"), &fcapi.CreateTriggerRequest{TriggerName: tea.String("t")})
	wantErr(t, err, http.StatusNotFound, "ServiceNotFound")
	createService(t, c, "svc")
	_, err = c.CreateTrigger(tea.String("svc"), tea.String("f"), &fcapi.CreateTriggerRequest{TriggerName: tea.String("t")})
	wantErr(t, err, http.StatusNotFound, "FunctionNotFound")
	createFunction(t, c, "svc", "f")

	httpCfg := `{"authType":"anonymous","methods":["GET","POST"]}`
	created := must[*fcapi.CreateTriggerResponse](t)(c.CreateTrigger(tea.String("svc"), tea.String("f"), &fcapi.CreateTriggerRequest{
		TriggerName: tea.String("web"), TriggerType: tea.String("http"), TriggerConfig: tea.String(httpCfg),
	}))
	b := created.Body
	if tea.StringValue(b.TriggerConfig) != httpCfg || tea.StringValue(b.TriggerType) != "http" ||
		len(tea.StringValue(b.TriggerId)) != 36 || !strings.HasPrefix(tea.StringValue(b.UrlInternet), "http://127.0.0.1:") {
		t.Fatalf("created %v", b)
	}
	etag1 := tea.StringValue(created.Headers["etag"])

	timerCfg := `{"cronExpression":"@every 5m","enable":true,"payload":"p"}`
	must[*fcapi.CreateTriggerResponse](t)(c.CreateTrigger(tea.String("svc"), tea.String("f"), &fcapi.CreateTriggerRequest{
		TriggerName: tea.String("tick"), TriggerType: tea.String("timer"), TriggerConfig: tea.String(timerCfg),
	}))
	ossCfg := `{"events":["oss:ObjectCreated:*"],"filter":{"key":{"prefix":"in/","suffix":".png"}}}`
	must[*fcapi.CreateTriggerResponse](t)(c.CreateTrigger(tea.String("svc"), tea.String("f"), &fcapi.CreateTriggerRequest{
		TriggerName: tea.String("obj"), TriggerType: tea.String("oss"), TriggerConfig: tea.String(ossCfg),
		SourceArn: tea.String("acs:oss:cn-hangzhou:123:bucket"), InvocationRole: tea.String("acs:ram::123:role/r"),
	}))
	got := must[*fcapi.GetTriggerResponse](t)(c.GetTrigger(tea.String("svc"), tea.String("f"), tea.String("obj")))
	if !jsonEqual(t, tea.StringValue(got.Body.TriggerConfig), ossCfg) || tea.StringValue(got.Body.SourceArn) != "acs:oss:cn-hangzhou:123:bucket" {
		t.Fatalf("get %v", got.Body)
	}

	_, err = c.CreateTrigger(tea.String("svc"), tea.String("f"), &fcapi.CreateTriggerRequest{
		TriggerName: tea.String("web"), TriggerType: tea.String("http"), TriggerConfig: tea.String(httpCfg)})
	wantErr(t, err, http.StatusConflict, "TriggerAlreadyExists")
	_, err = c.CreateTrigger(tea.String("svc"), tea.String("f"), &fcapi.CreateTriggerRequest{
		TriggerName: tea.String("bad"), TriggerType: tea.String("http"), TriggerConfig: tea.String("{not json")})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")

	upd := must[*fcapi.UpdateTriggerResponse](t)(c.UpdateTriggerWithOptions(tea.String("svc"), tea.String("f"), tea.String("web"),
		&fcapi.UpdateTriggerRequest{TriggerConfig: tea.String(`{"authType":"function","methods":["GET"]}`)},
		&fcapi.UpdateTriggerHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{}))
	if !jsonEqual(t, tea.StringValue(upd.Body.TriggerConfig), `{"authType":"function","methods":["GET"]}`) ||
		tea.StringValue(upd.Headers["etag"]) == etag1 {
		t.Fatalf("update %v", upd.Body)
	}
	_, err = c.UpdateTriggerWithOptions(tea.String("svc"), tea.String("f"), tea.String("web"), &fcapi.UpdateTriggerRequest{},
		&fcapi.UpdateTriggerHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	_, err = c.DeleteTriggerWithOptions(tea.String("svc"), tea.String("f"), tea.String("web"),
		&fcapi.DeleteTriggerHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")

	_, err = c.DeleteFunction(tea.String("svc"), tea.String("f"))
	wantErr(t, err, http.StatusConflict, "FunctionNotEmpty")
	list := must[*fcapi.ListTriggersResponse](t)(c.ListTriggers(tea.String("svc"), tea.String("f"), &fcapi.ListTriggersRequest{}))
	if len(list.Body.Triggers) != 3 || tea.StringValue(list.Body.Triggers[0].TriggerName) != "obj" || list.Body.NextToken != nil {
		t.Fatalf("list %v", list.Body)
	}
	for _, name := range []string{"web", "tick", "obj"} {
		must[*fcapi.DeleteTriggerResponse](t)(c.DeleteTrigger(tea.String("svc"), tea.String("f"), tea.String(name)))
	}
	_, err = c.GetTrigger(tea.String("svc"), tea.String("f"), tea.String("web"))
	wantErr(t, err, http.StatusNotFound, "TriggerNotFound")
	_, err = c.UpdateTrigger(tea.String("svc"), tea.String("f"), tea.String("web"), &fcapi.UpdateTriggerRequest{})
	wantErr(t, err, http.StatusNotFound, "TriggerNotFound")
	_, err = c.DeleteTrigger(tea.String("svc"), tea.String("f"), tea.String("web"))
	wantErr(t, err, http.StatusNotFound, "TriggerNotFound")
	must[*fcapi.DeleteFunctionResponse](t)(c.DeleteFunction(tea.String("svc"), tea.String("f")))
}

func jsonEqual(t testing.TB, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("%q: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

func TestCustomDomainLifecycle(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))
	route := &fcapi.RouteConfig{Routes: []*fcapi.PathConfig{{Path: tea.String("/*"), ServiceName: tea.String("svc"),
		FunctionName: tea.String("f"), Methods: []*string{tea.String("GET")}}}}
	created := must[*fcapi.CreateCustomDomainResponse](t)(c.CreateCustomDomain(&fcapi.CreateCustomDomainRequest{
		DomainName: tea.String("api.example.com"), RouteConfig: route,
		CertConfig: &fcapi.CertConfig{CertName: tea.String("c"), Certificate: tea.String("PEM"), PrivateKey: tea.String("SECRETKEY")},
	})).Body
	if tea.StringValue(created.Protocol) != "HTTP" || tea.StringValue(created.AccountId) != testAccount ||
		tea.StringValue(created.ApiVersion) != "2016-08-15" || tea.StringValue(created.CertConfig.PrivateKey) != "" ||
		tea.StringValue(created.RouteConfig.Routes[0].FunctionName) != "f" {
		t.Fatalf("created %v", created)
	}
	_, err := c.CreateCustomDomain(&fcapi.CreateCustomDomainRequest{DomainName: tea.String("api.example.com")})
	wantErr(t, err, http.StatusConflict, "DomainNameAlreadyExists")
	_, err = c.CreateCustomDomain(&fcapi.CreateCustomDomainRequest{DomainName: tea.String("bad domain")})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")

	upd := must[*fcapi.UpdateCustomDomainResponse](t)(c.UpdateCustomDomain(tea.String("api.example.com"),
		&fcapi.UpdateCustomDomainRequest{Protocol: tea.String("HTTP,HTTPS")})).Body
	if tea.StringValue(upd.Protocol) != "HTTP,HTTPS" || tea.StringValue(upd.RouteConfig.Routes[0].Path) != "/*" ||
		tea.StringValue(upd.LastModifiedTime) <= tea.StringValue(created.LastModifiedTime) {
		t.Fatalf("update %v", upd)
	}
	must[*fcapi.CreateCustomDomainResponse](t)(c.CreateCustomDomain(&fcapi.CreateCustomDomainRequest{DomainName: tea.String("a.example.com")}))
	list := must[*fcapi.ListCustomDomainsResponse](t)(c.ListCustomDomains(&fcapi.ListCustomDomainsRequest{})).Body
	if len(list.CustomDomains) != 2 || tea.StringValue(list.CustomDomains[0].DomainName) != "a.example.com" {
		t.Fatalf("list %v", list)
	}
	must[*fcapi.DeleteCustomDomainResponse](t)(c.DeleteCustomDomain(tea.String("api.example.com")))
	_, err = c.GetCustomDomain(tea.String("api.example.com"))
	wantErr(t, err, http.StatusNotFound, "DomainNameNotFound")
	_, err = c.UpdateCustomDomain(tea.String("api.example.com"), &fcapi.UpdateCustomDomainRequest{})
	wantErr(t, err, http.StatusNotFound, "DomainNameNotFound")
	_, err = c.DeleteCustomDomain(tea.String("api.example.com"))
	wantErr(t, err, http.StatusNotFound, "DomainNameNotFound")
}

// TestUnknownFieldsDropped writes, through the generic CallApi as fcsync
// does, a field FC does not know and known ones in another case: FC drops
// the first and answers the others in camelCase.
func TestUnknownFieldsDropped(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))
	call := func(action, method, path string, body map[string]any) map[string]any {
		t.Helper()
		res, err := c.CallApi(&openapi.Params{
			Action: tea.String(action), Version: tea.String("2021-04-06"), Protocol: tea.String("HTTP"),
			Pathname: tea.String(path), Method: tea.String(method), AuthType: tea.String("AK"),
			Style: tea.String("ROA"), ReqBodyType: tea.String("json"), BodyType: tea.String("json"),
		}, &openapi.OpenApiRequest{Body: body}, &util.RuntimeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return res["body"].(map[string]any)
	}
	call("CreateService", "POST", "/2021-04-06/services", map[string]any{
		"serviceName": "svc", "futureFlag": map[string]any{"level": 3}})
	call("UpdateService", "PUT", "/2021-04-06/services/svc", map[string]any{"anotherNew": "x",
		"Description": "d", "VpcConfig": map[string]any{"VpcId": "vpc-1", "VSwitchIds": []any{"vsw-1"}, "Extra": 1}})
	got := call("GetService", "GET", "/2021-04-06/services/svc", nil)
	vpc, _ := got["vpcConfig"].(map[string]any)
	_, future := got["futureFlag"]
	_, another := got["anotherNew"]
	_, extra := vpc["Extra"]
	if future || another || extra || got["description"] != "d" || vpc["vpcId"] != "vpc-1" || vpc["securityGroupId"] != "" {
		t.Fatalf("service after a write of unknown and PascalCase fields: %v", got)
	}
}
