package emulator_test

import (
	"bytes"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

func publishLayer(t testing.TB, c *fcapi.Client, name string, zip []byte) *fcapi.CreateLayerVersionResponseBody {
	t.Helper()
	r := must[*fcapi.CreateLayerVersionResponse](t)(c.CreateLayerVersion(tea.String(name), &fcapi.CreateLayerVersionRequest{
		Code: zipCode(zip), CompatibleRuntime: []*string{tea.String("python3.9")}, Description: tea.String("deps"),
	}))
	return r.Body
}

func TestLayerLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	z1 := makeZip(t, "python/lib.py", "one")
	b := publishLayer(t, c, "deps", z1)
	arn := "acs:fc:cn-hangzhou:" + testAccount + ":layers/deps/versions/1"
	if tea.Int32Value(b.Version) != 1 || tea.StringValue(b.CodeChecksum) != emulator.Checksum(z1) || tea.Int64Value(b.Codesize) != int64(len(z1)) ||
		tea.StringValue(b.LayerName) != "deps" || tea.StringValue(b.Description) != "deps" || tea.StringValue(b.CreateTime) == "" ||
		tea.StringValue(b.Code.RepositoryType) != "OSS" || tea.Int32Value(b.Acl) != 0 {
		t.Fatalf("published %v", b)
	}
	got := must[*fcapi.GetLayerVersionResponse](t)(c.GetLayerVersion(tea.String("deps"), tea.String("1")))
	if tea.StringValue(got.Body.ArnV2) != arn || tea.Int64Value(got.Body.CodeSize) != int64(len(z1)) || got.Headers["etag"] == nil {
		t.Fatalf("got %v", got.Body)
	}
	if code := download(t, tea.StringValue(got.Body.Code.Location)); !bytes.Equal(code, z1) {
		t.Fatal("the layer's code location serves other bytes")
	}

	// Code from OSS.
	z2 := makeZip(t, "python/lib.py", "two")
	if err := s.PutOSSObject("bucket", "layers/deps.zip", z2); err != nil {
		t.Fatal(err)
	}
	must[*fcapi.CreateLayerVersionResponse](t)(c.CreateLayerVersion(tea.String("deps"), &fcapi.CreateLayerVersionRequest{
		Code:              &fcapi.Code{OssBucketName: tea.String("bucket"), OssObjectName: tea.String("layers/deps.zip")},
		CompatibleRuntime: []*string{tea.String("python3.9"), tea.String("python3.10")},
	}))
	publishLayer(t, c, "other", z1)
	if got := s.LayerVersions("deps"); !reflect.DeepEqual(got, []int{1, 2}) {
		t.Fatalf("versions %v", got)
	}

	layers := must[*fcapi.ListLayersResponse](t)(c.ListLayers(&fcapi.ListLayersRequest{Limit: tea.Int32(1)}))
	if len(layers.Body.Layers) != 1 || tea.Int32Value(layers.Body.Layers[0].Version) != 2 ||
		tea.StringValue(layers.Body.Layers[0].CodeChecksum) != emulator.Checksum(z2) || tea.StringValue(layers.Body.NextToken) != "other" {
		t.Fatalf("layers %v", layers.Body)
	}
	if official := must[*fcapi.ListLayersResponse](t)(c.ListLayers(&fcapi.ListLayersRequest{Official: tea.Bool(true)})); len(official.Body.Layers) != 0 {
		t.Fatalf("official layers %v", official.Body)
	}
	versions := must[*fcapi.ListLayerVersionsResponse](t)(c.ListLayerVersions(tea.String("deps"), &fcapi.ListLayerVersionsRequest{Limit: tea.Int32(1)}))
	if len(versions.Body.Layers) != 1 || tea.Int32Value(versions.Body.NextVersion) != 2 {
		t.Fatalf("versions %v", versions.Body)
	}
	versions = must[*fcapi.ListLayerVersionsResponse](t)(c.ListLayerVersions(tea.String("deps"), &fcapi.ListLayerVersionsRequest{StartVersion: tea.Int32(2)}))
	if len(versions.Body.Layers) != 1 || versions.Body.NextVersion != nil {
		t.Fatalf("from 2: %v", versions.Body)
	}

	// The Node SDK's getLayerVersionByArn.
	n := newNodeClient(t, s)
	r := n.do("GET", "/layerarn/"+url.PathEscape(arn), nil, nil)
	if r.status != http.StatusOK || r.body["arnV2"] != arn || r.body["arn"] == nil {
		t.Fatalf("by arn %d %v", r.status, r.body)
	}

	// Refusals.
	create := func(name string, req *fcapi.CreateLayerVersionRequest) error {
		_, err := c.CreateLayerVersion(tea.String(name), req)
		return err
	}
	rts := []*string{tea.String("python3.9")}
	wantErr(t, create("deps", &fcapi.CreateLayerVersionRequest{CompatibleRuntime: rts}), http.StatusBadRequest, "InvalidArgument")
	wantErr(t, create("deps", &fcapi.CreateLayerVersionRequest{Code: zipCode([]byte("not a zip")), CompatibleRuntime: rts}), http.StatusBadRequest, "InvalidArgument")
	wantErr(t, create("deps", &fcapi.CreateLayerVersionRequest{Code: zipCode(z1)}), http.StatusBadRequest, "InvalidArgument")
	wantErr(t, create("deps", &fcapi.CreateLayerVersionRequest{Code: zipCode(z1), CompatibleRuntime: []*string{tea.String("python99")}}), http.StatusBadRequest, "InvalidArgument")
	wantErr(t, create("1deps", &fcapi.CreateLayerVersionRequest{Code: zipCode(z1), CompatibleRuntime: rts}), http.StatusBadRequest, "InvalidArgument")
	wantErr(t, create("deps", &fcapi.CreateLayerVersionRequest{CompatibleRuntime: rts,
		Code: &fcapi.Code{OssBucketName: tea.String("bucket"), OssObjectName: tea.String("missing.zip")}}), http.StatusBadRequest, "InvalidArgument")
	_, err := c.GetLayerVersion(tea.String("deps"), tea.String("9"))
	wantErr(t, err, http.StatusNotFound, "LayerVersionNotFound")
	_, err = c.GetLayerVersion(tea.String("nope"), tea.String("1"))
	wantErr(t, err, http.StatusNotFound, "LayerNotFound")

	// Version numbers are not reused.
	must[*fcapi.DeleteLayerVersionResponse](t)(c.DeleteLayerVersion(tea.String("deps"), tea.String("2")))
	if b := publishLayer(t, c, "deps", z2); tea.Int32Value(b.Version) != 3 {
		t.Fatalf("after deleting 2, published %d", tea.Int32Value(b.Version))
	}
	_, err = c.DeleteLayerVersion(tea.String("deps"), tea.String("2"))
	wantErr(t, err, http.StatusNotFound, "LayerVersionNotFound")
}

func TestFunctionLayers(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	createService(t, c, "svc")
	layer := publishLayer(t, c, "deps", makeZip(t, "python/lib.py", "x"))
	v2 := "acs:fc:cn-hangzhou:" + testAccount + ":layers/deps/versions/1"
	legacy := tea.StringValue(must[*fcapi.GetLayerVersionResponse](t)(c.GetLayerVersion(tea.String("deps"), tea.String("1"))).Body.Arn)
	if tea.StringValue(layer.Arn) != legacy {
		t.Fatalf("arn %s, then %s", tea.StringValue(layer.Arn), legacy)
	}
	fn := func(name string, layers ...string) error {
		req := &fcapi.CreateFunctionRequest{FunctionName: tea.String(name), Runtime: tea.String("python3.9"),
			Handler: tea.String("index.handler"), Code: zipCode(makeZip(t, "index.py", "x"))}
		for _, l := range layers {
			req.Layers = append(req.Layers, tea.String(l))
		}
		_, err := c.CreateFunction(tea.String("svc"), req)
		return err
	}
	if err := fn("f", v2); err != nil {
		t.Fatal(err)
	}
	got := must[*fcapi.GetFunctionResponse](t)(c.GetFunction(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionRequest{}))
	if len(got.Body.Layers) != 1 || tea.StringValue(got.Body.LayersArnV2[0]) != v2 {
		t.Fatalf("function layers %v %v", got.Body.Layers, got.Body.LayersArnV2)
	}
	if err := fn("legacy", legacy); err != nil {
		t.Fatal(err)
	}
	wantErr(t, fn("g", "acs:fc:cn-hangzhou:"+testAccount+":layers/deps/versions/2"), http.StatusNotFound, "LayerVersionNotFound")
	wantErr(t, fn("g", "acs:fc:cn-hangzhou:"+testAccount+":layers/nope/versions/1"), http.StatusNotFound, "LayerNotFound")
	wantErr(t, fn("g", "acs:fc:cn-beijing:"+testAccount+":layers/deps/versions/1"), http.StatusBadRequest, "InvalidArgument")
	wantErr(t, fn("g", "deps"), http.StatusBadRequest, "InvalidArgument")
	wantErr(t, fn("g", v2, v2, v2, v2, v2, v2), http.StatusBadRequest, "InvalidArgument")
	_, err := c.UpdateFunction(tea.String("svc"), tea.String("f"), &fcapi.UpdateFunctionRequest{Layers: []*string{tea.String("acs:fc:cn-hangzhou:" + testAccount + ":layers/deps/versions/7")}})
	wantErr(t, err, http.StatusNotFound, "LayerVersionNotFound")

	// A layer version deleted since keeps working for the functions that
	// name it: an update that does not send layers is not refused.
	must[*fcapi.DeleteLayerVersionResponse](t)(c.DeleteLayerVersion(tea.String("deps"), tea.String("1")))
	must[*fcapi.UpdateFunctionResponse](t)(c.UpdateFunction(tea.String("svc"), tea.String("f"), &fcapi.UpdateFunctionRequest{MemorySize: tea.Int32(256)}))
	upd := must[*fcapi.UpdateFunctionResponse](t)(c.UpdateFunction(tea.String("svc"), tea.String("f"), &fcapi.UpdateFunctionRequest{Layers: []*string{}}))
	if len(upd.Body.Layers) != 0 || len(upd.Body.LayersArnV2) != 0 {
		t.Fatalf("cleared layers %v %v", upd.Body.Layers, upd.Body.LayersArnV2)
	}
}

func TestFunctionCodeFromOSS(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	createService(t, c, "svc")
	z := makeZip(t, "index.py", "from oss")
	if code := send(t, "PUT", s.URL+"/_emulator/oss/b/code/f.zip", string(z)); code != http.StatusNoContent {
		t.Fatalf("PUT oss answered %d", code)
	}
	r := must[*fcapi.CreateFunctionResponse](t)(c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("f"), Runtime: tea.String("python3.9"), Handler: tea.String("index.handler"),
		Code: &fcapi.Code{OssBucketName: tea.String("b"), OssObjectName: tea.String("code/f.zip")}}))
	if tea.StringValue(r.Body.CodeChecksum) != emulator.Checksum(z) {
		t.Fatalf("checksum %s", tea.StringValue(r.Body.CodeChecksum))
	}
}
