package emulator_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

func TestChecksumCheckValue(t *testing.T) {
	t.Parallel()
	if got := emulator.Checksum([]byte("123456789")); got != "11051210869376104954" {
		t.Fatalf("Checksum(123456789) = %s", got)
	}
	if got := emulator.Checksum(nil); got != "0" {
		t.Fatalf("Checksum(empty) = %s", got)
	}
}

// makeZip builds a real zip archive holding one file.
func makeZip(t testing.TB, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, content)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func createService(t testing.TB, c *fcapi.Client, name string) {
	t.Helper()
	must[*fcapi.CreateServiceResponse](t)(c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String(name)}))
}

func zipCode(b []byte) *fcapi.Code {
	return &fcapi.Code{ZipFile: tea.String(base64.StdEncoding.EncodeToString(b))}
}

func TestFunctionCodeChecksumAndDownload(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	createService(t, c, "svc")

	// A package that is not a zip is refused, as FC refuses it.
	_, err := c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("check"), Runtime: tea.String("python3.9"), Handler: tea.String("index.handler"),
		Code: zipCode([]byte("123456789")),
	})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")

	z := makeZip(t, "index.py", "def handler(event, context):\n    return 'hi'\n")
	want := strconv.FormatUint(crc64.Checksum(z, crc64.MakeTable(crc64.ECMA)), 10)
	must[*fcapi.CreateFunctionResponse](t)(c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("real"), Runtime: tea.String("python3.9"), Handler: tea.String("index.handler"),
		Code: zipCode(z),
	}))
	got := must[*fcapi.GetFunctionResponse](t)(c.GetFunction(tea.String("svc"), tea.String("real"), &fcapi.GetFunctionRequest{}))
	if tea.StringValue(got.Body.CodeChecksum) != want || tea.Int64Value(got.Body.CodeSize) != int64(len(z)) {
		t.Fatalf("checksum %s want %s", tea.StringValue(got.Body.CodeChecksum), want)
	}
	code := must[*fcapi.GetFunctionCodeResponse](t)(c.GetFunctionCode(tea.String("svc"), tea.String("real"), &fcapi.GetFunctionCodeRequest{}))
	if tea.StringValue(code.Body.Checksum) != want {
		t.Fatalf("code checksum %s want %s", tea.StringValue(code.Body.Checksum), want)
	}
	resp, err := http.Get(tea.StringValue(code.Body.Url))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, z) || resp.Header.Get("X-Oss-Hash-Crc64ecma") != want {
		t.Fatalf("download %d %q crc %s", resp.StatusCode, body, resp.Header.Get("X-Oss-Hash-Crc64ecma"))
	}
	if n := s.Stats()["DownloadCode"]; n != 1 {
		t.Fatalf("DownloadCode counted %d", n)
	}

	// New code: new checksum, and the old URL no longer serves.
	z2 := makeZip(t, "index.py", "changed")
	upd := must[*fcapi.UpdateFunctionResponse](t)(c.UpdateFunction(tea.String("svc"), tea.String("real"),
		&fcapi.UpdateFunctionRequest{Code: zipCode(z2)}))
	if tea.StringValue(upd.Body.CodeChecksum) != emulator.Checksum(z2) || tea.StringValue(upd.Body.Handler) != "index.handler" {
		t.Fatalf("update %v", upd.Body)
	}
	resp, err = http.Get(tea.StringValue(code.Body.Url))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("stale code URL answered %d", resp.StatusCode)
	}
}

func TestFunctionLifecycle(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))
	x, pkg := makeZip(t, "x", "x"), makeZip(t, "index.js", "zip")
	_, err := c.CreateFunction(tea.String("nosvc"), &fcapi.CreateFunctionRequest{FunctionName: tea.String("f"), Code: zipCode(x)})
	wantErr(t, err, http.StatusNotFound, "ServiceNotFound")
	createService(t, c, "svc")

	created := must[*fcapi.CreateFunctionResponse](t)(c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("f"), Runtime: tea.String("nodejs16"), Handler: tea.String("index.handler"),
		EnvironmentVariables: map[string]*string{"A": tea.String("1"), "B": tea.String("2")},
		Code:                 zipCode(pkg),
	}))
	b := created.Body
	if tea.StringValue(b.InstanceType) != "e1" || tea.Int32Value(b.MemorySize) != 128 || tea.Int32Value(b.Timeout) != 3 ||
		tea.Int32Value(b.InstanceConcurrency) != 1 || len(tea.StringValue(b.FunctionId)) != 36 || len(b.EnvironmentVariables) != 2 {
		t.Fatalf("created %v", b)
	}
	etag1 := tea.StringValue(created.Headers["etag"])

	_, err = c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{FunctionName: tea.String("f"), Code: zipCode(x)})
	wantErr(t, err, http.StatusConflict, "FunctionAlreadyExists")
	_, err = c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{FunctionName: tea.String("9f"), Code: zipCode(x)})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{FunctionName: tea.String("nocode"), Runtime: tea.String("python3.9")})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{FunctionName: tea.String("mem"),
		MemorySize: tea.Int32(100), Code: zipCode(x)})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")

	// The Go SDK sends UpdateFunction's instance concurrency as
	// "InstanceConcurrency"; an empty map clears the variables.
	upd := must[*fcapi.UpdateFunctionResponse](t)(c.UpdateFunctionWithOptions(tea.String("svc"), tea.String("f"),
		&fcapi.UpdateFunctionRequest{InstanceConcurrency: tea.Int32(7), EnvironmentVariables: map[string]*string{}},
		&fcapi.UpdateFunctionHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{}))
	if tea.Int32Value(upd.Body.InstanceConcurrency) != 7 || len(upd.Body.EnvironmentVariables) != 0 ||
		tea.StringValue(upd.Body.Runtime) != "nodejs16" || tea.StringValue(upd.Body.CodeChecksum) != emulator.Checksum(pkg) {
		t.Fatalf("update %v", upd.Body)
	}
	etag2 := tea.StringValue(upd.Headers["etag"])
	if etag2 == etag1 {
		t.Fatal("etag unchanged by update")
	}
	_, err = c.UpdateFunctionWithOptions(tea.String("svc"), tea.String("f"), &fcapi.UpdateFunctionRequest{},
		&fcapi.UpdateFunctionHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")

	// Checksum header mismatch.
	_, err = c.UpdateFunctionWithOptions(tea.String("svc"), tea.String("f"), &fcapi.UpdateFunctionRequest{Code: zipCode(makeZip(t, "index.js", "new"))},
		&fcapi.UpdateFunctionHeaders{XFcCodeChecksum: tea.String("1")}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")

	_, err = c.DeleteService(tea.String("svc"))
	wantErr(t, err, http.StatusConflict, "ServiceNotEmpty")
	_, err = c.DeleteFunctionWithOptions(tea.String("svc"), tea.String("f"),
		&fcapi.DeleteFunctionHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	must[*fcapi.DeleteFunctionResponse](t)(c.DeleteFunctionWithOptions(tea.String("svc"), tea.String("f"),
		&fcapi.DeleteFunctionHeaders{IfMatch: tea.String(etag2)}, &util.RuntimeOptions{}))
	_, err = c.GetFunction(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionRequest{})
	wantErr(t, err, http.StatusNotFound, "FunctionNotFound")
	_, err = c.UpdateFunction(tea.String("svc"), tea.String("f"), &fcapi.UpdateFunctionRequest{})
	wantErr(t, err, http.StatusNotFound, "FunctionNotFound")
	_, err = c.DeleteFunction(tea.String("svc"), tea.String("f"))
	wantErr(t, err, http.StatusNotFound, "FunctionNotFound")
	_, err = c.GetFunctionCode(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionCodeRequest{})
	wantErr(t, err, http.StatusNotFound, "FunctionNotFound")
	must[*fcapi.DeleteServiceResponse](t)(c.DeleteService(tea.String("svc")))
}

func TestCustomContainerFunction(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))
	createService(t, c, "svc")
	f := must[*fcapi.CreateFunctionResponse](t)(c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("img"), Runtime: tea.String("custom-container"), Handler: tea.String("x"),
		CustomContainerConfig: &fcapi.CustomContainerConfig{Image: tea.String("registry.example/app:1"), Command: tea.String(`["/app"]`)},
		CaPort:                tea.Int32(8080),
	})).Body
	if tea.StringValue(f.CustomContainerConfig.Image) != "registry.example/app:1" || tea.Int32Value(f.CaPort) != 8080 ||
		tea.Int64Value(f.CodeSize) != 0 {
		t.Fatalf("container function %v", f)
	}
}

func TestCodeLimits(t *testing.T) {
	t.Parallel()
	s := start(t, func(o *emulator.Options) { o.MaxCodeSize = 1000; o.MaxFunctionsPerService = 3 })
	c := sdk(t, s)
	createService(t, c, "svc")
	_, err := c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("big"), Code: zipCode(make([]byte, 1001))})
	wantErr(t, err, http.StatusBadRequest, "EntityTooLarge")
	// Far over the limit, the body itself is refused.
	_, err = c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("huge"), Code: zipCode(make([]byte, 3<<20))})
	wantErr(t, err, http.StatusBadRequest, "EntityTooLarge")
	_, err = c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("bad64"), Code: &fcapi.Code{ZipFile: tea.String("!!!")}})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("oss"), Code: &fcapi.Code{OssBucketName: tea.String("b"), OssObjectName: tea.String("o")}})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	for i := range 3 {
		must[*fcapi.CreateFunctionResponse](t)(c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
			FunctionName: tea.String("f" + strconv.Itoa(i)), Code: zipCode(makeZip(t, "index.js", "x"))}))
	}
	_, err = c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("f3"), Code: zipCode(makeZip(t, "index.js", "x"))})
	wantErr(t, err, http.StatusBadRequest, "LimitExceeded")
}
