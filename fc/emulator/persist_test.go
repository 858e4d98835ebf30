package emulator_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

func TestPersistence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	withDir := func(o *emulator.Options) { o.DataDir = dir }
	s := start(t, withDir)
	c := sdk(t, s)
	createService(t, c, "svc")
	z := makeZip(t, "index.py", "persisted")
	must[*fcapi.CreateFunctionResponse](t)(c.CreateFunction(tea.String("svc"), &fcapi.CreateFunctionRequest{
		FunctionName: tea.String("f"), Runtime: tea.String("python3.9"), Handler: tea.String("index.handler"), Code: zipCode(z)}))
	createFunction(t, c, "svc", "gone")
	must[*fcapi.DeleteFunctionResponse](t)(c.DeleteFunction(tea.String("svc"), tea.String("gone")))
	must[*fcapi.CreateTriggerResponse](t)(c.CreateTrigger(tea.String("svc"), tea.String("f"), &fcapi.CreateTriggerRequest{
		TriggerName: tea.String("t"), TriggerType: tea.String("timer"), TriggerConfig: tea.String(`{"cronExpression":"@every 1m","enable":true}`)}))
	must[*fcapi.CreateCustomDomainResponse](t)(c.CreateCustomDomain(&fcapi.CreateCustomDomainRequest{DomainName: tea.String("example.com")}))
	before := must[*fcapi.GetFunctionResponse](t)(c.GetFunction(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionRequest{}))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Debris of a writer killed before its rename must not matter.
	os.WriteFile(filepath.Join(dir, ".state.json.tmp-123"), []byte(`{"services":`), 0o600)

	s2 := start(t, withDir)
	c2 := sdk(t, s2)
	after := must[*fcapi.GetFunctionResponse](t)(c2.GetFunction(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionRequest{}))
	if tea.StringValue(after.Headers["etag"]) != tea.StringValue(before.Headers["etag"]) ||
		tea.StringValue(after.Body.CodeChecksum) != emulator.Checksum(z) ||
		tea.StringValue(after.Body.LastModifiedTime) != tea.StringValue(before.Body.LastModifiedTime) {
		t.Fatalf("after restart %v", after.Body)
	}
	_, err := c2.GetFunction(tea.String("svc"), tea.String("gone"), &fcapi.GetFunctionRequest{})
	wantErr(t, err, http.StatusNotFound, "FunctionNotFound")
	must[*fcapi.GetTriggerResponse](t)(c2.GetTrigger(tea.String("svc"), tea.String("f"), tea.String("t")))
	must[*fcapi.GetCustomDomainResponse](t)(c2.GetCustomDomain(tea.String("example.com")))
	code := must[*fcapi.GetFunctionCodeResponse](t)(c2.GetFunctionCode(tea.String("svc"), tea.String("f"), &fcapi.GetFunctionCodeRequest{}))
	resp, err := http.Get(tea.StringValue(code.Body.Url))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, z) {
		t.Fatal("code lost across restart")
	}
	// Timestamps keep increasing after a restart.
	upd := must[*fcapi.UpdateFunctionResponse](t)(c2.UpdateFunction(tea.String("svc"), tea.String("f"), &fcapi.UpdateFunctionRequest{}))
	if tea.StringValue(upd.Body.LastModifiedTime) <= tea.StringValue(before.Body.LastModifiedTime) {
		t.Fatalf("lastModifiedTime went from %s to %s", tea.StringValue(before.Body.LastModifiedTime), tea.StringValue(upd.Body.LastModifiedTime))
	}
	// Only the live code package is kept.
	blobs, _ := os.ReadDir(filepath.Join(dir, "code"))
	if len(blobs) != 1 {
		t.Fatalf("%d code files", len(blobs))
	}
}

func TestPersistenceRejectsCorruptState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "state.json"), []byte(`{"services":`), 0o600)
	if _, err := emulator.New(emulator.Options{AccessKeyID: "k", AccessKeySecret: "s", DataDir: dir}); err == nil {
		t.Fatal("a torn state file loaded without error")
	}
}
