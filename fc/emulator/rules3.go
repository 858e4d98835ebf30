package emulator

import (
	"math"
	"net/http"
	"strings"
)

// What FC 3.0 fills in and refuses on functions (fc3-api.md 2.2). Values
// marked Guess are the reference's recommendations, not confirmed.

// runtimes3: the SDK's list plus what devsapp/fc3 also deploys
// (fc3-api.md 2.2).
var runtimes3 = []string{
	"nodejs8", "nodejs10", "nodejs12", "nodejs14", "nodejs16", "nodejs18", "nodejs20",
	"python2.7", "python3", "python3.9", "python3.10", "python3.12",
	"java8", "java11", "go1", "php7.2", "dotnetcore2.1", "dotnetcore3.1",
	"custom", "custom.debian10", "custom.debian11", "custom.debian12", "custom-container",
}

var gpuTypes3 = []string{"fc.gpu.tesla.1", "fc.gpu.ampere.1", "fc.gpu.ada.1", "g1"}

// functionDefaults3 is what a Get returns for what a create left out:
// "cleared" shapes rather than nulls, as devsapp/fc3 writes them to clear
// a setting (fc3-api.md 2.1). Guess: memorySize 512, cpu 0.35 and
// diskSize 512 are the console's values; NAS ids 0 as fc3 clears them.
func functionDefaults3() map[string]any {
	return map[string]any{
		"description":          "",
		"handler":              "",
		"role":                 "",
		"timeout":              3,
		"memorySize":           512,
		"diskSize":             512,
		"instanceConcurrency":  1,
		"internetAccess":       true,
		"environmentVariables": map[string]any{},
		"layers":               []any{},
		"logConfig": map[string]any{"project": "", "logstore": "", "enableRequestMetrics": false,
			"enableInstanceMetrics": false, "enableLlmMetrics": false, "logBeginRule": "None"},
		"vpcConfig":             map[string]any{"vpcId": "", "vSwitchIds": []any{}, "securityGroupId": "", "role": ""},
		"nasConfig":             map[string]any{"userId": 0, "groupId": 0, "mountPoints": []any{}},
		"ossMountConfig":        map[string]any{"mountPoints": []any{}},
		"tracingConfig":         map[string]any{},
		"instanceIsolationMode": "SHARE",
		"sessionAffinity":       "NONE",
		"disableOndemand":       false,
	}
}

// Defaults inside the nested configurations, applied when they are set.
var (
	healthCheckDefaults3 = map[string]any{"failureThreshold": 3, "initialDelaySeconds": 0, "periodSeconds": 3,
		"successThreshold": 1, "timeoutSeconds": 1}
	runtimeConfigDefaults3   = map[string]any{"command": []any{}, "args": []any{}, "port": 9000}
	containerConfigDefaults3 = map[string]any{"command": []any{}, "entrypoint": []any{}, "port": 9000}
)

// completeFunction3 fills the defaults of a function after a write, nested
// ones included. Guess: without cpu, a memory other than the console's 512
// MB gets the smallest cpu the 1:4 ratio allows.
func completeFunction3(attrs map[string]any) {
	complete(attrs, functionDefaults3())
	if _, set := attrs["cpu"]; !set {
		mem, _ := asFloat(attrs["memorySize"])
		cpu := 0.35
		if mem != 512 {
			cpu = math.Max(0.05, math.Ceil(mem/4096/0.05-1e-9)*0.05)
		}
		attrs["cpu"] = math.Round(cpu*100) / 100
	}
	for key, d := range map[string]map[string]any{"customRuntimeConfig": runtimeConfigDefaults3,
		"customContainerConfig": containerConfigDefaults3} {
		if c, ok := attrs[key].(map[string]any); ok {
			complete(c, d)
			if hc, ok := c["healthCheckConfig"].(map[string]any); ok {
				complete(hc, healthCheckDefaults3)
			}
		}
	}
	if ilc, ok := attrs["instanceLifecycleConfig"].(map[string]any); ok {
		for _, hook := range []string{"initializer", "preStop"} {
			if h, ok := ilc[hook].(map[string]any); ok {
				complete(h, map[string]any{"timeout": 3})
			}
		}
	}
}

// checkFunctionRules3 checks a function after a write is merged in
// (fc3-api.md 2.2, "Validation to reproduce").
func checkFunctionRules3(attrs map[string]any) *apiError {
	rt := stringField(attrs, "runtime")
	checks := []func() *apiError{
		func() *apiError { return oneOf(attrs, "runtime", runtimes3) },
		func() *apiError {
			if stringField(attrs, "handler") == "" {
				return invalidArgument("Handler is required but not provided")
			}
			return nil
		},
		func() *apiError { return intIn(attrs, "memorySize", 128, 32768, 64) },
		func() *apiError { return intIn(attrs, "timeout", 1, 86400, 0) },
		func() *apiError {
			return oneOf(map[string]any{"diskSize": fmtNumber(attrs["diskSize"])}, "diskSize", []string{"512", "10240"})
		},
		func() *apiError {
			cpu, _ := asFloat(attrs["cpu"])
			if q := cpu / 0.05; cpu < 0.05 || cpu > 16 || math.Abs(q-math.Round(q)) > 1e-6 {
				return invalidValue("cpu", "a multiple of 0.05 from 0.05 to 16", attrs["cpu"])
			}
			mem, _ := asFloat(attrs["memorySize"])
			if r := mem / 1024 / cpu; r < 1-1e-9 || r > 4+1e-9 {
				return invalidArgument("the ratio of cpu to memorySize (in GB) must be from 1:1 to 1:4, actual: cpu %v, memorySize %v",
					display(attrs["cpu"]), display(attrs["memorySize"]))
			}
			return nil
		},
		func() *apiError {
			if aerr := intIn(attrs, "instanceConcurrency", 1, 200, 0); aerr != nil {
				return aerr
			}
			// Standard runtimes no longer take more than one request per
			// instance (fc3-api.md 2.2 defaults).
			if n, _ := asInt(attrs["instanceConcurrency"]); n > 1 && !strings.HasPrefix(rt, "custom") {
				return invalidValue("instanceConcurrency", "1 for runtime "+rt+" (more only for custom runtimes and containers)", n)
			}
			return nil
		},
		func() *apiError {
			gc, ok := attrs["gpuConfig"].(map[string]any)
			if !ok {
				return nil
			}
			if aerr := intIn(gc, "gpuMemorySize", 1024, math.MaxInt32, 1024); aerr != nil {
				return invalidValue("gpuConfig.gpuMemorySize", "a multiple of 1024", gc["gpuMemorySize"])
			}
			if aerr := oneOf(gc, "gpuType", gpuTypes3); aerr != nil {
				return invalidValue("gpuConfig.gpuType", strings.Join(gpuTypes3, " | "), gc["gpuType"])
			}
			return nil
		},
		func() *apiError { return checkHealthChecks3(attrs) },
		func() *apiError {
			ilc, _ := attrs["instanceLifecycleConfig"].(map[string]any)
			for hook, most := range map[string]int64{"initializer": 300, "preStop": 90} {
				if h, ok := ilc[hook].(map[string]any); ok {
					if aerr := intIn(h, "timeout", 1, most, 0); aerr != nil {
						return invalidValue("instanceLifecycleConfig."+hook+".timeout", "1 to "+fmtNumber(most), h["timeout"])
					}
				}
			}
			return nil
		},
		func() *apiError {
			if rt == "custom-container" {
				if ccc, _ := attrs["customContainerConfig"].(map[string]any); stringField(ccc, "image") == "" {
					return invalidArgument("CustomContainerConfig.Image is required for runtime custom-container")
				}
			}
			return nil
		},
		func() *apiError { return checkServiceRules(attrs) },
	}
	for _, check := range checks {
		if aerr := check(); aerr != nil {
			return aerr
		}
	}
	return nil
}

// checkHealthChecks3: the ranges of the SDK's doc-comments.
func checkHealthChecks3(attrs map[string]any) *apiError {
	for _, key := range []string{"customRuntimeConfig", "customContainerConfig"} {
		c, _ := attrs[key].(map[string]any)
		hc, ok := c["healthCheckConfig"].(map[string]any)
		if !ok {
			continue
		}
		ranges := map[string][2]int64{"failureThreshold": {1, 120}, "initialDelaySeconds": {0, 120},
			"periodSeconds": {1, 120}, "successThreshold": {1, 120}, "timeoutSeconds": {1, 3}}
		for _, f := range sortedKeys(ranges) {
			if aerr := intIn(hc, f, ranges[f][0], ranges[f][1], 0); aerr != nil {
				return invalidValue(key+".healthCheckConfig."+f, fmtNumber(ranges[f][0])+" to "+fmtNumber(ranges[f][1]), hc[f])
			}
		}
		if len(stringField(hc, "httpGetUrl")) > 2048 {
			return invalidValue(key+".healthCheckConfig.httpGetUrl", "at most 2048 characters", hc["httpGetUrl"])
		}
	}
	return nil
}

// tagList3 reads a create's tags [{Key, Value}] into a map: at most 20,
// keys unique (fc3-api.md 2.2).
func tagList3(list []any) (map[string]string, *apiError) {
	if len(list) == 0 {
		return nil, nil
	}
	tags := map[string]any{}
	for _, t := range list {
		kv, _ := t.(map[string]any)
		k := stringField(kv, "Key")
		if _, dup := tags[k]; dup {
			return nil, invalidValue("tags", "unique keys", k)
		}
		tags[k] = stringField(kv, "Value")
	}
	if aerr := checkTags(tags, nil); aerr != nil {
		return nil, aerr
	}
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[k] = v.(string)
	}
	return out, nil
}

// maxTriggersPerFunction: FC 3.0's quota (fc3-api.md 2.2). Guess: the code
// of the refusal is FC 2.0's LimitExceeded. FC 2.0's reference gives no
// such quota, so its dialects are not held to it.
const maxTriggersPerFunction = 50

func triggerLimit(req *request, fn *function) *apiError {
	if req.dialect == dialect2023 && len(fn.Triggers) >= maxTriggersPerFunction {
		return errorf(http.StatusBadRequest, "LimitExceeded", "a function has at most %d triggers", maxTriggersPerFunction)
	}
	return nil
}

func fmtNumber(v any) string { return display(v) }
