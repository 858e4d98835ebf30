package fc_test

import (
	"archive/zip"
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/credentials-go/credentials"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/fc/emulator"
)

const (
	testAccount = "1234567890"
	testKeyID   = "AKIDTEST"
	testSecret  = "s3cr3t-for-tests"
)

// startEmulator runs an emulator on a loopback port for the test's lifetime.
func startEmulator(t *testing.T, opts emulator.Options) *emulator.Server {
	t.Helper()
	opts.AccountID, opts.AccessKeyID, opts.AccessKeySecret = testAccount, testKeyID, testSecret
	s, err := emulator.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fastRetry keeps retry tests quick while still backing off.
var fastRetry = fc.RetryPolicy{MaxAttempts: 8, BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond, MaxElapsed: 10 * time.Second}

// newClient is a client of endpoint signing with keyID and secret.
func newClientWith(t *testing.T, endpoint, keyID, secret string, retry fc.RetryPolicy) *fc.Client {
	t.Helper()
	cred, err := credentials.NewCredential(&credentials.Config{
		Type: tea.String("access_key"), AccessKeyId: tea.String(keyID), AccessKeySecret: tea.String(secret)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := fc.NewClient(fc.Config{Endpoint: endpoint, Region: "cn-hangzhou", AccountID: testAccount,
		Credential: cred, Retry: retry, HTTPTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newClient(t *testing.T, s *emulator.Server) *fc.Client {
	return newClientWith(t, s.URL, testKeyID, testSecret, fastRetry)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// makeZip builds a code package holding the given files.
func makeZip(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, body := range files {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustCreate(t *testing.T, c *fc.Client, id fc.ID, spec map[string]any, code []byte) *fc.Resource {
	t.Helper()
	r, err := c.Create(testContext(t), id, spec, code)
	if err != nil {
		t.Fatalf("create %s: %v", id, err)
	}
	return r
}
