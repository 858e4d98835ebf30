package conformance

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	fcopen "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/cli"
)

// checkFuncraftMade reads back through the Go SDK what fc2.test.js deployed
// with funcraft's PascalCase bodies: the Go SDK decodes camelCase keys only
// (fc-api.md 1.10), so every value it sees proves FC's spelling.
func checkFuncraftMade(t *testing.T, client *fcopen.Client) {
	t.Helper()
	svc, err := client.GetService(tea.String(funcraftService), &fcopen.GetServiceRequest{})
	if err != nil {
		t.Fatalf("go sdk: get service %s: %v", funcraftService, err)
	}
	b := svc.Body
	if tea.StringValue(b.Description) != "deployed by funcraft" || b.VpcConfig == nil ||
		tea.StringValue(b.VpcConfig.VpcId) != "vpc-1" || tea.StringValue(b.VpcConfig.SecurityGroupId) != "sg-1" ||
		len(b.VpcConfig.VSwitchIds) != 1 || b.LogConfig == nil || tea.StringValue(b.LogConfig.Project) != "logs" ||
		tea.StringValue(b.LogConfig.LogBeginRule) != "None" {
		t.Errorf("funcraft service read by the Go SDK: %v", b)
	}
	fn, err := client.GetFunction(tea.String(funcraftService), tea.String(funcraftFunc), &fcopen.GetFunctionRequest{})
	if err != nil {
		t.Fatalf("go sdk: get function %s/%s: %v", funcraftService, funcraftFunc, err)
	}
	if f := fn.Body; tea.Int32Value(f.MemorySize) != 256 || tea.Int32Value(f.Timeout) != 30 ||
		tea.StringValue(f.Runtime) != "nodejs14" || tea.StringValue(f.EnvironmentVariables["Stage"]) != "prod" {
		t.Errorf("funcraft function read by the Go SDK: %v", f)
	}
}

// checkFuncraftAsync reads back through the Go SDK the async invocation
// config kinds.test.js deployed as funcraft does, the last time in
// PascalCase: the Go SDK decodes FC's camelCase keys only.
func checkFuncraftAsync(t *testing.T, client *fcopen.Client) {
	t.Helper()
	cfg, err := client.GetFunctionAsyncInvokeConfig(tea.String(funcraftAsync), tea.String(funcraftAsyncFunc),
		&fcopen.GetFunctionAsyncInvokeConfigRequest{Qualifier: tea.String("LATEST")})
	if err != nil {
		t.Fatalf("go sdk: get async invoke config of %s/%s: %v", funcraftAsync, funcraftAsyncFunc, err)
	}
	b := cfg.Body
	onSuccess := "acs:fc:cn-hangzhou:" + testAccount.AccountID + ":services/" + funcraftAsync + "/functions/" + funcraftAsyncFunc
	if tea.Int64Value(b.MaxAsyncRetryAttempts) != 3 || tea.Int64Value(b.MaxAsyncEventAgeInSeconds) != 20 ||
		b.DestinationConfig == nil || b.DestinationConfig.OnSuccess == nil ||
		tea.StringValue(b.DestinationConfig.OnSuccess.Destination) != onSuccess ||
		tea.StringValue(b.Qualifier) != "LATEST" || tea.StringValue(b.Function) != funcraftAsyncFunc {
		t.Errorf("funcraft async config read by the Go SDK: %v", b)
	}
}

// checkFuncraftClone clones the funcraft-made service with fcsync: the
// project files hold FC's camelCase names and no PascalCase one.
func checkFuncraftClone(t *testing.T, endpoint string) {
	t.Helper()
	home := t.TempDir()
	for k, v := range map[string]string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID":     testAccount.AccessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": testAccount.AccessKeySecret,
		"ALIBABA_CLOUD_SECURITY_TOKEN":    "",
		"ALIBABA_CLOUD_ACCOUNT_ID":        testAccount.AccountID,
		"HOME":                            home,
		"GIT_CONFIG_NOSYSTEM":             "1",
		"GIT_AUTHOR_NAME":                 "Conformance",
		"GIT_AUTHOR_EMAIL":                "conformance@example.com",
		"GIT_COMMITTER_NAME":              "Conformance",
		"GIT_COMMITTER_EMAIL":             "conformance@example.com",
	} {
		t.Setenv(k, v)
	}
	dir := filepath.Join(t.TempDir(), "proj")
	var out, errOut bytes.Buffer
	code := cli.Main([]string{"--endpoint", endpoint, "clone", "--region", "cn-hangzhou", "--service", funcraftService, dir},
		cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	if code != 0 {
		t.Fatalf("fcsync clone: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	files := map[string][]string{
		"services/funcraft-made/service.yaml": {"description: deployed by funcraft", "vpcConfig:", "  vpcId: vpc-1",
			"  vSwitchIds:", "  securityGroupId: sg-1", "logConfig:", "  project: logs"},
		"services/funcraft-made/functions/api/function.yaml": {"runtime: nodejs14", "memorySize: 256", "timeout: 30",
			"environmentVariables:", "  Stage: prod"},
		"services/funcraft-made/functions/api/triggers/http.yaml": {"triggerType: http", "triggerConfig:",
			"  authType: anonymous", "  methods:"},
	}
	// A key starting with a capital letter outside environmentVariables
	// would be funcraft's spelling leaking through.
	pascal := regexp.MustCompile(`(?m)^ *[A-Z][A-Za-z]*:`)
	topLevelNull := regexp.MustCompile(`(?m)^[A-Za-z]+: null$`)
	for name, want := range files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Errorf("clone: %v", err)
			continue
		}
		text := string(data)
		for _, line := range want {
			if !strings.Contains(text, line+"\n") {
				t.Errorf("%s lacks %q:\n%s", name, line, text)
			}
		}
		for _, m := range pascal.FindAllString(text, -1) {
			if strings.TrimSpace(m) != "Stage:" {
				t.Errorf("%s has the PascalCase key %q:\n%s", name, m, text)
			}
		}
		// FC's null for a field never set is no field at all.
		if m := topLevelNull.FindString(text); m != "" {
			t.Errorf("%s renders FC's null as %q:\n%s", name, m, text)
		}
	}
	// What FC completed the partial logConfig with (logBeginRule: None) and
	// its null tracingConfig are FC's defaults: the live branch records
	// them, the project file leaves them out (issue 13, section 5).
	data, _ := os.ReadFile(filepath.Join(dir, "services", "funcraft-made", "service.yaml"))
	if strings.Contains(string(data), "logBeginRule") || strings.Contains(string(data), "tracingConfig") {
		t.Errorf("service.yaml holds FC's defaults:\n%s", data)
	}
	live, err := exec.Command("git", "-C", dir, "show", "fcsync/live/cn-hangzhou:services/funcraft-made/service.yaml").Output()
	if err != nil || !strings.Contains(string(live), "  logBeginRule: None\n") {
		t.Errorf("the live branch lacks FC's completed logConfig (%v):\n%s", err, live)
	}
}
