package emulator_test

import (
	"strings"
	"testing"

	fcapi "github.com/alibabacloud-go/fc-open-20210406/v2/client"
	"github.com/alibabacloud-go/tea/tea"
)

// A domain's private key is kept as given and blanked on every read, in
// StoredJSON too; DomainPrivateKey shows what FC holds, so a test can see
// a client blank or replace it.
func TestDomainPrivateKeyKeptAndHidden(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := sdk(t, s)
	cert := &fcapi.CertConfig{CertName: tea.String("c"), Certificate: tea.String("cert"), PrivateKey: tea.String("key-canary")}
	if _, err := c.CreateCustomDomain(&fcapi.CreateCustomDomainRequest{DomainName: tea.String("a.example.com"), CertConfig: cert}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetCustomDomain(tea.String("a.example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if k := tea.StringValue(got.Body.CertConfig.PrivateKey); k != "" {
		t.Errorf("GetCustomDomain returned the key %q", k)
	}
	if strings.Contains(string(s.StoredJSON()), "key-canary") {
		t.Error("StoredJSON shows the key")
	}
	if k, ok := s.DomainPrivateKey("a.example.com"); !ok || k != "key-canary" {
		t.Errorf("DomainPrivateKey = %q, %v", k, ok)
	}
	cert.PrivateKey = tea.String("")
	if _, err := c.UpdateCustomDomain(tea.String("a.example.com"), &fcapi.UpdateCustomDomainRequest{CertConfig: cert}); err != nil {
		t.Fatal(err)
	}
	if k, _ := s.DomainPrivateKey("a.example.com"); k != "" {
		t.Errorf("a blank key sent was not stored: %q", k)
	}
}
