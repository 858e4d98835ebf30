package emulator_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"
)

// TestInject: the control endpoint stores values verbatim, numbers as
// written, where the API would refuse or round them, and the Go SDK reads
// them back.
func TestInject(t *testing.T) {
	s := start(t)
	api := sdk(t, s)
	must[*fcapi.CreateServiceResponse](t)(api.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String("svc")}))
	must[*fcapi.CreateFunctionResponse](t)(api.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("fn"), Runtime: tea.String("custom-container"), Handler: tea.String("x")}))
	must[*fcapi.CreateTriggerResponse](t)(api.CreateTrigger(tea.String("svc"), tea.String("fn"), &fcapi.CreateTriggerRequest{
		TriggerName: tea.String("t"), TriggerType: tea.String("http"), TriggerConfig: tea.String(`{"authType":"anonymous","methods":["GET"]}`)}))

	req, _ := http.NewRequest(http.MethodPatch, s.URL+"/_emulator/inject/svc/fn/t", strings.NewReader(`{"triggerConfig":[1,2,3]}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("inject: %v %v", resp, err)
	}
	tr := must[*fcapi.GetTriggerResponse](t)(api.GetTrigger(tea.String("svc"), tea.String("fn"), tea.String("t")))
	if got := tea.StringValue(tr.Body.TriggerConfig); got != "[1,2,3]" {
		t.Errorf("triggerConfig %q", got)
	}

	if err := s.Inject("svc/fn", []byte(`{"timeout":123456789012345678901234567890}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Inject("svc/nope", []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "no such function") {
		t.Errorf("inject into a missing function: %v", err)
	}
	req, _ = http.NewRequest(http.MethodPatch, s.URL+"/_emulator/inject/svc", strings.NewReader(`not json`))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad JSON: %d %s", resp.StatusCode, body)
	}
}
