package emulator_test

import (
	"bytes"
	"io"
	"net/http"
	"reflect"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

func publish(t testing.TB, c *fcapi.Client, svc, desc string) string {
	t.Helper()
	r := must[*fcapi.PublishServiceVersionResponse](t)(c.PublishServiceVersion(tea.String(svc),
		&fcapi.PublishServiceVersionRequest{Description: tea.String(desc)}))
	return tea.StringValue(r.Body.VersionId)
}

func describeService(t testing.TB, c *fcapi.Client, svc, desc string) {
	t.Helper()
	must[*fcapi.UpdateServiceResponse](t)(c.UpdateService(tea.String(svc), &fcapi.UpdateServiceRequest{Description: tea.String(desc)}))
}

func listVersions(t testing.TB, c *fcapi.Client, svc string, req *fcapi.ListServiceVersionsRequest) ([]string, string) {
	t.Helper()
	r := must[*fcapi.ListServiceVersionsResponse](t)(c.ListServiceVersions(tea.String(svc), req))
	var ids []string
	for _, v := range r.Body.Versions {
		ids = append(ids, tea.StringValue(v.VersionId))
	}
	return ids, tea.StringValue(r.Body.NextToken)
}

func TestVersionLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	createService(t, c, "svc")
	svcRead := must[*fcapi.GetServiceResponse](t)(c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{}))

	v1 := must[*fcapi.PublishServiceVersionResponse](t)(c.PublishServiceVersionWithOptions(tea.String("svc"),
		&fcapi.PublishServiceVersionRequest{Description: tea.String("first")},
		&fcapi.PublishServiceVersionHeaders{IfMatch: svcRead.Headers["etag"]}, &util.RuntimeOptions{}))
	b := v1.Body
	if tea.StringValue(b.VersionId) != "1" || tea.StringValue(b.Description) != "first" ||
		tea.StringValue(b.CreatedTime) == "" || tea.StringValue(b.LastModifiedTime) != tea.StringValue(b.CreatedTime) {
		t.Fatalf("published %v", b)
	}
	// Nothing changed since version 1.
	_, err := c.PublishServiceVersion(tea.String("svc"), &fcapi.PublishServiceVersionRequest{})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	// A stale service ETag is refused.
	describeService(t, c, "svc", "changed")
	_, err = c.PublishServiceVersionWithOptions(tea.String("svc"), &fcapi.PublishServiceVersionRequest{},
		&fcapi.PublishServiceVersionHeaders{IfMatch: svcRead.Headers["etag"]}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	if got := publish(t, c, "svc", "second"); got != "2" {
		t.Fatalf("second version %s", got)
	}
	// Setting a value back to what it was is no change.
	describeService(t, c, "svc", "changed")
	_, err = c.PublishServiceVersion(tea.String("svc"), &fcapi.PublishServiceVersionRequest{})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")

	// Ids are never reused; once the newest version is gone, the same
	// content may be published again (the official Node SDK's tests).
	must[*fcapi.DeleteServiceVersionResponse](t)(c.DeleteServiceVersion(tea.String("svc"), tea.String("2")))
	if got := publish(t, c, "svc", "third"); got != "3" {
		t.Fatalf("after deleting 2, published %s", got)
	}
	_, err = c.DeleteServiceVersion(tea.String("svc"), tea.String("2"))
	wantErr(t, err, http.StatusNotFound, "VersionNotFound")
	if got := s.Versions("svc"); !reflect.DeepEqual(got, []string{"1", "3"}) {
		t.Fatalf("versions %v", got)
	}

	// A service with versions cannot be deleted (the official PHP SDK's tests).
	_, err = c.DeleteService(tea.String("svc"))
	wantErr(t, err, http.StatusConflict, "ServiceNotEmpty")
	must[*fcapi.DeleteServiceVersionResponse](t)(c.DeleteServiceVersion(tea.String("svc"), tea.String("1")))
	must[*fcapi.DeleteServiceVersionResponse](t)(c.DeleteServiceVersion(tea.String("svc"), tea.String("3")))
	must[*fcapi.DeleteServiceResponse](t)(c.DeleteService(tea.String("svc")))
}

func TestListServiceVersions(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))
	createService(t, c, "svc")
	for i := range 12 {
		describeService(t, c, "svc", "d"+string(rune('a'+i)))
		publish(t, c, "svc", "")
	}
	r := must[*fcapi.ListServiceVersionsResponse](t)(c.ListServiceVersions(tea.String("svc"), &fcapi.ListServiceVersionsRequest{Limit: tea.Int32(5)}))
	if tea.StringValue(r.Body.Direction) != "BACKWARD" || len(r.Body.Versions) != 5 ||
		tea.StringValue(r.Body.Versions[0].VersionId) != "12" || tea.StringValue(r.Body.NextToken) != "7" {
		t.Fatalf("first page %v", r.Body)
	}
	var all []string
	var token *string
	for {
		ids, next := listVersions(t, c, "svc", &fcapi.ListServiceVersionsRequest{Limit: tea.Int32(5), NextToken: token, Direction: tea.String("FORWARD")})
		all = append(all, ids...)
		if next == "" {
			break
		}
		token = tea.String(next)
	}
	want := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("forward %v", all)
	}
	if ids, _ := listVersions(t, c, "svc", &fcapi.ListServiceVersionsRequest{StartKey: tea.String("3")}); !reflect.DeepEqual(ids, []string{"3", "2", "1"}) {
		t.Fatalf("backward from 3: %v", ids)
	}
	_, err := c.ListServiceVersions(tea.String("svc"), &fcapi.ListServiceVersionsRequest{Direction: tea.String("SIDEWAYS")})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = c.ListServiceVersions(tea.String("nope"), &fcapi.ListServiceVersionsRequest{})
	wantErr(t, err, http.StatusNotFound, "ServiceNotFound")
}

// Reads through a version or an alias see the version's snapshot: the
// service, the functions and their code as published; triggers are not in
// versions.
func TestQualifiedReadsSeeTheVersion(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	createService(t, c, "svc")
	z1 := makeZip(t, "index.py", "v1")
	must[*fcapi.CreateFunctionResponse](t)(c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("f"), Runtime: tea.String("python3.9"), Handler: tea.String("index.handler"),
		MemorySize: tea.Int32(128), Code: zipCode(z1)}))
	v1 := publish(t, c, "svc", "release one")
	must[*fcapi.CreateAliasResponse](t)(c.CreateAlias(tea.String("svc"), &fcapi.CreateAliasRequest{AliasName: tea.String("prod"), VersionId: tea.String(v1)}))

	z2 := makeZip(t, "index.py", "v2")
	must[*fcapi.UpdateFunctionResponse](t)(c.UpdateFunction(tea.String("svc"), tea.String("f"), &fcapi.UpdateFunctionRequest{
		MemorySize: tea.Int32(512), Code: zipCode(z2)}))
	createFunction(t, c, "svc", "later")

	for _, q := range []string{v1, "prod"} {
		svc := must[*fcapi.GetServiceResponse](t)(c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{Qualifier: tea.String(q)}))
		if tea.StringValue(svc.Body.Description) != "release one" {
			t.Errorf("GetService %s: description %q", q, tea.StringValue(svc.Body.Description))
		}
		fn := must[*fcapi.GetFunctionResponse](t)(c.GetFunction(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionRequest{Qualifier: tea.String(q)}))
		if tea.Int32Value(fn.Body.MemorySize) != 128 {
			t.Errorf("GetFunction %s: memorySize %d", q, tea.Int32Value(fn.Body.MemorySize))
		}
		code := must[*fcapi.GetFunctionCodeResponse](t)(c.GetFunctionCode(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionCodeRequest{Qualifier: tea.String(q)}))
		if got := download(t, tea.StringValue(code.Body.Url)); !bytes.Equal(got, z1) {
			t.Errorf("GetFunctionCode %s serves other code", q)
		}
		list := must[*fcapi.ListFunctionsResponse](t)(c.ListFunctions(tea.String("svc"), &fcapi.ListFunctionsRequest{Qualifier: tea.String(q)}))
		if len(list.Body.Functions) != 1 {
			t.Errorf("ListFunctions %s: %d functions", q, len(list.Body.Functions))
		}
		_, err := c.GetFunction(tea.String("svc"), tea.String("later"), &fcapi.GetFunctionRequest{Qualifier: tea.String(q)})
		wantErr(t, err, http.StatusNotFound, "FunctionNotFound")
	}
	live := must[*fcapi.GetFunctionResponse](t)(c.GetFunction(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionRequest{}))
	if tea.Int32Value(live.Body.MemorySize) != 512 || tea.StringValue(live.Body.CodeChecksum) == "" {
		t.Fatalf("LATEST %v", live.Body)
	}
	_, err := c.GetFunction(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionRequest{Qualifier: tea.String("9")})
	wantErr(t, err, http.StatusNotFound, "VersionNotFound")
	_, err = c.GetFunction(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionRequest{Qualifier: tea.String("staging")})
	wantErr(t, err, http.StatusNotFound, "AliasNotFound")
	// Writes through the alias stay refused.
	n := newNodeClient(t, s)
	n.do("PUT", "/services/svc.prod/functions/f", map[string]any{"memorySize": 256}, nil).want(t, http.StatusBadRequest, "InvalidArgument")
}

func download(t testing.TB, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	b, _ := io.ReadAll(resp.Body)
	return b
}
