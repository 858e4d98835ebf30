package emulator_test

import (
	"net/http"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
)

func TestServiceLifecycle(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))

	created := must[*fcapi.CreateServiceResponse](t)(c.CreateService(&fcapi.CreateServiceRequest{
		ServiceName: tea.String("svc"), Description: tea.String("first"),
	}))
	b := created.Body
	if tea.StringValue(b.ServiceName) != "svc" || tea.StringValue(b.Description) != "first" ||
		len(tea.StringValue(b.ServiceId)) != 36 || !tea.BoolValue(b.InternetAccess) {
		t.Fatalf("created %v", b)
	}
	etag1 := tea.StringValue(created.Headers["etag"])
	if len(etag1) != 32 {
		t.Fatalf("etag %q", etag1)
	}
	if id := tea.StringValue(created.Headers["x-fc-request-id"]); len(id) != 36 {
		t.Fatalf("request id %q", id)
	}

	got := must[*fcapi.GetServiceResponse](t)(c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{}))
	if tea.StringValue(got.Headers["etag"]) != etag1 || tea.StringValue(got.Body.CreatedTime) != tea.StringValue(b.CreatedTime) {
		t.Fatalf("get %v %v", got.Headers, got.Body)
	}

	// Partial update: only the description changes; lastModifiedTime and the
	// ETag move even within the same second.
	upd := must[*fcapi.UpdateServiceResponse](t)(c.UpdateServiceWithOptions(tea.String("svc"),
		&fcapi.UpdateServiceRequest{Description: tea.String("second")},
		&fcapi.UpdateServiceHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{}))
	etag2 := tea.StringValue(upd.Headers["etag"])
	if etag2 == etag1 || tea.StringValue(upd.Body.Description) != "second" ||
		!tea.BoolValue(upd.Body.InternetAccess) ||
		tea.StringValue(upd.Body.LastModifiedTime) <= tea.StringValue(b.LastModifiedTime) ||
		tea.StringValue(upd.Body.CreatedTime) != tea.StringValue(b.CreatedTime) {
		t.Fatalf("update %v etag %s", upd.Body, etag2)
	}

	_, err := c.UpdateServiceWithOptions(tea.String("svc"), &fcapi.UpdateServiceRequest{Description: tea.String("x")},
		&fcapi.UpdateServiceHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")
	_, err = c.DeleteServiceWithOptions(tea.String("svc"), &fcapi.DeleteServiceHeaders{IfMatch: tea.String(etag1)}, &util.RuntimeOptions{})
	wantErr(t, err, http.StatusPreconditionFailed, "PreconditionFailed")

	_, err = c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String("svc")})
	wantErr(t, err, http.StatusConflict, "ServiceAlreadyExists")

	del := must[*fcapi.DeleteServiceResponse](t)(c.DeleteServiceWithOptions(tea.String("svc"),
		&fcapi.DeleteServiceHeaders{IfMatch: tea.String(etag2)}, &util.RuntimeOptions{}))
	if tea.Int32Value(del.StatusCode) != http.StatusNoContent {
		t.Fatalf("delete status %d", tea.Int32Value(del.StatusCode))
	}
	_, err = c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{})
	wantErr(t, err, http.StatusNotFound, "ServiceNotFound")
	_, err = c.UpdateService(tea.String("svc"), &fcapi.UpdateServiceRequest{})
	wantErr(t, err, http.StatusNotFound, "ServiceNotFound")
	_, err = c.DeleteService(tea.String("svc"))
	wantErr(t, err, http.StatusNotFound, "ServiceNotFound")
}

func TestServiceDefaultsAndNestedReplace(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))
	must[*fcapi.CreateServiceResponse](t)(c.CreateService(&fcapi.CreateServiceRequest{
		ServiceName:   tea.String("svc"),
		TracingConfig: &fcapi.TracingConfig{Type: tea.String("Jaeger"), Params: map[string]*string{"endpoint": tea.String("x")}},
	}))
	got := must[*fcapi.GetServiceResponse](t)(c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{})).Body
	if tea.StringValue(got.Description) != "" || tea.Int32Value(got.NasConfig.UserId) != -1 ||
		tea.StringValue(got.LogConfig.LogBeginRule) != "None" || tea.StringValue(got.TracingConfig.Type) != "Jaeger" {
		t.Fatalf("defaults %v", got)
	}
	// An empty tracingConfig disables tracing: {type: null, params: null}.
	upd := must[*fcapi.UpdateServiceResponse](t)(c.UpdateService(tea.String("svc"),
		&fcapi.UpdateServiceRequest{TracingConfig: &fcapi.TracingConfig{}})).Body
	if upd.TracingConfig == nil || upd.TracingConfig.Type != nil || upd.TracingConfig.Params != nil {
		t.Fatalf("tracing %v", upd.TracingConfig)
	}
}

func TestQualifiers(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))
	must[*fcapi.CreateServiceResponse](t)(c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String("svc")}))
	must[*fcapi.GetServiceResponse](t)(c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{Qualifier: tea.String("LATEST")}))
	_, err := c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{Qualifier: tea.String("3")})
	wantErr(t, err, http.StatusNotFound, "VersionNotFound")
	_, err = c.GetService(tea.String("svc"), &fcapi.GetServiceRequest{Qualifier: tea.String("prod")})
	wantErr(t, err, http.StatusNotFound, "AliasNotFound")
}

func TestInvalidNames(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t))
	long := make([]byte, 129)
	for i := range long {
		long[i] = 'a'
	}
	for _, name := range []string{"", "1abc", "-abc", "a.b", "a b", "ä", string(long)} {
		_, err := c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String(name)})
		wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	}
	must[*fcapi.CreateServiceResponse](t)(c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String(string(long[:128]))}))
	must[*fcapi.CreateServiceResponse](t)(c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String("_a-B9")}))
}
