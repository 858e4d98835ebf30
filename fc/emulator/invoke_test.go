package emulator_test

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"reflect"
	"strings"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

func invoke(c *fcapi.Client, q, typ, logType string, body []byte) (*fcapi.InvokeFunctionResponse, error) {
	req := &fcapi.InvokeFunctionRequest{Body: body}
	if q != "" {
		req.Qualifier = tea.String(q)
	}
	h := &fcapi.InvokeFunctionHeaders{}
	if typ != "" {
		h.XFcInvocationType = tea.String(typ)
	}
	if logType != "" {
		h.XFcLogType = tea.String(logType)
	}
	return c.InvokeFunctionWithOptions(tea.String("svc"), tea.String("f"), req, h, &util.RuntimeOptions{})
}

func TestInvokeFunction(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	aliased(t, c)

	// Synchronous: the event comes back, with FC's headers.
	r := must[*fcapi.InvokeFunctionResponse](t)(invoke(c, "", "", "Tail", []byte(`{"k":1}`)))
	if tea.Int32Value(r.StatusCode) != http.StatusOK || !bytes.Equal(r.Body, []byte(`{"k":1}`)) ||
		tea.StringValue(r.Headers["x-fc-invocation-service-version"]) != "LATEST" ||
		tea.StringValue(r.Headers["x-fc-code-checksum"]) == "" || len(tea.StringValue(r.Headers["x-fc-request-id"])) != 36 {
		t.Fatalf("sync invocation %d %v %s", tea.Int32Value(r.StatusCode), r.Headers, r.Body)
	}
	logs, _ := base64.StdEncoding.DecodeString(tea.StringValue(r.Headers["x-fc-log-result"]))
	if !strings.Contains(string(logs), tea.StringValue(r.Headers["x-fc-request-id"])) {
		t.Fatalf("log result %q", logs)
	}
	// Through an alias: its version answers.
	r = must[*fcapi.InvokeFunctionResponse](t)(invoke(c, "prod", "Sync", "", []byte("x")))
	if tea.StringValue(r.Headers["x-fc-invocation-service-version"]) != "1" {
		t.Fatalf("through prod: %v", r.Headers)
	}
	// Asynchronous: 202, nothing in the body.
	r = must[*fcapi.InvokeFunctionResponse](t)(invoke(c, "1", "Async", "", []byte("later")))
	if tea.Int32Value(r.StatusCode) != http.StatusAccepted || len(r.Body) != 0 {
		t.Fatalf("async invocation %d %s", tea.Int32Value(r.StatusCode), r.Body)
	}

	// A canned response.
	s.SetInvokeResponse("svc", "f", &emulator.InvokeResponse{Body: `{"ok":true}`,
		Header: map[string]string{"Content-Type": "application/json", "X-Fc-Error-Type": "HandledInvocationError"}})
	r = must[*fcapi.InvokeFunctionResponse](t)(invoke(c, "", "", "", nil))
	if string(r.Body) != `{"ok":true}` || tea.StringValue(r.Headers["content-type"]) != "application/json" ||
		tea.StringValue(r.Headers["x-fc-error-type"]) != "HandledInvocationError" {
		t.Fatalf("canned %v %s", r.Headers, r.Body)
	}
	if code := send(t, "DELETE", s.URL+"/_emulator/invoke/svc/f", ""); code != http.StatusNoContent {
		t.Fatalf("DELETE invoke answered %d", code)
	}
	if code := send(t, "PUT", s.URL+"/_emulator/invoke/svc/f", `{"status":200,"body":"pong"}`); code != http.StatusNoContent {
		t.Fatalf("PUT invoke answered %d", code)
	}
	if r = must[*fcapi.InvokeFunctionResponse](t)(invoke(c, "", "", "", []byte("ping"))); string(r.Body) != "pong" {
		t.Fatalf("canned over HTTP: %s", r.Body)
	}

	var got []string
	for _, in := range s.Invocations("svc", "f") {
		got = append(got, in.Version+":"+map[bool]string{true: "async", false: "sync"}[in.Async]+":"+string(in.Body))
	}
	want := []string{`LATEST:sync:{"k":1}`, "1:sync:x", "1:async:later", "LATEST:sync:", "LATEST:sync:ping"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("invocations %v", got)
	}

	_, err := invoke(c, "", "Async", "Tail", nil)
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = invoke(c, "", "", "Verbose", nil)
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = invoke(c, "", "Later", "", nil)
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = invoke(c, "", "Async", "", make([]byte, 128<<10+1))
	wantErr(t, err, http.StatusBadRequest, "EntityTooLarge")
	_, err = invoke(c, "staging", "", "", nil)
	wantErr(t, err, http.StatusNotFound, "AliasNotFound")
	_, err = c.InvokeFunction(tea.String("svc"), tea.String("nope"), &fcapi.InvokeFunctionRequest{})
	wantErr(t, err, http.StatusNotFound, "FunctionNotFound")
}

func TestAccountSettings(t *testing.T) {
	t.Parallel()
	c := sdk(t, start(t, func(o *emulator.Options) { o.Region = "cn-shanghai" }))
	r := must[*fcapi.GetAccountSettingsResponse](t)(c.GetAccountSettings())
	if len(r.Body.AvailableAZs) == 0 || !strings.HasPrefix(tea.StringValue(r.Body.AvailableAZs[0]), "cn-shanghai-") ||
		tea.StringValue(r.Body.DefaultRole) != "acs:ram::"+testAccount+":role/aliyunfcdefaultrole" {
		t.Fatalf("account settings %v", r.Body)
	}
}

func TestVpcBindings(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	createService(t, c, "svc")
	for _, id := range []string{"vpc-b", "vpc-a"} {
		must[*fcapi.CreateVpcBindingResponse](t)(c.CreateVpcBinding(tea.String("svc"), &fcapi.CreateVpcBindingRequest{VpcId: tea.String(id)}))
	}
	list := must[*fcapi.ListVpcBindingsResponse](t)(c.ListVpcBindings(tea.String("svc")))
	if len(list.Body.VpcIds) != 2 || tea.StringValue(list.Body.VpcIds[0]) != "vpc-a" {
		t.Fatalf("bindings %v", list.Body)
	}
	_, err := c.CreateVpcBinding(tea.String("svc"), &fcapi.CreateVpcBindingRequest{VpcId: tea.String("vpc-a")})
	wantErr(t, err, http.StatusConflict, "VpcBindingAlreadyExists")
	_, err = c.CreateVpcBinding(tea.String("svc"), &fcapi.CreateVpcBindingRequest{VpcId: tea.String("sg-1")})
	wantErr(t, err, http.StatusBadRequest, "InvalidArgument")
	_, err = c.CreateVpcBinding(tea.String("nope"), &fcapi.CreateVpcBindingRequest{VpcId: tea.String("vpc-a")})
	wantErr(t, err, http.StatusNotFound, "ServiceNotFound")
	must[*fcapi.DeleteVpcBindingResponse](t)(c.DeleteVpcBinding(tea.String("svc"), tea.String("vpc-b")))
	_, err = c.DeleteVpcBinding(tea.String("svc"), tea.String("vpc-b"))
	wantErr(t, err, http.StatusNotFound, "VpcBindingNotFound")
	if got := s.VpcBindings("svc"); !reflect.DeepEqual(got, []string{"vpc-a"}) {
		t.Fatalf("bindings %v", got)
	}
	// Bindings go with the service.
	must[*fcapi.DeleteServiceResponse](t)(c.DeleteService(tea.String("svc")))
}
