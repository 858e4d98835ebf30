package fc_test

import (
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/credentials-go/credentials"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/fc/emulator"
)

// TestClientFC3Emulator runs the FC 3.0 client against the emulator's
// 2023-03-30 dialect: a function created with code reads back with its
// checksum and its code, a trigger with its configuration as an object,
// an update changes only what it sends, and a delete removes it.
func TestClientFC3Emulator(t *testing.T) {
	t.Parallel()
	s := startEmulator(t, emulator.Options{})
	cred, err := credentials.NewCredential(&credentials.Config{
		Type: tea.String("access_key"), AccessKeyId: tea.String(testKeyID), AccessKeySecret: tea.String(testSecret)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := fc.NewClient(fc.Config{API: fc.FC3, Endpoint: s.URL, Region: "cn-hangzhou", AccountID: testAccount,
		Credential: cred, Retry: fastRetry, HTTPTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testContext(t)
	zip := makeZip(t, map[string]string{"index.py": "def handler(e, c): return 'hi'\n"})
	web := fc.ID{API: fc.FC3, Kind: fc.KindFunction, Function: "web"}
	r, err := c.Create(ctx, web, map[string]any{"runtime": "python3.10", "handler": "index.handler", "memorySize": 512}, zip)
	if err != nil {
		t.Fatal(err)
	}
	if r.CodeChecksum() != fc.Checksum(zip) {
		t.Errorf("checksum %q, want %q", r.CodeChecksum(), fc.Checksum(zip))
	}
	if got, err := c.GetCode(ctx, web); err != nil || string(got) != string(zip) {
		t.Errorf("GetCode: %d bytes, %v", len(got), err)
	}
	trig := fc.ID{API: fc.FC3, Kind: fc.KindTrigger, Function: "web", Name: "tick"}
	if _, err := c.Create(ctx, trig, map[string]any{"triggerType": "timer",
		"triggerConfig": map[string]any{"cronExpression": "@every 5m", "enable": true}}, nil); err != nil {
		t.Fatal(err)
	}
	ts, err := c.List(ctx, fc.KindTrigger, web)
	if err != nil || len(ts) != 1 || ts[0].ID != trig {
		t.Fatalf("triggers %v, %v", ts, err)
	}
	if cfg, ok := ts[0].Spec["triggerConfig"].(map[string]any); !ok || cfg["cronExpression"] != "@every 5m" {
		t.Errorf("triggerConfig %#v", ts[0].Spec["triggerConfig"])
	}
	u, err := c.Update(ctx, web, map[string]any{"timeout": 30}, nil, "")
	if err != nil || u.Spec["timeout"] != int64(30) || u.Spec["memorySize"] != int64(512) {
		t.Fatalf("update: %v, %v", u, err)
	}
	all, err := c.List(ctx, fc.KindFunction, fc.ID{})
	if err != nil || len(all) != 1 || all[0].ID != web {
		t.Fatalf("functions %v, %v", all, err)
	}
	if spec := fc.FC3.WithoutDefaults(fc.KindFunction, all[0].Spec); len(spec) > 6 {
		t.Errorf("a new function renders with more than what was set: %v", spec)
	}
	if err := c.Delete(ctx, web, ""); err != nil {
		t.Fatal(err)
	}
}
