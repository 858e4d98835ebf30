package sync

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// fc2Project is a two-service FC 2.0 project: service-level settings,
// triggers, per-qualifier configs, an alias, a domain routing to both
// services and a layer.
var fc2Project = map[string]string{
	"fcsync.yaml": "region: cn-hangzhou\n",
	"README.md":   "# shop\n",
	"services/shop/service.yaml": `description: the shop
role: acs:ram::123:role/fc
internetAccess: true
logConfig:
  project: p
  logstore: s
nasConfig:
  mountPoints:
    - serverAddr: nas.example.com:/shop
      mountDir: /mnt/shop
tags:
  team: pay
`,
	"services/shop/functions/web/function.yaml": `runtime: python3.10
handler: index.handler
memorySize: 512
timeout: 30
instanceType: c1
initializer: index.init
initializationTimeout: 10
layers: [layer:shared]
`,
	"services/shop/functions/web/code/index.py":  "def handler(e, c): return 'hi'\n",
	"services/shop/functions/web/code/.fcignore": "*.log\n",
	"services/shop/functions/web/code/debug.log": "ignored\n",
	"services/shop/functions/web/triggers/http.yaml": `# the public entry
triggerType: http
triggerConfig:
  authType: anonymous  # no signature
  methods: [GET, POST]
`,
	"services/shop/functions/web/provision.yaml": `# warm for the sale
LATEST:
  target: 2
`,
	"services/shop/functions/web/on-demand.yaml": "LATEST:\n  maximumInstanceCount: 10\n",
	"services/shop/functions/web/async-invoke.yaml": `LATEST:
  maxAsyncRetryAttempts: 1
  statefulInvocation: true  # tasks
  destinationConfig:
    onFailure:
      destination: acs:mns:cn-hangzhou:123:/queues/dead/messages
`,
	"services/shop/aliases/prod.yaml": "versionId: \"1\"\n",
	"services/jobs/service.yaml":      "description: batch\nvpcBindings: [vpc-1]\n",
	"services/jobs/functions/nightly/function.yaml": `runtime: custom.debian10
handler: main
memorySize: 1024
caPort: 8080
`,
	"services/jobs/functions/nightly/code/bootstrap": "#!/bin/sh\n",
	"services/jobs/functions/nightly/triggers/cron.yaml": `triggerType: timer
triggerConfig:
  cronExpression: "@every 1h"
  enable: true
`,
	"domains/shop.example.com.yaml": `# the storefront
protocol: HTTP
routeConfig:
  routes:
    - path: /*
      serviceName: shop  # where the shop lives
      functionName: web
    - path: /jobs
      serviceName: jobs
      functionName: nightly
      qualifier: LATEST
`,
	"layers/shared/layer.yaml":       "compatibleRuntime: [python3.10]\n",
	"layers/shared/code/lib/util.py": "X = 1\n",
}

// fc3Migrated is fc2Project in FC 3.0's layout: what MigrateTree makes.
var fc3Migrated = map[string]string{
	"fcsync.yaml": "region: cn-hangzhou\n",
	"README.md":   "# shop\n",
	"functions/shop$web/function.yaml": `runtime: python3.10
handler: index.handler
memorySize: 512
timeout: 30
layers:
  - layer:shared
role: acs:ram::123:role/fc
logConfig:
  logstore: s
  project: p
nasConfig:
  groupId: -1
  mountPoints:
    - mountDir: /mnt/shop
      serverAddr: nas.example.com:/shop
  userId: -1
instanceLifecycleConfig:
  initializer:
    handler: index.init
    timeout: 10
`,
	"functions/shop$web/code/index.py":  "def handler(e, c): return 'hi'\n",
	"functions/shop$web/code/.fcignore": "*.log\n",
	"functions/shop$web/code/debug.log": "ignored\n",
	"functions/shop$web/triggers/http.yaml": `# the public entry
triggerType: http
triggerConfig:
  authType: anonymous  # no signature
  methods: [GET, POST]
`,
	"functions/shop$web/provision.yaml": `# warm for the sale
LATEST:
  target: 2
`,
	"functions/shop$web/async-invoke.yaml": `LATEST:
  maxAsyncRetryAttempts: 1
  asyncTask: true # tasks
  destinationConfig:
    onFailure:
      destination: acs:mns:cn-hangzhou:123:/queues/dead/messages
`,
	"functions/jobs$nightly/function.yaml": `runtime: custom.debian10
handler: main
memorySize: 1024
customRuntimeConfig:
  port: 8080
`,
	"functions/jobs$nightly/code/bootstrap": "#!/bin/sh\n",
	"functions/jobs$nightly/triggers/cron.yaml": `triggerType: timer
triggerConfig:
  cronExpression: "@every 1h"
  enable: true
`,
	"domains/shop.example.com.yaml": `# the storefront
protocol: HTTP
routeConfig:
  routes:
    - path: /*
      functionName: shop$web # where the shop lives
    - path: /jobs
      functionName: jobs$nightly
      qualifier: LATEST
`,
	"layers/shared/layer.yaml":       "compatibleRuntime: [python3.10]\n",
	"layers/shared/code/lib/util.py": "X = 1\n",
}

var fc3MigrationNotes = []string{
	"services/jobs/service.yaml: description: FC 3.0 has no services (the functions keep their own descriptions)",
	"services/jobs/service.yaml: vpcBindings: FC 3.0 binds VPCs per function, which fcsync does not manage yet",
	"services/shop/aliases/prod.yaml: FC 2.0 aliases and versions belong to the service, and how FC 3.0 shows them per function is not confirmed",
	"services/shop/functions/web/function.yaml: instanceType: FC 3.0 functions have no such field",
	"services/shop/functions/web/on-demand.yaml: FC 3.0 has no on-demand configs; its concurrency.yaml (reservedConcurrency) limits the function's instances differently, set it by hand",
	"services/shop/service.yaml: description: FC 3.0 has no services (the functions keep their own descriptions)",
	"services/shop/service.yaml: tags: FC 3.0 tags functions, and fcsync does not manage FC 3.0 tags yet",
}

func treeOf(files map[string]string) filetree.Tree {
	t := filetree.Tree{}
	for p, s := range files {
		t[p] = filetree.File{Data: []byte(s)}
	}
	return t
}

func TestMigrateTree(t *testing.T) {
	t.Parallel()
	got, m, err := MigrateTree(treeOf(fc2Project))
	if err != nil {
		t.Fatal(err)
	}
	want := treeOf(fc3Migrated)
	if !reflect.DeepEqual(got.Paths(), want.Paths()) {
		t.Fatalf("paths\n%s\nwant\n%s", strings.Join(got.Paths(), "\n"), strings.Join(want.Paths(), "\n"))
	}
	for _, p := range want.Paths() {
		g, _ := got[p].Bytes()
		if string(g) != fc3Migrated[p] {
			t.Errorf("%s:\n%s\nwant\n%s", p, g, fc3Migrated[p])
		}
	}
	if !reflect.DeepEqual(m.Notes, fc3MigrationNotes) {
		t.Errorf("notes:\n%s\nwant\n%s", strings.Join(m.Notes, "\n"), strings.Join(fc3MigrationNotes, "\n"))
	}
	if want := map[string][]string{"shop": {"shop$web"}, "jobs": {"jobs$nightly"}}; !reflect.DeepEqual(m.Functions, want) {
		t.Errorf("functions %v, want %v", m.Functions, want)
	}
	if m.State.API.String() != "fc3" {
		t.Errorf("api %s", m.State.API)
	}
	// What MigrateTree wrote is what the FC 3.0 state says.
	if _, err := Parse(m.State.API, got); err != nil {
		t.Error(err)
	}
}

// A migration whose result FC 3.0 would refuse is refused, naming the file.
func TestMigrateTreeRefusesInvalidResult(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"services/s/service.yaml":              "{}\n",
		"services/s/functions/f/function.yaml": "runtime: python3.6\nhandler: index.handler\nmemorySize: 64\n",
	}
	_, _, err := MigrateTree(treeOf(files))
	if !errors.Is(err, ErrInvalidProject) || !strings.Contains(err.Error(), "functions/s$f/function.yaml") {
		t.Fatalf("err = %v, want the FC 3.0 file named", err)
	}
}

func TestMigrateConfig(t *testing.T) {
	t.Parallel()
	in := `# the shop's project
region: cn-hangzhou
services: [shop, jobs] # both
extraFields: [service.newKey]
`
	out, notes, err := MigrateConfig([]byte(in), map[string][]string{"shop": {"shop$api", "shop$web"}, "jobs": {"jobs$nightly"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `# the shop's project
region: cn-hangzhou
api: fc3
functions: [shop$api, shop$web, jobs$nightly] # both
extraFields: [function.newKey]
`
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "service.newKey is now function.newKey") {
		t.Errorf("notes %q", notes)
	}
	cfg, err := LoadConfig(ConfigFile, out)
	if err != nil || cfg.API.String() != "fc3" || len(cfg.Functions) != 3 {
		t.Fatalf("LoadConfig: %+v, %v", cfg, err)
	}
}

// The FC 2.0 function fields FC 3.0 moved or dropped, one by one.
func TestMigrateFunctionFields(t *testing.T) {
	t.Parallel()
	old, err := Parse(fc.FC2, treeOf(map[string]string{
		"services/s/service.yaml": "{}\n",
		"services/s/functions/py/function.yaml": `runtime: python3.10
handler: index.handler
caPort: 8080
initializationTimeout: 5
instanceSoftConcurrency: 2
instanceLifecycleConfig:
  preFreeze: {handler: index.freeze}
  preStop: {handler: index.stop, timeout: 5}
`,
		"services/s/functions/box/function.yaml": `runtime: custom-container
customContainerConfig:
  image: registry.example.com/app:1
  command: '["node"]'
  instanceID: cri-1
customHealthCheckConfig:
  httpGetUrl: /ready
`,
		"domains/d.example.com.yaml": "routeConfig:\n  routes:\n    - path: /x\n      functionName: py\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	m := Migrate(old)
	spec := func(fn string) map[string]any {
		return m.State.Resources[fc.ID{API: fc.FC3, Kind: fc.KindFunction, Function: fn}].Spec
	}
	wantPy := map[string]any{"runtime": "python3.10", "handler": "index.handler",
		"instanceLifecycleConfig": map[string]any{"preStop": map[string]any{"handler": "index.stop", "timeout": 5}}}
	if got := spec("s$py"); !reflect.DeepEqual(fc.Normalize(got), fc.Normalize(wantPy)) {
		t.Errorf("s$py = %v\nwant %v", got, wantPy)
	}
	wantBox := map[string]any{"runtime": "custom-container",
		"customContainerConfig": map[string]any{"image": "registry.example.com/app:1", "acrInstanceId": "cri-1",
			"healthCheckConfig": map[string]any{"httpGetUrl": "/ready"}}}
	if got := spec("s$box"); !reflect.DeepEqual(fc.Normalize(got), fc.Normalize(wantBox)) {
		t.Errorf("s$box = %v\nwant %v", got, wantBox)
	}
	wantNotes := []string{
		"domains/d.example.com.yaml: routeConfig.routes[0]: an FC 3.0 route names a function, and this one names no service and function",
		"services/s/functions/box/function.yaml: customContainerConfig.command: FC 3.0's container config has entrypoint and command lists instead; set them by hand",
		"services/s/functions/py/function.yaml: caPort: FC 3.0 has it only for custom runtimes and containers",
		"services/s/functions/py/function.yaml: initializationTimeout: without an initializer it has no FC 3.0 place",
		"services/s/functions/py/function.yaml: instanceLifecycleConfig.preFreeze: FC 3.0 has no PreFreeze hook",
		"services/s/functions/py/function.yaml: instanceSoftConcurrency: FC 3.0 functions have no such field",
	}
	if !reflect.DeepEqual(m.Notes, wantNotes) {
		t.Errorf("notes\n%s\nwant\n%s", strings.Join(m.Notes, "\n"), strings.Join(wantNotes, "\n"))
	}
}
