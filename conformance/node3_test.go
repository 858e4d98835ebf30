package conformance

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"testing"

	fcopen "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

// TestNodeSDK3 runs conformance/node/fc3.test.js (the official FC 3.0 SDK
// @alicloud/fc20230330 on the 2023-03-30 dialect) against an in-process
// emulator that also holds an FC 2.0 function made through the Go FC 2.0
// SDK, then checks that FC 2.0 sees the FC 3.0 write to that function and
// that the emulator counted the FC 3.0 actions by name.
func TestNodeSDK3(t *testing.T) {
	node := requireNode(t)

	srv, err := emulator.Start("127.0.0.1:0", testAccount)
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	client := newGoClient(t, srv.URL)

	if _, err := client.CreateService(&fcopen.CreateServiceRequest{ServiceName: tea.String(fc2ForFC3Service)}); err != nil {
		t.Fatalf("go sdk: create service: %v", err)
	}
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, err := zw.Create("index.py")
	if err == nil {
		_, err = w.Write([]byte("def handler(event, context):\n    return 'fc2'\n"))
	}
	if err != nil || zw.Close() != nil {
		t.Fatalf("zip: %v", err)
	}
	_, err = client.CreateFunction(tea.String(fc2ForFC3Service), &fcopen.CreateFunctionRequest{
		FunctionName: tea.String(fc2ForFC3Function), Runtime: tea.String("python3.9"), Handler: tea.String("index.handler"),
		Code: &fcopen.Code{ZipFile: tea.String(base64.StdEncoding.EncodeToString(zipped.Bytes()))},
	})
	if err != nil {
		t.Fatalf("go sdk: create function: %v", err)
	}

	runNodeTest(t, node, []string{"fc3.test.js"}, []string{
		"FC_ENDPOINT=" + srv.URL,
		"FC_ACCOUNT_ID=" + testAccount.AccountID,
		"FC_ACCESS_KEY_ID=" + testAccount.AccessKeyID,
		"FC_ACCESS_KEY_SECRET=" + testAccount.AccessKeySecret,
		"FC_GO_CREATED_SERVICE=" + fc2ForFC3Service,
		"FC_GO_CREATED_FUNCTION=" + fc2ForFC3Function,
	})

	fn, err := client.GetFunction(tea.String(fc2ForFC3Service), tea.String(fc2ForFC3Function), &fcopen.GetFunctionRequest{})
	if err != nil {
		t.Fatalf("go sdk: get function: %v", err)
	}
	if got := tea.StringValue(fn.Body.Description); got != "via fc3" {
		t.Errorf("FC 2.0 function description after the FC 3.0 update = %q, want %q", got, "via fc3")
	}
	calls := srv.Stats()
	for _, action := range []string{"PublishFunctionVersion", "PutConcurrencyConfig", "TagResources", "ListTagResources",
		"CreateVpcBinding", "GetLayerVersionByArn", "DeleteProvisionConfig"} {
		if calls[action] == 0 {
			t.Errorf("the emulator counted no %s call: %v", action, calls)
		}
	}
}
