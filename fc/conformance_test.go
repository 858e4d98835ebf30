package fc_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/fc/emulator"
)

// future is a field FC does not know: the client sends it as it sends every
// field of a Spec (extraFields rely on that), and FC drops it.
var future = map[string]any{"x": int64(1)}

func TestServiceLifecycle(t *testing.T) {
	t.Parallel()
	c := newClient(t, startEmulator(t, emulator.Options{}))
	ctx := testContext(t)
	id := fc.ServiceID("svc")

	created := mustCreate(t, c, id, map[string]any{
		"description": "first", "role": "acs:ram::1:role/r", "futureFeature": future,
		"serviceId": "ignored: server-owned fields are never sent",
	}, nil)
	if created.ID != id || created.ETag == "" || created.Status["serviceId"] == "ignored: server-owned fields are never sent" {
		t.Fatalf("create: id %v etag %q status %v", created.ID, created.ETag, created.Status)
	}
	got, err := c.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec["description"] != "first" || got.Spec["futureFeature"] != nil || got.ETag != created.ETag {
		t.Fatalf("get: spec %v etag %q, want description, no futureFeature (FC drops it) and etag %q", got.Spec, got.ETag, created.ETag)
	}
	if _, ok := got.Spec["serviceName"]; ok {
		t.Errorf("the name belongs in the ID, not in Spec")
	}
	if got.Status["createdTime"] == nil || got.Status["serviceId"] == nil {
		t.Errorf("status lacks server-owned fields: %v", got.Status)
	}

	updated, err := c.Update(ctx, id, map[string]any{"description": "second"}, nil, got.ETag)
	if err != nil {
		t.Fatal(err)
	}
	if updated.Spec["description"] != "second" || updated.Spec["role"] != "acs:ram::1:role/r" ||
		updated.Spec["futureFeature"] != nil {
		t.Errorf("partial update changed or lost fields: %v", updated.Spec)
	}
	if updated.ETag == "" || updated.ETag == got.ETag {
		t.Errorf("etag after update: %q (before %q)", updated.ETag, got.ETag)
	}

	list, err := c.ListServices(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != id || list[0].Spec["futureFeature"] != nil ||
		list[0].Spec["description"] != "second" {
		t.Fatalf("list: %+v", list)
	}

	if err := c.Delete(ctx, id, updated.ETag); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, id); !errors.Is(err, fc.ErrNotFound) {
		t.Errorf("get after delete: want ErrNotFound, got %v", err)
	}
}

func TestFunctionWithCode(t *testing.T) {
	t.Parallel()
	c := newClient(t, startEmulator(t, emulator.Options{}))
	ctx := testContext(t)
	mustCreate(t, c, fc.ServiceID("svc"), nil, nil)
	id := fc.FunctionID("svc", "fn")
	code := makeZip(t, map[string]string{"index.py": "def handler(event, context):\n    return 'v1'\n"})

	created := mustCreate(t, c, id, map[string]any{
		"runtime": "python3.9", "handler": "index.handler", "memorySize": int64(256),
		"environmentVariables": map[string]any{"A": "1"}, "futureFeature": future,
	}, code)
	if created.CodeChecksum() != fc.Checksum(code) {
		t.Errorf("codeChecksum %q, want %q", created.CodeChecksum(), fc.Checksum(code))
	}
	if created.Status["codeSize"] != int64(len(code)) {
		t.Errorf("codeSize %v, want %d", created.Status["codeSize"], len(code))
	}
	got, err := c.GetCode(ctx, fc.FunctionID("svc", "fn"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(code) {
		t.Fatalf("GetCode returned %d other bytes", len(got))
	}

	code2 := makeZip(t, map[string]string{"index.py": "def handler(event, context):\n    return 'v2'\n"})
	updated, err := c.Update(ctx, id, map[string]any{"memorySize": int64(512)}, code2, created.ETag)
	if err != nil {
		t.Fatal(err)
	}
	if updated.Spec["memorySize"] != int64(512) || updated.Spec["handler"] != "index.handler" ||
		!reflect.DeepEqual(updated.Spec["environmentVariables"], map[string]any{"A": "1"}) ||
		updated.Spec["futureFeature"] != nil {
		t.Errorf("partial update: %v", updated.Spec)
	}
	if updated.CodeChecksum() != fc.Checksum(code2) {
		t.Errorf("codeChecksum after update %q, want %q", updated.CodeChecksum(), fc.Checksum(code2))
	}
	if got, err := c.GetCode(ctx, fc.FunctionID("svc", "fn")); err != nil || string(got) != string(code2) {
		t.Errorf("GetCode after update: %d bytes, %v", len(got), err)
	}

	// Updating without code keeps the code.
	kept, err := c.Update(ctx, id, map[string]any{"description": "d"}, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if kept.CodeChecksum() != fc.Checksum(code2) {
		t.Errorf("update without code changed the checksum")
	}

	list, err := c.ListFunctions(ctx, "svc")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != id || list[0].Spec["futureFeature"] != nil {
		t.Fatalf("list: %+v", list)
	}
	if err := c.Delete(ctx, id, kept.ETag); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCode(ctx, fc.FunctionID("svc", "fn")); !errors.Is(err, fc.ErrNotFound) {
		t.Errorf("GetCode after delete: %v", err)
	}
}

func TestCustomContainerFunction(t *testing.T) {
	t.Parallel()
	c := newClient(t, startEmulator(t, emulator.Options{}))
	ctx := testContext(t)
	mustCreate(t, c, fc.ServiceID("svc"), nil, nil)
	id := fc.FunctionID("svc", "img")
	ccc := map[string]any{"image": "registry.cn-hangzhou.aliyuncs.com/ns/app:1", "command": `["/app"]`}
	mustCreate(t, c, id, map[string]any{
		"runtime": "custom-container", "handler": "not-used", "customContainerConfig": ccc, "caPort": int64(8080),
	}, nil)
	got, err := c.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	gotCCC, _ := got.Spec["customContainerConfig"].(map[string]any)
	if gotCCC["image"] != ccc["image"] || got.Spec["caPort"] != int64(8080) {
		t.Errorf("custom container spec: %v", got.Spec)
	}
	if _, ok := gotCCC["accelerationInfo"]; ok || got.Status["customContainerConfig.accelerationInfo"] == nil {
		t.Errorf("accelerationInfo is computed by FC and belongs in Status: spec %v, status %v", gotCCC, got.Status)
	}
	if err := c.Delete(ctx, id, got.ETag); err != nil {
		t.Fatal(err)
	}
}

func TestTriggers(t *testing.T) {
	t.Parallel()
	c := newClient(t, startEmulator(t, emulator.Options{}))
	ctx := testContext(t)
	mustCreate(t, c, fc.ServiceID("svc"), nil, nil)
	mustCreate(t, c, fc.FunctionID("svc", "fn"), map[string]any{"runtime": "python3.9", "handler": "index.handler"},
		makeZip(t, map[string]string{"index.py": ""}))

	httpCfg := map[string]any{"authType": "anonymous", "methods": []any{"GET", "POST"}}
	h := mustCreate(t, c, fc.TriggerID("svc", "fn", "web"),
		map[string]any{"triggerType": "http", "triggerConfig": httpCfg, "futureFeature": future}, nil)
	if !reflect.DeepEqual(h.Spec["triggerConfig"], httpCfg) {
		t.Errorf("http triggerConfig: got %#v, want %#v", h.Spec["triggerConfig"], httpCfg)
	}
	timerCfg := map[string]any{"cronExpression": "@every 5m", "enable": true, "payload": "{}"}
	mustCreate(t, c, fc.TriggerID("svc", "fn", "tick"), map[string]any{"triggerType": "timer", "triggerConfig": timerCfg}, nil)

	got, err := c.Get(ctx, fc.TriggerID("svc", "fn", "tick"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Spec["triggerConfig"], timerCfg) || got.Spec["triggerType"] != "timer" {
		t.Errorf("timer trigger: %v", got.Spec)
	}
	timerCfg2 := map[string]any{"cronExpression": "@every 1h", "enable": false, "payload": "{}"}
	upd, err := c.Update(ctx, got.ID, map[string]any{"triggerConfig": timerCfg2}, nil, got.ETag)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(upd.Spec["triggerConfig"], timerCfg2) {
		t.Errorf("updated triggerConfig: %#v", upd.Spec["triggerConfig"])
	}

	list, err := c.ListTriggers(ctx, "svc", "fn")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID.Name != "tick" || list[1].ID.Name != "web" ||
		!reflect.DeepEqual(list[1].Spec["triggerConfig"], httpCfg) || list[1].Spec["futureFeature"] != nil {
		t.Fatalf("list triggers: %+v", list)
	}
	for _, r := range list {
		if err := c.Delete(ctx, r.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	if list, err := c.ListTriggers(ctx, "svc", "fn"); err != nil || len(list) != 0 {
		t.Errorf("after delete: %v, %v", list, err)
	}
}

func TestCustomDomain(t *testing.T) {
	t.Parallel()
	c := newClient(t, startEmulator(t, emulator.Options{}))
	ctx := testContext(t)
	id := fc.DomainID("api.example.com")
	route := map[string]any{"routes": []any{map[string]any{"path": "/*", "serviceName": "svc", "functionName": "fn"}}}
	mustCreate(t, c, id, map[string]any{"protocol": "HTTP", "routeConfig": route, "futureFeature": future}, nil)

	got, err := c.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	gotRoutes, _ := got.Spec["routeConfig"].(map[string]any)["routes"].([]any)
	if len(gotRoutes) != 1 || gotRoutes[0].(map[string]any)["functionName"] != "fn" || got.Spec["protocol"] != "HTTP" {
		t.Errorf("domain spec: %v", got.Spec)
	}
	upd, err := c.Update(ctx, id, map[string]any{"protocol": "HTTP,HTTPS"}, nil, "ignored: domains have no etag")
	if err != nil {
		t.Fatal(err)
	}
	if upd.Spec["protocol"] != "HTTP,HTTPS" || !reflect.DeepEqual(upd.Spec["routeConfig"], got.Spec["routeConfig"]) ||
		upd.Spec["futureFeature"] != nil {
		t.Errorf("partial domain update: %v", upd.Spec)
	}
	list, err := c.ListDomains(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != id {
		t.Fatalf("list domains: %+v", list)
	}
	if err := c.Delete(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, id); !errors.Is(err, fc.ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}
}

func TestBigIntegersSurvive(t *testing.T) {
	t.Parallel()
	c := newClient(t, startEmulator(t, emulator.Options{}))
	ctx := testContext(t)
	// Integers not representable as float64, in fields FC types as integers.
	nas := map[string]any{"userId": int64(1<<53 + 1), "groupId": int64(-(1<<62 + 3)), "mountPoints": []any{}}
	mustCreate(t, c, fc.ServiceID("svc"), map[string]any{"nasConfig": nas}, nil)
	got, err := c.Get(ctx, fc.ServiceID("svc"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Spec["nasConfig"], nas) {
		t.Errorf("got %#v, want %#v", got.Spec["nasConfig"], nas)
	}
}

// TestDefaultCredentialChain: with no Credential in Config, the client signs
// with the environment's keys, as the official chain reads them.
func TestDefaultCredentialChain(t *testing.T) {
	s := startEmulator(t, emulator.Options{})
	t.Setenv(fc.EnvAccessKeyID, testKeyID)
	t.Setenv(fc.EnvAccessKeySecret, testSecret)
	t.Setenv(fc.EnvSecurityToken, "")
	t.Setenv(fc.EnvEndpoint, s.URL)
	t.Setenv(fc.EnvAccountID, testAccount)
	cfg, err := fc.ResolveConfig("", "cn-hangzhou", "")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credential = nil
	c, err := fc.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListServices(testContext(t), ""); err != nil {
		t.Fatal(err)
	}
}
