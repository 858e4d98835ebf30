package fc

import (
	"errors"
	"strings"
	"testing"
)

func TestResolveConfigPrecedence(t *testing.T) {
	t.Setenv(EnvEndpoint, "http://127.0.0.1:1")
	t.Setenv(EnvAccountID, "111")
	t.Setenv(EnvAccessKeyID, "AKID")
	t.Setenv(EnvAccessKeySecret, "SECRET")
	t.Setenv(EnvSecurityToken, "")

	cfg, err := ResolveConfig("http://127.0.0.1:2", "cn-hangzhou", "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Endpoint != "http://127.0.0.1:2" {
		t.Errorf("endpoint flag should win over %s: got %q", EnvEndpoint, cfg.Endpoint)
	}
	if cfg.AccountID != "111" {
		t.Errorf("account id should come from %s: got %q", EnvAccountID, cfg.AccountID)
	}
	id, err := cfg.Credential.GetAccessKeyId()
	if err != nil || *id != "AKID" {
		t.Errorf("credential from the environment: got %v, %v", id, err)
	}

	cfg, err = ResolveConfig("", "cn-hangzhou", "222")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Endpoint != "http://127.0.0.1:1" || cfg.AccountID != "222" {
		t.Errorf("want %s and the account id flag, got %q, %q", EnvEndpoint, cfg.Endpoint, cfg.AccountID)
	}
}

func TestResolveConfigSecurityToken(t *testing.T) {
	t.Setenv(EnvEndpoint, "")
	t.Setenv(EnvAccessKeyID, "STS.AKID")
	t.Setenv(EnvAccessKeySecret, "SECRET")
	t.Setenv(EnvSecurityToken, "TOKEN")
	cfg, err := ResolveConfig("", "cn-hangzhou", "123")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.Credential.GetSecurityToken()
	if err != nil || tok == nil || *tok != "TOKEN" {
		t.Errorf("security token: got %v, %v", tok, err)
	}
	proto, host, err := cfg.endpoint()
	if err != nil || proto != "https" || host != "123.cn-hangzhou.fc.aliyuncs.com" {
		t.Errorf("default endpoint: got %q %q %v", proto, host, err)
	}
}

func TestResolveConfigNoEndpoint(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv(EnvEndpoint, "")
	t.Setenv(EnvAccountID, "")
	t.Setenv(EnvAccessKeyID, "AKID")
	t.Setenv(EnvAccessKeySecret, "SECRET")
	_, err := ResolveConfig("", "cn-hangzhou", "")
	if !errors.Is(err, errNoEndpoint) {
		t.Fatalf("want errNoEndpoint without endpoint and account id, got %v", err)
	}
	// The message says where fcsync looked for the account id.
	for _, want := range []string{"account id: none found", "fcsync.yaml", EnvAccountID, "role ARN", ".s/access.yaml", ".fcli/config.yaml"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not name %q: %v", want, err)
		}
	}
}

func TestEndpointForms(t *testing.T) {
	for _, tc := range []struct {
		in, proto, host string
		bad             bool
	}{
		{in: "http://127.0.0.1:9000", proto: "http", host: "127.0.0.1:9000"},
		{in: "https://fc.example.com/", proto: "https", host: "fc.example.com"},
		{in: "127.0.0.1:9000", proto: "https", host: "127.0.0.1:9000"},
		{in: "HTTP://127.0.0.1:9000", proto: "http", host: "127.0.0.1:9000"},
		{in: "ftp://host", bad: true},
		{in: "http://host/path", bad: true},
		{in: "host/path", bad: true},
		{in: "http://user:secret@host", bad: true},
	} {
		proto, host, err := Config{Endpoint: tc.in}.endpoint()
		if tc.bad {
			if err == nil {
				t.Errorf("%q: want an error", tc.in)
			}
			continue
		}
		if err != nil || proto != tc.proto || host != tc.host {
			t.Errorf("%q: got %q %q %v, want %q %q", tc.in, proto, host, err, tc.proto, tc.host)
		}
	}
}
