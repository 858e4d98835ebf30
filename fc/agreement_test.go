package fc_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/fc/emulator"
	"github.com/fcsync/fcsync/internal/fcconsole"
)

// TestTableAgreesWithEmulator holds fcsync's table of kinds and the
// emulator's own reading of the reference against each other: every sample
// the one refuses, the other refuses, and every sample the one accepts, the
// other accepts. The two were written apart from fc-api.md, so a mistake in
// either shows up here as a disagreement.
func TestTableAgreesWithEmulator(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{MaxFunctionsPerService: 1000})
	c := newClient(t, srv)
	ctx := testContext(t)
	mustCreate(t, c, fc.ServiceID("svc"), nil, nil)
	code := makeZip(t, map[string]string{"index.py": ""})
	// FC refuses a layer version that does not exist, which no table can
	// know: the samples name one that does.
	console, err := fcconsole.New(srv.URL, testKeyID, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := console.PublishLayer("x", code, "python3.9"); err != nil {
		t.Fatal(err)
	}

	type sample struct {
		kind fc.Kind
		spec map[string]any
	}
	var samples []sample
	fn := func(k string, v any) {
		samples = append(samples, sample{fc.KindFunction, map[string]any{"runtime": "python3.9", "handler": "index.handler", k: v}})
	}
	for _, r := range append(fc.Runtimes, "python99", "nodejs", "Python3.9") {
		fn("runtime", r)
	}
	for _, m := range []int64{0, 64, 100, 128, 1536, 32768, 32832} {
		fn("memorySize", m)
	}
	fn("memorySize", "abc")
	for _, v := range []int64{0, 1, 600, 86400, 86401} {
		fn("timeout", v)
	}
	for _, v := range []int64{0, 1, 300, 301} {
		fn("initializationTimeout", v)
	}
	for _, v := range []int64{0, 512, 1024, 10240} {
		fn("diskSize", v)
	}
	for _, v := range []string{"e1", "c1", "fc.gpu.tesla.1", "fc.gpu.ampere.1", "g1", "e2", "E1"} {
		fn("instanceType", v)
	}
	for _, v := range []float64{0.05, 0.35, 0.33, 1.5, 32} {
		fn("cpu", v)
	}
	for _, v := range []int64{0, 1024, 1000} {
		fn("gpuMemorySize", v)
	}
	for _, v := range []int64{0, 1, 9000, 65535, 65536} {
		fn("caPort", v)
	}
	fn("instanceConcurrency", int64(0))
	fn("instanceConcurrency", int64(1000))
	fn("environmentVariables", map[string]any{"PORT": "8080"})
	fn("environmentVariables", map[string]any{"PORT": int64(8080)})
	fn("environmentVariables", map[string]any{"ON": true})
	fn("layers", []any{"acs:fc:cn-hangzhou:" + testAccount + ":layers/x/versions/1"})
	fn("layers", "acs:fc:x")
	fn("instanceLifecycleConfig", map[string]any{"preStop": map[string]any{"handler": "h", "timeout": int64(90)}})
	fn("instanceLifecycleConfig", map[string]any{"preStop": map[string]any{"handler": "h", "timeout": int64(91)}})
	fn("customDNS", map[string]any{"nameServers": []any{"1.1.1.1"}, "dnsOptions": []any{map[string]any{"name": "ndots", "value": "2"}}})

	trig := func(typ string, cfg map[string]any) {
		spec := map[string]any{"triggerConfig": cfg}
		if typ != "" {
			spec["triggerType"] = typ
		}
		samples = append(samples, sample{fc.KindTrigger, spec})
	}
	trig("", map[string]any{"authType": "anonymous", "methods": []any{"GET"}})
	trig("ftp", map[string]any{})
	for _, auth := range []string{"anonymous", "function", "jwt", "open"} {
		trig("http", map[string]any{"authType": auth, "methods": []any{"GET"}})
	}
	trig("http", map[string]any{"authType": "anonymous"})
	trig("http", map[string]any{"authType": "anonymous", "methods": []any{}})
	trig("http", map[string]any{"authType": "anonymous", "methods": []any{"GET", "FETCH"}})
	trig("http", map[string]any{"authType": "anonymous", "methods": []any{"OPTIONS"}, "disableURLInternet": true})
	for _, cron := range []string{"0 0 2 * * *", "@every 1m", "@every 90m", "@every 30s", "0 2 * * *",
		"0 0 24 * * *", "0 60 * * * *", "0 0 0 ? * MON-FRI", "0 0 0 L * ?", "CRON_TZ=Asia/Shanghai 0 0 8 * * *",
		"0 0 0 * * 7", "0 0 0 * * 8", "0 0 0 32 * *", "0 */15 * * * *"} {
		trig("timer", map[string]any{"cronExpression": cron, "enable": true})
	}
	trig("timer", map[string]any{"enable": true})
	trig("oss", map[string]any{"events": []any{"oss:ObjectCreated:*"}})
	trig("oss", map[string]any{"events": []any{}})
	trig("log", map[string]any{"anything": "goes"})

	for _, p := range []string{"HTTP", "HTTPS", "HTTP,HTTPS", "HTTPS,HTTP", "http", "FTP"} {
		samples = append(samples, sample{fc.KindDomain, map[string]any{"protocol": p}})
	}
	route := func(methods ...any) map[string]any {
		return map[string]any{"routeConfig": map[string]any{"routes": []any{map[string]any{
			"path": "/*", "serviceName": "svc", "functionName": "f", "methods": methods}}}}
	}
	samples = append(samples,
		sample{fc.KindDomain, route("GET", "POST")},
		sample{fc.KindDomain, route("GET", "FETCH")},
		sample{fc.KindDomain, map[string]any{"wafConfig": map[string]any{"enableWAF": "on"}}},
		sample{fc.KindService, map[string]any{"vpcConfig": map[string]any{"vSwitchIds": "vsw-1"}}},
		sample{fc.KindService, map[string]any{"nasConfig": map[string]any{"userId": "root"}}},
		sample{fc.KindService, map[string]any{"tracingConfig": map[string]any{"type": "Jaeger", "params": map[string]any{"endpoint": "e"}}}},
		sample{fc.KindService, map[string]any{"internetAccess": "yes"}},
		sample{fc.KindService, map[string]any{"logConfig": map[string]any{"project": "p", "logBeginRule": "DefaultRegex"}}},
		sample{fc.KindService, map[string]any{"logConfig": map[string]any{"logBeginRule": "Always"}}},
		sample{fc.KindService, map[string]any{"nasConfig": map[string]any{"mountPoints": fiveOrSix(6)}}},
		sample{fc.KindService, map[string]any{"nasConfig": map[string]any{"mountPoints": fiveOrSix(5)}}},
	)

	for i, s := range samples {
		var tableErrs []string
		for _, p := range fc.FC2.Check(s.kind, s.spec, nil) {
			if !p.Warning {
				tableErrs = append(tableErrs, fc.PathString(p.Path)+": "+p.Msg)
			}
		}
		name := fmt.Sprintf("f%d", i)
		var id fc.ID
		var zip []byte
		switch s.kind {
		case fc.KindFunction:
			id, zip = fc.FunctionID("svc", name), code
		case fc.KindTrigger:
			// A function of its own, so one HTTP trigger per function holds.
			mustCreate(t, c, fc.FunctionID("svc", name), map[string]any{"runtime": "python3.9", "handler": "h"}, code)
			id = fc.TriggerID("svc", name, "t")
		case fc.KindDomain:
			id = fc.DomainID(name + ".example.com")
		case fc.KindService:
			id = fc.ServiceID(name)
		}
		_, err := c.Create(ctx, id, s.spec, zip)
		var apiErr *fc.Error
		refused := errors.As(err, &apiErr) && apiErr.Code == "InvalidArgument"
		if err != nil && !refused {
			t.Fatalf("%s %v: %v", s.kind, s.spec, err)
		}
		if refused != (len(tableErrs) > 0) {
			t.Errorf("%s %v: the table says %q, the emulator says %v", s.kind, s.spec, tableErrs, err)
		}
	}
}

func fiveOrSix(n int) []any {
	var out []any
	for i := range n {
		out = append(out, map[string]any{"serverAddr": "nas.example.com:/", "mountDir": fmt.Sprintf("/mnt/%d", i)})
	}
	return out
}
