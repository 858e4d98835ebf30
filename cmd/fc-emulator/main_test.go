package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

const secret = "s3cr3t-never-printed"

// binary is fc-emulator built by TestMain for the tests that run it.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fc-emulator-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "fc-emulator")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type proc struct {
	cmd    *exec.Cmd
	addr   string
	stderr *bytes.Buffer
	rest   chan string // the rest of standard output
}

// startBinary runs fc-emulator and reads the address from its first line.
func startBinary(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	p := &proc{cmd: cmd, stderr: &bytes.Buffer{}, rest: make(chan string, 1)}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	r := bufio.NewReader(stdout)
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("first line: %v (stderr: %s)", err, p.stderr)
	}
	if !regexp.MustCompile(`^127\.0\.0\.1:[0-9]+\n$`).MatchString(line) {
		t.Fatalf("first line %q is not the address", line)
	}
	p.addr = strings.TrimSpace(line)
	go func() {
		b, _ := io.ReadAll(r)
		p.rest <- string(b)
	}()
	return p
}

func client(t testing.TB, addr string) *fcapi.Client {
	t.Helper()
	c, err := fcapi.NewClient(&openapi.Config{Endpoint: tea.String(addr), Protocol: tea.String("http"),
		AccessKeyId: tea.String("AKID"), AccessKeySecret: tea.String(secret)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var creds = []string{"--account-id", "1234567890", "--access-key-id", "AKID", "--access-key-secret", secret}

// TestKillDuringWrites kills the emulator with SIGKILL while writes are in
// flight: after a restart on the same folder, every acknowledged write is
// there and the state loads.
func TestKillDuringWrites(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := startBinary(t, nil, append(creds, "--data", dir)...)
	c := client(t, p.addr)

	var mu sync.Mutex
	acked := map[string]string{} // function path -> checksum
	var wg sync.WaitGroup
	stopped := make(chan struct{})
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				svc := fmt.Sprintf("w%d-s%03d", w, i)
				if _, err := c.CreateService(&fcapi.CreateServiceRequest{ServiceName: tea.String(svc)}); err != nil {
					return
				}
				mu.Lock()
				acked[svc] = ""
				mu.Unlock()
				code := zipOf(t, svc)
				_, err := c.CreateFunction(tea.String(svc), &fcapi.CreateFunctionRequest{FunctionName: tea.String("f"),
					Runtime: tea.String("python3.9"), Handler: tea.String("h"),
					Code: &fcapi.Code{ZipFile: tea.String(base64.StdEncoding.EncodeToString(code))}})
				if err != nil {
					return
				}
				mu.Lock()
				acked[svc+"/f"] = emulator.Checksum(code)
				mu.Unlock()
				select {
				case <-stopped:
					return
				default:
				}
			}
		})
	}
	// Kill once a fair number of writes were acknowledged, writers still busy.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 60 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
	close(stopped)
	wg.Wait()
	if len(acked) < 60 {
		t.Fatalf("only %d writes acknowledged before the kill", len(acked))
	}

	p2 := startBinary(t, nil, append(creds, "--data", dir)...)
	c2 := client(t, p2.addr)
	for path, sum := range acked {
		svc, fn, isFn := strings.Cut(path, "/")
		if !isFn {
			if _, err := c2.GetService(tea.String(svc), &fcapi.GetServiceRequest{}); err != nil {
				t.Fatalf("acknowledged service %s lost: %v", svc, err)
			}
			continue
		}
		got, err := c2.GetFunction(tea.String(svc), tea.String(fn), &fcapi.GetFunctionRequest{})
		if err != nil || tea.StringValue(got.Body.CodeChecksum) != sum {
			t.Fatalf("acknowledged function %s lost or changed: %v", path, err)
		}
	}

	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p2.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v (stderr: %s)", err, p2.stderr)
	}
	if rest := <-p2.rest; rest != "" {
		t.Fatalf("standard output after the address: %q", rest)
	}
	if strings.Contains(p.stderr.String()+p2.stderr.String(), secret) {
		t.Fatal("the secret was printed")
	}
}

// TestFlagsAndEnvironment starts the binary with credentials from the
// environment and faults from flags.
func TestFlagsAndEnvironment(t *testing.T) {
	t.Parallel()
	p := startBinary(t, []string{"ALIBABA_CLOUD_ACCOUNT_ID=1234567890", "ALIBABA_CLOUD_ACCESS_KEY_ID=AKID",
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + secret}, "--fail-nth", "ListServices=2", "--latency", "30ms")
	c := client(t, p.addr)
	begin := time.Now()
	if _, err := c.ListServices(&fcapi.ListServicesRequest{}); err != nil {
		t.Fatal(err)
	}
	if time.Since(begin) < 30*time.Millisecond {
		t.Fatal("--latency not applied")
	}
	_, err := c.ListServices(&fcapi.ListServicesRequest{})
	var se *tea.SDKError
	if !errors.As(err, &se) || tea.IntValue(se.StatusCode) != 500 {
		t.Fatalf("second ListServices: %v, want 500", err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGINT: %v", err)
	}
}

// TestAccessKeyFlag: --access-key adds key pairs, an STS one needing its
// token, beside the primary pair.
func TestAccessKeyFlag(t *testing.T) {
	t.Parallel()
	p := startBinary(t, nil, append(creds, "--access-key", "SECOND:second-secret", "--access-key", "STS.x:sts-secret:tok")...)
	for _, cfg := range []*openapi.Config{
		{AccessKeyId: tea.String("AKID"), AccessKeySecret: tea.String(secret)},
		{AccessKeyId: tea.String("SECOND"), AccessKeySecret: tea.String("second-secret")},
		{AccessKeyId: tea.String("STS.x"), AccessKeySecret: tea.String("sts-secret"), SecurityToken: tea.String("tok")},
	} {
		cfg.Endpoint, cfg.Protocol = tea.String(p.addr), tea.String("http")
		c, err := fcapi.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListServices(&fcapi.ListServicesRequest{}); err != nil {
			t.Errorf("key %s: %v", tea.StringValue(cfg.AccessKeyId), err)
		}
	}
	c, err := fcapi.NewClient(&openapi.Config{Endpoint: tea.String(p.addr), Protocol: tea.String("http"),
		AccessKeyId: tea.String("STS.x"), AccessKeySecret: tea.String("sts-secret"), SecurityToken: tea.String("other")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListServices(&fcapi.ListServicesRequest{}); err == nil {
		t.Error("an STS key with the wrong token was accepted")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
	for _, args := range [][]string{
		{"--fail-nth", "CreateService"},
		{"--fail-nth", "CreateService=0"},
		{"--latency", "soon"},
		{"--access-key", "id-without-secret"},
		{"--access-key", ":secret"},
		{"--addr", "127.0.0.1:0"}, // no credentials
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code == 0 || out.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q", args, code, out.String())
		}
	}
}

// TestLatencyFlag100Calls is issue 2's acceptance line as a user would run
// it: fc-emulator --latency 20ms, then 100 sequential calls through the Go
// SDK take at least 2 s.
func TestLatencyFlag100Calls(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 2 s by design")
	}
	t.Parallel()
	p := startBinary(t, nil, append(creds, "--latency", "20ms")...)
	c := client(t, p.addr)
	begin := time.Now()
	for range 100 {
		if _, err := c.ListServices(&fcapi.ListServicesRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(begin); d < 2*time.Second {
		t.Fatalf("100 calls with --latency 20ms took %v, want at least 2s", d)
	}
}

// zipOf is a one-file zip archive naming svc, so that each function's code
// and checksum differ.
func zipOf(t *testing.T, svc string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("index.py")
	if err == nil {
		_, err = fmt.Fprintf(w, "# %s\n", svc)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Error(err)
	}
	return buf.Bytes()
}
