package sdevs

import (
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	fsync "github.com/fcsync/fcsync/sync"
)

// minimal3 is fc3-api.md 4.3's sample.
const minimal3 = `edition: 3.0.0
name: hello-fc3
access: default

resources:
  hello:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: hello-py
      runtime: python3.10
      handler: index.handler
      code: ./code               # directory; the tool zips it
      memorySize: 512
      cpu: 0.35
      diskSize: 512
      timeout: 30
      environmentVariables:
        STAGE: prod
      triggers:
        - triggerName: httpTrigger
          triggerType: http
          qualifier: LATEST
          triggerConfig:          # object in YAML, JSON string on the wire
            authType: anonymous
            methods: [GET, POST]
            disableURLInternet: false
`

// full3 has every satellite, vars and env references, two functions
// sharing a domain, and what fcsync leaves out.
const full3 = `edition: 3.0.0
name: shop
vars:
  region: cn-hangzhou
  memory: 1024
resources:
  web:
    component: fc3
    props:
      region: ${vars.region}
      functionName: web
      runtime: nodejs20
      handler: index.handler
      code: ./web
      memorySize: ${vars.memory}
      role: acs:ram::123:role/fc
      logConfig: auto
      environmentVariables:
        DB_PASSWORD: ${env('DB_PASSWORD')}
        LEVEL: info
      sessionAffinity: HEADER_FIELD
      sessionAffinityConfig:
        affinityHeaderFieldName: x-user
      tags:
        - key: team
          value: pay
      triggers:
        - triggerName: upload
          triggerType: oss
          sourceArn: acs:oss:cn-hangzhou:123:bucket
          invocationRole: acs:ram::123:role/oss
          triggerConfig:
            events: ['oss:ObjectCreated:*']
            filter:
              key:
                prefix: in/
      asyncInvokeConfig:
        maxAsyncRetryAttempts: 2
        asyncTask: true
        destinationConfig:
          onFailure:
            destination: acs:mns:cn-hangzhou:123:/queues/dead/messages
      concurrencyConfig:
        reservedConcurrency: 20
      provisionConfig:
        defaultTarget: 1
        alwaysAllocateCPU: false
      scalingConfig:
        minInstances: 1
      customDomain:
        domainName: shop.example.com
        protocol: HTTP
        route:
          path: /web/*
          methods: [GET]
  jobs:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: jobs
      runtime: python3.10
      handler: index.handler
      code:
        ossBucketName: b
        ossObjectName: jobs.zip
      provisionConfig:
        qualifier: prod
        defaultTarget: 2
      customDomain:
        domainName: shop.example.com
        protocol: HTTP
        route:
          path: /jobs
          qualifier: prod
  dom:
    component: fc3-domain
    props:
      region: cn-hangzhou
      domainName: api.example.com
      protocol: HTTP,HTTPS
      routeConfig:
        routes:
          - path: /*
            functionName: web
`

func importFiles(t *testing.T, data string) (filetree.Tree, *Result) {
	t.Helper()
	if !IsFC3([]byte(data)) {
		t.Fatal("IsFC3 false")
	}
	var uris []string
	res, err := Import3([]byte(data), func(id fc.ID, uri string) (filetree.Tree, error) {
		uris = append(uris, id.String()+" "+uri)
		return filetree.Tree{"index.js": {Data: []byte("// " + uri + "\n")}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.State.API != fc.FC3 {
		t.Fatalf("api %s", res.State.API)
	}
	files, err := fsync.Render(res.State, fsync.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fsync.Validate(files, fsync.ValidateOptions{API: fc.FC3}); err != nil {
		t.Fatalf("the import does not validate: %v", err)
	}
	return files, res
}

func assertFiles(t *testing.T, got filetree.Tree, want map[string]string) {
	t.Helper()
	if g, w := got.Paths(), treeOfStrings(want).Paths(); !reflect.DeepEqual(g, w) {
		t.Fatalf("paths\n%s\nwant\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	for p, w := range want {
		b, _ := got[p].Bytes()
		if string(b) != w {
			t.Errorf("%s:\n%s\nwant\n%s", p, b, w)
		}
	}
}

func treeOfStrings(m map[string]string) filetree.Tree {
	t := filetree.Tree{}
	for p, s := range m {
		t[p] = filetree.File{Data: []byte(s)}
	}
	return t
}

func TestImport3Minimal(t *testing.T) {
	files, res := importFiles(t, minimal3)
	if res.Region != "cn-hangzhou" || len(res.Notes) != 0 {
		t.Errorf("region %s, notes %q", res.Region, res.Notes)
	}
	assertFiles(t, files, map[string]string{
		"functions/hello-py/function.yaml": `runtime: python3.10
handler: index.handler
memorySize: 512
timeout: 30
cpu: 0.35
diskSize: 512
environmentVariables:
  STAGE: prod
`,
		"functions/hello-py/code/index.js": "// ./code\n",
		"functions/hello-py/triggers/httpTrigger.yaml": `triggerType: http
qualifier: LATEST
triggerConfig:
  authType: anonymous
  disableURLInternet: false
  methods:
    - GET
    - POST
`,
	})
}

func TestImport3Full(t *testing.T) {
	files, res := importFiles(t, full3)
	assertFiles(t, files, map[string]string{
		"functions/web/function.yaml": `runtime: nodejs20
handler: index.handler
memorySize: 1024
environmentVariables:
  DB_PASSWORD: ${env:DB_PASSWORD}
  LEVEL: info
role: acs:ram::123:role/fc
sessionAffinity: HEADER_FIELD
sessionAffinityConfig: '{"affinityHeaderFieldName":"x-user"}'
`,
		"functions/web/code/index.js": "// ./web\n",
		"functions/web/triggers/upload.yaml": `triggerType: oss
invocationRole: acs:ram::123:role/oss
sourceArn: acs:oss:cn-hangzhou:123:bucket
triggerConfig:
  events:
    - oss:ObjectCreated:*
  filter:
    key:
      prefix: in/
`,
		"functions/web/async-invoke.yaml": `LATEST:
  asyncTask: true
  destinationConfig:
    onFailure:
      destination: acs:mns:cn-hangzhou:123:/queues/dead/messages
  maxAsyncRetryAttempts: 2
`,
		"functions/web/concurrency.yaml": "reservedConcurrency: 20\n",
		"functions/web/provision.yaml": `LATEST:
  alwaysAllocateCPU: false
  defaultTarget: 1
`,
		"functions/jobs/function.yaml": `runtime: python3.10
handler: index.handler
`,
		"functions/jobs/provision.yaml": `prod:
  defaultTarget: 2
`,
		"domains/shop.example.com.yaml": `protocol: HTTP
routeConfig:
  routes:
    - functionName: jobs
      path: /jobs
      qualifier: prod
    - functionName: web
      methods:
        - GET
      path: /web/*
`,
		"domains/api.example.com.yaml": `protocol: HTTP,HTTPS
routeConfig:
  routes:
    - functionName: web
      path: /*
`,
	})
	want := []string{
		"resources.jobs.props.code: code in OSS: put the code under functions/jobs/code/ instead; left out",
		"resources.web.props.logConfig: auto (Serverless Devs creates it) has no FC value; left out",
		"resources.web.props.scalingConfig: scaling config is not modelled by fcsync yet; left out",
		"resources.web.props.tags: fcsync does not manage FC 3.0 tags yet; left out",
	}
	if !reflect.DeepEqual(res.Notes, want) {
		t.Errorf("notes\n%s\nwant\n%s", strings.Join(res.Notes, "\n"), strings.Join(want, "\n"))
	}
}

// An FC 2.0 s.yaml is not an fc3 one.
func TestIsFC3(t *testing.T) {
	if IsFC3([]byte(sample)) {
		t.Error("the FC 2.0 sample reads as fc3")
	}
	if !IsFC3([]byte("resources:\n  x:\n    component: fc3@0.1.0\n")) {
		t.Error("component fc3 without an edition is not fc3")
	}
}
