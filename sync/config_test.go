package sync

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fcsync/fcsync/fc"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	c, err := LoadConfig("fcsync.yaml", []byte(`# project
region: cn-hangzhou
accountId: 0123456789
services: [fc-deploy-service, other]
`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{Region: "cn-hangzhou", AccountID: "0123456789", Services: []string{"fc-deploy-service", "other"},
		LiveBranch: "fcsync/live/cn-hangzhou", SecretPatterns: DefaultSecretPatterns}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v, want %+v", c, want)
	}
	again, err := LoadConfig("fcsync.yaml", c.Marshal())
	if err != nil || !reflect.DeepEqual(again, c) {
		t.Errorf("Marshal round trip: %+v, %v\n%s", again, err, c.Marshal())
	}
	if got := string(c.Marshal()); got != `region: cn-hangzhou
accountId: "0123456789"
services: [fc-deploy-service, other]
secretPatterns: ['*PASS*', '*PWD*', '*SECRET*', '*TOKEN*', '*AUTH*', '*CREDENTIAL*', '*PRIVATE*', '*SALT*', '*DSN*', '*APIKEY*', '*_KEY', KEY_*, '*_KEY_*', KEY, '*_AK', AK_*, '*_AK_*', AK, '*_SK', SK_*, '*_SK_*', SK]
` {
		t.Errorf("Marshal:\n%s", got)
	}

	extra, err := LoadConfig("fcsync.yaml", []byte("region: r\nextraFields: [function.newField, service.logConfig.newKey]\n"))
	if err != nil || !reflect.DeepEqual(extra.ExtraFields, []string{"function.newField", "service.logConfig.newKey"}) {
		t.Errorf("extraFields: %+v, %v", extra, err)
	}
	if again, err := LoadConfig("fcsync.yaml", extra.Marshal()); err != nil || !reflect.DeepEqual(again, extra) {
		t.Errorf("Marshal round trip of extraFields: %+v, %v", again, err)
	}

	off, err := LoadConfig("p/fcsync.yaml", []byte("region: us-west-1\nliveBranch: live/us\nsecretPatterns: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if off.LiveBranch != "live/us" || off.SecretPatterns == nil || len(off.SecretPatterns) != 0 {
		t.Errorf("explicit settings lost: %+v", off)
	}
	if again, err := LoadConfig("fcsync.yaml", off.Marshal()); err != nil || !reflect.DeepEqual(again, off) {
		t.Errorf("Marshal round trip: %+v, %v", again, err)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ data, want string }{
		{"region: cn-hangzhou\nsecretPattern: [x]\n", `p/fcsync.yaml:2: unknown key "secretPattern"`},
		{"accountId: \"1\"\n", "p/fcsync.yaml:1: region is required"},
		{"", "p/fcsync.yaml: region is required"},
		{"region: [a\n", "p/fcsync.yaml:2: did not find expected ',' or ']'"},
		{"region: cn-hangzhou\nregion: x\n", "p/fcsync.yaml:2: region is set twice"},
		{"- region\n", "p/fcsync.yaml:1: must be a mapping of settings"},
		{"region: CN HZ\n", `p/fcsync.yaml:1: invalid region "CN HZ"`},
		{"region: r\nservices: [ok, 9bad]\n", `p/fcsync.yaml:2: services: invalid service name "9bad"`},
		{"region: r\nservices: one\n", "p/fcsync.yaml:2: services: must be a list"},
		{"region: r\nservices:\n  - {a: 1}\n", "p/fcsync.yaml:3: services: must be a single value"},
		{"region: r\nliveBranch: a..b\n", `p/fcsync.yaml:2: invalid liveBranch "a..b"`},
		{"region: r\nsecretPatterns: ['[']\n", `p/fcsync.yaml:2: secretPatterns: invalid pattern "["`},
		{"region: r\naccountId: a/b\n", `p/fcsync.yaml:2: invalid accountId "a/b"`},
		{"region: r\nextraFields: [newField]\n", `p/fcsync.yaml:2: extraFields: "newField" is not KIND.FIELD`},
		{"region: r\nextraFields: [version.x]\n", `p/fcsync.yaml:2: extraFields: "version.x" is not KIND.FIELD`},
	}
	for _, tt := range tests {
		_, err := LoadConfig("p/fcsync.yaml", []byte(tt.data))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want prefix %q", tt.data, err, tt.want)
			continue
		}
		if !errors.Is(err, ErrInvalidProject) {
			t.Errorf("%q: %v is not ErrInvalidProject", tt.data, err)
		}
	}
}

// A Config built in code with no patterns must not marshal into a file that
// switches secret protection off.
func TestMarshalNilPatternsKeepsDefaults(t *testing.T) {
	c := &Config{Region: "cn-hangzhou"}
	again, err := LoadConfig("fcsync.yaml", c.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.SecretPatterns, DefaultSecretPatterns) {
		t.Fatalf("patterns %v, want the defaults\n%s", again.SecretPatterns, c.Marshal())
	}
}

func TestFormatValueCutsRunes(t *testing.T) {
	got := FormatValue(strings.Repeat("函", 80))
	if !utf8.ValidString(got) || !strings.HasSuffix(got, "...") {
		t.Fatalf("FormatValue = %q", got)
	}
}

// TestConfigAPI pins the api setting: fc2 by default, fc3 tracking
// functions instead of services, anything else refused naming its line.
func TestConfigAPI(t *testing.T) {
	t.Parallel()
	c, err := LoadConfig("fcsync.yaml", []byte("region: cn-hangzhou\nfunctions: [web, svc$fn]\napi: fc3\n"))
	if err != nil || c.API != fc.FC3 || len(c.Roots()) != 2 {
		t.Fatalf("fc3 config = %+v, %v", c, err)
	}
	if c, err := LoadConfig("fcsync.yaml", []byte("region: cn-hangzhou\n")); err != nil || c.API != fc.FC2 {
		t.Fatalf("default api = %+v, %v", c, err)
	}
	for data, want := range map[string]string{
		"region: cn-hangzhou\napi: fc4\n":                           `fcsync.yaml:2: api: unknown api "fc4" (want fc2 or fc3)`,
		"region: cn-hangzhou\napi: fc3\nservices: [s]\n":            "fcsync.yaml:3: services: an api: fc3 project tracks functions",
		"region: cn-hangzhou\nfunctions: [f]\n":                     "fcsync.yaml:2: functions: an api: fc2 project tracks services",
		"region: cn-hangzhou\napi: fc3\nfunctions: [9bad]\n":        "fcsync.yaml:3: functions: invalid function name",
		"region: cn-hangzhou\napi: fc3\nextraFields: [service.x]\n": "fcsync.yaml:3: extraFields",
	} {
		_, err := LoadConfig("fcsync.yaml", []byte(data))
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrInvalidProject) {
			t.Errorf("LoadConfig(%q) = %v, want %q", data, err, want)
		}
	}
}
