package funcraft

import (
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

const sample = `ROSTemplateFormatVersion: '2015-09-01'
Transform: 'Aliyun::Serverless-2018-04-03'
Parameters:
  Bucket:
    Type: String
Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    Properties:
      Role: !GetAtt FcRole.Arn
      VpcConfig: Auto
      NasConfig:
        UserId: 10003
        GroupId: 10003
        MountPoints:
          - ServerAddr: 'nas.example.com:/data'
            MountDir: /mnt/data
    box:
      Type: 'Aliyun::Serverless::Function'
      Properties:
        Runtime: custom-container
        CAPort: 8080
        CustomContainerConfig:
          Image: registry.example.com/box:1
          Args: '["serve"]'
        InstanceLifecycleConfig:
          PreStop:
            Handler: stop
            Timeout: 5
        EnvironmentVariables:
          BUCKET: !Ref Bucket
          DEBUG: true
      Events:
        topic:
          Type: MNSTopic
          Properties:
            TopicName: jobs
            Region: cn-shanghai
            NotifyContentFormat: JSON
            InvocationRole: acs:ram::1:role/mns
  www.example.com:
    Type: 'Aliyun::Serverless::CustomDomain'
    Properties:
      Protocol: HTTP,HTTPS
      CertConfig:
        CertName: www
        Certificate: ./cert.pem
        PrivateKey: ./key.pem
      RouteConfig:
        Routes:
          '/*':
            ServiceName: svc
            FunctionName: box
            Qualifier: LATEST
`

func TestImport(t *testing.T) {
	if !IsTemplate([]byte(sample)) || IsTemplate([]byte("edition: 1.0.0\nservices: {}\n")) {
		t.Fatal("IsTemplate cannot tell a template from an s.yaml")
	}
	opt := Options{Region: "cn-hangzhou", AccountID: "123",
		Code:     func(fc.ID, string) (filetree.Tree, error) { t.Fatal("no CodeUri, no read"); return nil, nil },
		ReadFile: func(p string) ([]byte, error) { return []byte("-----BEGIN CERTIFICATE-----\nx\n" + p), nil },
	}
	res, err := Import([]byte(sample), opt)
	if err != nil {
		t.Fatal(err)
	}
	svc := res.State.Resources[fc.ServiceID("svc")].Spec
	want := map[string]any{"nasConfig": map[string]any{"userId": int64(10003), "groupId": int64(10003),
		"mountPoints": []any{map[string]any{"serverAddr": "nas.example.com:/data", "mountDir": "/mnt/data"}}}}
	if !reflect.DeepEqual(svc, want) {
		t.Errorf("service %v", svc)
	}
	fn := res.State.Resources[fc.FunctionID("svc", "box")].Spec
	if fn["caPort"] != int64(8080) || fn["customContainerConfig"].(map[string]any)["image"] != "registry.example.com/box:1" {
		t.Errorf("function %v", fn)
	}
	if hook := fn["instanceLifecycleConfig"].(map[string]any)["preStop"]; !reflect.DeepEqual(hook, map[string]any{"handler": "stop", "timeout": int64(5)}) {
		t.Errorf("preStop %v", hook)
	}
	if env := fn["environmentVariables"]; !reflect.DeepEqual(env, map[string]any{"DEBUG": "true"}) {
		t.Errorf("environmentVariables %v", env)
	}
	trig := res.State.Resources[fc.TriggerID("svc", "box", "topic")].Spec
	if trig["sourceArn"] != "acs:mns:cn-shanghai:123:/topics/jobs" || trig["triggerType"] != "mns_topic" ||
		trig["invocationRole"] != "acs:ram::1:role/mns" ||
		!reflect.DeepEqual(trig["triggerConfig"], map[string]any{"notifyContentFormat": "JSON"}) {
		t.Errorf("trigger %v", trig)
	}
	dom := res.State.Resources[fc.DomainID("www.example.com")].Spec
	cert := dom["certConfig"].(map[string]any)
	if cert["privateKey"] != "${env:WWW_EXAMPLE_COM_PRIVATE_KEY}" || !strings.HasSuffix(cert["certificate"].(string), "./cert.pem") {
		t.Errorf("certConfig %v", cert)
	}
	route := dom["routeConfig"].(map[string]any)["routes"].([]any)[0]
	if !reflect.DeepEqual(route, map[string]any{"path": "/*", "serviceName": "svc", "functionName": "box", "qualifier": "LATEST"}) {
		t.Errorf("route %v", route)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, want := range []string{"Properties.Role: holds a reference", "VpcConfig: Auto", "EnvironmentVariables.BUCKET: !Ref Bucket", "PrivateKey: a secret"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}

	// Without an account id, an event trigger's ARN cannot be made.
	opt.AccountID = ""
	res, err = Import([]byte(sample), opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.State.Resources[fc.TriggerID("svc", "box", "topic")].Spec["sourceArn"]; ok || !strings.Contains(strings.Join(res.Notes, "\n"), "sourceArn needs the account id") {
		t.Errorf("no account id: %v", res.Notes)
	}
}

func TestImportRefusesOtherTemplates(t *testing.T) {
	for _, doc := range []string{"Transform: Aliyun::Serverless-2099\nResources: {}\n", "ROSTemplateFormatVersion: '2015-09-01'\nTransform: 'Aliyun::Serverless-2018-04-03'\nResources: {x: {Type: 'ALIYUN::ECS::Instance'}}\n"} {
		if _, err := Import([]byte(doc), Options{}); err == nil {
			t.Errorf("imported %q", doc)
		}
	}
}
