package fc

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
)

// devsEncrypt is what Serverless Devs' `s config add` writes for a value:
// crypto-js AES with its passphrase, in OpenSSL's salted format.
func devsEncrypt(t *testing.T, v string) string {
	salt := make([]byte, 8)
	if _, err := rand.Read(salt); err != nil {
		t.Fatal(err)
	}
	key, iv := evpBytesToKey([]byte(devsSecret), salt, 32, aes.BlockSize)
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	pad := aes.BlockSize - len(v)%aes.BlockSize
	plain := append([]byte(v), bytes.Repeat([]byte{byte(pad)}, pad)...)
	ct := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, plain)
	return base64.StdEncoding.EncodeToString(append(append([]byte("Salted__"), salt...), ct...))
}

func writeHome(t *testing.T, home, rel, content string) {
	t.Helper()
	p := filepath.Join(home, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Issue 13, section 3: the account id comes from the environment,
// fcsync.yaml, or the chain: where the Alibaba Cloud tools keep it beside
// the key fcsync signs with.
func TestAccountFromChain(t *testing.T) {
	for _, k := range []string{EnvEndpoint, EnvAccountID, EnvSecurityToken, EnvProfile, EnvCredentialsFile, EnvRoleArn, EnvOIDCProviderArn, EnvOIDCTokenFile, EnvECSMetadata} {
		t.Setenv(k, "")
	}
	for _, tc := range []struct {
		name    string
		keyID   string // in the environment; "" for none
		files   map[string]string
		account string // want; "" for the error
	}{
		{name: "Serverless Devs, the entry with the key", keyID: "LTAIdev",
			files: map[string]string{".s/access.yaml": "other:\n  AccountID: " + devsEncrypt(t, "999") + "\n  AccessKeyID: " + devsEncrypt(t, "LTAIother") + "\n" +
				"default:\n  AccountID: " + devsEncrypt(t, "1234567890") + "\n  AccessKeyID: " + devsEncrypt(t, "LTAIdev") + "\n  AccessKeySecret: " + devsEncrypt(t, "s") + "\n"},
			account: "1234567890"},
		{name: "Serverless Devs, written by hand", keyID: "LTAIdev",
			files:   map[string]string{".s/access.yml": "default:\n  AccountID: 1234567890\n  AccessKeyID: LTAIdev\n"},
			account: "1234567890"},
		{name: "Serverless Devs, another key only", keyID: "LTAIdev",
			files: map[string]string{".s/access.yaml": "default:\n  AccountID: \"999\"\n  AccessKeyID: LTAIother\n"}},
		{name: "Serverless Devs as the credential", files: map[string]string{".s/access.yaml": "default:\n  AccountID: " + devsEncrypt(t, "1234567890") +
			"\n  AccessKeyID: " + devsEncrypt(t, "LTAIdev") + "\n  AccessKeySecret: " + devsEncrypt(t, "s") + "\n"},
			account: "1234567890"},
		{name: "funcraft's config", keyID: "LTAIfun",
			files:   map[string]string{".fcli/config.yaml": "endpoint: 'https://1234567890.cn-shanghai.fc.aliyuncs.com'\naccess_key_id: LTAIfun\naccess_key_secret: x\n"},
			account: "1234567890"},
		{name: "a RAM role profile", files: map[string]string{".alibabacloud/credentials": "[default]\ntype = ram_role_arn\naccess_key_id = a\naccess_key_secret = b\nrole_arn = acs:ram::1234567890:role/deployer\n"},
			account: "1234567890"},
		{name: "nothing", keyID: "LTAIdev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			t.Setenv(EnvAccessKeyID, tc.keyID)
			t.Setenv(EnvAccessKeySecret, map[bool]string{true: "secret"}[tc.keyID != ""])
			for rel, content := range tc.files {
				writeHome(t, home, rel, content)
			}
			cfg, err := ResolveConfig("", "cn-hangzhou", "")
			if tc.account == "" {
				if err == nil {
					t.Fatalf("found account %q", cfg.AccountID)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.AccountID != tc.account {
				t.Fatalf("account %q, want %q", cfg.AccountID, tc.account)
			}
			if _, host, _ := cfg.endpoint(); host != tc.account+".cn-hangzhou.fc.aliyuncs.com" {
				t.Errorf("endpoint %q", host)
			}
			// Configured values win over the chain.
			t.Setenv(EnvAccountID, "555")
			if cfg, err := ResolveConfig("", "cn-hangzhou", ""); err != nil || cfg.AccountID != "555" {
				t.Errorf("%s should win: %q %v", EnvAccountID, cfg.AccountID, err)
			}
			if cfg, err := ResolveConfig("", "cn-hangzhou", "777"); err != nil || cfg.AccountID != "777" {
				t.Errorf("fcsync.yaml should win: %q %v", cfg.AccountID, err)
			}
		})
	}
}

func TestDevsDecrypt(t *testing.T) {
	for _, v := range []string{"", "x", "LTAI5tLongerThanOneBlockOfAES", "1234567890123456"} {
		if got := devsDecrypt(devsEncrypt(t, v)); got != v {
			t.Errorf("%q read back as %q", v, got)
		}
	}
	// Not crypto-js: the value as written.
	for _, v := range []string{"1234567890", "U2FsdGVkX1", "bm90IHNhbHRlZA=="} {
		if got := devsDecrypt(v); got != v {
			t.Errorf("%q read as %q", v, got)
		}
	}
}
