package sync

import (
	"bytes"
	"testing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

func TestIsSecretName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"DB_PASSWORD": true, "db_password": true, "MYSECRET": true, "GITHUB_TOKEN": true,
		"API_KEY": true, "KEY_ID": true, "ACCESS_KEY_ID": true, "KEY": true, "key": true,
		"MONKEY": false, "KEYBOARD": false, "PORT": false, "KEYS": false, "TOKENIZER_PATH": true,
		// Issue 8: names whose values were committed in plain text.
		"DB_PASS": true, "PASSWD": true, "AUTH": true, "CREDENTIALS": true, "COOKIE_SALT": true,
		"SENTRY_DSN": true, "ApiKey": true, "PRIVATEKEY": true, "OSS_AK": true, "OSS_SK": true,
		"MYSQL_PWD": true, "AK": true, "SK_ID": true,
		"TASK": false, "DISK_SIZE": false, "BACKUP_DESK": false, "STAGE": false, "LOG_LEVEL": false,
	} {
		if got := IsSecretName(name, DefaultSecretPatterns); got != want {
			t.Errorf("IsSecretName(%q) = %v, want %v", name, got, want)
		}
	}
	if IsSecretName("DB_PASSWORD", []string{}) {
		t.Error("empty pattern list matched")
	}
}

func TestIsSecretRef(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]string{"${env:DB_PASSWORD}": "DB_PASSWORD", "${env:x1}": "x1"} {
		if got, ok := IsSecretRef(v); !ok || got != want {
			t.Errorf("IsSecretRef(%q) = %q, %v", v, got, ok)
		}
	}
	for _, v := range []string{"", "${env:}", "${env:A B}", "x${env:A}", "${env:A}x", "$env:A", "${ENV:A}"} {
		if _, ok := IsSecretRef(v); ok {
			t.Errorf("IsSecretRef(%q) accepted", v)
		}
	}
}

func secretState(value string) *State {
	s := fixtureState()
	id := fc.FunctionID("svc", "http-fn")
	r := s.Resources[id]
	vars := map[string]any{}
	for k, v := range r.Spec["environmentVariables"].(map[string]any) {
		vars[k] = v
	}
	vars["DB_PASSWORD"] = value
	vars["API_KEY"] = "ref-stays"
	vars["ALREADY"] = "${env:ALREADY}"
	spec := map[string]any{}
	for k, v := range r.Spec {
		spec[k] = v
	}
	spec["environmentVariables"] = vars
	s.Resources[id] = &fc.Resource{ID: id, Spec: spec, Status: r.Status, ETag: r.ETag}
	return s
}

func TestRedact(t *testing.T) {
	t.Parallel()
	const plaintext = "hunter2-canary-7f3a"
	original := secretState(plaintext)
	s := secretState(plaintext)
	shared := s.Resources[fc.FunctionID("svc", "http-fn")]
	patterns := append(append([]string(nil), DefaultSecretPatterns...), "ALREADY")
	Redact(s, RedactOptions{Patterns: patterns, Salt: "salt"})
	if shared.Spec["environmentVariables"].(map[string]any)["DB_PASSWORD"] != plaintext {
		t.Fatal("Redact changed the caller's maps")
	}
	r := s.Resources[fc.FunctionID("svc", "http-fn")]
	vars := r.Spec["environmentVariables"].(map[string]any)
	if vars["DB_PASSWORD"] != "${env:DB_PASSWORD}" || vars["API_KEY"] != "${env:API_KEY}" || vars["PORT"] != "8080" {
		t.Errorf("vars after Redact: %v", vars)
	}
	hashes := r.Status["secretHashes"].(map[string]any)
	if hashes["DB_PASSWORD"] != SecretHash("salt", "DB_PASSWORD", plaintext) || len(hashes) != 3 {
		t.Errorf("hashes %v", hashes)
	}
	if r.Status["codeChecksum"] != "123456789" {
		t.Error("other status lost")
	}

	tree, err := Render(s, RenderOptions{Live: true, Salt: "salt"})
	if err != nil {
		t.Fatal(err)
	}
	for p, f := range tree {
		if bytes.Contains(f.Data, []byte(plaintext)) {
			t.Errorf("%s holds the plaintext", p)
		}
	}
	// A change of the secret online changes the live tree, only in live.json.
	changed := secretState(plaintext + "!")
	Redact(changed, RedactOptions{Patterns: patterns, Salt: "salt"})
	tree2, err := Render(changed, RenderOptions{Live: true, Salt: "salt"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := filetree.Changed(tree, tree2); len(diff) != 1 || diff[0] != LiveFile {
		t.Errorf("changed files %v, want only %s", diff, LiveFile)
	}
	// Diff names the variable and withholds the value.
	got := Summary(Diff(s, changed))
	if want := "function svc/http-fn: environmentVariables.DB_PASSWORD: (secret changed)\n"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	// An unredacted state against a redacted one: the plaintext is withheld.
	if got := Summary(Diff(original, s)); bytes.Contains([]byte(got), []byte(plaintext)) {
		t.Errorf("summary %q shows the plaintext", got)
	}
}

func TestSecretHashSeparatesFields(t *testing.T) {
	t.Parallel()
	if SecretHash("s", "AB", "C") == SecretHash("s", "A", "BC") || SecretHash("s1", "A", "B") == SecretHash("s", "1A", "B") {
		t.Error("hash input fields run together")
	}
	if a, b := SaltFor("1", "cn-hangzhou"), SaltFor("1", "cn-hangzhou"); a != b || len(a) != 32 {
		t.Errorf("salts %q %q: want the same 32 hex digits", a, b)
	}
	if SaltFor("1", "cn-hangzhou") == SaltFor("2", "cn-hangzhou") || SaltFor("1", "cn-hangzhou") == SaltFor("1", "cn-shanghai") {
		t.Error("salts do not separate accounts and regions")
	}
}

func TestIsSecretValue(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{
		"postgres://app:pw@db:5432/app":                               true,
		"redis://:pw@cache:6379":                                      true,
		"https://key@o1.ingest.sentry.io/1":                           false, // no password: the name rule (DSN) covers it
		"https://example.com/a:b@c":                                   false,
		"-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----": true,
		"LTAI5tAbcdefghijklmnop":                                      true,
		"LTAIshort":                                                   false,
		"prod":                                                        false,
		"http://example.com:8080/path":                                false,
	} {
		if got := IsSecretValue(v); got != want {
			t.Errorf("IsSecretValue(%q) = %v, want %v", v, got, want)
		}
	}
}

// A value read from FC that looks like a reference is escaped, and reads
// back as the same literal; a reference does not.
func TestEscapeRoundTrip(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"${env:HOME}", "$${env:HOME}", "$$${env:X}", "${env:not a name}", "${env:}", "plain", "$HOME", "${HOME}", ""} {
		esc := EscapeValue(v)
		if _, isRef := IsSecretRef(esc); isRef {
			t.Errorf("EscapeValue(%q) = %q, a reference", v, esc)
		}
		if got, ok := UnescapeValue(esc); !ok || got != v {
			t.Errorf("UnescapeValue(EscapeValue(%q)) = %q, %v", v, got, ok)
		}
	}
	if _, ok := UnescapeValue("${env:DB_PASSWORD}"); ok {
		t.Error("a reference read as a literal")
	}
}

func TestIsCredentialName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": true, "ALIBABA_CLOUD_SECURITY_TOKEN": true, "alibaba_cloud_access_key_id": true,
		"ACCESS_KEY_SECRET": true, "ALICLOUD_SECRET_KEY": true, "MY_STS_TOKEN": true, "ALIYUN_AK": true,
		"DB_PASSWORD": false, "WEB2_DB_PASSWORD": false, "GITHUB_TOKEN": false,
	} {
		if got := IsCredentialName(name); got != want {
			t.Errorf("IsCredentialName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestScrubber(t *testing.T) {
	t.Parallel()
	var s Scrubber
	s.Add("s3cret-value", "ab", "true", "s3cret-value-longer")
	// A PEM block without its END line inside a JSON string (a diff hunk
	// of -o json) is hidden to the string's end, and the JSON stays whole.
	doc := `{"diff":"+  certificate: |-\n    -----BEGIN PRIVATE KEY-----\n    abc\n","path":"x"}`
	if got, want := s.Scrub(doc), `{"diff":"+  certificate: |-\n    -----BEGIN PRIVATE KEY-----[redacted]","path":"x"}`; got != want {
		t.Errorf("Scrub(%s) = %s, want %s", doc, got, want)
	}
	got := s.Scrub("x s3cret-value-longer y s3cret-value ab true postgres://u:pw@h/db LTAI5tAbcdefghijklmnop -----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----")
	want := "x [redacted] y [redacted] ab true postgres://u:[redacted]@h/db LTAI[redacted] -----BEGIN PRIVATE KEY-----[redacted]-----END PRIVATE KEY-----"
	if got != want {
		t.Errorf("Scrub =\n%q\nwant\n%q", got, want)
	}
	if !s.Holds("..s3cret-value..") || s.Holds("ab") {
		t.Error("Holds")
	}
}

// Redact names apart the same variable holding different values, keeps
// the references a state of names gives, and carries a blanked private
// key's hash over.
func TestRedactNames(t *testing.T) {
	t.Parallel()
	fn := func(name, pw string) *fc.Resource {
		return &fc.Resource{ID: fc.FunctionID("s", name), Spec: map[string]any{"environmentVariables": map[string]any{"DB_PASSWORD": pw}}}
	}
	dom := &fc.Resource{ID: fc.DomainID("a.example.com"), Spec: map[string]any{"certConfig": map[string]any{"certName": "c", "privateKey": ""}}}
	s := NewState()
	for _, r := range []*fc.Resource{fn("web", "one"), fn("web2", "two"), fn("web3", "one"), dom} {
		s.Resources[r.ID] = r
	}
	prev := NewState()
	prev.Resources[fc.FunctionID("s", "web3")] = fn("web3", "${env:KEPT}")
	prev.Resources[dom.ID] = &fc.Resource{ID: dom.ID, Spec: map[string]any{"certConfig": map[string]any{"privateKey": "${env:MY_KEY}"}},
		Status: map[string]any{"secretHashes": map[string]any{PrivateKeyField: "sha256:known"}}}
	Redact(s, RedactOptions{Patterns: DefaultSecretPatterns, Salt: "salt", Names: []*State{prev}})
	ref := func(name string) any {
		return s.Resources[fc.FunctionID("s", name)].Spec["environmentVariables"].(map[string]any)["DB_PASSWORD"]
	}
	if ref("web") != "${env:WEB_DB_PASSWORD}" || ref("web2") != "${env:WEB2_DB_PASSWORD}" || ref("web3") != "${env:KEPT}" {
		t.Errorf("references %v %v %v", ref("web"), ref("web2"), ref("web3"))
	}
	d := s.Resources[dom.ID]
	if d.Spec["certConfig"].(map[string]any)["privateKey"] != "${env:MY_KEY}" || d.Status["secretHashes"].(map[string]any)[PrivateKeyField] != "sha256:known" {
		t.Errorf("domain after Redact: %v %v", d.Spec, d.Status)
	}
}
