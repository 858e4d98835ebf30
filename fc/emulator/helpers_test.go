package emulator_test

import (
	"errors"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/fcsync/fcsync/fc/emulator"
)

const (
	testAccount = "1234567890"
	testKey     = "AKID"
	testSecret  = "SECRET"
)

// start runs an emulator on a free loopback port for the test.
func start(t testing.TB, opts ...func(*emulator.Options)) *emulator.Server {
	t.Helper()
	o := emulator.Options{AccountID: testAccount, AccessKeyID: testKey, AccessKeySecret: testSecret}
	for _, f := range opts {
		f(&o)
	}
	s, err := emulator.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sdk is the real Go SDK client, configured as fcsync configures it for the
// emulator.
func sdk(t testing.TB, s *emulator.Server) *fcapi.Client {
	return sdkWith(t, s, testKey, testSecret)
}

func sdkWith(t testing.TB, s *emulator.Server, key, secret string) *fcapi.Client {
	t.Helper()
	c, err := fcapi.NewClient(&openapi.Config{
		Endpoint:        tea.String(s.Addr),
		Protocol:        tea.String("http"),
		AccessKeyId:     tea.String(key),
		AccessKeySecret: tea.String(secret),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantErr checks that err is the SDK's error for an FC error answer with
// this status and code.
func wantErr(t testing.TB, err error, status int, code string) {
	t.Helper()
	var se *tea.SDKError
	if !errors.As(err, &se) {
		t.Fatalf("got error %v, want SDK error %d %s", err, status, code)
	}
	if tea.IntValue(se.StatusCode) != status || tea.StringValue(se.Code) != code {
		t.Fatalf("got %d %s (%s), want %d %s", tea.IntValue(se.StatusCode), tea.StringValue(se.Code),
			tea.StringValue(se.Message), status, code)
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
