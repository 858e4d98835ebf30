package fc

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/fcsync/fcsync/internal/budget"
)

// Config says where the FC API is and who calls it.
type Config struct {
	// Endpoint is "http://127.0.0.1:9000", "https://host", or a bare
	// "host:port" (HTTPS assumed). Empty means the regional production
	// endpoint "<AccountID>.<Region>.fc.aliyuncs.com" over HTTPS.
	Endpoint  string
	Region    string
	AccountID string
	// API is the dialect the client speaks: FC2 (the zero value) or FC3.
	API API
	// Credential signs every request; nil means the default credential
	// chain (see ResolveCredential).
	Credential credentials.Credential
	Retry      RetryPolicy
	// HTTPTimeout bounds one HTTP attempt without a body; a request body
	// adds a second per 256 KiB. Zero means 30 s.
	HTTPTimeout time.Duration
	// MaxAnswer caps an API answer's size; zero means 32 MiB.
	MaxAnswer int64
	// Notify, if set, is told in one line when FC keeps a call waiting
	// longer than NoticeAfter (zero: 5 s).
	Notify      func(string)
	NoticeAfter time.Duration
	// Concurrency is the most calls the caller makes at once (connections
	// kept open for reuse; also the start of adaptive concurrency).
	Concurrency int
	// Budget, if set, bounds the bytes code downloads hold at once, shared
	// with whatever else the caller gives it to (unpacking).
	Budget *budget.Budget
	// Trace, if set, is told about every API attempt (--debug).
	Trace func(Call)
}

// RetryPolicy bounds the retries of one API operation. Zero fields take the
// defaults: 6 attempts, 100 ms base delay, 5 s cap on one delay, 60 s in all.
type RetryPolicy struct {
	MaxAttempts int
	BaseDelay   time.Duration
	MaxDelay    time.Duration
	MaxElapsed  time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 6
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 100 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 5 * time.Second
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = 60 * time.Second
	}
	return p
}

const defaultHTTPTimeout = 30 * time.Second

// Environment variables read by ResolveConfig (DESIGN section 6).
const (
	EnvEndpoint        = "FC_ENDPOINT"
	EnvAccountID       = "ALIBABA_CLOUD_ACCOUNT_ID"
	EnvAccessKeyID     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvSecurityToken   = "ALIBABA_CLOUD_SECURITY_TOKEN"
)

// ResolveConfig builds a Config from command-line values (empty when not
// given) and the environment: the endpoint flag wins over FC_ENDPOINT; the
// account id (flag or fcsync.yaml) wins over ALIBABA_CLOUD_ACCOUNT_ID, which
// wins over what the credential chain knows of it (account.go); credentials
// come from the chain. It fails when no credentials are found, or when no
// endpoint can be derived, saying where it looked for the account id.
func ResolveConfig(endpoint, region, accountID string) (Config, error) {
	if endpoint == "" {
		endpoint = os.Getenv(EnvEndpoint)
	}
	looked := []string{"accountId in fcsync.yaml (or --account-id)", EnvAccountID}
	if accountID == "" {
		accountID = os.Getenv(EnvAccountID)
	}
	chain, source, err := credentialChain()
	if err != nil {
		return Config{}, err
	}
	if accountID == "" {
		var more []string
		accountID, more = accountFromChain(chain)
		looked = append(looked, more...)
	}
	cfg := Config{Endpoint: endpoint, Region: region, AccountID: accountID}
	if _, _, err := cfg.endpoint(); err != nil {
		if errors.Is(err, errNoEndpoint) && accountID == "" {
			return Config{}, fmt.Errorf("%w; account id: none found; looked in %s", err, strings.Join(looked, ", "))
		}
		return Config{}, err
	}
	cred, err := credentials.NewCredential(chain)
	if err != nil {
		return Config{}, fmt.Errorf("credentials from %s: %w", source, err)
	}
	cfg.Credential = cred
	return cfg, nil
}

// ResolveCredential returns the first credential of the chain described
// in credentials.go.
func ResolveCredential() (credentials.Credential, error) {
	cfg, source, err := credentialChain()
	if err != nil {
		return nil, err
	}
	cred, err := credentials.NewCredential(cfg)
	if err != nil {
		return nil, fmt.Errorf("credentials from %s: %w", source, err)
	}
	return cred, nil
}

var errNoEndpoint = errors.New("endpoint: none given: set --endpoint or " + EnvEndpoint + ", or a region and an account id")

// endpoint splits the configured endpoint into the protocol and the bare
// host[:port] the SDK wants (fc-api.md 1.1: a scheme inside the SDK's
// Endpoint would give "http://http://...").
func (c Config) endpoint() (protocol, host string, err error) {
	ep := c.Endpoint
	if ep == "" {
		if c.AccountID == "" || c.Region == "" {
			return "", "", errNoEndpoint
		}
		return "https", c.AccountID + "." + c.Region + ".fc.aliyuncs.com", nil
	}
	if !strings.Contains(ep, "://") {
		if strings.ContainsAny(ep, "/?#@ ") {
			return "", "", fmt.Errorf("endpoint %q: want a URL or host[:port]", ep)
		}
		return "https", ep, nil
	}
	u, err := url.Parse(ep)
	if err != nil {
		return "", "", fmt.Errorf("endpoint %q: %w", ep, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", "", fmt.Errorf("endpoint %q: scheme must be http or https", ep)
	}
	if u.User != nil {
		return "", "", errors.New("endpoint: must not carry user information")
	}
	if u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return "", "", fmt.Errorf("endpoint %q: want scheme://host[:port] and nothing else", ep)
	}
	return u.Scheme, u.Host, nil
}
