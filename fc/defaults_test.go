package fc

import (
	"encoding/json"
	"reflect"
	"testing"
)

// What FC answers for a service and a function created with their names
// only (the emulator's defaults, fc-api.md 2.2 and 2.3) is noise in a
// project file; what someone set stays, and so does a field the table does
// not know.
func TestWithoutDefaults(t *testing.T) {
	var service, function map[string]any
	if err := json.Unmarshal([]byte(`{"description":"","role":"","internetAccess":true,
		"logConfig":{"project":"","logstore":"","enableRequestMetrics":false,"enableInstanceMetrics":false,"logBeginRule":"None"},
		"vpcConfig":{"vpcId":"","vSwitchIds":[],"securityGroupId":"","role":""},
		"nasConfig":{"userId":-1,"groupId":-1,"mountPoints":[]},"ossMountConfig":{"mountPoints":[]},
		"tracingConfig":{"type":null,"params":null},"newField":0}`), &service); err != nil {
		t.Fatal(err)
	}
	if got, want := FC2.WithoutDefaults(KindService, service), map[string]any{"internetAccess": true, "newField": json.Number("0")}; !reflect.DeepEqual(Normalize(got), Normalize(want)) {
		t.Errorf("service: got %v, want %v", got, want)
	}
	if err := json.Unmarshal([]byte(`{"description":"","runtime":"python3.10","handler":"index.handler","memorySize":128,"timeout":3,
		"diskSize":512,"instanceType":"e1","instanceConcurrency":1,"initializer":"","initializationTimeout":3,"caPort":9000,
		"environmentVariables":{},"layers":null,"nasConfig":{"userId":-1}}`), &function); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"runtime": "python3.10", "handler": "index.handler", "memorySize": int64(128), "timeout": int64(3), "nasConfig": map[string]any{"userId": int64(-1)}}
	if got := FC2.WithoutDefaults(KindFunction, function); !reflect.DeepEqual(Normalize(got), want) {
		t.Errorf("function: got %v, want %v", Normalize(got), want)
	}
	set := map[string]any{"nasConfig": map[string]any{"userId": 10003, "groupId": -1, "mountPoints": []any{map[string]any{"serverAddr": "a:/", "mountDir": "/mnt"}}},
		"tracingConfig": map[string]any{"type": "Jaeger", "params": nil}}
	want = map[string]any{"nasConfig": map[string]any{"userId": int64(10003), "mountPoints": []any{map[string]any{"serverAddr": "a:/", "mountDir": "/mnt"}}},
		"tracingConfig": map[string]any{"type": "Jaeger"}}
	if got := FC2.WithoutDefaults(KindService, set); !reflect.DeepEqual(Normalize(got), want) {
		t.Errorf("set values: got %v, want %v", Normalize(got), want)
	}
	if _, ok := set["tracingConfig"].(map[string]any)["params"]; !ok {
		t.Error("WithoutDefaults changed its argument")
	}
	// Per-qualifier configs lose their defaults qualifier by qualifier; a
	// config left with nothing stays, as {}: it was set.
	prov := map[string]any{
		"prod":   map[string]any{"target": int64(10), "alwaysAllocateCPU": true, "scheduledActions": []any{}, "targetTrackingPolicies": []any{}},
		"LATEST": map[string]any{"target": int64(1), "alwaysAllocateCPU": false, "scheduledActions": []any{}, "targetTrackingPolicies": []any{}},
	}
	want = map[string]any{"prod": map[string]any{"target": int64(10)}, "LATEST": map[string]any{"target": int64(1), "alwaysAllocateCPU": false}}
	if got := FC2.WithoutDefaults(KindProvision, prov); !reflect.DeepEqual(Normalize(got), want) {
		t.Errorf("provision: got %v, want %v", Normalize(got), want)
	}
	async := map[string]any{"LATEST": map[string]any{"statefulInvocation": nil}}
	if got := FC2.WithoutDefaults(KindAsyncInvoke, async); !reflect.DeepEqual(Normalize(got), map[string]any{"LATEST": map[string]any{}}) {
		t.Errorf("async: got %v", Normalize(got))
	}
}
