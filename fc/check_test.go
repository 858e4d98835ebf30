package fc

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		kind  Kind
		spec  map[string]any
		extra []string
		want  []string // "path: substring", "!path: substring" for a warning
	}{
		{"valid function", KindFunction, map[string]any{"runtime": "python3.10", "handler": "index.handler",
			"memorySize": int64(1024), "timeout": int64(60), "diskSize": int64(10240), "cpu": 0.35,
			"environmentVariables": map[string]any{"A": "1"}, "layers": []any{"acs:fc:x"},
			"instanceLifecycleConfig": map[string]any{"preStop": map[string]any{"handler": "h", "timeout": int64(3)}}}, nil, nil},
		{"typo", KindFunction, map[string]any{"memmorySize": int64(1024)}, nil, []string{"memmorySize: did you mean memorySize?"}},
		{"other case", KindFunction, map[string]any{"MemorySize": int64(1024)}, nil, []string{"MemorySize: did you mean memorySize?"}},
		{"unknown", KindFunction, map[string]any{"futureFeature": true}, nil, []string{"futureFeature: list function.futureFeature under extraFields"}},
		{"extra", KindFunction, map[string]any{"futureFeature": true}, []string{"futureFeature"}, nil},
		{"memory word", KindFunction, map[string]any{"memorySize": "abc"}, nil, []string{`memorySize: whole number (a multiple of 64, from 64 to 32768 MB), not "abc"`}},
		{"memory quoted", KindFunction, map[string]any{"memorySize": "128"}, nil, []string{`memorySize: not "128"; write it without quotes`}},
		{"memory 100", KindFunction, map[string]any{"memorySize": int64(100)}, nil, []string{"memorySize: not 100"}},
		{"memory 64", KindFunction, map[string]any{"memorySize": int64(64)}, nil, nil},
		{"memory 32832", KindFunction, map[string]any{"memorySize": int64(32832)}, nil, []string{"memorySize: not 32832"}},
		{"memory 1.5", KindFunction, map[string]any{"memorySize": 1.5}, nil, []string{"memorySize: whole number"}},
		{"cpu 0.33", KindFunction, map[string]any{"cpu": 0.33}, nil, []string{"cpu: a multiple of 0.05"}},
		{"timeout", KindFunction, map[string]any{"timeout": int64(0)}, nil, []string{"timeout: from 1 to 86400 seconds"}},
		{"disk", KindFunction, map[string]any{"diskSize": int64(1024)}, nil, []string{"diskSize: 512 or 10240 MB"}},
		{"runtime", KindFunction, map[string]any{"runtime": "python99"}, nil, []string{"runtime: did you mean python3.9?"}},
		{"runtime far off", KindFunction, map[string]any{"runtime": "cobol"}, nil, []string{"runtime: is not one of nodejs20"}},
		{"env number", KindFunction, map[string]any{"environmentVariables": map[string]any{"PORT": int64(80)}}, nil,
			[]string{`environmentVariables.PORT: quote it: "80"`}},
		{"nested typo", KindService, map[string]any{"logConfig": map[string]any{"logStore": "x"}}, nil,
			[]string{"logConfig.logStore: did you mean logstore?"}},
		{"list item", KindService, map[string]any{"nasConfig": map[string]any{"mountPoints": []any{
			map[string]any{"serverAddr": "a", "mountDir": int64(1)}}}}, nil, []string{"nasConfig.mountPoints[0].mountDir: must be a string"}},
		{"nested null", KindService, map[string]any{"tracingConfig": map[string]any{"type": nil, "params": nil}}, nil, nil},
		{"top-level null", KindFunction, map[string]any{"layers": nil}, nil, []string{"layers: remove the line"}},
		{"server-owned", KindFunction, map[string]any{"codeChecksum": "1"}, nil, []string{"codeChecksum: set by Function Compute"}},
		{"no trigger type", KindTrigger, map[string]any{"triggerConfig": map[string]any{}}, nil, []string{": triggerType is required (one of http"}},
		{"http without config", KindTrigger, map[string]any{"triggerType": "http"}, nil, []string{": triggerConfig is required for triggerType http"}},
		{"http methods", KindTrigger, map[string]any{"triggerType": "http", "triggerConfig": map[string]any{
			"authType": "anonymous", "methods": []any{"GET", "FETCH"}}}, nil, []string{"triggerConfig.methods[1]: has no \"FETCH\""}},
		{"http jwt", KindTrigger, map[string]any{"triggerType": "http", "triggerConfig": map[string]any{
			"authType": "jwt", "methods": []any{"GET"}, "authConfig": "{}"}}, nil, []string{"!triggerConfig.authConfig: does not check authConfig"}},
		{"http jwt silenced", KindTrigger, map[string]any{"triggerType": "http", "triggerConfig": map[string]any{
			"authType": "jwt", "methods": []any{"GET"}, "authConfig": "{}"}}, []string{"triggerConfig.authConfig"}, nil},
		{"timer", KindTrigger, map[string]any{"triggerType": "timer", "triggerConfig": map[string]any{
			"cronExpression": "0 0 2 * * *", "enable": true}}, nil, nil},
		{"timer cron", KindTrigger, map[string]any{"triggerType": "timer", "triggerConfig": map[string]any{
			"cronExpression": "0 61 * * * *"}}, nil, []string{`triggerConfig.cronExpression: minutes field "61"`}},
		{"oss events", KindTrigger, map[string]any{"triggerType": "oss", "triggerConfig": map[string]any{}}, nil,
			[]string{"triggerConfig: triggerConfig.events is required"}},
		{"config of a type the table leaves open", KindTrigger, map[string]any{"triggerType": "log",
			"triggerConfig": map[string]any{"anything": true}}, nil, nil},
		{"domain protocol", KindDomain, map[string]any{"protocol": "HTTPS,HTTP"}, nil, []string{"protocol: did you mean HTTP,HTTPS?"}},
		// Per-qualifier configs: the keys are qualifiers, the values configs.
		{"provision", KindProvision, map[string]any{"prod": map[string]any{"target": int64(10), "alwaysAllocateCPU": false,
			"scheduledActions": []any{map[string]any{"name": "day", "target": int64(5), "scheduleExpression": "cron(0 0 8 * * *)"}}},
			"LATEST": map[string]any{"target": int64(1)}}, nil, nil},
		{"provision typo", KindProvision, map[string]any{"prod": map[string]any{"target": int64(1), "taget": int64(10)}}, nil,
			[]string{"prod.taget: did you mean target?"}},
		{"provision range", KindProvision, map[string]any{"prod": map[string]any{"target": int64(10001)}}, nil,
			[]string{"prod.target: from 0 to 10000 instances, not 10001"}},
		{"provision needs a target", KindProvision, map[string]any{"prod": map[string]any{"alwaysAllocateCPU": true}}, nil,
			[]string{"prod: prod.target is required"}},
		{"provision of a version", KindProvision, map[string]any{"1": map[string]any{"target": int64(1)}}, nil,
			[]string{"1: an alias or LATEST, not a version"}},
		{"provision delete", KindProvision, map[string]any{"prod": nil}, nil, nil},
		{"provision target 0", KindProvision, map[string]any{"prod": map[string]any{"target": int64(0)}}, nil,
			[]string{"!prod: write prod: null to remove it"}},
		{"provision not a mapping", KindProvision, map[string]any{"prod": int64(10)}, nil,
			[]string{"prod: must be a mapping of provision fields (target, "}},
		{"provision field null", KindProvision, map[string]any{"prod": map[string]any{"target": nil}}, nil,
			[]string{"prod.target: remove the line"}},
		{"provision server-owned", KindProvision, map[string]any{"prod": map[string]any{"target": int64(1), "current": int64(1)}}, nil,
			[]string{"prod.current: set by Function Compute"}},
		{"provision extra", KindProvision, map[string]any{"prod": map[string]any{"target": int64(1), "newKnob": true}},
			[]string{"newKnob"}, nil},
		{"provision unknown", KindProvision, map[string]any{"prod": map[string]any{"target": int64(1), "newKnob": true}}, nil,
			[]string{"prod.newKnob: list provision.newKnob under extraFields"}},
		{"on-demand", KindOnDemand, map[string]any{"LATEST": map[string]any{"maximumInstanceCount": int64(5)}}, nil, nil},
		{"on-demand type", KindOnDemand, map[string]any{"prod": map[string]any{"maximumInstanceCount": "five"}}, nil,
			[]string{`prod.maximumInstanceCount: must be a whole number (at least 0 instances), not "five"`}},
		{"on-demand negative", KindOnDemand, map[string]any{"prod": map[string]any{"maximumInstanceCount": int64(-1)}}, nil,
			[]string{"prod.maximumInstanceCount: at least 0 instances, not -1"}},
		{"on-demand bad qualifier", KindOnDemand, map[string]any{"pr od": map[string]any{"maximumInstanceCount": int64(1)}}, nil,
			[]string{"pr od: take an alias"}},
		{"async", KindAsyncInvoke, map[string]any{"3": map[string]any{"maxAsyncRetryAttempts": int64(2),
			"destinationConfig": map[string]any{"onFailure": map[string]any{"destination": "acs:mns:cn-hangzhou:1:/queues/q/messages"}}}}, nil, nil},
		{"async range", KindAsyncInvoke, map[string]any{"LATEST": map[string]any{"maxAsyncRetryAttempts": int64(9)}}, nil,
			[]string{"LATEST.maxAsyncRetryAttempts: from 0 to 8, not 9"}},
		{"async nested typo", KindAsyncInvoke, map[string]any{"LATEST": map[string]any{"destinationConfig": map[string]any{"onFailur": map[string]any{}}}}, nil,
			[]string{"LATEST.destinationConfig.onFailur: did you mean onFailure?"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := FC2.Check(tc.kind, tc.spec, tc.extra)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems %v, want %d %v", len(got), got, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				warning := strings.HasPrefix(w, "!")
				path, sub, _ := strings.Cut(strings.TrimPrefix(w, "!"), ": ")
				if PathString(got[i].Path) != path || !strings.Contains(got[i].Msg, sub) || got[i].Warning != warning {
					t.Errorf("problem %d = %s: %q (warning %v), want %s: ...%s... (warning %v)",
						i, PathString(got[i].Path), got[i].Msg, got[i].Warning, path, sub, warning)
				}
			}
		})
	}
}

func TestCheckCron(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"0 0 2 * * *", "@every 5m", "@every 1h30m", "0 */5 8-20 ? * MON-FRI",
		"CRON_TZ=Asia/Shanghai 0 0 1 L * ?", "0 0 0 1 JAN,JUL *", "0 0 0 ? * 6#3"} {
		if err := CheckCron(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "0 2 * * *", "0 0 0 0 * * * *", "@every 30s", "@every often",
		"60 * * * * *", "0 0 24 * * *", "0 0 0 32 * *", "0 0 0 * 13 *", "0 0 0 * * 8", "0 0 0 * * FOO", "0 0 0 * */0 *"} {
		if err := CheckCron(bad); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	names := []string{"memorySize", "timeout", "runtime", "environmentVariables"}
	for in, want := range map[string]string{"memmorySize": "memorySize", "MemorySize": "memorySize",
		"timout": "timeout", "enviromentVariables": "environmentVariables", "runtim": "runtime",
		"handler": "", "x": "", "futureFeature": ""} {
		if got := Suggest(in, names); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTableReadsIntoKeyOrderAndServerOwned: the render order and the
// server-owned fields come from the table.
func TestTableReadsIntoKeyOrderAndServerOwned(t *testing.T) {
	t.Parallel()
	order := FC2.KeyOrder(KindFunction)
	if len(order) < 3 || order[0] != "description" || order[1] != "runtime" || order[2] != "handler" {
		t.Errorf("function key order %v", order)
	}
	for _, f := range order {
		if FC2.IsServerOwned(KindFunction, f) {
			t.Errorf("%s is both in the key order and server-owned", f)
		}
	}
	if !FC2.IsServerOwned(KindTrigger, "urlInternet") || FC2.IsServerOwned(KindTrigger, "triggerConfig") || FC2.IsServerOwned("nope", "x") {
		t.Error("IsServerOwned does not follow the table")
	}
}
