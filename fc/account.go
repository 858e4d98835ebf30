package fc

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aliyun/credentials-go/credentials"
	"gopkg.in/yaml.v3"
)

// The account id, when neither fcsync.yaml nor ALIBABA_CLOUD_ACCOUNT_ID
// names it, comes from where the Alibaba Cloud tools keep it beside the
// keys. The SDKs' credentials file and the aliyun CLI's config.json hold no
// account id, so these are read, first match wins:
//
//  1. the credential's role ARN (acs:ram::<account>:role/name: a RAM role
//     profile, or the OIDC role of CI): the account whose FC is called;
//  2. Serverless Devs' keys (~/.s/access.yaml, written by `s config add`,
//     which asks FC's console for the AccountID): the entry holding the
//     AccessKey ID fcsync signs with;
//  3. funcraft's ~/.fcli/config.yaml (`fun config`): its endpoint
//     https://<account>.<region>.fc.aliyuncs.com, when it holds the same
//     AccessKey ID.
//
// A key matched by its ID never gives another account's id. An ECS RAM
// role names no account locally: set it.

// accountFromChain finds the account id of the credential the chain chose;
// looked says where it searched, for the error when it found none.
func accountFromChain(cfg *credentials.Config) (account string, looked []string) {
	role := ""
	if cfg.RoleArn != nil {
		role = *cfg.RoleArn
	}
	if a := accountOfArn(role); a != "" {
		return a, nil
	}
	looked = append(looked, "the credential's role ARN (none)")
	keyID := ""
	if cfg.AccessKeyId != nil {
		keyID = *cfg.AccessKeyId
	}
	home, _ := os.UserHomeDir()
	if home == "" {
		return "", append(looked, "a home folder (none)")
	}
	if keyID == "" {
		return "", append(looked, "Serverless Devs' and funcraft's keys (the credential has no AccessKey ID to match them by)")
	}
	file, entries, err := readDevsAccess(home)
	switch {
	case err != nil:
		looked = append(looked, fmt.Sprintf("%s (%v)", file, err))
	default:
		for _, e := range entries {
			if e.keyID == keyID && e.account != "" {
				return e.account, nil
			}
		}
		looked = append(looked, file+" (no entry with the AccessKey ID fcsync signs with)")
	}
	fcli := filepath.Join(home, ".fcli", "config.yaml")
	if a, err := funcraftAccount(fcli, keyID); err != nil {
		looked = append(looked, fmt.Sprintf("%s (%v)", fcli, err))
	} else if a != "" {
		return a, nil
	} else {
		looked = append(looked, fcli+" (not for the AccessKey ID fcsync signs with)")
	}
	return "", looked
}

var arnAccountRE = regexp.MustCompile(`^acs:ram::([0-9]+):role/`)

func accountOfArn(arn string) string {
	if m := arnAccountRE.FindStringSubmatch(arn); m != nil {
		return m[1]
	}
	return ""
}

// devsEntry is one alias of Serverless Devs' access.yaml, decrypted.
type devsEntry struct {
	alias, account, keyID, secret, token string
}

// devsSecret is the passphrase Serverless Devs encrypts access.yaml's
// values with (its credential package's CRYPTO_STRING): obfuscation, not
// protection, so the file reads back anywhere.
const devsSecret = "SecretKey123"

// readDevsAccess reads ~/.s/access.yaml (or access.yml). A missing file
// is no entries.
func readDevsAccess(home string) (string, []devsEntry, error) {
	file := filepath.Join(home, ".s", "access.yaml")
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		alt := filepath.Join(home, ".s", "access.yml")
		if d, err2 := os.ReadFile(alt); err2 == nil {
			file, data, err = alt, d, nil
		} else {
			return file, nil, nil
		}
	}
	if err != nil {
		return file, nil, err
	}
	var doc map[string]map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return file, nil, fmt.Errorf("not Serverless Devs' access.yaml: %w", err)
	}
	var out []devsEntry
	for alias, kv := range doc {
		get := func(k string) string {
			s, ok := kv[k].(string)
			if !ok {
				if kv[k] == nil {
					return ""
				}
				s = fmt.Sprint(kv[k])
			}
			return devsDecrypt(s)
		}
		out = append(out, devsEntry{alias: alias, account: get("AccountID"), keyID: get("AccessKeyID"),
			secret: get("AccessKeySecret"), token: get("SecurityToken")})
	}
	return file, out, nil
}

// devsDecrypt reads one access.yaml value: crypto-js AES with a passphrase
// (OpenSSL's "Salted__" format: MD5 key derivation, AES-256-CBC), or the
// value itself when it is not one (written by hand).
func devsDecrypt(v string) string {
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(raw) < 32 || !bytes.HasPrefix(raw, []byte("Salted__")) || (len(raw)-16)%aes.BlockSize != 0 {
		return v
	}
	salt, ct := raw[8:16], raw[16:]
	key, iv := evpBytesToKey([]byte(devsSecret), salt, 32, aes.BlockSize)
	block, err := aes.NewCipher(key)
	if err != nil {
		return v
	}
	plain := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ct)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > aes.BlockSize || !bytes.Equal(plain[len(plain)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return v
	}
	return string(plain[:len(plain)-pad])
}

// evpBytesToKey is OpenSSL's EVP_BytesToKey with MD5 and one round, as
// crypto-js derives a key and IV from a passphrase.
func evpBytesToKey(pass, salt []byte, keyLen, ivLen int) (key, iv []byte) {
	var out, prev []byte
	for len(out) < keyLen+ivLen {
		h := md5.New()
		h.Write(prev)
		h.Write(pass)
		h.Write(salt)
		prev = h.Sum(nil)
		out = append(out, prev...)
	}
	return out[:keyLen], out[keyLen : keyLen+ivLen]
}

// funcraftAccount is the account of funcraft's config when it holds keyID.
func funcraftAccount(file, keyID string) (string, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var cfg struct {
		Endpoint    string `yaml:"endpoint"`
		AccessKeyID string `yaml:"access_key_id"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return "", fmt.Errorf("not funcraft's config: %w", err)
	}
	if cfg.AccessKeyID != keyID {
		return "", nil
	}
	host := cfg.Endpoint
	if _, rest, ok := strings.Cut(host, "://"); ok {
		host = rest
	}
	label, _, _ := strings.Cut(host, ".")
	if label == "" || strings.Trim(label, "0123456789") != "" {
		return "", nil
	}
	return label, nil
}
