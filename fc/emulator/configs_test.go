package emulator_test

import (
	"net/http"
	"reflect"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

// aliased makes svc with function f, version 1 and alias prod on it.
func aliased(t testing.TB, c *fcapi.Client) {
	t.Helper()
	createService(t, c, "svc")
	createFunction(t, c, "svc", "f")
	publish(t, c, "svc", "")
	must[*fcapi.CreateAliasResponse](t)(c.CreateAlias(tea.String("svc"), &fcapi.CreateAliasRequest{AliasName: tea.String("prod"), VersionId: tea.String("1")}))
}

func TestProvisionConfig(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	aliased(t, c)
	put := func(q string, req *fcapi.PutProvisionConfigRequest) (*fcapi.PutProvisionConfigResponse, error) {
		req.Qualifier = tea.String(q)
		return c.PutProvisionConfig(tea.String("svc"), tea.String("f"), req)
	}
	resp := must[*fcapi.PutProvisionConfigResponse](t)(put("prod", &fcapi.PutProvisionConfigRequest{
		Target: tea.Int64(3),
		ScheduledActions: []*fcapi.ScheduledActions{{Name: tea.String("night"), ScheduleExpression: tea.String("cron(0 0 22 * * *)"),
			Target: tea.Int64(1)}},
	}))
	b := resp.Body
	if tea.Int64Value(b.Target) != 3 || tea.Int64Value(b.Current) != 3 || !tea.BoolValue(b.AlwaysAllocateCPU) ||
		tea.StringValue(b.Resource) != testAccount+"#svc#prod#f" || len(b.ScheduledActions) != 1 || b.TargetTrackingPolicies == nil {
		t.Fatalf("put %v", b)
	}
	got := must[*fcapi.GetProvisionConfigResponse](t)(c.GetProvisionConfig(tea.String("svc"), tea.String("f"),
		&fcapi.GetProvisionConfigRequest{Qualifier: tea.String("prod")}))
	if tea.Int64Value(got.Body.Target) != 3 || tea.StringValue(got.Body.CurrentError) != "" ||
		tea.StringValue(got.Body.ScheduledActions[0].ScheduleExpression) != "cron(0 0 22 * * *)" {
		t.Fatalf("get %v", got.Body)
	}
	// LATEST is allowed; nothing configured reads as target 0.
	zero := must[*fcapi.GetProvisionConfigResponse](t)(c.GetProvisionConfig(tea.String("svc"), tea.String("f"),
		&fcapi.GetProvisionConfigRequest{Qualifier: tea.String("LATEST")}))
	if tea.Int64Value(zero.Body.Target) != 0 || tea.StringValue(zero.Body.Resource) != testAccount+"#svc#LATEST#f" {
		t.Fatalf("nothing provisioned %v", zero.Body)
	}
	must[*fcapi.PutProvisionConfigResponse](t)(put("LATEST", &fcapi.PutProvisionConfigRequest{Target: tea.Int64(1), AlwaysAllocateCPU: tea.Bool(false)}))

	list := must[*fcapi.ListProvisionConfigsResponse](t)(c.ListProvisionConfigs(&fcapi.ListProvisionConfigsRequest{ServiceName: tea.String("svc")}))
	var resources []string
	for _, p := range list.Body.ProvisionConfigs {
		resources = append(resources, tea.StringValue(p.Resource))
	}
	if !reflect.DeepEqual(resources, []string{testAccount + "#svc#LATEST#f", testAccount + "#svc#prod#f"}) {
		t.Fatalf("list %v", resources)
	}
	page := must[*fcapi.ListProvisionConfigsResponse](t)(c.ListProvisionConfigs(&fcapi.ListProvisionConfigsRequest{
		ServiceName: tea.String("svc"), Qualifier: tea.String("prod"), Limit: tea.Int64(1)}))
	if len(page.Body.ProvisionConfigs) != 1 || page.Body.NextToken != nil {
		t.Fatalf("filtered %v", page.Body)
	}
	if p, ok := s.ProvisionConfig("svc", "f", "prod"); !ok || p["target"] != int64(3) {
		t.Fatalf("inspected %v", p)
	}

	// Refused as FC refuses them.
	_, err := put("1", &fcapi.PutProvisionConfigRequest{Target: tea.Int64(1)})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = put("", &fcapi.PutProvisionConfigRequest{Target: tea.Int64(1)})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = put("staging", &fcapi.PutProvisionConfigRequest{Target: tea.Int64(1)})
	wantErr(t, err, http.StatusNotFound, "AliasNotFound")
	_, err = put("prod", &fcapi.PutProvisionConfigRequest{Target: tea.Int64(10001)})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = put("prod", &fcapi.PutProvisionConfigRequest{})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = put("prod", &fcapi.PutProvisionConfigRequest{Target: tea.Int64(1), TargetTrackingPolicies: []*fcapi.TargetTrackingPolicies{{
		Name: tea.String("p"), MetricType: tea.String("Memory"), MetricTarget: tea.Float64(0.5), MinCapacity: tea.Int64(1), MaxCapacity: tea.Int64(2)}}})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = c.ListProvisionConfigs(&fcapi.ListProvisionConfigsRequest{Qualifier: tea.String("prod")})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = c.ListProvisionConfigs(&fcapi.ListProvisionConfigsRequest{Limit: tea.Int64(0)})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")

	// Provisioned instances keep the function and the alias.
	_, err = c.DeleteFunction(tea.String("svc"), tea.String("f"))
	wantErr(t, err, http.StatusBadRequest, "ProvisionConfigExist")
	_, err = c.DeleteAlias(tea.String("svc"), tea.String("prod"))
	wantErr(t, err, http.StatusBadRequest, "ProvisionConfigExist")
	must[*fcapi.PutProvisionConfigResponse](t)(put("prod", &fcapi.PutProvisionConfigRequest{Target: tea.Int64(0)}))
	if _, ok := s.ProvisionConfig("svc", "f", "prod"); ok {
		t.Fatal("target 0 without policies kept a config")
	}
	must[*fcapi.DeleteAliasResponse](t)(c.DeleteAlias(tea.String("svc"), tea.String("prod")))
	must[*fcapi.PutProvisionConfigResponse](t)(put("LATEST", &fcapi.PutProvisionConfigRequest{Target: tea.Int64(0)}))
	must[*fcapi.DeleteFunctionResponse](t)(c.DeleteFunction(tea.String("svc"), tea.String("f")))
}

func TestOnDemandConfig(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	aliased(t, c)
	put := func(q string, n int64, ifMatch *string) (*fcapi.PutFunctionOnDemandConfigResponse, error) {
		return c.PutFunctionOnDemandConfigWithOptions(tea.String("svc"), tea.String("f"),
			&fcapi.PutFunctionOnDemandConfigRequest{Qualifier: tea.String(q), MaximumInstanceCount: tea.Int64(n)},
			&fcapi.PutFunctionOnDemandConfigHeaders{IfMatch: ifMatch}, &util.RuntimeOptions{})
	}
	_, err := c.GetFunctionOnDemandConfig(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionOnDemandConfigRequest{Qualifier: tea.String("prod")})
	wantErr(t, err, http.StatusNotFound, "OnDemandConfigNotFound")
	// If-Match on a config that does not exist cannot match.
	_, err = put("prod", 10, tea.String("0123456789abcdef0123456789abcdef"))
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")

	created := must[*fcapi.PutFunctionOnDemandConfigResponse](t)(put("prod", 10, nil))
	if tea.Int64Value(created.Body.MaximumInstanceCount) != 10 || tea.StringValue(created.Body.Resource) != "services/svc.prod/functions/f" {
		t.Fatalf("put %v", created.Body)
	}
	etag := created.Headers["etag"]
	got := must[*fcapi.GetFunctionOnDemandConfigResponse](t)(c.GetFunctionOnDemandConfig(tea.String("svc"), tea.String("f"),
		&fcapi.GetFunctionOnDemandConfigRequest{Qualifier: tea.String("prod")}))
	if tea.StringValue(got.Headers["etag"]) != tea.StringValue(etag) || tea.Int64Value(got.Body.MaximumInstanceCount) != 10 {
		t.Fatalf("get %v %v", got.Headers, got.Body)
	}
	must[*fcapi.PutFunctionOnDemandConfigResponse](t)(put("prod", 20, etag))
	_, err = put("prod", 10, etag)
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	must[*fcapi.PutFunctionOnDemandConfigResponse](t)(put("LATEST", 5, nil))
	_, err = put("1", 5, nil)
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = put("prod", -1, nil)
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")

	list := must[*fcapi.ListOnDemandConfigsResponse](t)(c.ListOnDemandConfigs(&fcapi.ListOnDemandConfigsRequest{Limit: tea.Int32(1)}))
	if len(list.Body.Configs) != 1 || tea.StringValue(list.Body.Configs[0].Resource) != "services/svc.LATEST/functions/f" ||
		tea.StringValue(list.Body.NextToken) != "svc.prod/functions/f" {
		t.Fatalf("first page %v", list.Body)
	}
	list = must[*fcapi.ListOnDemandConfigsResponse](t)(c.ListOnDemandConfigs(&fcapi.ListOnDemandConfigsRequest{NextToken: list.Body.NextToken}))
	if len(list.Body.Configs) != 1 || tea.Int64Value(list.Body.Configs[0].MaximumInstanceCount) != 20 || list.Body.NextToken != nil {
		t.Fatalf("second page %v", list.Body)
	}

	// A console edit during a client's update is caught by If-Match.
	read := must[*fcapi.GetFunctionOnDemandConfigResponse](t)(c.GetFunctionOnDemandConfig(tea.String("svc"), tea.String("f"),
		&fcapi.GetFunctionOnDemandConfigRequest{Qualifier: tea.String("prod")}))
	s.SetFaults(emulator.Faults{EditBefore: map[string]int{"PutFunctionOnDemandConfig": 1}})
	_, err = put("prod", 30, read.Headers["etag"])
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	if cfg, _ := s.OnDemandConfig("svc", "f", "prod"); cfg["maximumInstanceCount"] != int64(21) {
		t.Fatalf("after the concurrent edit %v", cfg)
	}
	s.SetFaults(emulator.Faults{})

	_, err = c.DeleteFunctionOnDemandConfigWithOptions(tea.String("svc"), tea.String("f"),
		&fcapi.DeleteFunctionOnDemandConfigRequest{Qualifier: tea.String("prod")},
		&fcapi.DeleteFunctionOnDemandConfigHeaders{IfMatch: read.Headers["etag"]}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	must[*fcapi.DeleteFunctionOnDemandConfigResponse](t)(c.DeleteFunctionOnDemandConfig(tea.String("svc"), tea.String("f"),
		&fcapi.DeleteFunctionOnDemandConfigRequest{Qualifier: tea.String("prod")}))
	_, err = c.DeleteFunctionOnDemandConfig(tea.String("svc"), tea.String("f"), &fcapi.DeleteFunctionOnDemandConfigRequest{Qualifier: tea.String("prod")})
	wantErr(t, err, http.StatusNotFound, "OnDemandConfigNotFound")
	// Deleting the function deletes its configs.
	must[*fcapi.DeleteFunctionResponse](t)(c.DeleteFunction(tea.String("svc"), tea.String("f")))
	if _, ok := s.OnDemandConfig("svc", "f", "LATEST"); ok {
		t.Fatal("a deleted function's on-demand config stayed")
	}
}

func TestAsyncInvokeConfig(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	aliased(t, c)
	dest := "acs:fc:cn-hangzhou:" + testAccount + ":services/svc/functions/f"
	put := func(q *string, req *fcapi.PutFunctionAsyncInvokeConfigRequest) (*fcapi.PutFunctionAsyncInvokeConfigResponse, error) {
		req.Qualifier = q
		return c.PutFunctionAsyncInvokeConfig(tea.String("svc"), tea.String("f"), req)
	}
	_, err := c.GetFunctionAsyncInvokeConfig(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionAsyncInvokeConfigRequest{})
	wantErr(t, err, http.StatusNotFound, "AsyncConfigNotExists")

	resp := must[*fcapi.PutFunctionAsyncInvokeConfigResponse](t)(put(nil, &fcapi.PutFunctionAsyncInvokeConfigRequest{
		MaxAsyncRetryAttempts: tea.Int64(2), MaxAsyncEventAgeInSeconds: tea.Int64(300),
		DestinationConfig: &fcapi.DestinationConfig{OnFailure: &fcapi.Destination{Destination: tea.String(dest)}},
	}))
	b := resp.Body
	if tea.StringValue(b.Qualifier) != "LATEST" || tea.StringValue(b.Service) != "svc" || tea.StringValue(b.Function) != "f" ||
		tea.Int64Value(b.MaxAsyncRetryAttempts) != 2 || tea.StringValue(b.DestinationConfig.OnFailure.Destination) != dest ||
		b.DestinationConfig.OnSuccess != nil || b.StatefulInvocation != nil || tea.StringValue(b.CreatedTime) == "" {
		t.Fatalf("put %v", b)
	}
	// A PUT replaces the config whole; its creation time stays.
	again := must[*fcapi.PutFunctionAsyncInvokeConfigResponse](t)(put(tea.String("LATEST"), &fcapi.PutFunctionAsyncInvokeConfigRequest{
		StatefulInvocation: tea.Bool(true)}))
	if again.Body.MaxAsyncRetryAttempts != nil || !tea.BoolValue(again.Body.StatefulInvocation) ||
		tea.StringValue(again.Body.CreatedTime) != tea.StringValue(b.CreatedTime) ||
		tea.StringValue(again.Body.LastModifiedTime) <= tea.StringValue(b.LastModifiedTime) {
		t.Fatalf("replaced %v", again.Body)
	}
	for _, q := range []string{"1", "prod"} {
		must[*fcapi.PutFunctionAsyncInvokeConfigResponse](t)(put(tea.String(q), &fcapi.PutFunctionAsyncInvokeConfigRequest{MaxAsyncRetryAttempts: tea.Int64(0)}))
	}
	got := must[*fcapi.GetFunctionAsyncInvokeConfigResponse](t)(c.GetFunctionAsyncInvokeConfig(tea.String("svc"), tea.String("f"),
		&fcapi.GetFunctionAsyncInvokeConfigRequest{Qualifier: tea.String("prod")}))
	if tea.StringValue(got.Body.Qualifier) != "prod" || got.Body.MaxAsyncRetryAttempts == nil || tea.Int64Value(got.Body.MaxAsyncRetryAttempts) != 0 {
		t.Fatalf("get %v", got.Body)
	}
	list := must[*fcapi.ListFunctionAsyncInvokeConfigsResponse](t)(c.ListFunctionAsyncInvokeConfigs(tea.String("svc"), tea.String("f"),
		&fcapi.ListFunctionAsyncInvokeConfigsRequest{Limit: tea.Int32(2)}))
	if len(list.Body.Configs) != 2 || tea.StringValue(list.Body.Configs[0].Qualifier) != "1" || tea.StringValue(list.Body.NextToken) != "prod" {
		t.Fatalf("list %v", list.Body)
	}

	for name, req := range map[string]*fcapi.PutFunctionAsyncInvokeConfigRequest{
		"retries":   {MaxAsyncRetryAttempts: tea.Int64(9)},
		"event age": {MaxAsyncEventAgeInSeconds: tea.Int64(0)},
		"destination without region and account": {DestinationConfig: &fcapi.DestinationConfig{
			OnSuccess: &fcapi.Destination{Destination: tea.String("acs:fc:::services/svc/functions/f")}}},
		"destination of another product": {DestinationConfig: &fcapi.DestinationConfig{
			OnSuccess: &fcapi.Destination{Destination: tea.String("acs:ecs:cn-hangzhou:1:instance/i-1")}}},
	} {
		_, err := put(nil, req)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	}
	_, err = put(tea.String("7"), &fcapi.PutFunctionAsyncInvokeConfigRequest{})
	wantErr(t, err, http.StatusNotFound, "VersionNotFound")

	must[*fcapi.DeleteFunctionAsyncInvokeConfigResponse](t)(c.DeleteFunctionAsyncInvokeConfig(tea.String("svc"), tea.String("f"),
		&fcapi.DeleteFunctionAsyncInvokeConfigRequest{Qualifier: tea.String("prod")}))
	_, err = c.DeleteFunctionAsyncInvokeConfig(tea.String("svc"), tea.String("f"), &fcapi.DeleteFunctionAsyncInvokeConfigRequest{Qualifier: tea.String("prod")})
	wantErr(t, err, http.StatusNotFound, "AsyncConfigNotExists")
	// Deleting the alias or version deletes its configs.
	must[*fcapi.DeleteAliasResponse](t)(c.DeleteAlias(tea.String("svc"), tea.String("prod")))
	must[*fcapi.DeleteServiceVersionResponse](t)(c.DeleteServiceVersion(tea.String("svc"), tea.String("1")))
	if _, ok := s.AsyncInvokeConfig("svc", "f", "1"); ok {
		t.Fatal("a deleted version's config stayed")
	}
	if _, ok := s.AsyncInvokeConfig("svc", "f", "LATEST"); !ok {
		t.Fatal("LATEST's config went with the version")
	}
}

// The Node SDK writes per-qualifier configs through the qualified path
// (services/svc.prod/...), which is not a write to the alias.
func TestConfigsThroughQualifiedPath(t *testing.T) {
	t.Parallel()
	s := start(t)
	aliased(t, sdk(t, s))
	n := newNodeClient(t, s)
	n.do("PUT", "/services/svc.prod/functions/f/provision-config", map[string]any{"Target": 2}, nil).want(t, http.StatusOK, "")
	n.do("PUT", "/services/svc.prod/functions/f/on-demand-config", map[string]any{"MaximumInstanceCount": 4}, nil).want(t, http.StatusOK, "")
	r := n.do("PUT", "/services/svc.prod/functions/f/async-invoke-config", map[string]any{"MaxAsyncRetryAttempts": 1}, nil)
	r.want(t, http.StatusOK, "")
	if r.body["qualifier"] != "prod" || r.body["maxAsyncRetryAttempts"] != float64(1) {
		t.Fatalf("async config %v", r.body)
	}
	got := n.do("GET", "/services/svc.prod/functions/f/provision-config", nil, nil)
	if got.body["target"] != float64(2) {
		t.Fatalf("provision %v", got.body)
	}
	n.do("DELETE", "/services/svc.prod/functions/f/on-demand-config", nil, nil).want(t, http.StatusNoContent, "")
	n.do("DELETE", "/services/svc.prod/functions/f/async-invoke-config", nil, nil).want(t, http.StatusNoContent, "")
}
