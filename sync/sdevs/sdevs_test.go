package sdevs

import (
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

const sample = `edition: 1.0.0
vars:
  region: cn-shanghai
  vpc: vpc-123
services:
  api:
    component: devsapp/fc
    props:
      region: ${vars.region}
      service:
        name: svc
        vpcConfig:
          vpcId: ${vars.vpc}
          securityGroupId: sg-1
          vswitchIds: [vsw-1]
        nasConfig:
          userId: 10003
          groupId: 10003
          mountPoints:
            - serverAddr: nas.example.com
              nasDir: /data
              fcDir: /mnt/data
        tracingConfig: Enable
      function:
        name: fn
        runtime: python3.10
        handler: index.handler
        codeUri: ./code
        asyncConfiguration:
          maxAsyncRetryAttempts: 1
        environmentVariables:
          TOKEN: ${env(TOKEN)}
          OTHER: ${other.output}
      triggers:
        - name: oss
          type: oss
          role: acs:ram::1:role/oss
          sourceArn: acs:oss:cn-shanghai:1:bucket
          config:
            events: [oss:ObjectCreated:*]
      customDomains:
        - domainName: api.example.com
          protocol: HTTP,HTTPS
          routeConfigs:
            - path: /*
  elsewhere:
    component: devsapp/fc
    props:
      region: cn-beijing
      service:
        name: other
`

func TestImport(t *testing.T) {
	res, err := Import([]byte(sample), func(id fc.ID, uri string) (filetree.Tree, error) {
		return filetree.Tree{"index.py": {Data: []byte("x")}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Region != "cn-shanghai" {
		t.Fatalf("region %q", res.Region)
	}
	svc := res.State.Resources[fc.ServiceID("svc")].Spec
	if got := svc["vpcConfig"]; !reflect.DeepEqual(got, map[string]any{"vpcId": "vpc-123", "securityGroupId": "sg-1", "vSwitchIds": []any{"vsw-1"}}) {
		t.Errorf("vpcConfig %v", got)
	}
	nas := svc["nasConfig"].(map[string]any)["mountPoints"]
	if !reflect.DeepEqual(nas, []any{map[string]any{"serverAddr": "nas.example.com:/data", "mountDir": "/mnt/data"}}) {
		t.Errorf("mountPoints %v", nas)
	}
	fn := res.State.Resources[fc.FunctionID("svc", "fn")].Spec
	if env := fn["environmentVariables"]; !reflect.DeepEqual(env, map[string]any{"TOKEN": "${env:TOKEN}"}) {
		t.Errorf("environmentVariables %v", env)
	}
	trig := res.State.Resources[fc.TriggerID("svc", "fn", "oss")].Spec
	if trig["invocationRole"] != "acs:ram::1:role/oss" || trig["triggerType"] != "oss" || trig["triggerConfig"] == nil {
		t.Errorf("trigger %v", trig)
	}
	dom := res.State.Resources[fc.DomainID("api.example.com")].Spec
	route := dom["routeConfig"].(map[string]any)["routes"].([]any)[0].(map[string]any)
	if route["serviceName"] != "svc" || route["functionName"] != "fn" {
		t.Errorf("route %v", route)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, want := range []string{"tracingConfig", "asyncConfiguration", "OTHER", "cn-beijing"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %s:\n%s", want, notes)
		}
	}
	if res.State.Resources[fc.ServiceID("other")] != nil {
		t.Error("a service of another region was imported")
	}

	// Export, then import: the same state.
	out, err := Export(res.State, res.Region, "x", func(id fc.ID) string { return "./code" })
	if err != nil {
		t.Fatal(err)
	}
	again, err := Import(out, func(fc.ID, string) (filetree.Tree, error) { return filetree.Tree{"index.py": {Data: []byte("x")}}, nil })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.State.Resources, res.State.Resources) {
		t.Fatalf("round trip differs:\n%s", out)
	}
	if len(again.Notes) != 0 {
		t.Fatalf("the export of an import has notes: %v", again.Notes)
	}
}
