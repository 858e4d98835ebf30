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
