package cli_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcsync/fcsync/fc/emulator"
)

// Credentials where the Alibaba Cloud tools keep them (issue 13, item 3):
// each source that can run here signs a fetch the emulator accepts, a
// profile is chosen with --profile or ALIBABA_CLOUD_PROFILE, and with none
// the error says where fcsync looked.
func TestCredentialSources(t *testing.T) {
	sts := emulator.AccessKey{ID: "STS.cred-test", Secret: "sts-secret", SecurityToken: "sts-token-never-printed"}
	srv, err := emulator.Start("127.0.0.1:0", emulator.Options{AccountID: testAccount, AccessKeyID: testKeyID, AccessKeySecret: testSecret,
		Keys: []emulator.AccessKey{sts}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	home := t.TempDir()
	setTestEnv(t, srv, home)
	proj := filepath.Join(home, "proj")
	fcsync(t, "init", "--region", "cn-hangzhou", proj)
	gitCmd(t, proj, "add", "-A")
	gitCmd(t, proj, "commit", "-q", "-m", "project")
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_PROFILE", "ALIBABA_CLOUD_CREDENTIALS_FILE"} {
		t.Setenv(k, "")
	}
	ini := filepath.Join(home, ".alibabacloud", "credentials")
	cliCfg := filepath.Join(home, ".aliyun", "config.json")
	devs := filepath.Join(home, ".s", "access.yaml")
	clean := func() { os.Remove(ini); os.Remove(cliCfg); os.Remove(devs) }
	for _, tc := range []struct {
		name     string
		env      map[string]string
		ini, cli string
		devs     string // Serverless Devs' access.yaml
		args     []string
		code     int
		want     string
	}{
		{name: "nothing", code: 1, want: "credentials: none found; looked in the environment"},
		{name: "environment STS", env: map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_ID": sts.ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": sts.Secret, "ALIBABA_CLOUD_SECURITY_TOKEN": sts.SecurityToken}},
		{name: "environment STS, wrong token", env: map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_ID": sts.ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": sts.Secret, "ALIBABA_CLOUD_SECURITY_TOKEN": "forged"}, code: 1},
		{name: "credentials file, default profile", ini: "[default]\ntype = access_key\naccess_key_id = " + testKeyID + "\naccess_key_secret = " + testSecret + "\n"},
		{name: "credentials file, --profile", ini: "[default]\ntype = access_key\naccess_key_id = nobody\naccess_key_secret = wrong\n[ci]\ntype = sts\naccess_key_id = " + sts.ID + "\naccess_key_secret = " + sts.Secret + "\nsecurity_token = " + sts.SecurityToken + "\n",
			args: []string{"--profile", "ci"}},
		{name: "credentials file, ALIBABA_CLOUD_PROFILE", env: map[string]string{"ALIBABA_CLOUD_PROFILE": "ci"},
			ini: "[ci]\ntype = access_key\naccess_key_id = " + testKeyID + "\naccess_key_secret = " + testSecret + "\n"},
		{name: "credentials file, missing profile", ini: "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b\n", args: []string{"--profile", "nope"},
			code: 1, want: "no profile nope"},
		{name: "aliyun CLI, current profile", cli: `{"current":"dev","profiles":[{"name":"dev","mode":"AK","access_key_id":"` + testKeyID + `","access_key_secret":"` + testSecret + `"}]}`},
		{name: "aliyun CLI, StsToken by --profile", cli: `{"current":"dev","profiles":[{"name":"dev","mode":"AK","access_key_id":"x","access_key_secret":"y"},{"name":"sts","mode":"StsToken","access_key_id":"` + sts.ID + `","access_key_secret":"` + sts.Secret + `","sts_token":"` + sts.SecurityToken + `"}]}`,
			args: []string{"--profile", "sts"}},
		{name: "Serverless Devs, --profile", devs: "default:\n  AccessKeyID: nobody\n  AccessKeySecret: wrong\nci:\n  AccountID: \"" + testAccount + "\"\n  AccessKeyID: " + testKeyID + "\n  AccessKeySecret: " + testSecret + "\n",
			args: []string{"--profile", "ci"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clean()
			defer os.Unsetenv("ALIBABA_CLOUD_PROFILE") // --profile sets it for the chain
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			if tc.ini != "" {
				write(t, filepath.Dir(ini), filepath.Base(ini), tc.ini)
			}
			if tc.cli != "" {
				write(t, filepath.Dir(cliCfg), filepath.Base(cliCfg), tc.cli)
			}
			if tc.devs != "" {
				write(t, filepath.Dir(devs), filepath.Base(devs), tc.devs)
			}
			args := append(append([]string{"--dir", proj}, tc.args...), "fetch")
			out, code := run(args...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Fatalf("fetch: exit %d, want %d and %q\n%s", code, tc.code, tc.want, out)
			}
			for _, secret := range []string{sts.Secret, sts.SecurityToken, testSecret} {
				if strings.Contains(out, secret) {
					t.Fatalf("output shows a credential:\n%s", out)
				}
			}
		})
	}
}

// The account id from the chain (issue 13, section 3): with neither
// fcsync.yaml nor ALIBABA_CLOUD_ACCOUNT_ID naming it, fcsync takes it from
// Serverless Devs' keys, the entry holding the AccessKey ID it signs with,
// and FC (the emulator, which refuses another account's requests) is
// called as that account; the live branch's author names it.
func TestAccountIDFromServerlessDevs(t *testing.T) {
	srv, err := emulator.Start("127.0.0.1:0", emulator.Options{AccountID: testAccount, AccessKeyID: testKeyID, AccessKeySecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	home := t.TempDir()
	setTestEnv(t, srv, home)
	if err := consoleFor(t, srv).Run([]string{"create-service", "demo"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(home, "proj")
	fcsync(t, "init", "--region", "cn-hangzhou", proj)
	gitCmd(t, proj, "add", "-A")
	gitCmd(t, proj, "commit", "-q", "-m", "project")
	t.Setenv("ALIBABA_CLOUD_ACCOUNT_ID", "")
	access := func(account string) {
		write(t, home, ".s/access.yaml", "default:\n  AccountID: \""+account+"\"\n  AccessKeyID: "+testKeyID+"\n  AccessKeySecret: not-this-one\n")
	}

	access("999")
	if out, code := run("--dir", proj, "fetch"); code != 1 {
		t.Fatalf("fetch as account 999: exit %d, want 1 (the emulator is account %s)\n%s", code, testAccount, out)
	}
	access(testAccount)
	if out, code := run("--dir", proj, "fetch"); code != 0 {
		t.Fatalf("fetch: exit %d\n%s", code, out)
	}
	cmd := exec.Command("git", "log", "-1", "--format=%ae", "fcsync/live/cn-hangzhou")
	cmd.Dir = proj
	if out, err := cmd.Output(); err != nil || strings.TrimSpace(string(out)) != "fc@"+testAccount+".cn-hangzhou" {
		t.Fatalf("live branch author %q, %v", out, err)
	}
}
