package fc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/credentials-go/credentials"
	"gopkg.in/ini.v1"
)

// The credential chain, as the Alibaba Cloud tools keep credentials, in
// this order (the first source that holds one wins):
//
//  1. the environment: ALIBABA_CLOUD_ACCESS_KEY_ID and _SECRET, with
//     ALIBABA_CLOUD_SECURITY_TOKEN for STS;
//  2. an OIDC role for CI: ALIBABA_CLOUD_ROLE_ARN,
//     ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE;
//  3. the credentials file of the Alibaba Cloud SDKs,
//     ALIBABA_CLOUD_CREDENTIALS_FILE or ~/.alibabacloud/credentials (ini),
//     profile --profile, else ALIBABA_CLOUD_PROFILE, else "default";
//  4. the aliyun CLI's ~/.aliyun/config.json, the same profile, else the
//     CLI's current one;
//  5. Serverless Devs' ~/.s/access.yaml (`s config add`), the alias named
//     by the profile, else "default": it also holds the account id;
//  6. the ECS instance's RAM role named by ALIBABA_CLOUD_ECS_METADATA.
//
// credentials-go's own default chain is not used: it knows no profile but
// "default", not the aliyun CLI's file, and drops the STS token of the
// environment. When nothing is found, the error says where fcsync looked.

// Environment variables of the chain besides those of ResolveConfig.
const (
	EnvProfile         = "ALIBABA_CLOUD_PROFILE"
	EnvCredentialsFile = "ALIBABA_CLOUD_CREDENTIALS_FILE"
	EnvRoleArn         = "ALIBABA_CLOUD_ROLE_ARN"
	EnvOIDCProviderArn = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"
	EnvOIDCTokenFile   = "ALIBABA_CLOUD_OIDC_TOKEN_FILE"
	EnvECSMetadata     = "ALIBABA_CLOUD_ECS_METADATA"
)

// credentialChain finds the first credential of the chain. source names
// where it came from, for --debug and messages.
func credentialChain() (cfg *credentials.Config, source string, err error) {
	var looked []string
	id, secret := os.Getenv(EnvAccessKeyID), os.Getenv(EnvAccessKeySecret)
	if id != "" && secret != "" {
		c := &credentials.Config{Type: tea.String("access_key"), AccessKeyId: tea.String(id), AccessKeySecret: tea.String(secret)}
		if token := os.Getenv(EnvSecurityToken); token != "" {
			c.Type, c.SecurityToken = tea.String("sts"), tea.String(token)
		}
		return c, "environment", nil
	}
	looked = append(looked, "the environment ("+EnvAccessKeyID+" and "+EnvAccessKeySecret+" not both set)")

	if role, provider, token := os.Getenv(EnvRoleArn), os.Getenv(EnvOIDCProviderArn), os.Getenv(EnvOIDCTokenFile); role != "" && provider != "" && token != "" {
		return &credentials.Config{Type: tea.String("oidc_role_arn"), RoleArn: tea.String(role), OIDCProviderArn: tea.String(provider),
			OIDCTokenFilePath: tea.String(token), RoleSessionName: tea.String("fcsync")}, "OIDC role " + role, nil
	}
	looked = append(looked, "an OIDC role ("+EnvRoleArn+", "+EnvOIDCProviderArn+", "+EnvOIDCTokenFile+" not all set)")

	profile := os.Getenv(EnvProfile)
	home, _ := os.UserHomeDir()
	file := os.Getenv(EnvCredentialsFile)
	if file == "" && home != "" {
		file = filepath.Join(home, ".alibabacloud", "credentials")
	}
	if file != "" {
		c, err := fromCredentialsFile(file, profile)
		if err != nil || c != nil {
			return c, file, err
		}
		looked = append(looked, file+" (no profile "+orDefault(profile, "default")+")")
	}
	if home != "" {
		file := filepath.Join(home, ".aliyun", "config.json")
		c, err := fromAliyunConfig(file, profile)
		if err != nil || c != nil {
			return c, file, err
		}
		looked = append(looked, file+" (no profile "+orDefault(profile, "current")+")")
	}
	if home != "" {
		file, c, err := fromDevsAccess(home, profile)
		if err != nil || c != nil {
			return c, file, err
		}
		looked = append(looked, file+" (no key "+orDefault(profile, "default")+")")
	}
	if role := os.Getenv(EnvECSMetadata); role != "" {
		return &credentials.Config{Type: tea.String("ecs_ram_role"), RoleName: tea.String(role)}, "ECS RAM role " + role, nil
	}
	looked = append(looked, "the ECS RAM role ("+EnvECSMetadata+" not set)")
	return nil, "", fmt.Errorf("credentials: none found; looked in %s", strings.Join(looked, ", "))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// fromCredentialsFile reads one profile of the SDKs' ini credentials file:
// nil when the file or the profile does not exist.
func fromCredentialsFile(path, profile string) (*credentials.Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	f, err := ini.Load(data)
	if err != nil {
		return nil, fmt.Errorf("credentials: %s: %w", path, err)
	}
	name := orDefault(profile, "default")
	if !f.HasSection(name) {
		return nil, nil
	}
	sec := f.Section(name)
	get := func(k string) *string { return tea.String(sec.Key(k).String()) }
	need := func(c *credentials.Config, keys ...string) (*credentials.Config, error) {
		for _, k := range keys {
			if sec.Key(k).String() == "" {
				return nil, fmt.Errorf("credentials: %s: profile %s (type %s) has no %s", path, name, sec.Key("type").String(), k)
			}
		}
		return c, nil
	}
	switch t := sec.Key("type").String(); t {
	case "access_key", "":
		return need(&credentials.Config{Type: tea.String("access_key"), AccessKeyId: get("access_key_id"), AccessKeySecret: get("access_key_secret")},
			"access_key_id", "access_key_secret")
	case "sts":
		return need(&credentials.Config{Type: tea.String("sts"), AccessKeyId: get("access_key_id"), AccessKeySecret: get("access_key_secret"),
			SecurityToken: get("security_token")}, "access_key_id", "access_key_secret", "security_token")
	case "ram_role_arn":
		return need(&credentials.Config{Type: tea.String("ram_role_arn"), AccessKeyId: get("access_key_id"), AccessKeySecret: get("access_key_secret"),
			RoleArn: get("role_arn"), RoleSessionName: tea.String(orDefault(sec.Key("role_session_name").String(), "fcsync"))},
			"access_key_id", "access_key_secret", "role_arn")
	case "ecs_ram_role":
		return need(&credentials.Config{Type: tea.String("ecs_ram_role"), RoleName: get("role_name")}, "role_name")
	default:
		return nil, fmt.Errorf("credentials: %s: profile %s: type %q is not one fcsync reads (access_key, sts, ram_role_arn, ecs_ram_role)", path, name, t)
	}
}

// aliyunConfig is the part of the aliyun CLI's config.json fcsync reads.
type aliyunConfig struct {
	Current  string `json:"current"`
	Profiles []struct {
		Name            string `json:"name"`
		Mode            string `json:"mode"`
		AccessKeyID     string `json:"access_key_id"`
		AccessKeySecret string `json:"access_key_secret"`
		StsToken        string `json:"sts_token"`
		RamRoleName     string `json:"ram_role_name"`
		RamRoleArn      string `json:"ram_role_arn"`
		RoleSessionName string `json:"ram_session_name"`
	} `json:"profiles"`
}

// fromAliyunConfig reads a profile of the aliyun CLI's configuration (the
// current one when profile is empty): nil when there is none.
func fromAliyunConfig(path, profile string) (*credentials.Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	var cfg aliyunConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("credentials: %s: %w", path, err)
	}
	name := orDefault(profile, orDefault(cfg.Current, "default"))
	for _, p := range cfg.Profiles {
		if p.Name != name {
			continue
		}
		switch p.Mode {
		case "AK", "":
			return &credentials.Config{Type: tea.String("access_key"), AccessKeyId: tea.String(p.AccessKeyID), AccessKeySecret: tea.String(p.AccessKeySecret)}, nil
		case "StsToken":
			return &credentials.Config{Type: tea.String("sts"), AccessKeyId: tea.String(p.AccessKeyID), AccessKeySecret: tea.String(p.AccessKeySecret),
				SecurityToken: tea.String(p.StsToken)}, nil
		case "RamRoleArn":
			return &credentials.Config{Type: tea.String("ram_role_arn"), AccessKeyId: tea.String(p.AccessKeyID), AccessKeySecret: tea.String(p.AccessKeySecret),
				RoleArn: tea.String(p.RamRoleArn), RoleSessionName: tea.String(orDefault(p.RoleSessionName, "fcsync"))}, nil
		case "EcsRamRole":
			return &credentials.Config{Type: tea.String("ecs_ram_role"), RoleName: tea.String(p.RamRoleName)}, nil
		default:
			return nil, fmt.Errorf("credentials: %s: profile %s: mode %q is not one fcsync reads (AK, StsToken, RamRoleArn, EcsRamRole)", path, name, p.Mode)
		}
	}
	return nil, nil
}

// fromDevsAccess reads one alias of Serverless Devs' access.yaml: nil when
// the file or the alias does not exist, or the alias holds no Alibaba
// Cloud key (access.yaml keeps other clouds' keys too).
func fromDevsAccess(home, profile string) (string, *credentials.Config, error) {
	file, entries, err := readDevsAccess(home)
	if err != nil {
		return file, nil, fmt.Errorf("credentials: %s: %w", file, err)
	}
	name := orDefault(profile, "default")
	for _, e := range entries {
		if e.alias != name || e.keyID == "" || e.secret == "" {
			continue
		}
		c := &credentials.Config{Type: tea.String("access_key"), AccessKeyId: tea.String(e.keyID), AccessKeySecret: tea.String(e.secret)}
		if e.token != "" {
			c.Type, c.SecurityToken = tea.String("sts"), tea.String(e.token)
		}
		return file, c, nil
	}
	return file, nil, nil
}
