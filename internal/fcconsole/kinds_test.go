package fcconsole_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc/emulator"
	"github.com/fcsync/fcsync/internal/fcconsole"
)

// Every console operation of the kinds, as a script would run it, against
// the emulator, checked through the emulator's own view.
func TestKindOperations(t *testing.T) {
	t.Parallel()
	srv, err := emulator.Start("127.0.0.1:0", emulator.Options{AccountID: "1234567890", AccessKeyID: "k", AccessKeySecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := fcconsole.New(srv.URL, "k", "s")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c.Dir = dir
	os.MkdirAll(filepath.Join(dir, "code"), 0o755)
	os.WriteFile(filepath.Join(dir, "code", "index.py"), []byte("def handler(e, c): return e\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "layer.zip"), zipOf(t, "python/lib.py", "x"), 0o644)

	run := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := c.Run(args, &out); err != nil {
			t.Fatalf("%s: %v", strings.Join(args, " "), err)
		}
		return out.String()
	}
	run("create-service", "svc")
	run("create-function", "svc", "f", `{"runtime":"python3.9","handler":"index.handler"}`, "code")
	if got := run("publish-version", "svc", "first"); got != "1\n" {
		t.Fatalf("publish-version printed %q", got)
	}
	run("update-function", "svc", "f", `{"memorySize":256}`)
	run("publish-version", "svc")
	if got := run("list-versions", "svc"); !strings.Contains(got, `"versionId": "2"`) {
		t.Fatalf("list-versions printed %s", got)
	}

	run("create-alias", "svc", "prod", "1", `{"description":"live"}`)
	run("set-alias-weight", "svc", "prod", "2", "0.1")
	a, _, _ := srv.Alias("svc", "prod")
	if !reflect.DeepEqual(a["additionalVersionWeight"], map[string]any{"2": 0.1}) || a["description"] != "live" {
		t.Fatalf("after set-alias-weight %v", a)
	}
	run("point-alias", "svc", "prod", "2")
	run("set-alias-weight", "svc", "prod", "2", "0")
	run("update-alias", "svc", "prod", `{"description":"shifted"}`)
	a, _, _ = srv.Alias("svc", "prod")
	if a["versionId"] != "2" || len(a["additionalVersionWeight"].(map[string]any)) != 0 || a["description"] != "shifted" {
		t.Fatalf("after point-alias %v", a)
	}
	if got := run("get-alias", "svc", "prod"); !strings.Contains(got, `"aliasName": "prod"`) {
		t.Fatalf("get-alias printed %s", got)
	}

	run("set-provision-target", "svc", "f", "prod", "3")
	run("put-provision", "svc", "f", "LATEST", `{"target":1,"alwaysAllocateCPU":false}`)
	if p, _ := srv.ProvisionConfig("svc", "f", "prod"); p["target"] != int64(3) {
		t.Fatalf("provision %v", p)
	}
	if got := run("get-provision", "svc", "f", "LATEST"); !strings.Contains(got, `"alwaysAllocateCPU": false`) {
		t.Fatalf("get-provision printed %s", got)
	}
	run("set-provision-target", "svc", "f", "prod", "0")
	run("set-provision-target", "svc", "f", "LATEST", "0")

	run("set-on-demand-max", "svc", "f", "prod", "10")
	if got := run("get-on-demand", "svc", "f", "prod"); !strings.Contains(got, `"maximumInstanceCount": 10`) {
		t.Fatalf("get-on-demand printed %s", got)
	}
	run("delete-on-demand", "svc", "f", "prod")

	dest := "acs:mns:cn-hangzhou:1234567890:/queues/q/messages"
	run("put-async-config", "svc", "f", "LATEST", `{"maxAsyncEventAgeInSeconds":600,"destinationConfig":{"onFailure":{"destination":"`+dest+`"}}}`)
	run("set-async-retry", "svc", "f", "LATEST", "1")
	run("set-async-retry", "svc", "f", "prod", "2")
	cfg, _ := srv.AsyncInvokeConfig("svc", "f", "LATEST")
	if cfg["maxAsyncRetryAttempts"] != int64(1) || cfg["maxAsyncEventAgeInSeconds"] != int64(600) || cfg["destinationConfig"] == nil {
		t.Fatalf("set-async-retry lost fields: %v", cfg)
	}
	if got := run("get-async-config", "svc", "f", "prod"); !strings.Contains(got, `"maxAsyncRetryAttempts": 2`) {
		t.Fatalf("get-async-config printed %s", got)
	}
	run("delete-async-config", "svc", "f", "prod")

	run("tag", "svc", "team=pay", "env=prod")
	run("untag", "svc", "env")
	if got := srv.Tags("svc"); !reflect.DeepEqual(got, map[string]string{"team": "pay"}) {
		t.Fatalf("tags %v", got)
	}
	if got := run("get-tags", "svc"); !strings.Contains(got, `"team": "pay"`) {
		t.Fatalf("get-tags printed %s", got)
	}

	if got := run("publish-layer", "deps", "layer.zip", `{"compatibleRuntime":["python3.9"],"description":"d"}`); got != "1\n" {
		t.Fatalf("publish-layer printed %q", got)
	}
	run("publish-layer", "deps", "code", `{"compatibleRuntime":["python3.9"]}`)
	run("delete-layer-version", "deps", "1")
	if got := srv.LayerVersions("deps"); !reflect.DeepEqual(got, []int{2}) {
		t.Fatalf("layer versions %v", got)
	}

	run("bind-vpc", "svc", "vpc-1")
	run("bind-vpc", "svc", "vpc-2")
	run("unbind-vpc", "svc", "vpc-1")
	if got := srv.VpcBindings("svc"); !reflect.DeepEqual(got, []string{"vpc-2"}) {
		t.Fatalf("bindings %v", got)
	}

	if got := run("invoke", "svc.prod", "f", "hello"); got != "hello\n" {
		t.Fatalf("invoke printed %q", got)
	}
	run("invoke-async", "svc", "f", "later")
	if in := srv.Invocations("svc", "f"); len(in) != 2 || in[0].Version != "2" || !in[1].Async {
		t.Fatalf("invocations %+v", in)
	}

	run("delete-alias", "svc", "prod")
	run("delete-version", "svc", "1")
	if got := srv.Versions("svc"); !reflect.DeepEqual(got, []string{"2"}) {
		t.Fatalf("versions %v", got)
	}

	var out bytes.Buffer
	if err := c.Run([]string{"set-alias-weight", "svc", "prod"}, &out); !errors.Is(err, fcconsole.ErrUsage) {
		t.Fatalf("missing arguments: %v", err)
	}
	if err := c.Run([]string{"set-provision-target", "svc", "f", "prod", "many"}, &out); !errors.Is(err, fcconsole.ErrUsage) {
		t.Fatalf("a count that is not a number: %v", err)
	}
}

func zipOf(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create(name)
	w.Write([]byte(content))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
