package emulator_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

// Every kind survives a restart: versions with their code, aliases and
// their ETags, configs, tags, bindings, layers and OSS objects.
func TestPersistenceOfKinds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	withDir := func(o *emulator.Options) { o.DataDir = dir }
	s := start(t, withDir)
	c := sdk(t, s)
	createService(t, c, "svc")
	z1 := makeZip(t, "index.py", "v1")
	must[*fcapi.CreateFunctionResponse](t)(c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("f"), Runtime: tea.String("python3.9"), Handler: tea.String("index.handler"), Code: zipCode(z1)}))
	publish(t, c, "svc", "one")
	must[*fcapi.UpdateFunctionResponse](t)(c.UpdateFunction(tea.String("svc"), tea.String("f"), &fcapi.UpdateFunctionRequest{
		Code: zipCode(makeZip(t, "index.py", "v2"))}))
	alias := must[*fcapi.CreateAliasResponse](t)(c.CreateAlias(tea.String("svc"), &fcapi.CreateAliasRequest{AliasName: tea.String("prod"), VersionId: tea.String("1")}))
	must[*fcapi.PutProvisionConfigResponse](t)(c.PutProvisionConfig(tea.String("svc"), tea.String("f"), &fcapi.PutProvisionConfigRequest{Qualifier: tea.String("prod"), Target: tea.Int64(2)}))
	must[*fcapi.PutFunctionOnDemandConfigResponse](t)(c.PutFunctionOnDemandConfig(tea.String("svc"), tea.String("f"), &fcapi.PutFunctionOnDemandConfigRequest{Qualifier: tea.String("prod"), MaximumInstanceCount: tea.Int64(7)}))
	must[*fcapi.PutFunctionAsyncInvokeConfigResponse](t)(c.PutFunctionAsyncInvokeConfig(tea.String("svc"), tea.String("f"), &fcapi.PutFunctionAsyncInvokeConfigRequest{MaxAsyncRetryAttempts: tea.Int64(1)}))
	must[*fcapi.TagResourceResponse](t)(c.TagResource(&fcapi.TagResourceRequest{ResourceArn: tea.String("services/svc"), Tags: map[string]*string{"k": tea.String("v")}}))
	must[*fcapi.CreateVpcBindingResponse](t)(c.CreateVpcBinding(tea.String("svc"), &fcapi.CreateVpcBindingRequest{VpcId: tea.String("vpc-1")}))
	zl := makeZip(t, "lib.py", "layer")
	publishLayer(t, c, "deps", zl)
	if err := s.PutOSSObject("b", "o.zip", makeZip(t, "index.py", "oss")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := start(t, withDir)
	c2 := sdk(t, s2)
	code := must[*fcapi.GetFunctionCodeResponse](t)(c2.GetFunctionCode(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionCodeRequest{Qualifier: tea.String("prod")}))
	if !bytes.Equal(download(t, tea.StringValue(code.Body.Url)), z1) {
		t.Fatal("version 1's code lost across restart")
	}
	if _, etag, _ := s2.Alias("svc", "prod"); etag != tea.StringValue(alias.Headers["etag"]) {
		t.Fatal("the alias's ETag changed across restart")
	}
	if p, ok := s2.ProvisionConfig("svc", "f", "prod"); !ok || p["target"] == nil {
		t.Fatalf("provision config %v", p)
	}
	if _, ok := s2.OnDemandConfig("svc", "f", "prod"); !ok {
		t.Fatal("on-demand config lost")
	}
	if _, ok := s2.AsyncInvokeConfig("svc", "f", "LATEST"); !ok {
		t.Fatal("async config lost")
	}
	if !reflect.DeepEqual(s2.Tags("svc"), map[string]string{"k": "v"}) || !reflect.DeepEqual(s2.VpcBindings("svc"), []string{"vpc-1"}) {
		t.Fatal("tags or bindings lost")
	}
	layer := must[*fcapi.GetLayerVersionResponse](t)(c2.GetLayerVersion(tea.String("deps"), tea.String("1")))
	if !bytes.Equal(download(t, tea.StringValue(layer.Body.Code.Location)), zl) {
		t.Fatal("layer code lost")
	}
	must[*fcapi.CreateFunctionResponse](t)(c2.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("g"), Runtime: tea.String("python3.9"), Handler: tea.String("index.handler"),
		Code: &fcapi.Code{OssBucketName: tea.String("b"), OssObjectName: tea.String("o.zip")}}))
	// Ids keep counting after a restart.
	describeService(t, c2, "svc", "changed")
	if got := publish(t, c2, "svc", ""); got != "2" {
		t.Fatalf("published %s after restart", got)
	}
	// Live code, version 1's, the layer's and the OSS object's: one file
	// each (g's code is the OSS object's bytes).
	blobs, _ := os.ReadDir(filepath.Join(dir, "code"))
	if len(blobs) != 4 {
		t.Fatalf("%d code files", len(blobs))
	}
}
