package sync

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// fixtureState is a service with a zip function and a custom-container
// function, HTTP, timer and OSS triggers, and a custom domain, as fetch
// would read them (Status and ETag set).
func fixtureState() *State {
	s := NewState()
	add := func(id fc.ID, spec, status map[string]any, etag string) {
		s.Resources[id] = &fc.Resource{ID: id, Spec: spec, Status: status, ETag: etag}
	}
	add(fc.ServiceID("svc"), map[string]any{
		"description":    "demo service",
		"internetAccess": true,
		"role":           "acs:ram::123:role/fc",
		"logConfig":      map[string]any{"project": "p", "logstore": "l", "enableRequestMetrics": false},
	}, map[string]any{"serviceId": "s-1", "lastModifiedTime": "2024-01-02T03:04:05Z"}, "e-svc")
	add(fc.FunctionID("svc", "http-fn"), map[string]any{
		"runtime":     "python3.9",
		"handler":     "index.handler",
		"memorySize":  int64(128),
		"timeout":     int64(60),
		"description": "",
		"environmentVariables": map[string]any{
			"PORT": "8080", "DEBUG": "true", "EMPTY": "", "NAME": "fc",
		},
		"newFieldFromFC": map[string]any{"b": int64(2), "a": []any{"x", int64(1)}},
	}, map[string]any{"codeChecksum": "123456789", "codeSize": int64(300)}, "e-fn")
	add(fc.FunctionID("svc", "image-fn"), map[string]any{
		"runtime":    "custom-container",
		"handler":    "not-used",
		"memorySize": int64(1024),
		"customContainerConfig": map[string]any{
			"image":   "registry.cn-hangzhou.aliyuncs.com/ns/app:v1",
			"command": `["python", "app.py"]`,
		},
		"caPort": int64(9000),
	}, map[string]any{"customContainerConfig.accelerationInfo": map[string]any{"status": "Ready"}}, "e-img")
	add(fc.TriggerID("svc", "http-fn", "http"), map[string]any{
		"triggerType": "http",
		"triggerConfig": map[string]any{
			"authType": "anonymous",
			"methods":  []any{"GET", "POST"},
		},
	}, map[string]any{"urlInternet": "https://x.example/"}, "e-http")
	add(fc.TriggerID("svc", "http-fn", "timer"), map[string]any{
		"triggerType": "timer",
		"triggerConfig": map[string]any{
			"cronExpression": "@every 5m",
			"enable":         true,
			"payload":        "123",
		},
	}, map[string]any{}, "e-timer")
	add(fc.TriggerID("svc", "http-fn", "oss"), map[string]any{
		"triggerType":    "oss",
		"sourceArn":      "acs:oss:cn-hangzhou:123:bucket",
		"invocationRole": "acs:ram::123:role/oss",
		"triggerConfig": map[string]any{
			"events": []any{"oss:ObjectCreated:*"},
			"filter": map[string]any{"key": map[string]any{"prefix": "in/", "suffix": ""}},
		},
	}, map[string]any{}, "e-oss")
	add(fc.DomainID("api.example.com"), map[string]any{
		"protocol": "HTTP",
		"routeConfig": map[string]any{"routes": []any{
			map[string]any{"path": "/*", "serviceName": "svc", "functionName": "http-fn"},
		}},
	}, map[string]any{"accountId": "123"}, "")
	s.Code[fc.FunctionID("svc", "http-fn")] = filetree.Tree{
		"index.py":  {Data: []byte("def handler(event, context):\n    return 'ok'\n")},
		"bin/run":   {Data: []byte("#!/bin/sh\n"), Mode: filetree.Executable},
		"lib/alias": {Data: []byte("../index.py"), Mode: filetree.Symlink},
	}
	return s
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	tree, err := Render(fixtureState(), RenderOptions{Live: true, Salt: "00ff"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"services/svc/service.yaml": `description: demo service
role: acs:ram::123:role/fc
internetAccess: true
logConfig:
  enableRequestMetrics: false
  logstore: l
  project: p
`,
		"services/svc/functions/http-fn/function.yaml": `description: ""
runtime: python3.9
handler: index.handler
memorySize: 128
timeout: 60
environmentVariables:
  DEBUG: "true"
  EMPTY: ""
  NAME: fc
  PORT: "8080"
newFieldFromFC:
  a:
    - x
    - 1
  b: 2
`,
		"services/svc/functions/image-fn/function.yaml": `runtime: custom-container
handler: not-used
memorySize: 1024
caPort: 9000
customContainerConfig:
  command: '["python", "app.py"]'
  image: registry.cn-hangzhou.aliyuncs.com/ns/app:v1
`,
		"services/svc/functions/http-fn/triggers/http.yaml": `triggerType: http
triggerConfig:
  authType: anonymous
  methods:
    - GET
    - POST
`,
		"services/svc/functions/http-fn/triggers/timer.yaml": `triggerType: timer
triggerConfig:
  cronExpression: '@every 5m'
  enable: true
  payload: "123"
`,
		"services/svc/functions/http-fn/triggers/oss.yaml": `triggerType: oss
invocationRole: acs:ram::123:role/oss
sourceArn: acs:oss:cn-hangzhou:123:bucket
triggerConfig:
  events:
    - oss:ObjectCreated:*
  filter:
    key:
      prefix: in/
      suffix: ""
`,
		"domains/api.example.com.yaml": `protocol: HTTP
routeConfig:
  routes:
    - functionName: http-fn
      path: /*
      serviceName: svc
`,
		"services/svc/functions/http-fn/code/index.py":  "def handler(event, context):\n    return 'ok'\n",
		"services/svc/functions/http-fn/code/bin/run":   "#!/bin/sh\n",
		"services/svc/functions/http-fn/code/lib/alias": "../index.py",
	}
	for p, w := range want {
		if got := string(tree[p].Data); got != w {
			t.Errorf("%s:\n%s\nwant:\n%s", p, got, w)
		}
	}
	if m := tree["services/svc/functions/http-fn/code/bin/run"].Mode; m != filetree.Executable {
		t.Errorf("bin/run mode %v, want executable", m)
	}
	if m := tree["services/svc/functions/http-fn/code/lib/alias"].Mode; m != filetree.Symlink {
		t.Errorf("lib/alias mode %v, want symlink", m)
	}
	live := string(tree[LiveFile].Data)
	for _, frag := range []string{
		"{\n  \"version\": 1,\n  \"salt\": \"00ff\",\n  \"resources\": {\n",
		`    "domains/api.example.com.yaml": {` + "\n" + `      "status": {` + "\n" + `        "accountId": "123"`,
		`"etag": "e-fn",` + "\n" + `      "status": {` + "\n" + `        "codeChecksum": "123456789",` + "\n" + `        "codeSize": 300`,
	} {
		if !strings.Contains(live, frag) {
			t.Errorf("live.json lacks %q:\n%s", frag, live)
		}
	}
	if !strings.HasSuffix(live, "}\n") {
		t.Error("live.json has no trailing newline")
	}
	if len(tree) != len(want)+1 {
		t.Errorf("tree has %d files, want %d: %v", len(tree), len(want)+1, tree.Paths())
	}
	// Status never reaches the project files.
	for p, f := range tree {
		if p != LiveFile && (bytes.Contains(f.Data, []byte("codeChecksum")) || bytes.Contains(f.Data, []byte("e-fn"))) {
			t.Errorf("%s holds status", p)
		}
	}
}

func TestRenderWithoutLiveAndEmptySpec(t *testing.T) {
	t.Parallel()
	s := NewState()
	s.Resources[fc.ServiceID("svc")] = &fc.Resource{ID: fc.ServiceID("svc"), Spec: map[string]any{}, ETag: "x"}
	tree, err := Render(s, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := tree.Paths(); !reflect.DeepEqual(got, []string{"services/svc/service.yaml"}) {
		t.Fatalf("paths %v", got)
	}
	if got := string(tree["services/svc/service.yaml"].Data); got != "{}\n" {
		t.Errorf("empty spec rendered as %q", got)
	}
}

func TestRenderRefuses(t *testing.T) {
	t.Parallel()
	bad := NewState()
	bad.Resources[fc.ServiceID("bad name")] = &fc.Resource{ID: fc.ServiceID("bad name"), Spec: map[string]any{}}
	if _, err := Render(bad, RenderOptions{}); err == nil {
		t.Error("invalid name rendered")
	}
	escape := fixtureState()
	escape.Code[fc.FunctionID("svc", "http-fn")]["../function.yaml"] = filetree.File{}
	if _, err := Render(escape, RenderOptions{}); err == nil {
		t.Error("escaping code path rendered")
	}
	orphan := fixtureState()
	orphan.Code[fc.FunctionID("svc", "gone")] = filetree.Tree{"a": {}}
	if _, err := Render(orphan, RenderOptions{}); err == nil {
		t.Error("code of a missing function rendered")
	}
}

// TestRenderDeterministic renders the same state built with maps filled in
// other orders; every byte must agree.
func TestRenderDeterministic(t *testing.T) {
	t.Parallel()
	first, err := Render(fixtureState(), RenderOptions{Live: true, Salt: "s"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		s := reshuffle(fixtureState(), i)
		again, err := Render(s, RenderOptions{Live: true, Salt: "s"})
		if err != nil {
			t.Fatal(err)
		}
		if ch := filetree.Changed(first, again); len(ch) > 0 {
			t.Fatalf("render %d differs in %v", i, ch)
		}
	}
}

// reshuffle rebuilds every map of s with keys inserted in an order that
// depends on seed, so that map iteration order cannot leak into output.
func reshuffle(s *State, seed int) *State {
	out := NewState()
	for id, r := range s.Resources {
		out.Resources[id] = &fc.Resource{ID: id, Spec: reshuffleValue(r.Spec, seed).(map[string]any),
			Status: reshuffleValue(r.Status, seed).(map[string]any), ETag: r.ETag}
	}
	for id, c := range s.Code {
		out.Code[id] = filetree.Tree{}
		ps := c.Paths()
		for i := range ps {
			p := ps[(i+seed)%len(ps)]
			out.Code[id][p] = c[p]
		}
	}
	return out
}

func reshuffleValue(v any, seed int) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		m := make(map[string]any, len(x))
		for i := range keys {
			j := (i + seed) % len(keys)
			if seed%2 == 1 {
				j = len(keys) - 1 - j
			}
			k := keys[j]
			m[k] = reshuffleValue(x[k], seed)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = reshuffleValue(e, seed)
		}
		return l
	}
	return v
}
