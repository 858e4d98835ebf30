package conformance

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"hash/crc64"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	fcopen "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

// The Node test and this file share the store and these names: the Go side
// creates goMadeService before node runs, node leaves node-made behind.
const (
	goMadeService   = "go-made"
	nodeMadeService = "node-made"
	nodeMadeFunc    = "hello"
	nodeMadeTrigger = "web"

	funcraftService = "funcraft-made"
	funcraftFunc    = "api"

	// kinds.test.js leaves funcraftAsync with the async invocation config
	// funcraft deploys for a template's AsyncConfiguration.
	funcraftAsync     = "funcraft-async"
	funcraftAsyncFunc = "worker"

	// fc2Version and fc3Version are the SDK releases the references were
	// captured from.
	fc2Version = "2.6.6"
	fc3Version = "4.7.6"

	// fc3.test.js reads this FC 2.0 function as "go-made-2$legacy" and
	// updates its description through FC 3.0.
	fc2ForFC3Service  = "go-made-2"
	fc2ForFC3Function = "legacy"
)

// Throwaway credentials: the emulator is in process and listens on loopback.
// The STS key is a second key pair that needs its security token.
var (
	stsKey      = emulator.AccessKey{ID: "STS.conformance", Secret: "sts-secret", SecurityToken: "sts-token"}
	testAccount = emulator.Options{
		AccountID:       "1234567890",
		AccessKeyID:     "conformance-key",
		AccessKeySecret: "conformance-secret",
		Keys:            []emulator.AccessKey{stsKey},
	}
)

// TestNodeSDK runs conformance/node/fc2.test.js (the official @alicloud/fc2
// SDK on the /2016-08-15 dialect) against an in-process emulator, checks
// that each dialect sees what the other one wrote, and clones what a
// funcraft-style deploy made. Not parallel: the clone reads credentials
// from the environment, as fcsync does.
func TestNodeSDK(t *testing.T) {
	node := requireNode(t)

	srv, err := emulator.Start("127.0.0.1:0", testAccount)
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	client := newGoClient(t, srv.URL)

	_, err = client.CreateService(&fcopen.CreateServiceRequest{
		ServiceName: tea.String(goMadeService),
		Description: tea.String("made by go"),
	})
	if err != nil {
		t.Fatalf("go sdk: create service %s: %v", goMadeService, err)
	}

	runNodeTest(t, node, nodeTestFiles, []string{
		"FC_ENDPOINT=" + srv.URL,
		"FC_ACCOUNT_ID=" + testAccount.AccountID,
		"FC_ACCESS_KEY_ID=" + testAccount.AccessKeyID,
		"FC_ACCESS_KEY_SECRET=" + testAccount.AccessKeySecret,
		"FC_GO_CREATED_SERVICE=" + goMadeService,
		"FC_STS_KEY_ID=" + stsKey.ID,
		"FC_STS_KEY_SECRET=" + stsKey.Secret,
		"FC_STS_TOKEN=" + stsKey.SecurityToken,
	})

	checkNodeMade(t, client)
	checkFuncraftMade(t, client)
	checkFuncraftAsync(t, client)
	checkFuncraftClone(t, srv.URL)
}

// requireNode returns the node binary, or skips the test when node or the SDK
// is missing. FCSYNC_REQUIRE_NODE=1 (set by make test) turns the skip into a
// failure so CI cannot pass without running the Node SDK.
func requireNode(t *testing.T) string {
	t.Helper()
	unavailable := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("FCSYNC_REQUIRE_NODE") == "1" {
			t.Fatalf(format+" (FCSYNC_REQUIRE_NODE=1)", args...)
		}
		t.Skipf(format+"; set FCSYNC_REQUIRE_NODE=1 to make this a failure", args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable("node sdk conformance: node not found on PATH")
	}
	for pkg, version := range map[string]string{"fc2": fc2Version, "fc20230330": fc3Version} {
		manifest, err := os.ReadFile(filepath.Join("node", "node_modules", "@alicloud", pkg, "package.json"))
		if err != nil {
			unavailable("node sdk conformance: @alicloud/%s not installed, run: npm ci --prefix conformance/node", pkg)
		}
		var got struct{ Version string }
		if err := json.Unmarshal(manifest, &got); err != nil {
			t.Fatalf("node sdk conformance: read @alicloud/%s package.json: %v", pkg, err)
		}
		if got.Version != version {
			t.Fatalf("node sdk conformance: @alicloud/%s is %s, want %s; run: npm ci --prefix conformance/node", pkg, got.Version, version)
		}
	}
	return node
}

// newGoClient returns the official Go SDK client pointed at the emulator,
// configured the way the reference says users reach a custom endpoint.
func newGoClient(t *testing.T, serverURL string) *fcopen.Client {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatalf("emulator url %q: %v", serverURL, err)
	}
	client, err := fcopen.NewClient(&openapi.Config{
		Endpoint:        tea.String(u.Host), // bare host:port, the SDK adds the scheme
		Protocol:        tea.String("http"),
		AccessKeyId:     tea.String(testAccount.AccessKeyID),
		AccessKeySecret: tea.String(testAccount.AccessKeySecret),
	})
	if err != nil {
		t.Fatalf("go sdk: new client: %v", err)
	}
	return client
}

// nodeTestFiles are the conformance files node runs: fc2.test.js for
// services, functions, triggers and domains, kinds.test.js for what hangs
// off them (versions, aliases, configs, tags, layers, bindings, invocations).
var nodeTestFiles = []string{"fc2.test.js", "kinds.test.js"}

// runNodeTest runs files with node's own test runner and requires them to
// pass; node's report goes to the test log line by line.
func runNodeTest(t *testing.T, node string, files, env []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"--test", "--test-reporter=spec"}, files...)...)
	cmd.Dir = "node"
	cmd.Env = append(os.Environ(), env...) // later entries win over inherited FC_* values
	log := &lineLogger{t: t, prefix: "node: "}
	// One writer for both streams: exec then never calls Write concurrently.
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	log.flush()
	if err != nil {
		t.Fatalf("node --test %s: %v (its report is in the log above)", strings.Join(files, " "), err)
	}
}

// checkNodeMade reads what the Node SDK created back through the Go SDK, where
// triggerConfig is a JSON string rather than an object.
func checkNodeMade(t *testing.T, client *fcopen.Client) {
	t.Helper()
	svc, err := client.GetService(tea.String(nodeMadeService), &fcopen.GetServiceRequest{})
	if err != nil {
		t.Fatalf("go sdk: get service %s: %v", nodeMadeService, err)
	}
	if got := tea.StringValue(svc.Body.Description); got != "made by node" {
		t.Errorf("service %s description = %q, want %q", nodeMadeService, got, "made by node")
	}

	fn, err := client.GetFunction(tea.String(nodeMadeService), tea.String(nodeMadeFunc), &fcopen.GetFunctionRequest{})
	if err != nil {
		t.Fatalf("go sdk: get function %s/%s: %v", nodeMadeService, nodeMadeFunc, err)
	}
	if got := tea.StringValue(fn.Body.Handler); got != "index.handler" {
		t.Errorf("function handler = %q, want index.handler", got)
	}
	code, err := client.GetFunctionCode(tea.String(nodeMadeService), tea.String(nodeMadeFunc), &fcopen.GetFunctionCodeRequest{})
	if err != nil {
		t.Fatalf("go sdk: get function code: %v", err)
	}
	zipBytes := download(t, tea.StringValue(code.Body.Url))
	sum := strconv.FormatUint(crc64.Checksum(zipBytes, crc64.MakeTable(crc64.ECMA)), 10)
	if got := tea.StringValue(fn.Body.CodeChecksum); got != sum {
		t.Errorf("function codeChecksum = %q, CRC-64/ECMA of the served code = %s", got, sum)
	}
	if got := tea.StringValue(code.Body.Checksum); got != sum {
		t.Errorf("GetFunctionCode checksum = %q, CRC-64/ECMA of the served code = %s", got, sum)
	}
	if got := tea.Int64Value(fn.Body.CodeSize); got != int64(len(zipBytes)) {
		t.Errorf("function codeSize = %d, served code is %d bytes", got, len(zipBytes))
	}
	checkZipHas(t, zipBytes, "index.js", "package.json")

	trig, err := client.GetTrigger(tea.String(nodeMadeService), tea.String(nodeMadeFunc), tea.String(nodeMadeTrigger))
	if err != nil {
		t.Fatalf("go sdk: get trigger %s: %v", nodeMadeTrigger, err)
	}
	if got := tea.StringValue(trig.Body.TriggerType); got != "http" {
		t.Errorf("trigger type = %q, want http", got)
	}
	var cfg struct {
		AuthType string   `json:"authType"`
		Methods  []string `json:"methods"`
	}
	raw := tea.StringValue(trig.Body.TriggerConfig)
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatalf("trigger config %q is not a JSON object string: %v", raw, err)
	}
	if cfg.AuthType != "anonymous" || !reflect.DeepEqual(cfg.Methods, []string{"GET", "POST"}) {
		t.Errorf("trigger config = %s, want authType anonymous and methods [GET POST]", raw)
	}

	list, err := client.ListTriggers(tea.String(nodeMadeService), tea.String(nodeMadeFunc), &fcopen.ListTriggersRequest{})
	if err != nil {
		t.Fatalf("go sdk: list triggers: %v", err)
	}
	var names []string
	for _, tr := range list.Body.Triggers {
		names = append(names, tea.StringValue(tr.TriggerName))
	}
	if !reflect.DeepEqual(names, []string{nodeMadeTrigger}) {
		t.Errorf("triggers of %s/%s = %v, want [%s]", nodeMadeService, nodeMadeFunc, names, nodeMadeTrigger)
	}
}

// download fetches a code URL the way FC's OSS URLs are fetched: plain GET.
func download(t *testing.T, rawURL string) []byte {
	t.Helper()
	resp, err := http.Get(rawURL)
	if err != nil {
		t.Fatalf("download code: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("download code: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download code: GET %s: status %d", rawURL, resp.StatusCode)
	}
	return body
}

// checkZipHas asserts the code is a readable zip with the given entries, which
// also shows the Node test's hand-written zip is a real archive.
func checkZipHas(t *testing.T, b []byte, names ...string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("served code is not a zip: %v", err)
	}
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name)
	}
	if !reflect.DeepEqual(got, names) {
		t.Errorf("zip entries = %v, want %v", got, names)
	}
}

// lineLogger writes a child process's output to the test log, one log call
// per line so node's report stays readable among other tests' output.
type lineLogger struct {
	t      *testing.T
	prefix string
	buf    []byte
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		l.t.Log(l.prefix + strings.TrimRight(string(l.buf[:i]), "\r"))
		l.buf = l.buf[i+1:]
	}
}

func (l *lineLogger) flush() {
	if len(l.buf) > 0 {
		l.t.Log(l.prefix + string(l.buf))
		l.buf = nil
	}
}
